package aioz

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
)

// writePNG writes a w×h PNG and returns its path.
func writePNG(t *testing.T, name string, w, h int) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The acceptance: #FF0000, red and rgb(0,128,255) reach the fake
// as rgba(…) strings, sizes as px, each conversion in the result; the
// default warning and the CDN delay are said.
func TestCreatePlayerConvertsColoursAndSizes(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	first := h.run.OK(t, "aioz_create_player", map[string]any{"name": "Old default", "is_default": true})
	res := h.run.OK(t, "aioz_create_player", map[string]any{"name": "Brand", "is_default": true, "theme": map[string]any{
		"main_color": "#FF0000", "text_color": "red", "control_bar_background_color": "rgb(0,128,255)",
		"menu_background_color": "#0008", "control_bar_height": 40, "progress_bar_height": "4", "progress_bar_circle_size": "12px",
	}})
	conv := res.Str("conversions")
	for _, want := range []string{
		"main_color: `#FF0000` → `rgba(255, 0, 0, 1)`", "text_color: `red` → `rgba(255, 0, 0, 1)`",
		"control_bar_background_color: `rgb(0,128,255)` → `rgba(0, 128, 255, 1)`", "menu_background_color: `#0008` → `rgba(0, 0, 0, 0.53)`",
		"control_bar_height: `40` → `40px`", "progress_bar_height: `4` → `4px`",
	} {
		if !strings.Contains(conv, want) || !strings.Contains(res.Text, want) {
			t.Errorf("conversion %q missing from %s / text", want, conv)
		}
	}
	if strings.Contains(conv, "progress_bar_circle_size") {
		t.Errorf("12px needed no conversion but one was reported: %s", conv)
	}
	if !strings.Contains(res.Text, "loses its default status") || !strings.Contains(res.Text, "10 minutes") {
		t.Errorf("B12 warnings missing:\n%s", res.Text)
	}
	// What the fake stored is what was sent (it refuses anything else).
	id := res.Str("player", "id")
	got := h.run.OK(t, "aioz_get_player", map[string]any{"player_id": id})
	for field, want := range map[string]string{"main_color": "rgba(255, 0, 0, 1)", "text_color": "rgba(255, 0, 0, 1)",
		"control_bar_background_color": "rgba(0, 128, 255, 1)", "control_bar_height": "40px", "progress_bar_height": "4px", "progress_bar_circle_size": "12px"} {
		if v := got.Str("player", "theme", field); v != want {
			t.Errorf("stored %s = %q, want %q", field, v, want)
		}
	}
	if got.Get("player", "is_default") != true {
		t.Error("the new player is not the default")
	}
	if old := h.run.OK(t, "aioz_get_player", map[string]any{"player_id": first.Str("player", "id")}); old.Get("player", "is_default") != false {
		t.Error("the old default is still default (B12)")
	}
	h.run.Fails(t, "aioz_create_player", map[string]any{"name": "x", "theme": map[string]any{"main_color": "reddish"}}, "`theme.main_color`", "rgba")
	h.run.Fails(t, "aioz_create_player", map[string]any{"name": "x", "theme": map[string]any{"control_bar_height": "2em"}}, "`theme.control_bar_height`")
	up := h.run.OK(t, "aioz_update_player", map[string]any{"player_id": id, "theme": map[string]any{"main_color": "blue"}})
	if !strings.Contains(up.Text, "10 minutes") || up.Str("player", "theme", "main_color") != "rgba(0, 0, 255, 1)" {
		t.Errorf("update: %s", up.Text)
	}
}

func TestColourForms(t *testing.T) {
	for in, want := range map[string]string{
		"#f00": "rgba(255, 0, 0, 1)", "#ff000080": "rgba(255, 0, 0, 0.5)", "ff8800": "rgba(255, 136, 0, 1)",
		"rgba(0, 0, 0, 0.7)": "rgba(0, 0, 0, 0.7)", "RGBA(1,2,3,50%)": "rgba(1, 2, 3, 0.5)", "Navy": "rgba(0, 0, 128, 1)",
		"transparent": "rgba(0, 0, 0, 0)",
	} {
		if got, err := rgbaColor(in); err != nil || got != want {
			t.Errorf("rgbaColor(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"rgb(256,0,0)", "#12", "hsl(0,100%,50%)", "rgba(0,0,0,2)", "f00"} {
		if got, err := rgbaColor(bad); err == nil {
			t.Errorf("rgbaColor(%q) = %q, want an error", bad, got)
		}
	}
}

// B13: a logo over 100 KB or 200×100 px is refused before any request.
func TestLogoCheckedBeforeUpload(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	id := h.run.OK(t, "aioz_create_player", map[string]any{"name": "Brand"}).Str("player", "id")
	big := filepath.Join(t.TempDir(), "big.png")
	data := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 150*1024)...)
	if err := os.WriteFile(big, data, 0o600); err != nil {
		t.Fatal(err)
	}
	wide := writePNG(t, "wide.png", 300, 100)
	text := filepath.Join(t.TempDir(), "logo.png")
	os.WriteFile(text, []byte("not an image at all"), 0o600)
	n := len(h.fake.Requests())
	h.run.Fails(t, "aioz_upload_player_logo", map[string]any{"player_id": id, "logo_path": big}, "`logo_path`", "102400")
	h.run.Fails(t, "aioz_upload_player_logo", map[string]any{"player_id": id, "logo_path": wide}, "`logo_path`", "300×100", "200×100")
	h.run.Fails(t, "aioz_upload_player_logo", map[string]any{"player_id": id, "logo_path": text}, "`logo_path`", "PNG")
	if got := len(h.fake.Requests()); got != n {
		t.Errorf("%d requests were sent for refused logos", got-n)
	}
	res := h.run.OK(t, "aioz_upload_player_logo", map[string]any{"player_id": id, "logo_path": writePNG(t, "ok.png", 200, 100), "link": "https://example.com"})
	if res.Str("player", "asset", "logo_image_link") == "" || res.Str("player", "asset", "logo_link") != "https://example.com" {
		t.Errorf("logo not stored: %s", res.Str())
	}
	h.run.OK(t, "aioz_delete_player_logo", map[string]any{"player_id": id})
	h.run.Fails(t, "aioz_delete_player_logo", map[string]any{"player_id": id}, "Logo not found")
}

// B15: deleting an assigned player is refused; the tool names the videos
// and unassigns nothing.
func TestDeleteAssignedPlayerNamesVideos(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	media := h.fake.SeedMedia(aiozfake.MediaSeed{Title: "Keynote"}, aiozfake.MediaSeed{Title: "Other"})
	id := h.run.OK(t, "aioz_create_player", map[string]any{"name": "Brand"}).Str("player", "id")
	h.run.OK(t, "aioz_assign_player", map[string]any{"media_id": media[0], "player_id": id})
	res := h.run.Fails(t, "aioz_delete_player", map[string]any{"player_id": id}, media[0], "Keynote", "aioz_remove_player", "Nothing was deleted")
	if strings.Contains(res.Text, media[1]) {
		t.Errorf("names a video that does not use the player: %s", res.Text)
	}
	for _, r := range h.fake.Requests() {
		if strings.HasSuffix(r.Path, "/remove-player") {
			t.Fatal("the tool unassigned the player by itself")
		}
	}
	h.run.OK(t, "aioz_get_player", map[string]any{"player_id": id})
	h.run.OK(t, "aioz_remove_player", map[string]any{"media_id": media[0], "player_id": id})
	h.run.OK(t, "aioz_delete_player", map[string]any{"player_id": id})
	h.run.Fails(t, "aioz_get_player", map[string]any{"player_id": id}, "not found")
	list := h.run.OK(t, "aioz_list_players", map[string]any{})
	if list.Num("total") != 0 {
		t.Errorf("players left: %s", list.Str())
	}
}

// Annotations are truthful: every delete or remove is destructive, every
// list or get is read-only, the rest change state.
func TestSubtitlePlayerPlaylistAnnotations(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	n := 0
	for name, tl := range h.run.Tools {
		if !strings.Contains(name, "subtitle") && !strings.Contains(name, "player") && !strings.Contains(name, "playlist") ||
			name == "aioz_get_player_config" { // the live toolset's public player.json reader
			continue
		}
		n++
		a := tl.Annotations
		switch verb := strings.Split(name, "_")[1]; verb {
		case "delete", "remove":
			if !a.Destructive || a.ReadOnly {
				t.Errorf("%s: destructive %v, read-only %v", name, a.Destructive, a.ReadOnly)
			}
		case "list", "get":
			if !a.ReadOnly || a.Destructive || !a.Idempotent {
				t.Errorf("%s should be read-only and idempotent: %+v", name, a)
			}
		default:
			if a.ReadOnly {
				t.Errorf("%s changes state but is marked read-only", name)
			}
		}
		if !a.OpenWorld {
			t.Errorf("%s talks to AIOZ but is not open-world", name)
		}
	}
	if n != 23 { // 5 subtitle, 9 player, 9 playlist tools
		t.Errorf("%d subtitle, player and playlist tools, want 23", n)
	}
}
