package main

import (
	"fmt"
	"io"

	"github.com/mark3labs/mcp-go/mcp"
)

// demoAIOZBrand is the demo's AIOZ publishing section on the uploaded
// teaser: subtitles from speech (Qiniu long ASR → WebVTT → AIOZ), a
// branded player assigned to it, and a playlist reordered by position.
func demoAIOZBrand(mediaID string, stdout io.Writer, call func(string, map[string]any) (*mcp.CallToolResult, error)) error {
	fmt.Fprintln(stdout, "── Publishing on AIOZ: subtitles from speech, a branded player, a playlist ──")
	fmt.Fprintln(stdout)
	if _, err := call("aioz_generate_subtitles", map[string]any{"media_id": mediaID, "language": "zh", "timeout_seconds": 60}); err != nil {
		return err
	}
	player, err := call("aioz_create_player", map[string]any{"name": "Launch brand",
		"theme": map[string]any{"main_color": "#FF6600", "text_color": "white"}})
	if err != nil {
		return err
	}
	playerID := field(player, "player", "id")
	if playerID == "" {
		return fmt.Errorf("demo: aioz_create_player returned no player id")
	}
	if _, err := call("aioz_assign_player", map[string]any{"media_id": mediaID, "player_id": playerID}); err != nil {
		return err
	}
	list, err := call("aioz_list_media", map[string]any{"limit": 5})
	if err != nil {
		return err
	}
	other := ""
	if m, ok := list.StructuredContent.(map[string]any); ok {
		items, _ := m["media"].([]any)
		for _, it := range items {
			if id, _ := it.(map[string]any)["id"].(string); id != "" && id != mediaID {
				other = id
				break
			}
		}
	}
	pl, err := call("aioz_create_playlist", map[string]any{"name": "Launch week"})
	if err != nil {
		return err
	}
	playlistID := field(pl, "playlist", "id")
	if playlistID == "" {
		return fmt.Errorf("demo: aioz_create_playlist returned no playlist id")
	}
	for _, id := range []string{mediaID, other} {
		if id == "" {
			continue
		}
		if _, err := call("aioz_add_playlist_item", map[string]any{"playlist_id": playlistID, "media_id": id}); err != nil {
			return err
		}
	}
	_, err = call("aioz_move_playlist_item", map[string]any{"playlist_id": playlistID, "item": mediaID, "position": "bottom"})
	return err
}

// field reads a string two levels into a result's structured content.
func field(res *mcp.CallToolResult, outer, inner string) string {
	m, _ := res.StructuredContent.(map[string]any)
	o, _ := m[outer].(map[string]any)
	s, _ := o[inner].(string)
	return s
}
