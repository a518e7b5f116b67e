package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

// TestKeyringChangeAppliesWithoutRestart runs one stdio server against the
// real keyring, and `auth set` / `auth delete` as other processes sharing
// its state dir: media_providers must see each change on the next call.
// Like TestKeyringRoundTrip it runs only with MCP_MEDIA_KEYRING_TEST=1
// (scripts/test, under dbus-run-session with an unlocked gnome-keyring).
func TestKeyringChangeAppliesWithoutRestart(t *testing.T) {
	env := cleanEnv(testkit.KeyringBus(t), "MCP_MEDIA_STATE_DIR="+t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.Command(binPath, "serve", "--toolsets", "media")
	cmd.Env = env
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	c := mcp.NewClient(&mcp.Implementation{Name: "mcp-media-keyring-change", Version: "1"}, nil)
	cs, err := c.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("initialize: %v\n%s", err, stderr.String())
	}
	defer cs.Close()
	aioz := func() (bool, string) {
		t.Helper()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "media_providers", Arguments: map[string]any{}})
		if err != nil || res.IsError {
			t.Fatalf("media_providers: %v %s", err, resultText(res))
		}
		raw, _ := json.Marshal(res.StructuredContent)
		var out struct {
			Providers []struct {
				Provider   string `json:"provider"`
				Configured bool   `json:"configured"`
				Source     string `json:"source"`
			} `json:"providers"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("media_providers output: %v\n%s", err, raw)
		}
		for _, p := range out.Providers {
			if p.Provider == "aioz" {
				return p.Configured, p.Source
			}
		}
		t.Fatalf("no aioz in %s", raw)
		return false, ""
	}
	if ok, src := aioz(); ok {
		t.Fatalf("aioz is already configured (from %s): run against a private keyring", src)
	}
	keys, _ := json.Marshal(map[string]string{"public_key": "e2e-change-pub-" + randHex(6), "secret_key": "e2e-change-sec-" + randHex(8)})
	if out, errOut, err := runBin(t, env, keys, "auth", "set", "aioz", "--stdin"); err != nil {
		t.Fatalf("auth set: %v\n%s%s", err, out, errOut)
	}
	t.Cleanup(func() { _, _, _ = runBin(t, env, nil, "auth", "delete", "aioz") })
	if ok, src := aioz(); !ok || src != "keyring" {
		t.Errorf("the next call after another process's auth set: configured=%v source=%q, want keyring", ok, src)
	}
	if out, errOut, err := runBin(t, env, nil, "auth", "delete", "aioz"); err != nil {
		t.Fatalf("auth delete: %v\n%s%s", err, out, errOut)
	}
	if ok, src := aioz(); ok {
		t.Errorf("the next call after another process's auth delete: still configured from %s", src)
	}
	if strings.Contains(stderr.String(), "locked") {
		t.Errorf("an unlocked keyring was reported locked:\n%s", stderr.String())
	}
}
