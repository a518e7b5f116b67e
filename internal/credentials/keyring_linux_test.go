//go:build linux

package credentials

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"runtime"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

// TestSecretServiceReadsDoNotLeak reads an item written by go-keyring 1,000
// times through OSKeyring, then locks the collection and reads 1,000 times
// more: every read must find the value (or say locked), and goroutines and
// the heap must stay flat. go-keyring's own Get leaks a signal registration
// (and its delivery goroutines) on the shared bus connection for every
// unlock prompt, and prompts: both fail here. It needs a real, unlocked
// gnome-keyring on a private session bus, so it runs only with
// MCP_MEDIA_KEYRING_TEST=1 (scripts/test: "keyring reads"), and it leaves
// the collection locked.
func TestSecretServiceReadsDoNotLeak(t *testing.T) {
	testkit.KeyringTest(t)
	addr, ok := sessionBusAddress(os.Getenv)
	if !ok {
		t.Fatal("MCP_MEDIA_KEYRING_TEST=1 but no session bus")
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	user, want := "leaktest-"+hex.EncodeToString(b), "value-"+hex.EncodeToString(b)
	if err := (OSKeyring{}).Set(Service, user, want); err != nil {
		t.Fatalf("go-keyring Set: %v", err)
	}
	kr := OSKeyring{}
	if _, err := kr.Get(Service, user+"-absent"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("absent item: %v, want keyring.ErrNotFound", err)
	}
	reads := func(n int, check func(string, error)) (goroutines int, heap uint64) {
		for i := 0; i < n; i++ {
			check(kr.Get(Service, user))
		}
		return settle()
	}
	found := func(v string, err error) {
		if err != nil || v != want {
			t.Fatalf("read: %q, %v; want the stored value", v, err)
		}
	}
	g0, h0 := reads(20, found)
	g1, h1 := reads(1000, found)
	t.Logf("unlocked: goroutines %d → %d, heap %d → %d KiB", g0, g1, h0>>10, h1>>10)
	flat(t, "unlocked", g0, g1, h0, h1)

	lock(t, addr)
	isLocked := func(v string, err error) {
		if !errors.Is(err, ErrKeyringLocked) || v != "" {
			t.Fatalf("read of a locked collection: %q, %v; want ErrKeyringLocked", v, err)
		}
	}
	g2, h2 := reads(20, isLocked)
	g3, h3 := reads(1000, isLocked)
	t.Logf("locked: goroutines %d → %d, heap %d → %d KiB", g2, g3, h2>>10, h3>>10)
	flat(t, "locked", g2, g3, h2, h3)
}

func settle() (int, uint64) {
	var ms runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapAlloc
}

func flat(t *testing.T, what string, g0, g1 int, h0, h1 uint64) {
	t.Helper()
	if g1 > g0+2 {
		t.Errorf("%s: goroutines grew from %d to %d over 1,000 reads", what, g0, g1)
	}
	if h1 > h0+4<<20 {
		t.Errorf("%s: heap grew from %d to %d KiB over 1,000 reads", what, h0>>10, h1>>10)
	}
}

// lock locks the login (or default) collection; gnome-keyring does that
// without a prompt.
func lock(t *testing.T, addr string) {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var lockedPaths []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err = conn.Object(ssName, ssPath).Call(ssService+".Lock", 0, []dbus.ObjectPath{ssLogin, ssDefault}).Store(&lockedPaths, &prompt)
	if err != nil || prompt != "/" {
		t.Fatalf("Lock: %v (prompt %s)", err, prompt)
	}
}
