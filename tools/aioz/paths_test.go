package aioz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/fileroot"
)

// The logo, thumbnail and subtitle paths go through --files-root, and a
// broken subtitle file is not quoted back.
func TestSubtitlePlayerPlaylistPathsConfined(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	m := h.fake.SeedMedia(aiozfake.MediaSeed{Title: "Talk"})[0]
	outside := t.TempDir()
	logo := writePNG(t, "logo.png", 10, 10)
	srt := filepath.Join(outside, "secret.srt")
	os.WriteFile(srt, []byte("1\nhunter2 is the password\n"), 0o600)
	res := h.run.Fails(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "en", "file_path": srt}, "`file_path`", "not valid SRT")
	if strings.Contains(res.Text, "hunter2") {
		t.Errorf("file content quoted back: %s", res.Text)
	}

	pol, err := fileroot.New([]string{t.TempDir()}, true)
	if err != nil {
		t.Fatal(err)
	}
	h.env.Files = pol
	player := h.run.OK(t, "aioz_create_player", map[string]any{"name": "p"}).Str("player", "id")
	n := len(h.fake.Requests())
	h.run.Fails(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "en", "file_path": srt}, "`file_path`", fileroot.Outside)
	h.run.Fails(t, "aioz_upload_player_logo", map[string]any{"player_id": player, "logo_path": logo}, "`logo_path`", fileroot.Outside)
	h.run.Fails(t, "aioz_create_playlist", map[string]any{"name": "l", "thumbnail_path": logo}, "`thumbnail_path`", fileroot.Outside)
	if len(h.fake.Requests()) != n {
		t.Error("a refused path still sent requests")
	}
}
