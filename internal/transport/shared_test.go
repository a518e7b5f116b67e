package transport

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

// heldBy is the session c uses as the transport behind c holds it (nil
// when it holds none).
func heldBy(c *httpClient) *httpSession {
	c.h.mu.Lock()
	defer c.h.mu.Unlock()
	return c.h.sessions[c.session]
}

// replicas are two Streamable transports on one Redis: two processes of a
// hosted deployment, in one test. b shares a's session id.
func replicas(t *testing.T, f *fixture, opts HTTPOptions) (a, b *httpClient) {
	t.Helper()
	url, _ := testkit.Redis(t)
	open := func() state.Store {
		s, err := state.Open(url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	oa, ob := opts, opts
	oa.Store, ob.Store = open(), open()
	a, b = newHTTP(t, f, oa), newHTTP(t, f, ob)
	t.Cleanup(func() { a.close(); b.close() })
	return a, b
}

// sharedSession is replicas with one session, initialized through a and
// used through b as well.
func sharedSession(t *testing.T, f *fixture) (a, b *httpClient) {
	t.Helper()
	a, b = replicas(t, f, HTTPOptions{})
	initialize(t, a, "2025-11-25")
	b.session = a.session
	return a, b
}

func status(t *testing.T, c *httpClient, method, body string, hdr map[string]string) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(c.request(method, body, hdr))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A session initialized on one replica is served by the other, changes
// made through either hold on both, and a DELETE on one ends it on both.
func TestSharedSessionAcrossReplicas(t *testing.T) {
	f := newFixture()
	a, b := sharedSession(t, f)
	b.send(t, `{"jsonrpc":"2.0","id":"p","method":"ping"}`)
	if m := waitID(t, b, "p", nil); m["error"] != nil {
		t.Fatalf("ping on the other replica: %v", m)
	}
	// logging/setLevel through a; b filters by it.
	a.send(t, `{"jsonrpc":"2.0","id":"lvl","method":"logging/setLevel","params":{"level":"error"}}`)
	waitID(t, a, "lvl", nil)
	b.send(t, `{"jsonrpc":"2.0","id":"p2","method":"ping"}`) // reloads the record
	waitID(t, b, "p2", nil)
	held := heldBy(b)
	if held == nil {
		t.Fatal("b does not hold the session it served")
	}
	if lvl := held.conn.sess.GetLogLevel(); lvl != "error" {
		t.Errorf("log level on b = %q, want error (set through a)", lvl)
	}
	if s := status(t, b, "DELETE", "", nil); s != 200 {
		t.Fatalf("DELETE on b: %d", s)
	}
	if s := status(t, a, "POST", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, nil); s != 404 {
		t.Errorf("a after the DELETE on b: %d, want 404", s)
	}
}

// A result whose connection dropped is resumed with Last-Event-ID through
// the other replica.
func TestSharedResumeOnOtherReplica(t *testing.T) {
	f := newFixture()
	a, b := sharedSession(t, f)
	id := startWait(t, a, f, "long")
	close(f.release)
	b.openGet(t, id)
	if m := waitID(t, b, "long", nil); m["result"] == nil {
		t.Fatalf("resumed on b: %v", m)
	}
}

// startWait POSTs a call of the fixture's "wait" tool, reads the priming
// event id, and drops the connection once the call runs.
func startWait(t *testing.T, c *httpClient, fx *fixture, rid string) string {
	t.Helper()
	ctx, drop := context.WithCancel(context.Background())
	req := c.request("POST", `{"jsonrpc":"2.0","id":"`+rid+`","method":"tools/call","params":{"name":"wait","arguments":{}}}`, nil).WithContext(ctx)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	var id string
	for sc.Scan() && sc.Text() != "" {
		if v, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			id = v
		}
	}
	if id == "" {
		t.Fatal("no priming event id on the POST stream")
	}
	<-fx.started
	drop()
	resp.Body.Close()
	return id
}

// A request whose replica dies (no clean-up, its heartbeat stops) is
// answered through the other replica with an error that says so, instead
// of never.
func TestSharedOrphanedRequestAnswered(t *testing.T) {
	fx := newFixture()
	a, b := sharedSession(t, fx)
	id := startWait(t, a, fx, "orphan")
	// a "dies": its loop (heartbeat) stops and its heartbeat key is gone.
	close(a.h.quit)
	_ = a.h.opts.Store.Delete(context.Background(), replicaKey(a.h.replica))
	b.openGet(t, id)
	m := waitID(t, b, "orphan", nil)
	e, _ := m["error"].(map[string]any)
	if e == nil || !strings.Contains(e["message"].(string), "replica running this request stopped") {
		t.Fatalf("orphaned request answered with %v", m)
	}
	a.h.mu.Lock()
	a.h.closed = true // Close must not close quit twice
	a.h.mu.Unlock()
	close(fx.release)
}

// A replica shut down cleanly (Close) cuts the calls it runs: each answers
// with an error saying so on its stream, which the client reads through the
// other replica by resuming, and the session goes on there. The handler's
// context carries the cause, which toolkit puts in a tool's error result.
func TestSharedCloseAnswersCutCalls(t *testing.T) {
	fx := newFixture()
	a, b := sharedSession(t, fx)
	id := startWait(t, a, fx, "cut")
	a.h.Close()
	if cause := <-fx.causes; !errors.Is(cause, ErrStopping) {
		t.Errorf("the cut handler's context says %v, want ErrStopping", cause)
	}
	b.openGet(t, id)
	m := waitID(t, b, "cut", nil)
	e, _ := m["error"].(map[string]any)
	if msg, _ := e["message"].(string); !strings.HasPrefix(msg, ErrStopping.Error()) {
		t.Fatalf("the cut call answered %v, want the error saying the server stopped", m)
	}
	b.send(t, `{"jsonrpc":"2.0","id":"after","method":"tools/list"}`)
	if m := waitID(t, b, "after", nil); m["result"] == nil {
		t.Fatalf("the session did not go on through the other replica: %v", m)
	}
}

// A session answers only to the caller who created it.
func TestSessionOwner(t *testing.T) {
	f := newFixture()
	c := newHTTP(t, f, HTTPOptions{Owner: func(r *http.Request) string { return r.Header.Get("X-Caller") }})
	defer c.close()
	initialize(t, c, "2025-06-18") // no X-Caller: owner ""
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	if s := status(t, c, "POST", ping, map[string]string{"X-Caller": "mallory"}); s != 404 {
		t.Errorf("another caller's request: %d, want 404", s)
	}
	if s := status(t, c, "POST", ping, nil); s != 200 {
		t.Errorf("the owner's request: %d, want 200", s)
	}
}

// failing is a store that has stopped answering.
type failing struct{ state.Store }

func (failing) Get(context.Context, string) ([]byte, error) {
	return nil, errors.New("connection refused")
}

// While the store does not answer, requests get 503 with Retry-After, not
// 404 (the session is not gone) and not a hang.
func TestStoreDownAnswers503(t *testing.T) {
	f := newFixture()
	st := &switchable{Store: state.NewLocal("")}
	c := newHTTP(t, f, HTTPOptions{Store: st})
	defer c.close()
	initialize(t, c, "2025-06-18")
	st.down = true
	resp, err := http.DefaultClient.Do(c.request("POST", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, nil))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("store down: %d (Retry-After %q), want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	st.down = false
	if s := status(t, c, "POST", `{"jsonrpc":"2.0","id":2,"method":"ping"}`, nil); s != 200 {
		t.Errorf("store back: %d", s)
	}
}

type switchable struct {
	state.Store
	down bool
}

func (s *switchable) Get(ctx context.Context, k string) ([]byte, error) {
	if s.down {
		return failing{}.Get(ctx, k)
	}
	return s.Store.Get(ctx, k)
}

// A replica keeping a busy session's record alive renews what the store
// holds, never its own older copy: a change saved through the other
// replica meanwhile stays.
func TestSharedRenewalKeepsOtherReplicasChanges(t *testing.T) {
	fx := newFixture()
	a, b := replicas(t, fx, HTTPOptions{SessionTTL: 400 * time.Millisecond})
	initialize(t, b, "2025-11-25")
	a.session = b.session
	startWait(t, b, fx, "busy") // b holds the session busy, with its copy
	a.send(t, `{"jsonrpc":"2.0","id":"lvl","method":"logging/setLevel","params":{"level":"error"}}`)
	waitID(t, a, "lvl", nil)
	time.Sleep(500 * time.Millisecond) // b renews the record several times
	rec, err := b.h.load(context.Background(), b.session)
	if err != nil {
		t.Fatalf("the busy session's record: %v", err)
	}
	if rec.Level != "error" {
		t.Errorf("record level = %q after b's renewals, want error (set through a)", rec.Level)
	}
	close(fx.release)
}

// A POST stream that ended stays in the store for finishedTTL, not the
// session TTL: results do not pile up in Redis for half an hour.
func TestFinishedStreamExpiresSooner(t *testing.T) {
	f := newFixture()
	a, _ := replicas(t, f, HTTPOptions{SessionTTL: time.Hour})
	initialize(t, a, "2025-11-25")
	a.send(t, `{"jsonrpc":"2.0","id":"p","method":"tools/call","params":{"name":"progress","arguments":{"n":1}}}`)
	waitID(t, a, "p", nil)
	rs := a.h.opts.Store.(*state.Redis)
	ctx := context.Background()
	keys, err := rs.Client().Keys(ctx, state.Namespace+"{sse/"+a.session+"/p*").Result()
	if err != nil || len(keys) != 2 { // the stream and its seq counter
		t.Fatalf("POST stream keys: %v %v", keys, err)
	}
	for _, k := range keys {
		if ttl := rs.Client().PTTL(ctx, k).Val(); ttl <= 0 || ttl > finishedTTL {
			t.Errorf("%s of an ended POST stream expires in %s, want at most %s", k, ttl, finishedTTL)
		}
	}
}

// Changes made at the same time through two replicas are all kept: each
// is applied to the store's copy of the record under its lock, not saved
// from a replica's own copy over the other's change.
func TestSharedSessionConcurrentChanges(t *testing.T) {
	f := newFixture()
	a, b := sharedSession(t, f)
	const each = 10
	var wg sync.WaitGroup
	for _, c := range []*httpClient{a, b} {
		for i := 0; i < each; i++ {
			wg.Add(1)
			go func(c *httpClient, uri string) {
				defer wg.Done()
				msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%q,"method":"resources/subscribe","params":{"uri":%q}}`, uri, uri)
				resp, err := http.DefaultClient.Do(c.request("POST", msg, nil))
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(body), `"result"`) {
					t.Errorf("subscribe %s: %d %s", uri, resp.StatusCode, body)
				}
			}(c, fmt.Sprintf("test://%p/%d", c, i))
		}
	}
	wg.Wait()
	ctx := context.Background()
	rec, err := a.h.load(ctx, a.session)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Subs) != 2*each {
		t.Errorf("the record holds %d of the %d subscriptions made through two replicas at once", len(rec.Subs), 2*each)
	}
	// Each replica's session follows the store's copy on its next request.
	b.send(t, `{"jsonrpc":"2.0","id":"p","method":"ping"}`)
	waitID(t, b, "p", nil)
	held := heldBy(b)
	if n := len(held.conn.sess.SubscribedResources()); n != 2*each {
		t.Errorf("b's session has %d subscriptions, want %d", n, 2*each)
	}
}

// failingAppends is a store whose log appends fail once fail is set —
// except a POST stream's opening header, so the failure strikes mid-call.
type failingAppends struct {
	state.Store
	fail atomic.Bool
}

func (f *failingAppends) Append(ctx context.Context, log string, data []byte, opt state.LogOptions) (int64, error) {
	if f.fail.Load() && (len(data) == 0 || data[0] != entryHeader) {
		return 0, errors.New("redis: connection refused")
	}
	return f.Store.Append(ctx, log, data, opt)
}

// A store that fails in the middle of a call does not swallow the call's
// messages: they reach the connected client (without event ids), and the
// stream ends, instead of the client waiting for events never stored.
func TestStoreFailureMidCallStillAnswers(t *testing.T) {
	f := newFixture()
	st := &failingAppends{Store: state.NewLocal("")}
	c := newHTTP(t, f, HTTPOptions{Store: st})
	t.Cleanup(c.close)
	initialize(t, c, "2025-11-25")
	st.fail.Store(true)
	progress := 0
	done := make(chan map[string]any, 1)
	go func() {
		c.send(t, `{"jsonrpc":"2.0","id":"call","method":"tools/call","params":{"name":"progress","arguments":{"n":3},"_meta":{"progressToken":"pt"}}}`)
	}()
	go func() {
		done <- waitID(t, c, "call", func(m map[string]any) {
			if m["method"] == "notifications/progress" {
				progress++
			}
		})
	}()
	select {
	case m := <-done:
		if m["result"] == nil || progress != 3 {
			t.Errorf("result %v after %d progress notifications, want the result after 3", m, progress)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no result within 10 s of a store failure mid-call")
	}
}

// A tool's elicitation sent through one replica is answered through the
// other (a balancer sends the client's answer anywhere): the answer is
// forwarded through the store to the replica whose tool waits for it.
func TestSharedSessionElicitationAnsweredElsewhere(t *testing.T) {
	f := newFixture()
	addAsk(f)
	a, b := sharedSession(t, f)
	a.send(t, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"ask","arguments":{"tag":"x"}}}`)
	var req map[string]any
	for req == nil {
		if m := a.recv(t); m["method"] == "elicitation/create" {
			req = m
		}
	}
	if id, _ := req["id"].(string); !strings.HasPrefix(id, "mcp-media-"+a.h.replica+"-") {
		t.Errorf("request id %v does not name the replica that sent it", req["id"])
	}
	id, _ := json.Marshal(req["id"])
	b.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"action":"accept"}}`, id))
	if got := textOf(t, waitID(t, a, "7", nil)); got != "x:accept" {
		t.Errorf("the tool got %q, want x:accept (the answer given through the other replica)", got)
	}
}

// A newer GET stream through one replica ends the session's older one on
// the other, so each notification goes on one stream only.
func TestSharedSessionNewerGETTakesOver(t *testing.T) {
	f := newFixture()
	a, b := sharedSession(t, f)
	open := func(c *httpClient) *http.Response {
		t.Helper()
		req := c.request("GET", "", map[string]string{"Accept": "text/event-stream"})
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET: %v %v", resp, err)
		}
		return resp
	}
	older := open(a)
	ended := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, older.Body); close(ended) }()
	time.Sleep(300 * time.Millisecond) // a's stream is attached
	start := time.Now()
	newer := open(b)
	defer newer.Body.Close()
	select {
	case <-ended:
		t.Logf("the older stream ended %v after the newer one opened", time.Since(start).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatal("the older GET stream, on the other replica, was not ended")
	}
	held := heldBy(a)
	held.mu.Lock()
	on := held.getOn
	held.mu.Unlock()
	if on {
		t.Error("replica a still counts its GET stream as attached")
	}
}

// A broadcast from a replica that does not hold the session reaches the
// session's GET stream on the one that does, every note in order, each
// only where the session wants it (subscriptions), with one record read.
func TestSharedBroadcastFromAnotherReplica(t *testing.T) {
	f := newFixture()
	a, b := replicas(t, f, HTTPOptions{})
	initialize(t, a, "2025-11-25")
	a.send(t, `{"jsonrpc":"2.0","id":"sub","method":"resources/subscribe","params":{"uri":"test://a"}}`)
	waitID(t, a, "sub", nil)
	req := a.request("GET", "", map[string]string{"Accept": "text/event-stream"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET: %v %v", resp, err)
	}
	a.consume(resp)
	time.Sleep(200 * time.Millisecond) // the stream is attached
	b.h.Broadcast(
		Note{Method: "notifications/resources/updated", Params: map[string]any{"uri": "test://other"}},
		Note{Method: "notifications/resources/updated", Params: map[string]any{"uri": "test://a"}},
		Note{Method: "notifications/message", Params: map[string]any{"level": "info", "data": "hello"}})
	var got []string
	for len(got) < 2 {
		m := a.recv(t)
		method, _ := m["method"].(string)
		if method == "" {
			continue
		}
		p, _ := m["params"].(map[string]any)
		got = append(got, fmt.Sprint(method, " ", p["uri"], p["data"]))
	}
	want := []string{"notifications/resources/updated test://a<nil>", "notifications/message <nil>hello"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the GET stream got %q, want %q", got, want)
	}
}
