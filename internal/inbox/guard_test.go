package inbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTest(t *testing.T, o Options) (*Inbox, *clock, func(url, body string) int) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	o.PublicURL, o.Now = "https://hooks.example.com", clk.now
	b, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	// The summariser names the task the body claims, as doraapi's do.
	b.SetSummarizer("asr_long", func(p json.RawMessage) (string, string) {
		var v struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(p, &v)
		return v.ID, "text"
	})
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	post := func(url, body string) int {
		resp, err := http.Post(srv.URL+url[len("https://hooks.example.com"):], "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	return b, clk, post
}

func TestOneShotRouteBoundToItsTask(t *testing.T) {
	b, _, post := newTest(t, Options{})
	u, _ := b.NewCallback("qiniu", "asr_long", OneShot)
	b.Bind(u, "task-1")
	if c := post(u, `{"id":"task-2","text":"forged"}`); c != 400 {
		t.Fatalf("body naming another task: %d", c)
	}
	if c := post(u, `{"id":"task-1","text":"real"}`); c != 200 {
		t.Fatalf("genuine: %d", c)
	}
	for i := 0; i < 3; i++ {
		if c := post(u, `{"id":"task-1","text":"replay"}`); c != 410 {
			t.Fatalf("replay %d: %d", i, c)
		}
	}
	if evs, _ := b.List(Filter{}); len(evs) != 1 || !strings.Contains(string(evs[0].Payload), "real") {
		t.Fatalf("events: %+v", evs)
	}
	if _, ok := b.Latest("task-2"); ok {
		t.Fatal("a forged task id got an event")
	}
}

// A post to a route not bound yet cannot choose its task id.
func TestUnboundRouteDoesNotTakeTaskIDFromBody(t *testing.T) {
	b, _, post := newTest(t, Options{})
	u, _ := b.NewCallback("qiniu", "asr_long")
	if c := post(u, `{"id":"victim-task","text":"forged transcript"}`); c != 200 {
		t.Fatalf("early callback: %d", c)
	}
	if _, ok := b.Latest("victim-task"); ok {
		t.Fatal("the body chose the task id")
	}
	b.Bind(u, "own-task")
	if e, ok := b.Latest("own-task"); !ok || e.TaskID != "own-task" {
		t.Fatalf("early event not bound: %+v %v", e, ok)
	}
}

func TestSizeRateExpiryAndCancel(t *testing.T) {
	b, clk, post := newTest(t, Options{})
	u, _ := b.NewCallback("qiniu", "censor_voice")
	b.Bind(u, "s1")
	if c := post(u, `{"x":"`+strings.Repeat("a", MaxEventBytes)+`"}`); c != 413 {
		t.Fatalf("oversized: %d", c)
	}
	n429 := 0
	for i := 0; i < RatePerMinute+5; i++ {
		if post(u, `{"n":1}`) == 429 {
			n429++
		}
	}
	if n429 != 6 { // the oversized post counted too
		t.Fatalf("%d of the flood refused, want 6", n429)
	}
	clk.add(time.Minute)
	if c := post(u, `{"n":2}`); c != 200 {
		t.Fatalf("next minute: %d", c)
	}
	// Expiry is checked on each callback, not only at start.
	clk.add(routeTTL)
	if c := post(u, `{"n":3}`); c != 404 {
		t.Fatalf("expired: %d", c)
	}
	v, _ := b.NewCallback("qiniu", "asr_long")
	b.Cancel(v) // the submission failed
	if c := post(v, `{}`); c != 404 {
		t.Fatalf("cancelled route: %d", c)
	}
}

// 200 posts of the largest body over many routes keep memory and disk
// under MaxBytes (plus the compaction slack).
func TestFloodStaysBounded(t *testing.T) {
	dir := t.TempDir()
	const maxBytes = 2 << 20
	b, clk, post := newTest(t, Options{Store: state.NewLocal(dir), MaxBytes: maxBytes})
	body := `{"x":"` + strings.Repeat("a", MaxEventBytes-16) + `"}`
	u, _ := b.NewCallback("qiniu", "censor_voice")
	for i := 0; i < 200; i++ {
		if i%RatePerMinute == 0 {
			clk.add(time.Minute)
		}
		if c := post(u, body); c != 200 {
			t.Fatalf("post %d: %d", i, c)
		}
	}
	b.mu.Lock()
	mem := b.bytes
	b.mu.Unlock()
	if mem > maxBytes {
		t.Fatalf("%d payload bytes in memory, cap %d", mem, maxBytes)
	}
	if n := dirBytes(t, dir); n > 3*maxBytes {
		t.Fatalf("the store's files are %d bytes", n)
	}
}

// dirBytes is the size of the files under dir.
func dirBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
