package credentials

import (
	"testing"

	"github.com/mcp-media/mcp-media/internal/redact"
)

func TestUseAuxMakesAStoredKeySetActive(t *testing.T) {
	kr := &memKeyring{m: map[string]string{}}
	s := &Store{Keyring: kr, Getenv: env(nil), Redact: &redact.Set{}}
	if err := s.UseAux("aioz", "api_key/k1"); err == nil {
		t.Fatal("UseAux of nothing succeeded")
	}
	if err := s.SetAux("aioz", "api_key/k1", `{"public_key":"pk_new","secret_key":"sk_new_secret_value"}`); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAux("aioz", "stream_key/s1", "plain-stream-key-value"); err != nil {
		t.Fatal(err)
	}
	if err := s.UseAux("aioz", "stream_key/s1"); err == nil {
		t.Error("a plain secret became the provider's keys")
	}
	if err := s.UseAux("aioz", "api_key/k1"); err != nil {
		t.Fatal(err)
	}
	c, err := s.Load("aioz")
	if err != nil || c.Get("public_key") != "pk_new" || c.Get("secret_key") != "sk_new_secret_value" || c.Source != SourceKeyring {
		t.Fatalf("after use: %v %v", c, err)
	}
	if err := s.DeleteAux("aioz", "api_key/k1"); err != nil {
		t.Fatal(err)
	}
	if s.Aux("aioz", "api_key/k1") != "" || s.DeleteAux("aioz", "api_key/k1") != nil {
		t.Error("DeleteAux left the entry or failed on an absent one")
	}
	// The sandbox keeps them in memory.
	sb := &Store{Redact: &redact.Set{}, Sandbox: map[string]map[string]string{"aioz": {"public_key": "a", "secret_key": "b"}}}
	_ = sb.SetAux("aioz", "api_key/k2", `{"public_key":"c","secret_key":"d"}`)
	if err := sb.UseAux("aioz", "api_key/k2"); err != nil {
		t.Fatal(err)
	}
	if c, _ := sb.Load("aioz"); c.Get("public_key") != "c" {
		t.Errorf("sandbox use: %v", c.Get("public_key"))
	}
}

func TestSplitAccount(t *testing.T) {
	if p, n, err := SplitAccount("aioz/api_key/abc"); err != nil || p != "aioz" || n != "api_key/abc" {
		t.Errorf("%q %q %v", p, n, err)
	}
	for _, bad := range []string{"aioz", "aioz/", "nope/x", ""} {
		if _, _, err := SplitAccount(bad); err == nil {
			t.Errorf("SplitAccount(%q) accepted", bad)
		}
	}
}
