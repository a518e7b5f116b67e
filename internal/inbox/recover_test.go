package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

// provider is a fake provider's query API: a task is done once finish is
// called; calls counts the queries of every replica.
type provider struct {
	mu    sync.Mutex
	done  map[string]bool
	fail  atomic.Bool
	gone  atomic.Bool
	calls atomic.Int64
}

func (p *provider) finish(id string) { p.mu.Lock(); p.done[id] = true; p.mu.Unlock() }

func (p *provider) poll(_ context.Context, id string) ([]byte, bool, error) {
	p.calls.Add(1)
	switch {
	case p.gone.Load():
		return nil, false, ErrGone
	case p.fail.Load():
		return nil, false, errors.New("provider down")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.done[id] {
		return nil, false, nil
	}
	b, _ := json.Marshal(map[string]string{"id": id, "text": "from the query"})
	return b, true, nil
}

// recovering returns two inboxes on one store (two replicas) that ask p
// about asr_long callbacks 100 ms late.
func recovering(t *testing.T, open func(*testing.T) state.Store, p *provider) (a, b *Inbox) {
	t.Helper()
	st := open(t)
	mk := func() *Inbox {
		ib := polled(t, Options{PublicURL: hooks, Store: st, RecoverAfter: 100 * time.Millisecond}, p)
		ib.SetSummarizer("asr_long", func(json.RawMessage) (string, string) { return "", "transcription done" })
		return ib
	}
	return mk(), mk()
}

// polled is an inbox with opts whose asr_long tasks p answers, closed
// when the test ends.
func polled(t *testing.T, opts Options, p *provider) *Inbox {
	t.Helper()
	ib, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ib.Close)
	ib.SetPoller("asr_long", p.poll)
	return ib
}

func postTo(ib *Inbox, url, body string) int {
	rec := httptest.NewRecorder()
	ib.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, url[len(hooks):], strings.NewReader(body)))
	return rec.Code
}

func eventsOf(ib *Inbox, task string) []Event {
	evs, _ := ib.List(Filter{TaskID: task, Limit: 100})
	return evs
}

func TestRecoveryOfLostCallbacks(t *testing.T) {
	for _, be := range testkit.Stores() {
		t.Run(be.Name, func(t *testing.T) {
			cases := []struct {
				name string
				run  func(t *testing.T, a, b *Inbox, p *provider)
			}{
				{"a callback that never came is queried once and listed on both", func(t *testing.T, a, b *Inbox, p *provider) {
					var mu sync.Mutex
					outcomes := map[string]int{}
					for _, ib := range []*Inbox{a, b} {
						ib.SetQueryObserver(func(kind, outcome string) {
							mu.Lock()
							outcomes[kind+" "+outcome]++
							mu.Unlock()
						})
					}
					defer func() {
						mu.Lock()
						defer mu.Unlock()
						if outcomes["asr_long "+QueryPending] == 0 || outcomes["asr_long "+QueryResult] != 1 {
							t.Errorf("observed %v, want pending queries and one result", outcomes)
						}
					}()
					u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
					a.Bind(u, "t1")
					// Late, not done: queried, nothing listed.
					eventually(t, "a query about the late callback", func() bool { return p.calls.Load() > 0 })
					if evs := eventsOf(b, "t1"); len(evs) != 0 {
						t.Fatalf("an unfinished task was listed: %+v", evs)
					}
					p.finish("t1")
					eventually(t, "the queried result on the other replica", func() bool { return len(eventsOf(b, "t1")) == 1 })
					ev := eventsOf(a, "t1")[0]
					if !strings.HasPrefix(ev.Summary, queriedNote) || !strings.Contains(string(ev.Payload), "from the query") {
						t.Errorf("recovered event: summary %q payload %s", ev.Summary, ev.Payload)
					}
					calls := p.calls.Load()
					time.Sleep(400 * time.Millisecond)
					if got := p.calls.Load(); got != calls {
						t.Errorf("the provider was asked %d more times after the result was in", got-calls)
					}
					if c := postTo(b, u, `{"id":"t1"}`); c != http.StatusGone {
						t.Errorf("the late callback itself: %d, want 410 (the result is in)", c)
					}
					if n := len(eventsOf(a, "t1")); n != 1 {
						t.Errorf("%d events for one task", n)
					}
				}},
				{"a callback that came is never queried", func(t *testing.T, a, b *Inbox, p *provider) {
					u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
					a.Bind(u, "t2")
					if c := postTo(b, u, `{"id":"t2"}`); c != 200 {
						t.Fatalf("callback: %d", c)
					}
					p.finish("t2")
					time.Sleep(400 * time.Millisecond)
					if n := p.calls.Load(); n != 0 {
						t.Errorf("asked the provider %d times about a delivered callback", n)
					}
				}},
				{"two replicas ask once per interval, not each", func(t *testing.T, a, b *Inbox, p *provider) {
					u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
					a.Bind(u, "t3")
					time.Sleep(1050 * time.Millisecond) // ~9 rounds of 100 ms late
					if n := p.calls.Load(); n == 0 || n > 11 {
						t.Errorf("%d queries in 1 s with a 100 ms interval over two replicas, want 1..11", n)
					}
				}},
				{"a provider that fails is asked again later", func(t *testing.T, a, b *Inbox, p *provider) {
					p.fail.Store(true)
					u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
					a.Bind(u, "t4")
					p.finish("t4")
					eventually(t, "a failed query", func() bool { return p.calls.Load() >= 2 })
					if n := len(eventsOf(a, "t4")); n != 0 {
						t.Fatalf("%d events from failed queries", n)
					}
					p.fail.Store(false)
					eventually(t, "the result after the provider came back", func() bool { return len(eventsOf(a, "t4")) == 1 })
				}},
				{"a task the provider forgot stops being asked about", func(t *testing.T, a, b *Inbox, p *provider) {
					p.gone.Store(true)
					u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
					a.Bind(u, "t5")
					eventually(t, "the first query", func() bool { return p.calls.Load() >= 1 })
					calls := p.calls.Load()
					time.Sleep(400 * time.Millisecond)
					if got := p.calls.Load(); got != calls {
						t.Errorf("asked %d more times about a task the provider no longer knows", got-calls)
					}
				}},
				{"a delivery cut between its claim and its event is recovered", func(t *testing.T, a, b *Inbox, p *provider) {
					u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
					a.Bind(u, "t6")
					h := hashOf(tokenOf(u))
					// What a process killed mid-delivery leaves: the pending mark.
					if _, err := a.store.Claim(context.Background(), usedKey(h), []byte(pendingMark), 300*time.Millisecond); err != nil {
						t.Fatal(err)
					}
					if c := postTo(b, u, `{"id":"t6"}`); c != http.StatusServiceUnavailable {
						t.Errorf("a callback while another delivery is under way: %d, want 503 (retry later)", c)
					}
					p.finish("t6")
					eventually(t, "the result once the dead delivery's mark expired", func() bool { return len(eventsOf(b, "t6")) == 1 })
				}},
				{"a result a tool polled itself is not added again", func(t *testing.T, a, b *Inbox, p *provider) {
					u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
					a.Bind(u, "t7")
					a.Add("qiniu", "asr_long", "t7", []byte(`{"id":"t7"}`))
					p.finish("t7")
					time.Sleep(400 * time.Millisecond)
					if n := len(eventsOf(b, "t7")); n != 1 {
						t.Errorf("%d events for a task whose result a tool added", n)
					}
				}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					p := &provider{done: map[string]bool{}}
					a, b := recovering(t, be.Open, p)
					tc.run(t, a, b, p)
				})
			}
		})
	}
}

// Without a poller, or with recovery off, nothing is asked.
func TestRecoveryOff(t *testing.T) {
	p := &provider{done: map[string]bool{"t1": true}}
	ib := polled(t, Options{PublicURL: hooks, RecoverAfter: -1}, p)
	u, _ := ib.NewCallback("qiniu", "asr_long", OneShot)
	ib.Bind(u, "t1")
	time.Sleep(200 * time.Millisecond)
	if n := p.calls.Load(); n != 0 {
		t.Errorf("recovery off, yet the provider was asked %d times", n)
	}
}

// A task unfinished three days after its submission is no longer asked
// about (its route still takes the callback).
func TestRecoveryGivesUp(t *testing.T) {
	clk := &clock{t: time.Now()}
	p := &provider{done: map[string]bool{}}
	ib := polled(t, Options{PublicURL: hooks, RecoverAfter: 20 * time.Millisecond, Now: clk.now}, p)
	u, _ := ib.NewCallback("qiniu", "asr_long", OneShot)
	ib.Bind(u, "t1")
	clk.add(time.Second)
	eventually(t, "the first query", func() bool { return p.calls.Load() > 0 })
	clk.add(awaitFor)
	eventually(t, "the task no longer awaited", func() bool {
		m, _ := ib.store.Members(context.Background(), awaitedSet)
		return len(m) == 0
	})
	calls := p.calls.Load()
	time.Sleep(200 * time.Millisecond)
	if got := p.calls.Load(); got != calls {
		t.Errorf("asked %d more times after %s", got-calls, awaitFor)
	}
	if c := postTo(ib, u, `{"id":"t1"}`); c != http.StatusOK {
		t.Errorf("the callback after recovery gave up: %d, want 200", c)
	}
}

// A single user's server that restarts still asks about a task whose
// callback was lost while it was down: the awaited tasks are on disk.
func TestRecoveryAfterRestart(t *testing.T) {
	dir := t.TempDir()
	a := polled(t, Options{PublicURL: hooks, Store: state.NewLocal(dir), RecoverAfter: time.Hour}, &provider{done: map[string]bool{}})
	u, _ := a.NewCallback("qiniu", "asr_long", OneShot)
	a.Bind(u, "t1")
	a.Close()
	p := &provider{done: map[string]bool{"t1": true}}
	b := polled(t, Options{PublicURL: hooks, Store: state.NewLocal(dir), RecoverAfter: 20 * time.Millisecond}, p)
	eventually(t, "the result after the restart", func() bool { return len(eventsOf(b, "t1")) == 1 })
}
