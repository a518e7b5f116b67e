package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mcp-media/mcp-media/internal/state"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

const hooks = "https://hooks.example.com"

// replicas returns two Inboxes on one store — two replicas behind a load
// balancer — sharing a clock, and a post func aimed at either.
func replicas(t *testing.T, st state.Store) (a, b *Inbox, clk *clock, post func(ib *Inbox, url, body string) int) {
	t.Helper()
	clk = &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	open := func() *Inbox {
		ib, err := New(Options{PublicURL: hooks, Store: st, Now: clk.now, StableKey: []byte("replicas-share-this-callback-key")})
		if err != nil {
			t.Fatal(err)
		}
		ib.SetSummarizer("asr_long", func(p json.RawMessage) (string, string) {
			var v struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(p, &v)
			return v.ID, "text"
		})
		t.Cleanup(ib.Close)
		return ib
	}
	a, b = open(), open()
	post = func(ib *Inbox, url, body string) int {
		rec := httptest.NewRecorder()
		ib.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, url[len(hooks):], strings.NewReader(body)))
		return rec.Code
	}
	return a, b, clk, post
}

// eventually waits up to 5 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestReplicasShareTheInbox(t *testing.T) {
	for _, be := range testkit.Stores() {
		t.Run(be.Name, func(t *testing.T) {
			cases := []struct {
				name string
				run  func(t *testing.T, a, b *Inbox, clk *clock, post func(*Inbox, string, string) int)
			}{
				{"listed by the other with the same seq", func(t *testing.T, a, b *Inbox, _ *clock, post func(*Inbox, string, string) int) {
					u, _ := a.NewCallback("qiniu", "asr_long")
					a.Bind(u, "t1")
					if c := post(a, u, `{"id":"t1","text":"hi"}`); c != 200 {
						t.Fatalf("post: %d", c)
					}
					ea, ok := a.Latest("t1")
					if !ok {
						t.Fatal("A lost its event")
					}
					eb, ok := b.Latest("t1")
					if !ok || eb.Seq != ea.Seq || string(eb.Payload) != `{"id":"t1","text":"hi"}` {
						t.Fatalf("B: %+v %v, A seq %d", eb, ok, ea.Seq)
					}
					// A second event, appended on B, follows on A: paging by seq spans replicas.
					b.Add("qiniu", "asr_long", "t1", []byte(`{"n":2}`))
					if evs, _ := a.List(Filter{AfterSeq: ea.Seq}); len(evs) != 1 || evs[0].Seq != ea.Seq+1 {
						t.Fatalf("A after seq %d: %+v", ea.Seq, evs)
					}
				}},
				{"one-shot route used on one is gone on the other", func(t *testing.T, a, b *Inbox, _ *clock, post func(*Inbox, string, string) int) {
					u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
					if c := post(a, u, `{"x":1}`); c != 200 {
						t.Fatalf("first: %d", c)
					}
					if c := post(b, u, `{"x":2}`); c != 410 {
						t.Fatalf("replay on B: %d", c)
					}
				}},
				{"rate limit is shared", func(t *testing.T, a, b *Inbox, clk *clock, post func(*Inbox, string, string) int) {
					u, _ := a.NewCallback("qiniu", "censor_voice")
					for i := 0; i < RatePerMinute; i++ {
						ib := a
						if i%2 == 1 {
							ib = b
						}
						if c := post(ib, u, `{"n":1}`); c != 200 {
							t.Fatalf("post %d: %d", i, c)
						}
					}
					if ca, cb := post(a, u, `{}`), post(b, u, `{}`); ca != 429 || cb != 429 {
						t.Fatalf("past the limit: A %d, B %d", ca, cb)
					}
					clk.add(time.Minute)
					if c := post(b, u, `{}`); c != 200 {
						t.Fatalf("next minute: %d", c)
					}
				}},
				{"subscribers on both are called", func(t *testing.T, a, b *Inbox, _ *clock, post func(*Inbox, string, string) int) {
					gotA, gotB := make(chan Event, 4), make(chan Event, 4)
					defer a.Subscribe(func(e Event) { gotA <- e })()
					defer b.Subscribe(func(e Event) { gotB <- e })()
					u, _ := a.NewCallback("qiniu", "censor_voice")
					if c := post(a, u, `{"x":1}`); c != 200 {
						t.Fatalf("post: %d", c)
					}
					for _, w := range []struct {
						name string
						ch   chan Event
						here bool
					}{{"A", gotA, true}, {"B", gotB, false}} {
						select {
						case e := <-w.ch:
							if e.ArrivedHere() != w.here || string(e.Payload) != `{"x":1}` {
								t.Errorf("%s: ArrivedHere %v, payload %s", w.name, e.ArrivedHere(), e.Payload)
							}
						case <-time.After(5 * time.Second):
							t.Fatalf("%s's subscriber was not called", w.name)
						}
					}
				}},
				{"bind on one shows on the other", func(t *testing.T, a, b *Inbox, _ *clock, post func(*Inbox, string, string) int) {
					u, _ := a.NewCallback("qiniu", "asr_long")
					if c := post(a, u, `{"early":true}`); c != 200 { // before the submission's answer was read
						t.Fatalf("post: %d", c)
					}
					if _, ok := a.Latest("t9"); ok {
						t.Fatal("bound before Bind")
					}
					b.Bind(u, "t9")
					for name, ib := range map[string]*Inbox{"A": a, "B": b} {
						if e, ok := ib.Latest("t9"); !ok || e.TaskID != "t9" {
							t.Errorf("%s: %+v %v", name, e, ok)
						}
						if evs, _ := ib.List(Filter{TaskID: "t9"}); len(evs) != 1 {
							t.Errorf("%s lists %d events for t9", name, len(evs))
						}
					}
				}},
				{"cancel on one hides on the other", func(t *testing.T, a, b *Inbox, _ *clock, post func(*Inbox, string, string) int) {
					u, _ := a.NewCallback("qiniu", "asr_long")
					if c := post(b, u, `{"ghost":true}`); c != 200 {
						t.Fatalf("post: %d", c)
					}
					eventually(t, "A reads B's event", func() bool { return a.Len() == 1 })
					a.Cancel(u)
					for name, ib := range map[string]*Inbox{"A": a, "B": b} {
						if evs, _ := ib.List(Filter{}); len(evs) != 0 {
							t.Errorf("%s still lists %+v", name, evs)
						}
					}
					if c := post(b, u, `{}`); c != 404 {
						t.Errorf("cancelled route on B: %d", c)
					}
				}},
				{"stable address is one for both", func(t *testing.T, a, b *Inbox, _ *clock, post func(*Inbox, string, string) int) {
					ua, _ := a.StableCallback("vod", "video_ready")
					ub, _ := b.StableCallback("vod", "video_ready")
					if ua != ub || !b.Live(ua) {
						t.Fatalf("A %s, B %s", ua, ub)
					}
					dedupe := func(p []byte) (string, error) { return "same", nil }
					a.SetAcceptor("video_ready", dedupe)
					b.SetAcceptor("video_ready", dedupe)
					if ca, cb := post(a, ua, `{"v":1}`), post(b, ua, `{"v":1}`); ca != 200 || cb != 200 {
						t.Fatalf("deliveries: %d %d", ca, cb)
					}
					if evs, _ := b.List(Filter{Provider: "vod"}); len(evs) != 1 {
						t.Fatalf("a retry to the other replica was stored again: %d events", len(evs))
					}
				}},
				{"a retry after a delivery cut mid-way is stored, once", func(t *testing.T, a, b *Inbox, _ *clock, post func(*Inbox, string, string) int) {
					u, _ := a.StableCallback("vod", "video_ready")
					dedupe := func(p []byte) (string, error) { return "v7", nil }
					a.SetAcceptor("video_ready", dedupe)
					b.SetAcceptor("video_ready", dedupe)
					// What a replica killed between claiming the event's dedupe
					// key and storing the event leaves behind.
					if _, err := a.store.Claim(context.Background(), seenKey("video_ready", "v7"), []byte(pendingMark), 200*time.Millisecond); err != nil {
						t.Fatal(err)
					}
					if c := post(b, u, `{"v":7}`); c != http.StatusServiceUnavailable {
						t.Errorf("a retry while the first delivery may still finish: %d, want 503", c)
					}
					time.Sleep(300 * time.Millisecond) // the dead delivery's mark expires
					if c := post(b, u, `{"v":7}`); c != 200 {
						t.Fatalf("the provider's next retry: %d", c)
					}
					if c := post(a, u, `{"v":7}`); c != 200 {
						t.Errorf("a retry after it was stored: %d, want 200 (duplicate)", c)
					}
					if evs, _ := a.List(Filter{Provider: "vod"}); len(evs) != 1 {
						t.Errorf("%d events, want the retried one once", len(evs))
					}
				}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					a, b, clk, post := replicas(t, be.Open(t))
					tc.run(t, a, b, clk, post)
				})
			}
		})
	}
}

// The store never holds a per-task callback token: whoever reads Redis
// cannot post a result.
func TestRedisHoldsNoCallbackToken(t *testing.T) {
	url, _ := testkit.Redis(t)
	st, err := state.Open(url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, b, _, post := replicas(t, st)
	var toks []string
	for i, opt := range [][]RouteOption{nil, {OneShot}} {
		u, _ := a.NewCallback("qiniu", "asr_long", opt...)
		a.Bind(u, "t"+string(rune('0'+i)))
		if c := post(b, u, `{"x":1}`); c != 200 {
			t.Fatalf("post: %d", c)
		}
		toks = append(toks, tokenOf(u))
	}
	early, _ := b.NewCallback("qiniu", "asr_long")
	post(a, early, `{"y":1}`)
	b.Cancel(early)
	toks = append(toks, tokenOf(early))
	stable, err := a.StableCallback("vod", "video_ready")
	if err != nil {
		t.Fatal(err)
	}
	post(b, stable, `{"z":1}`)
	toks = append(toks, tokenOf(stable))

	opt, _ := redis.ParseURL(url)
	rc := redis.NewClient(opt)
	defer rc.Close()
	c := context.Background()
	keys, err := rc.Keys(c, state.Namespace+"*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys: %v %v", keys, err)
	}
	var dump strings.Builder
	for _, k := range keys {
		dump.WriteString(k + "\n")
		switch typ := rc.Type(c, k).Val(); typ {
		case "string":
			dump.WriteString(rc.Get(c, k).Val() + "\n")
		case "stream":
			for _, m := range rc.XRange(c, k, "-", "+").Val() {
				for f, v := range m.Values {
					dump.WriteString(f + "=" + v.(string) + "\n")
				}
			}
		default:
			t.Errorf("key %s of type %s not scanned", k, typ)
		}
	}
	for _, tok := range toks {
		if strings.Contains(dump.String(), tok) {
			t.Errorf("token %s… is in Redis", tok[:8])
		}
	}
	if !strings.Contains(dump.String(), hashOf(toks[0])) {
		t.Error("scan found no route hash: did it read the keys?")
	}
}

// On a shared store a standing address needs the shared key: without one
// it is refused, saying what to set, rather than kept in Redis.
func TestStableCallbackOnSharedStoreNeedsKey(t *testing.T) {
	url, _ := testkit.Redis(t)
	st, err := state.Open(url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ib, err := New(Options{PublicURL: hooks, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer ib.Close()
	if _, err := ib.StableCallback("vod", "video_ready"); !errors.Is(err, ErrNoStableKey) || !strings.Contains(err.Error(), "MCP_MEDIA_CALLBACK_KEY") {
		t.Fatalf("StableCallback without a key on Redis: %v", err)
	}
}

// An earlier version's inbox.jsonl is imported once: its routes answer,
// its events are listed, its one-shot routes stay used.
func TestImportsTheOldInboxFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "inbox.jsonl")
	now := time.Now().UTC()
	lines := []string{
		`{"token":"aaaa","route":{"provider":"qiniu","kind":"asr_long","task_id":"t1","created":"` + now.Format(time.RFC3339) + `"}}`,
		`{"token":"bbbb","route":{"provider":"qiniu","kind":"asr_long","task_id":"t2","created":"` + now.Format(time.RFC3339) + `","one_shot":true,"used":true}}`,
		`{"token":"aaaa","event":{"seq":7,"provider":"qiniu","kind":"asr_long","task_id":"t1","received_at":"` + now.Format(time.RFC3339) + `","payload":{"old":1}}}`,
		`{"torn`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	st := state.NewLocal(filepath.Join(dir, "state"))
	b, err := New(Options{PublicURL: hooks, Store: st, File: file})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if e, ok := b.Latest("t1"); !ok || string(e.Payload) != `{"old":1}` || e.ArrivedHere() {
		t.Fatalf("imported event: %+v %v", e, ok)
	}
	if _, err := os.Stat(file + ".imported"); err != nil {
		t.Fatalf("not renamed: %v", err)
	}
	post := func(tok string) int {
		rec := httptest.NewRecorder()
		b.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, PathPrefix+tok, strings.NewReader(`{}`)))
		return rec.Code
	}
	if c := post("aaaa"); c != 200 {
		t.Errorf("imported route: %d", c)
	}
	if c := post("bbbb"); c != 410 {
		t.Errorf("imported used one-shot route: %d", c)
	}
	// Opened again, nothing is imported twice.
	b2, _ := New(Options{PublicURL: hooks, Store: st, File: file})
	defer b2.Close()
	if evs, _ := b2.List(Filter{TaskID: "t1"}); len(evs) != 2 {
		t.Errorf("after reopening: %d events for t1", len(evs))
	}
}
