package aioz

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
)

// memKeyring is an in-memory OS keyring.
type memKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *memKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"|"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *memKeyring) Set(service, user, password string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[service+"|"+user] = password
	return nil
}

func (k *memKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[service+"|"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, service+"|"+user)
	return nil
}

// withKeyring replaces the harness's sandbox credentials with a fake OS
// keyring holding the test keys.
func withKeyring(t *testing.T, h *harness) *memKeyring {
	t.Helper()
	kr := &memKeyring{m: map[string]string{}}
	raw, _ := json.Marshal(map[string]string{"public_key": testPub, "secret_key": testSec})
	kr.m[credentials.Service+"|aioz"] = string(raw)
	h.env.Creds = &credentials.Store{Keyring: kr, Redact: h.env.Redact, Getenv: func(string) string { return "" }}
	return kr
}

// A new key's secret reaches the keyring under aioz/api_key/<id> and no
// result, progress message or log; use makes it the server's key, and the
// server's own key cannot be deleted.
func TestAPIKeySecretGoesToTheKeyringOnly(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	kr := withKeyring(t, h)
	// An unscrubbed debug log: what the client logs must hold no secret.
	var logs strings.Builder
	h.env.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	res := h.run.OK(t, "aioz_create_api_key", map[string]any{"name": "ci", "ttl": "30d", "use": true})
	minted := h.fake.Minted()
	if len(minted) != 1 {
		t.Fatalf("minted %d secrets", len(minted))
	}
	secret := minted[0]
	var out CreateAPIKeyOutput
	structured(t, res.MCP, &out)
	if logs.Len() == 0 {
		t.Fatal("the client logged nothing: the log check would prove nothing")
	}
	all := res.Text + res.Str() + logs.String()
	h.mu.Lock()
	all += strings.Join(h.progress, "\n")
	h.mu.Unlock()
	for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret)), secret[4:20]} {
		if strings.Contains(all, form) {
			t.Fatalf("the secret (or a piece of it) is in the result:\n%s", res.Text)
		}
	}
	if !strings.Contains(res.Text, "cannot be retrieved again") || !strings.Contains(res.Text, "mcp-media auth reveal aioz/api_key/"+out.APIKey.ID) {
		t.Errorf("card lacks the warning or the reveal command:\n%s", res.Text)
	}
	if out.TTLSeconds != 30*86400 || !out.Stored || !out.APIKey.InUse {
		t.Errorf("output %+v", out)
	}
	stored, err := kr.Get(credentials.Service, "aioz/api_key/"+out.APIKey.ID)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := credentials.AuxFields(stored)
	if f["secret_key"] != secret || f["public_key"] == "" {
		t.Errorf("keyring holds %v", f)
	}
	// use: the provider's keyring entry is now the new key, and calls
	// authenticate with it (the fake accepts the keys it created).
	active, _ := kr.Get(credentials.Service, "aioz")
	if !strings.Contains(active, secret) {
		t.Error("use did not make the new key the aioz entry")
	}
	list := h.run.OK(t, "aioz_list_api_keys", map[string]any{})
	if !strings.Contains(list.Text, "used by this server") || strings.Contains(list.Text, secret) {
		t.Errorf("list:\n%s", list.Text)
	}
	last := h.fake.Requests()[len(h.fake.Requests())-1]
	if last.Header.Get("stream-public-key") != f["public_key"] {
		t.Error("the list was not made with the new key")
	}
	h.run.Fails(t, "aioz_delete_api_key", map[string]any{"api_key_id": out.APIKey.ID}, "`api_key_id`", "auth use")

	// Back to the original key: the new one may be deleted, with its
	// keyring entry.
	if err := h.env.Creds.Save("aioz", map[string]string{"public_key": testPub, "secret_key": testSec}); err != nil {
		t.Fatal(err)
	}
	h.run.OK(t, "aioz_delete_api_key", map[string]any{"api_key_id": out.APIKey.ID})
	if _, err := kr.Get(credentials.Service, "aioz/api_key/"+out.APIKey.ID); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the deleted key's secret stayed in the keyring: %v", err)
	}
}

func TestAPIKeyArguments(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	h.run.Fails(t, "aioz_create_api_key", map[string]any{"name": "x", "ttl": "69y"}, "`ttl`", "2147483647")
	h.run.Fails(t, "aioz_create_api_key", map[string]any{"name": "x", "ttl": "soon"}, "`ttl`")
	h.run.Fails(t, "aioz_create_api_key", map[string]any{"name": "x", "type": "admin"}, "`type`")
	res := h.run.OK(t, "aioz_create_api_key", map[string]any{"name": "uploader", "type": "only_upload", "ttl": "2147483647"})
	if !strings.Contains(res.Text, "only_upload") {
		t.Error(res.Text)
	}
	h.run.OK(t, "aioz_rename_api_key", map[string]any{"api_key_id": res.Str("api_key", "id"), "name": "renamed"})
	if l := h.run.OK(t, "aioz_list_api_keys", map[string]any{"search": "renamed"}); !strings.Contains(l.Text, "renamed") {
		t.Error(l.Text)
	}
}

func TestParseTTL(t *testing.T) {
	for in, want := range map[string]int64{"3600": 3600, "30d": 2592000, "12 hours": 43200, "1w": 604800, "1y": 31536000, "2147483647": 2147483647, "90m": 5400} {
		if got, err := ParseTTL(in); err != nil || got != want {
			t.Errorf("ParseTTL(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "2147483648", "69y", "3 fortnights", "1.5d"} {
		if _, err := ParseTTL(in); err == nil {
			t.Errorf("ParseTTL(%q) accepted", in)
		}
	}
}
