package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

// TestKeyringRoundTrip stores random keys with `auth set aioz --stdin` in
// the real OS keyring, checks `auth status --json` says they come from the
// keyring, authenticates to an aiozfake with them while no key is in the
// environment, and deletes them. It runs only with MCP_MEDIA_KEYRING_TEST=1
// (scripts/test runs it under dbus-run-session with gnome-keyring) and then
// fails, never skips, when the keyring does not work.
func TestKeyringRoundTrip(t *testing.T) {
	// The keyring needs the D-Bus session; keys must come from nowhere else.
	env := cleanEnv(testkit.KeyringBus(t))
	pub, sec := "e2e-keyring-pub-"+randHex(8), "e2e-keyring-sec-"+randHex(12)
	keys, _ := json.Marshal(map[string]string{"public_key": pub, "secret_key": sec})

	source := func() (bool, string) {
		t.Helper()
		out, stderr, err := runBin(t, env, nil, "auth", "status", "--json")
		if err != nil {
			t.Fatalf("auth status --json: %v\n%s", err, stderr)
		}
		if strings.Contains(string(out), sec) || strings.Contains(string(out), pub) {
			t.Error("auth status printed a key")
		}
		var st []struct {
			Provider   string `json:"provider"`
			Configured bool   `json:"configured"`
			Source     string `json:"source"`
		}
		if err := json.Unmarshal(out, &st); err != nil {
			t.Fatalf("auth status --json: %v\n%s", err, out)
		}
		for _, s := range st {
			if s.Provider == "aioz" {
				return s.Configured, s.Source
			}
		}
		t.Fatalf("auth status --json has no aioz entry:\n%s", out)
		return false, ""
	}
	// Never overwrite (and then delete) keys someone already keeps there.
	if _, src := source(); src == "keyring" {
		t.Fatal("this keyring already holds aioz keys; run the test against a private keyring (scripts/test uses dbus-run-session), not a real one")
	}

	out, stderr, err := runBin(t, env, keys, "auth", "set", "aioz", "--stdin")
	if err != nil {
		t.Fatalf("auth set aioz --stdin: %v\n%s%s", err, out, stderr)
	}
	t.Cleanup(func() { _, _, _ = runBin(t, env, nil, "auth", "delete", "aioz") })
	if strings.Contains(string(out)+string(stderr), sec) || strings.Contains(string(out)+string(stderr), pub) {
		t.Error("auth set printed a key")
	}

	if ok, src := source(); !ok || src != "keyring" {
		t.Fatalf("after auth set: aioz configured=%v source=%q, want source \"keyring\"", ok, src)
	}

	fake := aiozfake.New(aiozfake.Options{PublicKey: pub, SecretKey: sec})
	defer fake.Close()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	callEnv := append(env, "MCP_MEDIA_AIOZ_URL="+srv.URL+"/api")
	out, stderr, err = runBin(t, callEnv, nil, "call", "aioz_list_media", "--args", `{"limit":5}`)
	if err != nil {
		t.Fatalf("call aioz_list_media with keyring keys: %v\n%s%s", err, out, stderr)
	}
	authed := 0
	for _, r := range fake.Requests() {
		if r.Status == http.StatusOK && r.Header.Get("stream-public-key") == pub {
			authed++
		}
	}
	if authed == 0 {
		t.Error("the fake saw no request authenticated with the keyring's keys")
	}
	if strings.Contains(string(out)+string(stderr), sec) {
		t.Error("call printed the secret key")
	}

	out, stderr, err = runBin(t, env, nil, "auth", "delete", "aioz")
	if err != nil {
		t.Fatalf("auth delete aioz: %v\n%s%s", err, out, stderr)
	}
	if ok, src := source(); ok {
		t.Errorf("after auth delete: aioz still configured (source %q)", src)
	}
	if _, _, err := runBin(t, callEnv, nil, "call", "aioz_list_media"); err == nil {
		t.Error("after auth delete: aioz_list_media still succeeds")
	}
}
