package fileroot

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var png = []byte("\x89PNG\r\n\x1a\n0000000000000000")

func setup(t *testing.T) (root, outside string) {
	t.Helper()
	root, outside = t.TempDir(), t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "ok.png"), png, 0o600))
	must(t, os.WriteFile(filepath.Join(outside, "secret.png"), png, 0o600))
	must(t, os.WriteFile(filepath.Join(outside, "shadow"), []byte("root:$6$hash"), 0o600))
	must(t, os.Symlink(filepath.Join(outside, "secret.png"), filepath.Join(root, "link.png")))
	must(t, os.Symlink(outside, filepath.Join(root, "dirlink")))
	return root, outside
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestConfinedReadRefusesEverythingOutsideWithOneError(t *testing.T) {
	root, outside := setup(t)
	p, err := New([]string{root}, true)
	must(t, err)
	if got, err := p.Read("path", filepath.Join(root, "ok.png"), Image); err != nil || !strings.HasPrefix(got, root) {
		t.Fatalf("inside: %q %v", got, err)
	}
	if got, err := p.Read("path", "ok.png", Image); err != nil || filepath.Base(got) != "ok.png" {
		t.Fatalf("relative to the root: %q %v", got, err)
	}
	var msgs []string
	for _, bad := range []string{
		filepath.Join(outside, "secret.png"),     // plainly outside
		filepath.Join(root, "link.png"),          // symlink to a file outside
		filepath.Join(root, "dirlink", "shadow"), // through a symlinked folder
		filepath.Join(root, "..", filepath.Base(outside), "secret.png"),
		filepath.Join(root, "dirlink", "missing"), // missing, outside
		filepath.Join(outside, "missing"),         // missing, outside
		filepath.Join(root, "missing.png"),        // missing, inside
		"file://" + filepath.Join(outside, "secret.png"),
		"/etc/shadow",
	} {
		_, err := p.Read("path", bad, Image)
		var fe *Error
		if !errors.As(err, &fe) || fe.Problem != Outside {
			t.Fatalf("%s: %v", bad, err)
		}
		msgs = append(msgs, err.Error())
	}
	for _, m := range msgs {
		if m != msgs[0] {
			t.Fatalf("error texts differ, so they can probe paths:\n%s\n%s", m, msgs[0])
		}
		if strings.Contains(m, outside) {
			t.Fatalf("error names the outside path: %s", m)
		}
	}
}

func TestConfinedWrite(t *testing.T) {
	root, outside := setup(t)
	p, err := New([]string{root}, true)
	must(t, err)
	if _, err := p.Write("vtt_path", filepath.Join(root, "new.vtt")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		filepath.Join(outside, "new.vtt"),
		filepath.Join(root, "dirlink", "new.vtt"),
		filepath.Join(root, "nofolder", "new.vtt"),
	} {
		if _, err := p.Write("vtt_path", bad); err == nil || !strings.Contains(err.Error(), Outside) {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	if _, err := p.Write("vtt_path", filepath.Join(root, "link.png")); err == nil {
		t.Fatal("overwrote a symlink")
	}
	// A symlink planted after the check is not followed.
	target := filepath.Join(root, "late.vtt")
	must(t, os.Symlink(filepath.Join(outside, "planted"), target))
	if f, err := Create(target); err == nil {
		f.Close()
		t.Fatal("Create followed a symlink")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); err == nil {
		t.Fatal("a file appeared outside the root")
	}
}

func TestNetworkWithoutRootsRefusesPaths(t *testing.T) {
	root, _ := setup(t)
	p, err := New(nil, true)
	must(t, err)
	_, err = p.Read("path", filepath.Join(root, "ok.png"), Image)
	if err == nil || !strings.Contains(err.Error(), "--files-root") {
		t.Fatalf("read: %v", err)
	}
	if _, err := p.Write("vtt_path", filepath.Join(root, "x.vtt")); err == nil || !strings.Contains(err.Error(), "--files-root") {
		t.Fatalf("write: %v", err)
	}
}

func TestUnconfinedKeepsStdioBehaviour(t *testing.T) {
	root, outside := setup(t)
	var p *Policy // stdio without --files-root
	if got, err := p.Read("path", filepath.Join(root, "link.png"), Image); err != nil || got != filepath.Join(root, "link.png") {
		t.Fatalf("symlink on stdio: %q %v", got, err)
	}
	if _, err := p.Read("path", filepath.Join(outside, "missing"), Media); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing: %v", err)
	}
}

func TestKindChecks(t *testing.T) {
	root, _ := setup(t)
	var p *Policy
	must(t, os.WriteFile(filepath.Join(root, "fake.png"), []byte("just text, not an image"), 0o600))
	if _, err := p.Read("path", filepath.Join(root, "fake.png"), Image); err == nil || !strings.Contains(err.Error(), "not an image") {
		t.Fatalf("text as image: %v", err)
	}
	must(t, os.WriteFile(filepath.Join(root, "big.vtt"), make([]byte, VTT.Max+1), 0o600))
	if _, err := p.Read("path", filepath.Join(root, "big.vtt"), VTT); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("over the cap: %v", err)
	}
	if _, err := p.Read("path", root, VTT); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Fatalf("folder: %v", err)
	}
}
