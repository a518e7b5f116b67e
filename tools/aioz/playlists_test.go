package aioz

import (
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

func order(r tooltest.Result, key string) string {
	var ids []string
	list, _ := r.Get(key).([]any)
	for _, v := range list {
		ids = append(ids, v.(string))
	}
	return strings.Join(ids, ",")
}

// The acceptance: moving to top, bottom and between two items;
// each move is preceded by a playlist detail request, sends the next_id /
// previous_id the linked list needs (the fake refuses anything else) and
// the order read back is the one asked for.
func TestMovePlaylistItem(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	ids := h.fake.SeedMedia(aiozfake.MediaSeed{ID: "A", Title: "Alpha"}, aiozfake.MediaSeed{ID: "B", Title: "Bravo"},
		aiozfake.MediaSeed{ID: "C", Title: "Charlie"}, aiozfake.MediaSeed{ID: "D", Title: "Delta"})
	pl := h.run.OK(t, "aioz_create_playlist", map[string]any{"name": "Best of", "tags": []string{"a", "b"}}).Str("playlist", "id")
	for _, id := range ids {
		h.run.OK(t, "aioz_add_playlist_item", map[string]any{"playlist_id": pl, "media_id": id})
	}
	got := h.run.OK(t, "aioz_get_playlist", map[string]any{"playlist_id": pl})
	items := got.Get("playlist", "items").([]any)
	itemID := map[string]string{}
	for _, it := range items {
		m := it.(map[string]any)
		itemID[m["video_id"].(string)] = m["item_id"].(string)
	}

	cases := []struct {
		item, position, want string
		next, prev           string // video ids of the neighbours sent
	}{
		{"D", "top", "D,A,B,C", "A", ""},
		{"D", "bottom", "A,B,C,D", "", "C"},
		{"A", "after: C", "B,C,A,D", "D", "C"},
		{itemID["D"], "before: B", "D,B,C,A", "B", ""},
		{"A", "2", "D,A,B,C", "B", "D"},
		{"C", "  After: D", "D,C,A,B", "A", "D"},
	}
	for _, c := range cases {
		n := len(h.fake.Requests())
		res := h.run.OK(t, "aioz_move_playlist_item", map[string]any{"playlist_id": pl, "item": c.item, "position": c.position})
		if got := order(res, "after"); got != c.want || res.Get("as_asked") != true {
			t.Errorf("move %s %s: order %s (as_asked %v), want %s", c.item, c.position, got, res.Get("as_asked"), c.want)
		}
		if got := res.Str("sent", "next_id"); got != itemID[c.next] {
			t.Errorf("move %s %s: next_id %q, want the item of %q", c.item, c.position, got, c.next)
		}
		if got := res.Str("sent", "previous_id"); got != itemID[c.prev] {
			t.Errorf("move %s %s: previous_id %q, want the item of %q", c.item, c.position, got, c.prev)
		}
		var seq []string
		for _, r := range h.fake.Requests()[n:] {
			seq = append(seq, r.Method+" "+strings.TrimPrefix(r.Path, "/api")+"?"+r.RawQuery)
		}
		want := "GET /playlists/" + pl + "?,PUT /playlists/" + pl + "/items?,GET /playlists/" + pl + "?"
		if strings.Join(seq, ",") != want {
			t.Errorf("move %s %s: requests %v, want %s", c.item, c.position, seq, want)
		}
	}
	// Already in place: nothing is sent.
	n := len(h.fake.Requests())
	res := h.run.OK(t, "aioz_move_playlist_item", map[string]any{"playlist_id": pl, "item": "D", "position": "1"})
	if res.Get("sent") != nil || len(h.fake.Requests()) != n+1 {
		t.Errorf("a no-op move sent a request: %s", res.Str())
	}
	h.run.Fails(t, "aioz_move_playlist_item", map[string]any{"playlist_id": pl, "item": "Z", "position": "top"}, "`item`")
	h.run.Fails(t, "aioz_move_playlist_item", map[string]any{"playlist_id": pl, "item": "A", "position": "9"}, "`position`", "1 to 4")
	h.run.Fails(t, "aioz_move_playlist_item", map[string]any{"playlist_id": pl, "item": "A", "position": "after: A"}, "`position`")
	h.run.Fails(t, "aioz_move_playlist_item", map[string]any{"playlist_id": pl, "item": "A", "position": "sideways"}, "`position`")

	// Text shows the order, numbered.
	if !strings.Contains(res.Text, "| 1 | **Delta** ⬅️ | `D` |") {
		t.Errorf("card:\n%s", res.Text)
	}
	rm := h.run.OK(t, "aioz_remove_playlist_item", map[string]any{"playlist_id": pl, "item": "B"})
	if got := rm.Num("playlist", "item_count"); got != 3 {
		t.Errorf("after removing: %v items", got)
	}
	h.run.Fails(t, "aioz_add_playlist_item", map[string]any{"playlist_id": pl, "media_id": "A"}, "already in this playlist")
}

func TestPlaylistLifecycle(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	thumb := writePNG(t, "thumb.png", 64, 36)
	res := h.run.OK(t, "aioz_create_playlist", map[string]any{"name": "Talks", "tags": []string{"conf"},
		"metadata": []map[string]string{{"key": "year", "value": "2026"}}, "thumbnail_path": thumb})
	id := res.Str("playlist", "id")
	if res.Str("playlist", "thumbnail_url") == "" || res.Str("playlist", "metadata", "year") != "2026" || order(tooltest.Result{Data: res.Get("playlist").(map[string]any)}, "tags") != "conf" {
		t.Errorf("created: %s", res.Str())
	}
	h.run.Fails(t, "aioz_create_playlist", map[string]any{"name": "x", "thumbnail_path": writePNG(t, "a.gif", 1, 1)}, "`thumbnail_path`")
	up := h.run.OK(t, "aioz_update_playlist", map[string]any{"playlist_id": id, "name": "Talks 2026"})
	if up.Str("playlist", "name") != "Talks 2026" {
		t.Errorf("update: %s", up.Str())
	}
	h.run.Fails(t, "aioz_update_playlist", map[string]any{"playlist_id": id}, "`name`", "nothing to change")
	list := h.run.OK(t, "aioz_list_playlists", map[string]any{"search": "talks"})
	if list.Num("total") != 1 || !strings.Contains(list.Text, id) {
		t.Errorf("list: %s", list.Text)
	}
	h.run.OK(t, "aioz_delete_playlist_thumbnail", map[string]any{"playlist_id": id})
	h.run.Fails(t, "aioz_delete_playlist_thumbnail", map[string]any{"playlist_id": id}, "Thumbnail not found")
	h.run.OK(t, "aioz_delete_playlist", map[string]any{"playlist_id": id})
	h.run.Fails(t, "aioz_get_playlist", map[string]any{"playlist_id": id}, "not found")
}

// The public playlist player endpoint (L10) answers with the playlist and
// the default player, with no key: aioz_get_player_config reads it.
func TestPlaylistPlayerConfig(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	pl := h.run.OK(t, "aioz_create_playlist", map[string]any{"name": "Public reel"}).Str("playlist", "id")
	h.run.OK(t, "aioz_create_player", map[string]any{"name": "House style", "is_default": true})
	res := h.run.OK(t, "aioz_get_player_config", map[string]any{"kind": "playlist", "id": pl})
	if res.Str("config", "playlist", "id") != pl || res.Str("config", "player_theme", "name") != "House style" {
		t.Errorf("playlist player config: %s", res.Str())
	}
	h.run.Fails(t, "aioz_get_player_config", map[string]any{"kind": "playlist", "id": "nope"}, "not found")
}
