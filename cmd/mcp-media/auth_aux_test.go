package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/redact"
)

type mapKeyring map[string]string

func (k mapKeyring) Get(s, u string) (string, error) {
	if v, ok := k[s+"|"+u]; ok {
		return v, nil
	}
	return "", keyring.ErrNotFound
}
func (k mapKeyring) Set(s, u, p string) error { k[s+"|"+u] = p; return nil }
func (k mapKeyring) Delete(s, u string) error { delete(k, s+"|"+u); return nil }

// reveal prints only to a terminal (or with --force); use switches keys.
func TestAuthRevealAndUse(t *testing.T) {
	kr := mapKeyring{}
	store := &credentials.Store{Keyring: kr, Getenv: func(string) string { return "" }, Redact: &redact.Set{}}
	_ = store.SetAux("aioz", "api_key/k1", `{"public_key":"pk_1","secret_key":"sk_revealed_secret"}`)
	var out, errb bytes.Buffer
	err := cmdAuthReveal(store, []string{"aioz/api_key/k1"}, &out, &errb)
	var ee *exitError
	if !errors.As(err, &ee) || !strings.Contains(ee.msg, "not a terminal") || strings.Contains(out.String(), "sk_revealed") {
		t.Fatalf("reveal to a pipe: %v, out %q", err, out.String())
	}
	if err := cmdAuthReveal(store, []string{"aioz/api_key/k1", "--force"}, &out, &errb); err != nil || !strings.Contains(out.String(), "secret_key: sk_revealed_secret") {
		t.Fatalf("reveal --force: %v %q", err, out.String())
	}
	old := stdoutIsTerminal
	stdoutIsTerminal = func(io.Writer) bool { return true }
	defer func() { stdoutIsTerminal = old }()
	out.Reset()
	if err := cmdAuthReveal(store, []string{"aioz/api_key/k1"}, &out, &errb); err != nil || !strings.Contains(out.String(), "sk_revealed_secret") {
		t.Fatalf("reveal on a terminal: %v %q", err, out.String())
	}
	if err := cmdAuthReveal(store, []string{"aioz/api_key/none"}, &out, &errb); err == nil {
		t.Error("revealing nothing succeeded")
	}
	if err := cmdAuthUse(store, []string{"aioz/api_key/k1"}, &out); err != nil {
		t.Fatal(err)
	}
	if c, err := store.Load("aioz"); err != nil || c.Get("public_key") != "pk_1" {
		t.Fatalf("after use: %v", err)
	}
	if err := cmdAuthUse(store, []string{"qiniu"}, &out); err == nil {
		t.Error("use of a bare provider succeeded")
	}
}
