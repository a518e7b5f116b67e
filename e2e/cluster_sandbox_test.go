package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Replicas started with --sandbox-file share the fakes `mcp-media sandbox`
// runs: what one replica creates, another lists. With --sandbox on a shared
// store each would have its own fakes, so serve refuses that and says what
// to run instead.
func TestClusterSharedSandbox(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sandbox.json")
	sb := exec.Command(binPath, "sandbox", "--out", file)
	sb.Env = cleanEnv()
	out := &lockedBuffer{}
	sb.Stdout, sb.Stderr = out, out
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = sb.Wait(); close(exited) }()
	t.Cleanup(func() { _ = sb.Process.Kill(); <-exited })
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C stops") {
		if time.Now().After(deadline) {
			t.Fatalf("mcp-media sandbox did not start:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("sandbox file: %v %v, want mode 0600", fi, err)
	}

	c := newCluster(t, 2, func(int) []string { return cleanEnv("MCP_MEDIA_STATE_DIR=" + t.TempDir()) }, "--sandbox-file", file)
	c.route(-1, -1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cc := c.connect(ctx, nil)
	mustCall(t, ctx, cc.cs, "media_toolsets", map[string]any{"enable": []string{"aioz_playlists"}})
	name := "shared sandbox " + randHex(4)
	cc.pin.Store(0)
	var created struct {
		Playlist struct {
			ID string `json:"id"`
		} `json:"playlist"`
	}
	structured(t, mustCall(t, ctx, cc.cs, "aioz_create_playlist", map[string]any{"name": name}), &created)
	cc.pin.Store(1)
	res := mustCall(t, ctx, cc.cs, "aioz_list_playlists", map[string]any{"search": name})
	if created.Playlist.ID == "" || !strings.Contains(resultText(res), created.Playlist.ID) {
		t.Errorf("playlist %q created through replica 0 is not listed through replica 1:\n%s", created.Playlist.ID, resultText(res))
	}

	// --sandbox on a shared store: refused, pointing at --sandbox-file.
	cmd := exec.Command(binPath, "serve", "--transport", "http", "--sandbox", "--addr", freeAddr(t), "--state", c.redis)
	cmd.Env = cleanEnv("MCP_MEDIA_STATE_DIR=" + t.TempDir())
	msg, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !strings.Contains(string(msg), "--sandbox-file") {
		t.Errorf("serve --sandbox --state redis: %v\n%s", err, msg)
	}

	// Interrupted, the sandbox removes its file.
	_ = sb.Process.Signal(os.Interrupt)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("mcp-media sandbox did not stop on SIGINT")
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the sandbox file outlived the sandbox: %v", err)
	}
}
