//go:build unix

package aioz

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// A FIFO used to hang aioz_add_chapter and aioz_set_media_thumbnail; a
// non-WebVTT file had its first line quoted back; a path outside
// --files-root could be uploaded.
func TestPathArgumentsChecked(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	ctx := context.Background()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.vtt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	notes := filepath.Join(dir, "notes.vtt")
	os.WriteFile(notes, []byte("password=hunter2-very-secret\nmore\n"), 0o600)
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"aioz_add_chapter", map[string]any{"media_id": "m1", "language": "en", "vtt_path": fifo}, "not a regular file"},
		{"aioz_set_media_thumbnail", map[string]any{"media_id": "m1", "image_path": filepath.Join(dir, "pipe.png")}, ""},
		{"aioz_add_chapter", map[string]any{"media_id": "m1", "language": "en", "vtt_path": notes}, "not valid WebVTT"},
	} {
		if c.tool == "aioz_set_media_thumbnail" {
			if err := syscall.Mkfifo(c.args["image_path"].(string), 0o600); err != nil {
				t.Fatal(err)
			}
			c.want = "not a regular file"
		}
		res := h.call(t, ctx, c.tool, c.args)
		text := toolkit.ResultText(res)
		if !res.IsError || !strings.Contains(text, c.want) || strings.Contains(text, "hunter2") {
			t.Fatalf("%s: %s", c.tool, text)
		}
	}

	root := t.TempDir()
	pol, _ := fileroot.New([]string{root}, true)
	h.env.Files = pol
	video := writeVideo(t, 1<<20)
	res := h.call(t, ctx, "aioz_upload_media", map[string]any{"file_path": video})
	if text := toolkit.ResultText(res); !res.IsError || !strings.Contains(text, fileroot.Outside) {
		t.Fatalf("upload outside the root: %s", text)
	}
}
