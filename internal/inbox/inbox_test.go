package inbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
)

func TestCallbackStoredAnnouncedAndDurable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "inbox.jsonl")
	b, err := New(Options{PublicURL: "https://hooks.example.com/", File: file})
	if err != nil {
		t.Fatal(err)
	}
	b.SetSummarizer("asr_long", func(p json.RawMessage) (string, string) { return "", "done: " + string(p[:10]) })
	url, err := b.NewCallback("qiniu", "asr_long")
	if err != nil || !strings.HasPrefix(url, "https://hooks.example.com/callbacks/") || len(url) < len("https://hooks.example.com/callbacks/")+40 {
		t.Fatalf("callback URL %q %v", url, err)
	}
	other, _ := b.NewCallback("qiniu", "asr_long")
	if other == url {
		t.Fatal("callback URLs must be unique per task")
	}
	b.Bind(url, "task-42")
	var got []Event
	unsub := b.Subscribe(func(e Event) { got = append(got, e) })
	defer unsub()

	srv := httptest.NewServer(b)
	defer srv.Close()
	path := url[len("https://hooks.example.com"):]
	post := func(p, body string) int {
		resp, err := http.Post(srv.URL+p, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := post("/callbacks/not-a-token", `{}`); c != 404 {
		t.Errorf("unknown token: %d", c)
	}
	if c := post(path, `not json`); c != 400 {
		t.Errorf("bad body: %d", c)
	}
	if c := post(path, `{"result":"hello world"}`); c != 200 {
		t.Errorf("good callback: %d", c)
	}
	if len(got) != 1 || got[0].TaskID != "task-42" || got[0].Kind != "asr_long" || !strings.HasPrefix(got[0].Summary, "done: ") {
		t.Fatalf("announced: %+v", got)
	}

	// A restart keeps the event and the route.
	b2, err := New(Options{PublicURL: "https://hooks.example.com", File: file})
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := b2.Latest("task-42"); !ok || string(e.Payload) != `{"result":"hello world"}` {
		t.Fatalf("after restart: %+v %v", e, ok)
	}
	srv2 := httptest.NewServer(b2)
	defer srv2.Close()
	resp, err := http.Post(srv2.URL+path, "application/json", strings.NewReader(`{"second":true}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("route lost across restart: %v %v", resp, err)
	}
	evs, _ := b2.List(Filter{TaskID: "task-42"})
	if len(evs) != 2 || evs[1].Seq <= evs[0].Seq {
		t.Errorf("events after restart: %+v", evs)
	}
}

func TestBoundedAndPaged(t *testing.T) {
	b, _ := New(Options{Max: 5})
	for i := 0; i < 8; i++ {
		b.Add("aioz", "webhook", "m", []byte(`{}`))
	}
	all, more := b.List(Filter{Limit: 100})
	if len(all) != 5 || more || all[0].Seq != 4 {
		t.Errorf("bounded: %d events, first seq %d", len(all), all[0].Seq)
	}
	page, more := b.List(Filter{Limit: 2})
	next, _ := b.List(Filter{Limit: 2, AfterSeq: page[1].Seq})
	if !more || next[0].Seq != page[1].Seq+1 {
		t.Errorf("paging: %+v then %+v", page, next)
	}
}

func TestDisabledWithoutPublicURL(t *testing.T) {
	b, _ := New(Options{})
	if b.Enabled() {
		t.Fatal("enabled without a public URL")
	}
	if _, err := b.NewCallback("qiniu", "asr_long"); err != ErrNoPublicURL || !strings.Contains(err.Error(), "--public-url") {
		t.Errorf("got %v", err)
	}
}

// The file stays bounded while the server runs, not only across restarts.
func TestFileCompactedWhileRunning(t *testing.T) {
	dir := t.TempDir()
	b, _ := New(Options{Store: state.NewLocal(dir), Max: 10})
	for i := 0; i < 200; i++ {
		b.Add("aioz", "webhook", "m", []byte(`{"n":1}`))
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "logs", "*.jsonl"))
	if len(logs) != 1 {
		t.Fatalf("log files: %v", logs)
	}
	raw, _ := os.ReadFile(logs[0])
	if lines := strings.Count(string(raw), "\n"); lines > 31 {
		t.Errorf("inbox log has %d lines for a 10-event inbox", lines)
	}
	b2, _ := New(Options{Store: state.NewLocal(dir), Max: 10})
	if all, _ := b2.List(Filter{Limit: 100}); len(all) != 10 || all[9].Seq != 200 {
		t.Errorf("after compaction: %d events, last seq %d", len(all), all[len(all)-1].Seq)
	}
}

func TestOldRoutesExpire(t *testing.T) {
	start := time.Now()
	file := filepath.Join(t.TempDir(), "inbox.jsonl")
	b, err := New(Options{PublicURL: "https://h.example", File: file, Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for range 2 {
		u, err := b.NewCallback("qiniu", "asr_long")
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, strings.TrimPrefix(u, "https://h.example"))
	}
	// A restart 29 days on still knows the path; one 31 days on does not.
	for i, c := range []struct {
		age  time.Duration
		want int
	}{{29 * 24 * time.Hour, 200}, {31 * 24 * time.Hour, 404}} {
		now := start.Add(c.age)
		b2, err := New(Options{PublicURL: "https://h.example", File: file, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(b2)
		resp, err := http.Post(srv.URL+paths[i], "application/json", strings.NewReader(`{}`))
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("a callback path %v old answers %d, want %d", c.age, resp.StatusCode, c.want)
		}
	}
}
