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

// TestKeyringRevealAndUse creates an AIOZ API key through `mcp-media call`
// against a fake, with the real OS keyring: the secret is in no output,
// `auth reveal` refuses a pipe and shows it with --force, `auth use` makes
// it the server's key (the next call authenticates with it), and
// aioz_delete_api_key removes its keyring entry. Gated like
// TestKeyringRoundTrip (MCP_MEDIA_KEYRING_TEST=1, a private keyring).
func TestKeyringRevealAndUse(t *testing.T) {
	env := cleanEnv(testkit.KeyringBus(t))
	pub, sec := "e2e-reveal-pub-"+randHex(8), "e2e-reveal-sec-"+randHex(12)
	keys, _ := json.Marshal(map[string]string{"public_key": pub, "secret_key": sec})
	fake := aiozfake.New(aiozfake.Options{PublicKey: pub, SecretKey: sec})
	defer fake.Close()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	env = append(env, "MCP_MEDIA_AIOZ_URL="+srv.URL+"/api")
	// Never overwrite (and then delete) keys someone already keeps there.
	out, stderr, err := runBin(t, env, nil, "auth", "status", "--json")
	if err != nil {
		t.Fatalf("auth status: %v\n%s", err, stderr)
	}
	var st []struct{ Provider, Source string }
	_ = json.Unmarshal(out, &st)
	for _, s := range st {
		if s.Provider == "aioz" && s.Source == "keyring" {
			t.Fatal("this keyring already holds aioz keys; run the test against a private keyring (scripts/test uses dbus-run-session)")
		}
	}
	if out, stderr, err := runBin(t, env, keys, "auth", "set", "aioz", "--stdin"); err != nil {
		t.Fatalf("auth set: %v\n%s%s", err, out, stderr)
	}
	t.Cleanup(func() { _, _, _ = runBin(t, env, nil, "auth", "delete", "aioz") })

	out, stderr, err = runBin(t, env, nil, "call", "aioz_create_api_key", "--args", `{"name":"e2e reveal","ttl":"1d"}`, "--json")
	if err != nil {
		t.Fatalf("create: %v\n%s%s", err, out, stderr)
	}
	minted := fake.Minted()
	if len(minted) != 1 {
		t.Fatalf("minted %d", len(minted))
	}
	secret := minted[0]
	if strings.Contains(string(out)+string(stderr), secret) {
		t.Fatal("the new secret is in the call's output")
	}
	var res struct {
		APIKey struct {
			ID string `json:"id"`
		} `json:"api_key"`
		Stored bool `json:"stored"`
	}
	if i := strings.Index(string(out), "{\n"); i >= 0 {
		_ = json.Unmarshal(out[i:], &res)
	}
	if !res.Stored || res.APIKey.ID == "" {
		t.Fatalf("create did not store the secret:\n%s", out)
	}
	account := "aioz/api_key/" + res.APIKey.ID

	if out, _, err := runBin(t, env, nil, "auth", "reveal", account); err == nil || strings.Contains(string(out), secret) {
		t.Errorf("auth reveal into a pipe: err %v, out %q", err, out)
	}
	out, stderr, err = runBin(t, env, nil, "auth", "reveal", account, "--force")
	if err != nil || !strings.Contains(string(out), "secret_key: "+secret) {
		t.Fatalf("auth reveal --force: %v\n%s%s", err, out, stderr)
	}

	if out, stderr, err := runBin(t, env, nil, "auth", "use", account); err != nil {
		t.Fatalf("auth use: %v\n%s%s", err, out, stderr)
	}
	before := len(fake.Requests())
	if out, stderr, err := runBin(t, env, nil, "call", "aioz_list_media"); err != nil {
		t.Fatalf("list with the new key: %v\n%s%s", err, out, stderr)
	}
	reqs := fake.Requests()[before:]
	if len(reqs) == 0 || reqs[0].Header.Get("stream-secret-key") != secret || reqs[0].Status != http.StatusOK {
		t.Fatal("the call after auth use did not authenticate with the new key")
	}
	// The server's own key cannot be deleted; after switching back it can,
	// and its keyring entry goes with it.
	if _, _, err := runBin(t, env, nil, "call", "aioz_delete_api_key", "--args", `{"api_key_id":"`+res.APIKey.ID+`"}`); err == nil {
		t.Error("deleting the key the server uses succeeded")
	}
	if out, stderr, err := runBin(t, env, keys, "auth", "set", "aioz", "--stdin"); err != nil {
		t.Fatalf("auth set back: %v\n%s%s", err, out, stderr)
	}
	if out, stderr, err := runBin(t, env, nil, "call", "aioz_delete_api_key", "--args", `{"api_key_id":"`+res.APIKey.ID+`"}`); err != nil {
		t.Fatalf("delete: %v\n%s%s", err, out, stderr)
	}
	if _, _, err := runBin(t, env, nil, "auth", "reveal", account, "--force"); err == nil {
		t.Error("the deleted key's secret is still in the keyring")
	}
}
