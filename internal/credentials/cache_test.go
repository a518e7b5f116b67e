package credentials

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// countingKeyring counts reads per account.
type countingKeyring struct {
	memKeyring
	mu    sync.Mutex
	reads map[string]int
}

func (k *countingKeyring) Get(s, u string) (string, error) {
	k.mu.Lock()
	k.reads[u]++
	k.mu.Unlock()
	return k.memKeyring.Get(s, u)
}

func newCounting(shared map[string]string) *countingKeyring {
	return &countingKeyring{memKeyring: memKeyring{m: shared}, reads: map[string]int{}}
}

func TestLoadsReadTheKeyringOncePerProviderWhileNothingChanged(t *testing.T) {
	kr := newCounting(map[string]string{})
	st := &Store{Keyring: kr, Getenv: env(map[string]string{"QINIU_ACCESS_KEY": "ak-123456", "QINIU_SECRET_KEY": "sk-123456"}),
		Redact: &redact.Set{}, ChangeFile: filepath.Join(t.TempDir(), ChangeFileName)}
	if err := st.Save("aioz", map[string]string{"public_key": "p-123456", "secret_key": "s-123456"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range st.StatusAll() {
				if s.Provider == "aioz" && s.Source != SourceKeyring || s.Provider == "qiniu" && s.Source != SourceEnv {
					t.Errorf("%s: %+v", s.Provider, s)
				}
			}
		}()
	}
	wg.Wait()
	for _, p := range providers.All {
		if n := kr.reads[p.ID]; n != 1 {
			t.Errorf("%s: %d keyring reads over 200 loads, want 1", p.ID, n)
		}
	}
}

func TestAnotherProcessChangeAppliesOnTheNextLoad(t *testing.T) {
	shared := map[string]string{}
	file := filepath.Join(t.TempDir(), "state", ChangeFileName)
	server := &Store{Keyring: newCounting(shared), Getenv: env(nil), Redact: &redact.Set{}, ChangeFile: file}
	cli := func() *Store { return &Store{Keyring: &memKeyring{m: shared}, Redact: &redact.Set{}, ChangeFile: file} }
	if _, err := server.Load("aioz"); err == nil {
		t.Fatal("nothing is configured yet")
	}
	if err := cli().Save("aioz", map[string]string{"public_key": "p-123456", "secret_key": "s-123456"}); err != nil {
		t.Fatal(err)
	}
	if c, err := server.Load("aioz"); err != nil || c.Get("secret_key") != "s-123456" {
		t.Fatalf("after another store's Save: %v %v", c, err)
	}
	if err := cli().Save("aioz", map[string]string{"public_key": "p-123456", "secret_key": "s-rotated"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := server.Load("aioz"); c.Get("secret_key") != "s-rotated" {
		t.Errorf("a second change (same size) must apply too, got %v", c.Get("secret_key"))
	}
	if err := cli().Delete("aioz"); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Load("aioz"); err == nil {
		t.Error("after another store's Delete the keys must be gone")
	}
}

func TestCachedReadExpires(t *testing.T) {
	kr := newCounting(map[string]string{})
	now := time.Unix(1000, 0)
	st := &Store{Keyring: kr, Getenv: env(nil), Redact: &redact.Set{}, Now: func() time.Time { return now }}
	st.Load("vod")
	st.Load("vod")
	now = now.Add(DefaultTTL - time.Second)
	st.Load("vod")
	if kr.reads["vod"] != 1 {
		t.Errorf("within the TTL: %d reads", kr.reads["vod"])
	}
	now = now.Add(2 * time.Second)
	st.Load("vod")
	if kr.reads["vod"] != 2 {
		t.Errorf("after the TTL: %d reads, want 2", kr.reads["vod"])
	}
}

func TestLockedKeyringIsSaidOnceAndTheEnvironmentApplies(t *testing.T) {
	var logs bytes.Buffer
	st := &Store{Keyring: &memKeyring{m: map[string]string{}, err: ErrKeyringLocked},
		Getenv: env(map[string]string{"QINIU_ACCESS_KEY": "ak-123456", "QINIU_SECRET_KEY": "sk-123456"}),
		Redact: &redact.Set{}, Log: slog.New(slog.NewTextHandler(&logs, nil)), TTL: -1}
	for i := 0; i < 3; i++ {
		if c, err := st.Load("qiniu"); err != nil || c.Source != SourceEnv {
			t.Fatalf("env fallback: %v %v", c, err)
		}
		_, err := st.Load("aioz")
		if err == nil || !strings.Contains(err.Error(), "keyring is locked") || !strings.Contains(err.Error(), "unlock it") ||
			!strings.Contains(err.Error(), "environment") {
			t.Errorf("not-configured message: %v", err)
		}
	}
	if n := strings.Count(logs.String(), "keyring is locked"); n != 1 {
		t.Errorf("the locked keyring must be logged once, got %d lines:\n%s", n, logs.String())
	}
}
