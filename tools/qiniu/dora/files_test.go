package dora

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fileroot"
)

// Over a network transport a path argument may not leave --files-root, not
// even through a symlink, and nothing reaches the provider.
func TestPathArgumentsConfinedToFilesRoot(t *testing.T) {
	h := newHarness(t)
	root, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "shadow")
	if err := os.WriteFile(secret, []byte("root:$6$secrethash:19000:0:99999:7:::"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(root, "photo.jpg")); err != nil {
		t.Fatal(err)
	}
	pol, err := fileroot.New([]string{root}, true)
	if err != nil {
		t.Fatal(err)
	}
	h.env.Files = pol
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"qiniu_censor_image", map[string]any{"path": filepath.Join(root, "photo.jpg")}},
		{"qiniu_censor_image", map[string]any{"path": secret}},
		{"qiniu_transcribe_short", map[string]any{"path": secret}},
		{"qiniu_transcribe_realtime", map[string]any{"path": filepath.Join(root, "photo.jpg")}},
		{"qiniu_get_transcription", map[string]any{"task_id": "t1", "vtt_path": filepath.Join(outside, "x.vtt")}},
	} {
		res := h.call(c.tool, c.args)
		if !res.IsError || !strings.Contains(res.Text, fileroot.Outside) {
			t.Fatalf("%s %v: %s", c.tool, c.args, res.Text)
		}
		if strings.Contains(res.Text, "secrethash") || strings.Contains(res.Text, outside) {
			t.Fatalf("%s leaked: %s", c.tool, res.Text)
		}
	}
	h.noRequests()
}
