package state_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

// stores returns each implementation, fresh, under a name.
func stores(t *testing.T) map[string]func() state.Store {
	url, _ := testkit.Redis(t)
	return map[string]func() state.Store{
		"local":      func() state.Store { return state.NewLocal("") },
		"local-disk": func() state.Store { return state.NewLocal(t.TempDir()) },
		"redis": func() state.Store {
			s, err := state.Open(url, "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
}

func TestStoreContract(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open()
			p := fmt.Sprintf("t%d/", time.Now().UnixNano())

			if _, err := s.Get(ctx, p+"missing"); !errors.Is(err, state.ErrNotFound) {
				t.Fatalf("Get missing: %v, want ErrNotFound", err)
			}
			if err := s.Set(ctx, p+"k", []byte("v1"), time.Minute); err != nil {
				t.Fatal(err)
			}
			if b, err := s.Get(ctx, p+"k"); err != nil || string(b) != "v1" {
				t.Fatalf("Get = %q, %v", b, err)
			}
			if ok, _ := s.Claim(ctx, p+"k", []byte("v2"), time.Minute); ok {
				t.Fatal("Claim of a present key succeeded")
			}
			if ok, _ := s.Claim(ctx, p+"c", []byte("x"), time.Minute); !ok {
				t.Fatal("Claim of an absent key failed")
			}
			if err := s.Delete(ctx, p+"k", p+"nothing"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get(ctx, p+"k"); !errors.Is(err, state.ErrNotFound) {
				t.Fatalf("after Delete: %v", err)
			}
			_ = s.Set(ctx, p+"short", []byte("x"), 50*time.Millisecond)
			time.Sleep(120 * time.Millisecond)
			if _, err := s.Get(ctx, p+"short"); !errors.Is(err, state.ErrNotFound) {
				t.Fatalf("a value past its TTL: %v, want ErrNotFound", err)
			}

			for i := 1; i <= 3; i++ {
				if n, err := s.Incr(ctx, p+"n", time.Minute); err != nil || n != int64(i) {
					t.Fatalf("Incr #%d = %d, %v", i, n, err)
				}
			}

			ch, stop := s.Watch(p + "log")
			defer stop()
			for i := 1; i <= 5; i++ {
				seq, err := s.Append(ctx, p+"log", []byte(fmt.Sprint("e", i)), state.LogOptions{Max: 3, TTL: time.Minute})
				if err != nil || seq != int64(i) {
					t.Fatalf("Append #%d = %d, %v", i, seq, err)
				}
			}
			select {
			case <-ch:
			case <-time.After(2 * time.Second):
				t.Fatal("Watch got nothing after Append")
			}
			got, last, err := s.Range(ctx, p+"log", 0, 0)
			if err != nil || last != 5 || len(got) != 3 || got[0].Seq != 3 || string(got[2].Data) != "e5" {
				t.Fatalf("Range(0) = %+v last %d, %v; want seqs 3..5 (Max 3), last 5", got, last, err)
			}
			got, _, _ = s.Range(ctx, p+"log", 3, 1)
			if len(got) != 1 || got[0].Seq != 4 {
				t.Fatalf("Range(3, limit 1) = %+v, want seq 4", got)
			}
			if got, last, _ := s.Range(ctx, p+"none", 0, 0); len(got) != 0 || last != 0 {
				t.Fatalf("Range of no log = %v, %d", got, last)
			}

			_ = s.Join(ctx, p+"set", "a", time.Minute)
			_ = s.Join(ctx, p+"set", "b", 50*time.Millisecond)
			_ = s.Join(ctx, p+"set", "c", time.Minute)
			_ = s.Leave(ctx, p+"set", "c")
			time.Sleep(120 * time.Millisecond)
			if m, err := s.Members(ctx, p+"set"); err != nil || len(m) != 1 || m[0] != "a" {
				t.Fatalf("Members = %v, %v; want [a] (b expired, c left)", m, err)
			}
			if err := s.Ping(ctx); err != nil {
				t.Fatal(err)
			}

			_ = s.Set(ctx, p+"ext", []byte("kept"), 50*time.Millisecond)
			if ok, err := s.Extend(ctx, p+"ext", time.Minute); !ok || err != nil {
				t.Fatalf("Extend of a value = %v, %v", ok, err)
			}
			if ok, _ := s.Extend(ctx, p+"absent", time.Minute); ok {
				t.Fatal("Extend of no value reported one")
			}
			time.Sleep(120 * time.Millisecond)
			if b, err := s.Get(ctx, p+"ext"); err != nil || string(b) != "kept" {
				t.Fatalf("an extended value after its first TTL: %q, %v", b, err)
			}

			// Release frees a lock only for its holder; a claim that expired
			// and was taken over is not the old holder's to release.
			_, _ = s.Claim(ctx, p+"lock", []byte("holder-1"), 50*time.Millisecond)
			if ok, err := s.Release(ctx, p+"lock", []byte("holder-2")); ok || err != nil {
				t.Fatalf("Release by another holder = %v, %v; want false", ok, err)
			}
			time.Sleep(120 * time.Millisecond)
			if ok, _ := s.Claim(ctx, p+"lock", []byte("holder-2"), time.Minute); !ok {
				t.Fatal("an expired lock was not taken over")
			}
			if ok, _ := s.Release(ctx, p+"lock", []byte("holder-1")); ok {
				t.Fatal("the holder whose claim expired released its successor's lock")
			}
			if ok, err := s.Release(ctx, p+"lock", []byte("holder-2")); !ok || err != nil {
				t.Fatalf("Release by the holder = %v, %v; want true", ok, err)
			}
			if ok, _ := s.Claim(ctx, p+"lock", []byte("holder-3"), time.Minute); !ok {
				t.Fatal("a released lock could not be claimed")
			}
		})
	}
}

// Concurrent appends from many goroutines (replicas, for Redis) get
// distinct, gapless seqs, and Range returns them in order.
func TestAppendConcurrent(t *testing.T) {
	ctx := context.Background()
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			a, b := open(), open()
			log := fmt.Sprintf("c%d", time.Now().UnixNano())
			var wg sync.WaitGroup
			for i := 0; i < 8; i++ {
				s := a
				if i%2 == 1 && a.Shared() {
					s = b
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := 0; j < 50; j++ {
						if _, err := s.Append(ctx, log, []byte("x"), state.LogOptions{TTL: time.Minute}); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			got, last, _ := a.Range(ctx, log, 0, 0)
			if len(got) != 400 || last != 400 {
				t.Fatalf("%d entries, last %d; want 400", len(got), last)
			}
			for i, e := range got {
				if e.Seq != int64(i+1) {
					t.Fatalf("entry %d has seq %d", i, e.Seq)
				}
			}
		})
	}
}

// A Local store with a directory keeps inbox and upload state across a
// restart, and nothing else.
func TestLocalDurable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := state.NewLocal(dir)
	_ = s.Set(ctx, "upload/aioz/k1", []byte(`{"a":1}`), time.Hour)
	_ = s.Set(ctx, "session/x", []byte(`{}`), time.Hour)
	for i := 0; i < 25; i++ {
		_, _ = s.Append(ctx, "inbox/events", []byte(fmt.Sprint(i)), state.LogOptions{Max: 10})
	}
	_ = s.Join(ctx, "inbox/awaited", "kept", time.Hour)
	_ = s.Join(ctx, "inbox/awaited", "left", time.Hour)
	_ = s.Leave(ctx, "inbox/awaited", "left")
	_ = s.Join(ctx, "inbox/awaited", "expired", time.Millisecond)
	_ = s.Join(ctx, "sessions", "x", time.Hour)
	time.Sleep(5 * time.Millisecond)
	r := state.NewLocal(dir)
	if m, _ := r.Members(ctx, "inbox/awaited"); fmt.Sprint(m) != "[kept]" {
		t.Errorf("inbox set after restart: %v, want [kept]", m)
	}
	if m, _ := r.Members(ctx, "sessions"); len(m) != 0 {
		t.Errorf("the sessions set was kept on disk: %v", m)
	}
	if b, err := r.Get(ctx, "upload/aioz/k1"); err != nil || string(b) != `{"a":1}` {
		t.Fatalf("upload state after restart: %q, %v", b, err)
	}
	if _, err := r.Get(ctx, "session/x"); !errors.Is(err, state.ErrNotFound) {
		t.Fatal("a session record was kept on disk")
	}
	got, last, _ := r.Range(ctx, "inbox/events", 0, 0)
	if len(got) != 10 || last != 25 || string(got[9].Data) != "24" {
		t.Fatalf("inbox log after restart: %d entries, last %d", len(got), last)
	}
	if seq, _ := r.Append(ctx, "inbox/events", []byte("x"), state.LogOptions{Max: 10}); seq != 26 {
		t.Fatalf("seq after restart = %d, want 26", seq)
	}
}
