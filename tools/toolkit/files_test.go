package toolkit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// ReadMedia accepts a media file and names the argument in what it refuses.
func TestReadMediaNamesTheArgument(t *testing.T) {
	dir := t.TempDir()
	mp4 := filepath.Join(dir, "talk.mp4")
	head := append([]byte{0, 0, 0, 20}, "ftypisom\x00\x00\x00\x00mp41"...)
	if err := os.WriteFile(mp4, append(head, make([]byte, 600)...), 0o600); err != nil {
		t.Fatal(err)
	}
	c := testEnv().NewCall(context.Background(), nil)
	info, err := c.ReadMedia("file_path", mp4)
	if err != nil || info.Kind != "video" || info.Ext != "mp4" {
		t.Fatalf("ReadMedia(%s) = %+v, %v", mp4, info, err)
	}
	for _, p := range []string{filepath.Join(dir, "gone.mp4"), dir} {
		_, err := c.ReadMedia("file_path", p)
		var ae *argerr.Error
		if !errors.As(err, &ae) || ae.Arg != "file_path" {
			t.Errorf("ReadMedia(%s) = %v, want an argument error naming file_path", p, err)
		}
	}
	err = UnreadableFile("file_path", errors.New("open /x: permission denied"))
	if !strings.Contains(err.Error(), "`file_path`: open /x: permission denied. Fix: give a readable local file") {
		t.Errorf("UnreadableFile = %q", err)
	}
}

func TestDefaultName(t *testing.T) {
	for _, c := range []struct{ name, path, want string }{
		{" Talk ", "/v/x.mp4", "Talk"},
		{"", "/v/keynote.final.mp4", "keynote.final"},
		{"  ", "/v/noext", "noext"},
	} {
		if got := DefaultName(c.name, c.path); got != c.want {
			t.Errorf("DefaultName(%q, %q) = %q, want %q", c.name, c.path, got, c.want)
		}
	}
}

func TestPNGOrJPEG(t *testing.T) {
	for head, want := range map[string]bool{
		"\x89PNG\r\n\x1a\n...": true, "\xFF\xD8\xFF\xE0": true, "GIF89a": false, "\x89PN": false, "": false,
	} {
		if got := PNGOrJPEG([]byte(head)); got != want {
			t.Errorf("PNGOrJPEG(%q) = %v, want %v", head, got, want)
		}
	}
}
