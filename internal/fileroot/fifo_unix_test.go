//go:build unix

package fileroot

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestFIFORefusedWithoutOpening(t *testing.T) {
	root := t.TempDir()
	var p *Policy
	fifo := filepath.Join(root, "pipe.vtt")
	must(t, syscall.Mkfifo(fifo, 0o600))
	// Would block forever if opened; Read must refuse it without opening.
	if _, err := p.Read("vtt_path", fifo, VTT); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("fifo: %v", err)
	}
	c, err := New([]string{root}, true)
	must(t, err)
	if _, err := c.Read("vtt_path", fifo, VTT); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("fifo (confined): %v", err)
	}
}
