package inbox

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStableCallbackAndAcceptor(t *testing.T) {
	file := filepath.Join(t.TempDir(), "inbox.jsonl")
	b, err := New(Options{PublicURL: "http://127.0.0.1:9", File: file})
	if err != nil {
		t.Fatal(err)
	}
	u1, err := b.StableCallback("vod", "video_ready")
	if err != nil {
		t.Fatal(err)
	}
	if u2, _ := b.StableCallback("vod", "video_ready"); u2 != u1 {
		t.Errorf("not stable: %s %s", u1, u2)
	}
	if u3, _ := b.StableCallback("vod", "video_play_set_ready"); u3 == u1 {
		t.Error("two kinds share an address")
	}
	b.SetAcceptor("video_ready", func(p []byte) (string, error) {
		if !strings.Contains(string(p), "video_id") {
			return "", errors.New("no video_id")
		}
		return "same", nil
	})
	post := func(path, body string) int {
		rec := httptest.NewRecorder()
		b.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
		return rec.Code
	}
	path := u1[len("http://127.0.0.1:9"):]
	if c := post(path, `{"x":1}`); c != 400 {
		t.Errorf("refused body: %d", c)
	}
	for i := 0; i < 3; i++ {
		if c := post(path, `{"video_id":"v1","task_id":"forged"}`); c != 200 {
			t.Errorf("delivery %d: %d", i, c)
		}
	}
	if c := post(PathPrefix+"made-up-token", `{"video_id":"v1"}`); c != 404 {
		t.Errorf("made-up path: %d", c)
	}
	evs, _ := b.List(Filter{Provider: "vod"})
	if len(evs) != 1 || evs[0].TaskID != "" {
		t.Errorf("events: %+v", evs)
	}
	// The address survives a restart, and so does deduplication.
	b2, _ := New(Options{PublicURL: "http://127.0.0.1:9", File: file})
	if u, _ := b2.StableCallback("vod", "video_ready"); u != u1 {
		t.Errorf("after restart: %s, want %s", u, u1)
	}
	b2.SetAcceptor("video_ready", func(p []byte) (string, error) { return "same", nil })
	rec := httptest.NewRecorder()
	b2.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader(`{"video_id":"v1"}`)))
	if evs, _ := b2.List(Filter{Provider: "vod"}); rec.Code != 200 || len(evs) != 1 {
		t.Errorf("a retry after a restart was stored again: %d events", len(evs))
	}
}

// TestStableRouteDoesNotExpire: a standing address registered once with a
// provider keeps working past the per-task route lifetime.
func TestStableRouteDoesNotExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b, _ := New(Options{PublicURL: "http://127.0.0.1:9", Now: func() time.Time { return now }})
	stable, _ := b.StableCallback("vod", "video_ready")
	task, _ := b.NewCallback("qiniu", "asr_long")
	now = now.Add(routeTTL + time.Hour)
	post := func(u string) int {
		rec := httptest.NewRecorder()
		b.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, u[len("http://127.0.0.1:9"):], strings.NewReader(`{"video_id":"v1"}`)))
		return rec.Code
	}
	if c := post(task); c != 404 {
		t.Errorf("expired task route: %d", c)
	}
	if c := post(stable); c != 200 {
		t.Errorf("stable route after %s: %d", routeTTL, c)
	}
}
