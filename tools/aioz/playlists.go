package aioz

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Playlists are linked lists (next_id / previous_id). Seed 001 rule A6: a
// reorder reads the playlist detail first and takes the neighbours from it;
// aioz_move_playlist_item then reads it again and reports the order.

// ToolsetPlaylists is the playlists toolset (opt-in).
const ToolsetPlaylists = "aioz_playlists"

func (t *tools) playlistTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_create_playlist",
			Title:       "Create a playlist",
			Description: "Create an empty playlist with optional tags, metadata and a local .jpg/.png thumbnail.",
		}, t.createPlaylist),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_list_playlists",
			Title:       "List playlists",
			Description: "Playlists with search by name, tag filter and paging.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.listPlaylists),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_playlist",
			Title:       "Get a playlist",
			Description: "A playlist with its items in their playing (linked-list) order, numbered from 1.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.getPlaylist),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_update_playlist",
			Title:       "Update a playlist",
			Description: "Change a playlist's name, tags, metadata or thumbnail (local .jpg/.png); omitted values stay.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.updatePlaylist),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_add_playlist_item",
			Title:       "Add a video to a playlist",
			Description: "Append a media to the end of a playlist.",
		}, t.addPlaylistItem),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_move_playlist_item",
			Title:       "Move a playlist item",
			Description: "Move a video within a playlist to a position a person would say: top, bottom, after: <video or item id>, before: <id>, or a 1-based index. Reads the playlist first to compute next_id/previous_id, then reads it again and reports the new order.",
			Annotations: toolkit.Annotations{Idempotent: true},
		}, t.movePlaylistItem),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_remove_playlist_item",
			Title:       "Remove a video from a playlist",
			Description: "Take a video out of a playlist (by video id or item id); the media itself stays.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.removePlaylistItem),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_playlist_thumbnail",
			Title:       "Delete a playlist thumbnail",
			Description: "Remove a playlist's thumbnail image.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deletePlaylistThumbnail),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_playlist",
			Title:       "Delete a playlist",
			Description: "Delete a playlist; its videos stay in the library. Cannot be undone.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deletePlaylist),
	}
}

// ItemView is one playlist item in playing order.
type ItemView struct {
	Position   int    `json:"position" jsonschema_description:"1-based"`
	ItemID     string `json:"item_id"`
	VideoID    string `json:"video_id"`
	Title      string `json:"title,omitempty"`
	NextID     string `json:"next_id,omitempty"`
	PreviousID string `json:"previous_id,omitempty"`
}

// PlaylistView is a playlist as the tools show it.
type PlaylistView struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Tags         []string          `json:"tags"`
	Metadata     map[string]string `json:"metadata"`
	ThumbnailURL string            `json:"thumbnail_url,omitempty"`
	PlaylistURL  string            `json:"playlist_url,omitempty"`
	ItemCount    int               `json:"item_count"`
	Items        []ItemView        `json:"items"`
}

func playlistView(p aiozapi.Playlist) PlaylistView {
	v := PlaylistView{ID: p.ID, Name: p.Name, Tags: append([]string{}, p.Tags...), Metadata: map[string]string{},
		ThumbnailURL: p.ThumbnailURL, PlaylistURL: p.PlaylistURL, ItemCount: p.ItemCount, Items: []ItemView{}}
	for k, val := range p.Metadata {
		v.Metadata[k] = val
	}
	for i, it := range aiozapi.LinkedOrder(p.Items) {
		v.Items = append(v.Items, ItemView{Position: i + 1, ItemID: it.ID, VideoID: it.VideoID, Title: it.Media.Title, NextID: it.NextID, PreviousID: it.PreviousID})
	}
	if len(v.Items) > v.ItemCount {
		v.ItemCount = len(v.Items)
	}
	return v
}

func playlistCard(heading string, v PlaylistView, withItems bool, mark string, fields []templates.Field, notes, next []string) (string, error) {
	d := templates.PlaylistCard{Heading: heading, ID: v.ID, Name: v.Name, Tags: strings.Join(v.Tags, ", "), ItemCount: v.ItemCount,
		Thumbnail: v.ThumbnailURL, Fields: fields, ItemsShown: withItems, Notes: notes, Next: next}
	for _, it := range v.Items {
		title := it.Title
		if title == "" {
			title = "(untitled)"
		}
		d.Items = append(d.Items, templates.PlaylistRow{Position: it.Position, ItemID: it.ItemID, VideoID: it.VideoID, Title: title, Marked: mark != "" && it.ItemID == mark})
	}
	return templates.AIOZPlaylistCard.Render(d)
}

// readThumbnail reads and checks a playlist thumbnail argument (R8).
func readThumbnail(c *toolkit.Call, arg, path string) ([]byte, string, error) {
	data, name, err := readLocal(c, arg, path, []string{".jpg", ".jpeg", ".png"}, fileroot.Image, "a local .jpg, .jpeg or .png image")
	if err != nil {
		return nil, "", err
	}
	if !toolkit.PNGOrJPEG(data) {
		return nil, "", argerr.New(arg, name+" is neither a PNG nor a JPEG image (by its content)", "export the image as PNG or JPEG")
	}
	return data, name, nil
}

// CreatePlaylistInput are aioz_create_playlist's arguments.
type CreatePlaylistInput struct {
	Name          string             `json:"name" jsonschema:"required,minLength=1,maxLength=256"`
	Tags          []string           `json:"tags,omitempty" jsonschema:"maxItems=20"`
	Metadata      []aiozapi.Metadata `json:"metadata,omitempty" jsonschema:"maxItems=20"`
	ThumbnailPath string             `json:"thumbnail_path,omitempty" jsonschema:"maxLength=4096" jsonschema_description:"Local .jpg or .png"`
}

// PlaylistOutput is one playlist.
type PlaylistOutput struct {
	Playlist PlaylistView `json:"playlist"`
	Notes    []string     `json:"notes"`
}

func (t *tools) createPlaylist(ctx context.Context, c *toolkit.Call, in CreatePlaylistInput) (PlaylistOutput, string, error) {
	var thumb []byte
	var thumbName string
	if in.ThumbnailPath != "" {
		var err error
		if thumb, thumbName, err = readThumbnail(c, "thumbnail_path", in.ThumbnailPath); err != nil {
			return PlaylistOutput{}, "", err
		}
	}
	client, err := t.client.Get()
	if err != nil {
		return PlaylistOutput{}, "", err
	}
	p, err := client.CreatePlaylist(ctx, aiozapi.CreatePlaylistRequest{Name: in.Name, Tags: in.Tags, Metadata: in.Metadata})
	if err != nil {
		return PlaylistOutput{}, "", err
	}
	if thumb != nil {
		if err := client.UpdatePlaylist(ctx, p.ID, aiozapi.UpdatePlaylistRequest{ThumbnailName: thumbName, Thumbnail: thumb}); err != nil {
			return PlaylistOutput{}, "", fmt.Errorf("playlist %s (%q) was created, but uploading its thumbnail failed; retry with aioz_update_playlist thumbnail_path: %w", p.ID, p.Name, err)
		}
		if got, err := client.GetPlaylist(ctx, p.ID); err == nil {
			p = got
		}
	}
	out := PlaylistOutput{Playlist: playlistView(p), Notes: []string{}}
	return done(out)(playlistCard("Playlist created", out.Playlist, false, "", nil, nil,
		[]string{"Add videos with `aioz_add_playlist_item` (playlist_id `" + p.ID + "`)."}))
}

// ListPlaylistsInput are aioz_list_playlists' arguments.
type ListPlaylistsInput struct {
	Search  string   `json:"search,omitempty" jsonschema:"maxLength=100"`
	Tags    []string `json:"tags,omitempty" jsonschema:"maxItems=20"`
	SortBy  string   `json:"sort_by,omitempty" jsonschema:"enum=created_at,enum=name,default=created_at"`
	OrderBy string   `json:"order_by,omitempty" jsonschema:"enum=asc,enum=desc,default=asc"`
	Limit   int      `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset  int      `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// PlaylistListOutput is a page of playlists (without items).
type PlaylistListOutput struct {
	Playlists []PlaylistView `json:"playlists"`
	Page
}

func (t *tools) listPlaylists(ctx context.Context, c *toolkit.Call, in ListPlaylistsInput) (PlaylistListOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return PlaylistListOutput{}, "", err
	}
	list, err := client.ListPlaylists(ctx, aiozapi.ListPlaylistsRequest{Search: in.Search, Tags: in.Tags, SortBy: in.SortBy, OrderBy: in.OrderBy, Offset: in.Offset, Limit: in.Limit})
	if err != nil {
		return PlaylistListOutput{}, "", err
	}
	out := PlaylistListOutput{Playlists: []PlaylistView{}, Page: page(in.Offset, len(list.Playlists), list.Total)}
	d := templates.PlaylistList{Search: in.Search, Total: out.Total, NextOffset: out.NextOffset}
	for _, p := range list.Playlists {
		v := playlistView(p)
		out.Playlists = append(out.Playlists, v)
		d.Rows = append(d.Rows, templates.PlaylistListRow{ID: v.ID, Name: v.Name, Tags: strings.Join(v.Tags, ", "), Items: v.ItemCount})
	}
	text, err := templates.AIOZPlaylistList.Render(d)
	return out, text, err
}

// PlaylistIDInput names one playlist.
type PlaylistIDInput struct {
	PlaylistID string `json:"playlist_id" jsonschema:"required,minLength=1,maxLength=256"`
}

func (t *tools) getPlaylist(ctx context.Context, c *toolkit.Call, in PlaylistIDInput) (PlaylistOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return PlaylistOutput{}, "", err
	}
	p, err := client.GetPlaylist(ctx, in.PlaylistID)
	if err != nil {
		return PlaylistOutput{}, "", err
	}
	out := PlaylistOutput{Playlist: playlistView(p), Notes: []string{}}
	return done(out)(playlistCard("Playlist "+p.Name, out.Playlist, true, "", nil, nil, nil))
}

// UpdatePlaylistInput are aioz_update_playlist's arguments.
type UpdatePlaylistInput struct {
	PlaylistID    string             `json:"playlist_id" jsonschema:"required,minLength=1,maxLength=256"`
	Name          string             `json:"name,omitempty" jsonschema:"maxLength=256"`
	Tags          []string           `json:"tags,omitempty" jsonschema:"maxItems=20" jsonschema_description:"Replaces the tags"`
	Metadata      []aiozapi.Metadata `json:"metadata,omitempty" jsonschema:"maxItems=20" jsonschema_description:"Replaces the metadata"`
	ThumbnailPath string             `json:"thumbnail_path,omitempty" jsonschema:"maxLength=4096" jsonschema_description:"Local .jpg or .png"`
}

func (t *tools) updatePlaylist(ctx context.Context, c *toolkit.Call, in UpdatePlaylistInput) (PlaylistOutput, string, error) {
	req := aiozapi.UpdatePlaylistRequest{Name: in.Name, Tags: in.Tags}
	if len(in.Metadata) > 0 {
		req.Metadata = map[string]string{}
		for _, m := range in.Metadata {
			req.Metadata[m.Key] = m.Value
		}
	}
	if in.ThumbnailPath != "" {
		var err error
		if req.Thumbnail, req.ThumbnailName, err = readThumbnail(c, "thumbnail_path", in.ThumbnailPath); err != nil {
			return PlaylistOutput{}, "", err
		}
	}
	if req.Name == "" && req.Tags == nil && req.Metadata == nil && req.Thumbnail == nil {
		return PlaylistOutput{}, "", argerr.New("name", "nothing to change", "give name, tags, metadata or thumbnail_path")
	}
	client, err := t.client.Get()
	if err != nil {
		return PlaylistOutput{}, "", err
	}
	if err := client.UpdatePlaylist(ctx, in.PlaylistID, req); err != nil {
		return PlaylistOutput{}, "", err
	}
	p, err := client.GetPlaylist(ctx, in.PlaylistID)
	if err != nil {
		return PlaylistOutput{}, "", fmt.Errorf("the playlist was updated but reading it back failed: %w", err)
	}
	out := PlaylistOutput{Playlist: playlistView(p), Notes: []string{}}
	return done(out)(playlistCard("Playlist updated", out.Playlist, false, "", nil, nil, nil))
}

// AddItemInput are aioz_add_playlist_item's arguments.
type AddItemInput struct {
	PlaylistID string `json:"playlist_id" jsonschema:"required,minLength=1,maxLength=256"`
	MediaID    string `json:"media_id" jsonschema:"required,minLength=1,maxLength=256"`
}

func (t *tools) addPlaylistItem(ctx context.Context, c *toolkit.Call, in AddItemInput) (PlaylistOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return PlaylistOutput{}, "", err
	}
	if err := client.AddPlaylistItem(ctx, in.PlaylistID, in.MediaID); err != nil {
		return PlaylistOutput{}, "", err
	}
	p, err := client.GetPlaylist(ctx, in.PlaylistID)
	if err != nil {
		return PlaylistOutput{}, "", fmt.Errorf("the video was added but reading the playlist back failed: %w", err)
	}
	out := PlaylistOutput{Playlist: playlistView(p), Notes: []string{}}
	mark := ""
	if i := findItem(out.Playlist.Items, in.MediaID); i >= 0 {
		mark = out.Playlist.Items[i].ItemID
	}
	return done(out)(playlistCard("Video added to the playlist", out.Playlist, true, mark, nil, nil, nil))
}

// findItem is the index of the item with this item id or video id, or -1.
func findItem(items []ItemView, id string) int {
	id = strings.TrimSpace(id)
	for i, it := range items {
		if it.ItemID == id {
			return i
		}
	}
	for i, it := range items {
		if it.VideoID == id {
			return i
		}
	}
	return -1
}

// playlistItem reads playlist id afresh and finds item (a video id or
// playlist item id, argument `item`) among its items: the playlist, its
// items and the item's index.
func playlistItem(ctx context.Context, client *aiozapi.Client, id, item string) (aiozapi.Playlist, []ItemView, int, error) {
	p, err := client.GetPlaylist(ctx, id)
	if err != nil {
		return aiozapi.Playlist{}, nil, -1, err
	}
	items := playlistView(p).Items
	i := findItem(items, item)
	if i < 0 {
		return aiozapi.Playlist{}, nil, -1, argerr.New("item", fmt.Sprintf("%q is not in playlist %s", item, id), "use a video id or item id from aioz_get_playlist")
	}
	return p, items, i, nil
}

// MoveInput are aioz_move_playlist_item's arguments.
type MoveInput struct {
	PlaylistID string `json:"playlist_id" jsonschema:"required,minLength=1,maxLength=256"`
	Item       string `json:"item" jsonschema:"required,minLength=1,maxLength=256" jsonschema_description:"The video id or playlist item id to move"`
	Position   string `json:"position" jsonschema:"required,minLength=1,maxLength=80" jsonschema_description:"top, bottom, after: <video or item id>, before: <video or item id>, or a 1-based index such as 3"`
}

// MoveOutput is the move as sent and the order read back.
type MoveOutput struct {
	PlaylistID string               `json:"playlist_id"`
	Moved      string               `json:"moved_item_id"`
	Sent       *aiozapi.MoveRequest `json:"sent,omitempty" jsonschema_description:"The PUT body; absent when the item was already there"`
	Before     []string             `json:"before" jsonschema_description:"Video ids in order before the move"`
	After      []string             `json:"after" jsonschema_description:"Video ids in order as read back after the move"`
	AsAsked    bool                 `json:"as_asked" jsonschema_description:"The order read back is the one asked for"`
	Items      []ItemView           `json:"items"`
}

// target is where the item goes among the others (0 … len(rest)).
func target(pos string, items []ItemView, cur int) (int, error) {
	p := strings.ToLower(strings.TrimSpace(pos))
	rest := slices.Delete(slices.Clone(items), cur, cur+1)
	const fix = "say top, bottom, after: <video or item id>, before: <video or item id>, or a position from 1 to %d"
	switch p {
	case "top", "first", "start", "beginning":
		return 0, nil
	case "bottom", "last", "end":
		return len(rest), nil
	}
	orig := strings.TrimSpace(pos)
	for _, kw := range []string{"after", "before"} {
		if strings.HasPrefix(p, kw) {
			ref := strings.TrimSpace(strings.TrimLeft(orig[len(kw):], ":= "))
			if ref == "" {
				return 0, argerr.New("position", fmt.Sprintf("%q names no item", pos), fmt.Sprintf(fix, len(items)))
			}
			if k := findItem(items, ref); k == cur {
				return 0, argerr.New("position", fmt.Sprintf("%q refers to the item being moved", pos), "name another item")
			}
			k := findItem(rest, ref)
			if k < 0 {
				return 0, argerr.New("position", fmt.Sprintf("%q is not in this playlist", ref), "use a video id or item id from aioz_get_playlist")
			}
			if kw == "after" {
				return k + 1, nil
			}
			return k, nil
		}
	}
	n, err := strconv.Atoi(strings.TrimPrefix(p, "#"))
	if err != nil || n < 1 || n > len(items) {
		return 0, argerr.New("position", fmt.Sprintf("%q is not a position this playlist has", pos), fmt.Sprintf(fix, len(items)))
	}
	return n - 1, nil
}

func videoIDs(items []ItemView) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.VideoID)
	}
	return out
}

func (t *tools) movePlaylistItem(ctx context.Context, c *toolkit.Call, in MoveInput) (MoveOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return MoveOutput{}, "", err
	}
	// Rule A6: the neighbours come from a fresh read of the detail.
	p, before, cur, err := playlistItem(ctx, client, in.PlaylistID, in.Item)
	if err != nil {
		return MoveOutput{}, "", err
	}
	at, err := target(in.Position, before, cur)
	if err != nil {
		return MoveOutput{}, "", err
	}
	moved := before[cur]
	rest := slices.Delete(slices.Clone(before), cur, cur+1)
	want := slices.Insert(slices.Clone(rest), at, moved)
	out := MoveOutput{PlaylistID: in.PlaylistID, Moved: moved.ItemID, Before: videoIDs(before)}
	if at == cur {
		out.After, out.AsAsked, out.Items = out.Before, true, before
		v := playlistView(p)
		return done(out)(playlistCard("Already in place", v, true, moved.ItemID, nil, []string{"The item is already at that position; nothing was sent."}, nil))
	}
	req := aiozapi.MoveRequest{CurrentID: moved.ItemID}
	if at > 0 {
		req.PreviousID = rest[at-1].ItemID
	}
	if at < len(rest) {
		req.NextID = rest[at].ItemID
	}
	if err := client.MovePlaylistItem(ctx, in.PlaylistID, req); err != nil {
		return MoveOutput{}, "", err
	}
	out.Sent = &req
	p, err = client.GetPlaylist(ctx, in.PlaylistID)
	if err != nil {
		return MoveOutput{}, "", fmt.Errorf("the move was sent (current_id %s) but reading the playlist back failed: %w", req.CurrentID, err)
	}
	v := playlistView(p)
	out.Items, out.After = v.Items, videoIDs(v.Items)
	out.AsAsked = slices.Equal(out.After, videoIDs(want))
	var notes []string
	if !out.AsAsked {
		notes = append(notes, "The order read back is not the one asked for ("+strings.Join(videoIDs(want), ", ")+"); check it with aioz_get_playlist.")
	}
	fields := []templates.Field{{Name: "Moved", Value: fmt.Sprintf("%s from #%d to #%d", moved.VideoID, cur+1, at+1)}}
	if req.PreviousID != "" {
		fields = append(fields, templates.Field{Name: "previous_id", Value: req.PreviousID})
	}
	if req.NextID != "" {
		fields = append(fields, templates.Field{Name: "next_id", Value: req.NextID})
	}
	return done(out)(playlistCard("Playlist reordered", v, true, moved.ItemID, fields, notes, nil))
}

// RemoveItemInput are aioz_remove_playlist_item's arguments.
type RemoveItemInput struct {
	PlaylistID string `json:"playlist_id" jsonschema:"required,minLength=1,maxLength=256"`
	Item       string `json:"item" jsonschema:"required,minLength=1,maxLength=256" jsonschema_description:"The video id or playlist item id to remove"`
}

func (t *tools) removePlaylistItem(ctx context.Context, c *toolkit.Call, in RemoveItemInput) (PlaylistOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return PlaylistOutput{}, "", err
	}
	_, items, i, err := playlistItem(ctx, client, in.PlaylistID, in.Item)
	if err != nil {
		return PlaylistOutput{}, "", err
	}
	if err := client.RemovePlaylistItem(ctx, in.PlaylistID, items[i].ItemID); err != nil {
		return PlaylistOutput{}, "", err
	}
	p, err := client.GetPlaylist(ctx, in.PlaylistID)
	if err != nil {
		return PlaylistOutput{}, "", fmt.Errorf("the item was removed but reading the playlist back failed: %w", err)
	}
	out := PlaylistOutput{Playlist: playlistView(p), Notes: []string{}}
	fields := []templates.Field{{Name: "Removed", Value: items[i].VideoID + " (item " + items[i].ItemID + ")"}}
	return done(out)(playlistCard("Video removed from the playlist", out.Playlist, true, "", fields, nil, nil))
}

func (t *tools) deletePlaylistThumbnail(ctx context.Context, c *toolkit.Call, in PlaylistIDInput) (ChangeOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return ChangeOutput{}, "", err
	}
	if err := client.DeletePlaylistThumbnail(ctx, in.PlaylistID); err != nil {
		return ChangeOutput{}, "", err
	}
	return done(ChangeOutput{ID: in.PlaylistID, Done: "thumbnail_deleted", Notes: []string{}})(
		changeCard("🗑️", "Playlist thumbnail deleted", []templates.Field{{Name: "Playlist ID", Value: in.PlaylistID}}, nil, nil))
}

func (t *tools) deletePlaylist(ctx context.Context, c *toolkit.Call, in PlaylistIDInput) (ChangeOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return ChangeOutput{}, "", err
	}
	if err := client.DeletePlaylist(ctx, in.PlaylistID); err != nil {
		return ChangeOutput{}, "", err
	}
	return done(ChangeOutput{ID: in.PlaylistID, Done: "deleted", Notes: []string{}})(
		changeCard("🗑️", "Playlist deleted", []templates.Field{{Name: "Playlist ID", Value: in.PlaylistID}}, []string{"Its videos stay in the library."}, nil))
}
