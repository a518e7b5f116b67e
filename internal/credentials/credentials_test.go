package credentials

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/zalando/go-keyring"
)

type memKeyring struct {
	m   map[string]string
	err error
}

func (k *memKeyring) Get(s, u string) (string, error) {
	if k.err != nil {
		return "", k.err
	}
	v, ok := k.m[s+"/"+u]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}
func (k *memKeyring) Set(s, u, p string) error {
	if k.err != nil {
		return k.err
	}
	k.m[s+"/"+u] = p
	return nil
}
func (k *memKeyring) Delete(s, u string) error {
	if k.err != nil {
		return k.err
	}
	if _, ok := k.m[s+"/"+u]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, s+"/"+u)
	return nil
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestKeyringThenEnvironment(t *testing.T) {
	kr := &memKeyring{m: map[string]string{}}
	set := &redact.Set{}
	st := &Store{Keyring: kr, Getenv: env(map[string]string{"STREAM_PUBLIC_KEY": "env-pub-123", "STREAM_SECRET_KEY": "env-sec-456"}), Redact: set}
	c, err := st.Load("aioz")
	if err != nil || c.Source != SourceEnv || c.Get("secret_key") != "env-sec-456" {
		t.Fatalf("seed 000 env names: %v %v", c, err)
	}
	if err := st.Save("aioz", map[string]string{"public_key": "kr-pub-123", "secret_key": "kr-sec-456"}); err != nil {
		t.Fatal(err)
	}
	c, err = st.Load("aioz")
	if err != nil || c.Source != SourceKeyring || c.Get("public_key") != "kr-pub-123" {
		t.Fatalf("keyring first: %v %v", c, err)
	}
	if !set.Contains("kr-sec-456") {
		t.Error("a loaded secret must be registered for redaction")
	}
	if s := c.String(); strings.Contains(s, "kr-sec") {
		t.Errorf("String prints a value: %s", s)
	}
	if err := st.Delete("aioz"); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.Load("aioz"); c.Source != SourceEnv {
		t.Errorf("after delete the environment applies, got %s", c.Source)
	}
}

func TestNotConfiguredNamesTheCommand(t *testing.T) {
	st := &Store{Keyring: &memKeyring{m: map[string]string{}}, Getenv: env(nil), Redact: &redact.Set{}}
	_, err := st.Load("qiniu")
	var nc *NotConfiguredError
	if !errors.As(err, &nc) || !strings.Contains(err.Error(), "run `mcp-media auth set qiniu`") || !strings.Contains(err.Error(), "QINIU_ACCESS_KEY") {
		t.Errorf("got %v", err)
	}
}

func TestKeyringUnavailableFallsBackAndNeverWritesFiles(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	kr := &memKeyring{m: map[string]string{}, err: errors.New("The name org.freedesktop.secrets was not provided by any .service files")}
	st := &Store{Keyring: kr, Getenv: env(map[string]string{"QINIU_ACCESS_KEY": "ak-123456", "QINIU_SECRET_KEY": "sk-123456"}), Redact: &redact.Set{}}
	c, err := st.Load("qiniu")
	if err != nil || c.Source != SourceEnv {
		t.Fatalf("env fallback: %v", err)
	}
	_, err = st.Load("aioz")
	if err == nil || !strings.Contains(err.Error(), "keyring is unavailable") && !strings.Contains(err.Error(), "could not be read") {
		t.Errorf("the keyring failure must be said: %v", err)
	}
	err = st.Save("aioz", map[string]string{"public_key": "p-123456", "secret_key": "s-123456"})
	if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "Nothing was written to disk") {
		t.Errorf("save: %v", err)
	}
	filepath.Walk(home, func(p string, info os.FileInfo, _ error) error {
		if info != nil && !info.IsDir() {
			t.Errorf("a file was written: %s", p)
		}
		return nil
	})
}

func TestSaveValidatesFields(t *testing.T) {
	st := &Store{Keyring: &memKeyring{m: map[string]string{}}, Redact: &redact.Set{}}
	if err := st.Save("aioz", map[string]string{"public_key": "p"}); err == nil || !strings.Contains(err.Error(), "missing secret_key") {
		t.Errorf("missing: %v", err)
	}
	if err := st.Save("aioz", map[string]string{"public_key": "p", "secret_key": "s", "token": "x"}); err == nil || !strings.Contains(err.Error(), `"token"`) {
		t.Errorf("unknown field: %v", err)
	}
	if err := st.Save("nope", nil); err == nil {
		t.Error("unknown provider")
	}
}

// TestVODNeedsBaseURL: the VOD service has no default host, so a token
// alone does not configure it and the message says why.
func TestVODNeedsBaseURL(t *testing.T) {
	st := &Store{Keyring: &memKeyring{m: map[string]string{}}, Getenv: env(map[string]string{"MCP_MEDIA_VOD_TOKEN": "vod-token-999"}), Redact: &redact.Set{}}
	_, err := st.Load("vod")
	if err == nil || !strings.Contains(err.Error(), "missing base_url") || !strings.Contains(err.Error(), "no default host") || !strings.Contains(err.Error(), "MCP_MEDIA_VOD_URL") {
		t.Errorf("token only: %v", err)
	}
	// Token in the keyring, base URL from the environment.
	kr := &memKeyring{m: map[string]string{"mcp-media/vod": `{"token":"vod-token-999"}`}}
	st = &Store{Keyring: kr, Getenv: env(map[string]string{"MCP_MEDIA_VOD_URL": "http://127.0.0.1:1"}), Redact: &redact.Set{}}
	c, err := st.Load("vod")
	if err != nil || c.Get("base_url") != "http://127.0.0.1:1" || c.Source != SourceKeyring {
		t.Errorf("keyring token + env URL: %v %v", c, err)
	}
}

func TestStatusNeverShowsValues(t *testing.T) {
	st := &Store{Keyring: &memKeyring{m: map[string]string{}}, Getenv: env(map[string]string{"MCP_MEDIA_VOD_TOKEN": "vod-token-999", "MCP_MEDIA_VOD_URL": "http://127.0.0.1:1"}), Redact: &redact.Set{}}
	for _, s := range st.StatusAll() {
		if strings.Contains(s.Note+strings.Join(s.Missing, ""), "vod-token-999") {
			t.Error("status leaked a value")
		}
		if s.Provider == "vod" && (!s.Configured || s.Source != SourceEnv) {
			t.Errorf("vod: %+v", s)
		}
	}
}

func TestAuxSecrets(t *testing.T) {
	kr := &memKeyring{m: map[string]string{}}
	set := &redact.Set{}
	st := &Store{Keyring: kr, Redact: set}
	if err := st.SetAux("qiniu", "publish_key/hub1", "pubkey-0123456"); err != nil {
		t.Fatal(err)
	}
	if kr.m["mcp-media/qiniu/publish_key/hub1"] != "pubkey-0123456" {
		t.Errorf("keyring: %v", kr.m)
	}
	if !set.Contains("pubkey-0123456") {
		t.Error("an auxiliary secret must be registered for redaction")
	}
	fresh := &Store{Keyring: kr, Redact: &redact.Set{}}
	if v := fresh.Aux("qiniu", "publish_key/hub1"); v != "pubkey-0123456" || !fresh.Redact.Contains(v) {
		t.Errorf("read back %q", v)
	}
	down := &Store{Keyring: &memKeyring{m: map[string]string{}, err: errors.New("dbus: no session bus")}, Redact: &redact.Set{}}
	if err := down.SetAux("qiniu", "x", "value-123456"); !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "no Secret Service") {
		t.Errorf("unavailable keyring: %v", err)
	}
}
