package aioz

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// fault sits in front of the fake: matching requests are refused with 503
// without reaching it (lose false), or reach it and have their answer
// replaced by a 502 (lose true: done, but the client cannot know).
type fault struct {
	mu    sync.Mutex
	match func(*http.Request) bool
	lose  bool
	hits  atomic.Int32
}

func (f *fault) set(match func(*http.Request) bool, lose bool) {
	f.mu.Lock()
	f.match, f.lose = match, lose
	f.mu.Unlock()
}

func withFaults(t *testing.T, h *harness) *fault {
	f := &fault{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		match, lose := f.match, f.lose
		f.mu.Unlock()
		if match == nil || !match(r) {
			h.fake.ServeHTTP(w, r)
			return
		}
		f.hits.Add(1)
		if lose {
			h.fake.ServeHTTP(httptest.NewRecorder(), r)
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	base := srv.URL + "/api"
	h.env.Getenv = func(k string) string { return map[string]string{"MCP_MEDIA_AIOZ_URL": base}[k] }
	return f
}

func creates(h *harness) int {
	n := 0
	for _, r := range h.fake.Requests() {
		if strings.HasSuffix(r.Path, "/media/create") {
			n++
		}
	}
	return n
}

func isGetMedia(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/media/") && strings.Count(r.URL.Path, "/") == 3
}

// failFirstRun leaves an interrupted upload: media created, its only chunk
// refused.
func failFirstRun(t *testing.T, h *harness, args map[string]any) {
	t.Helper()
	h.fake.FailNextParts(100)
	if res := h.call(t, context.Background(), "aioz_upload_media", args); !res.IsError {
		t.Fatal("first run should have failed")
	}
	h.fake.FailNextParts(0)
}

// A 503 while checking the earlier media keeps the saved state and fails,
// instead of starting a second media and saying "Upload Complete!".
func TestResumeCheckFailureKeepsState(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	f := withFaults(t, h)
	args := map[string]any{"file_path": writeVideo(t, 1<<20), "title": "clip"}
	failFirstRun(t, h, args)
	f.set(isGetMedia, false)
	res := h.call(t, context.Background(), "aioz_upload_media", args)
	text := toolkit.ResultText(res)
	if !res.IsError || strings.Contains(text, "Upload Complete") || !strings.Contains(text, "saved progress is kept") {
		t.Fatalf("check failure: %s", text)
	}
	if n := creates(h); n != 1 {
		t.Fatalf("%d media created", n)
	}
	f.set(nil, false)
	res = h.call(t, context.Background(), "aioz_upload_media", args)
	if res.IsError || creates(h) != 1 {
		t.Fatalf("resume after the outage: %s (creates %d)", toolkit.ResultText(res), creates(h))
	}
}

// A lost answer to /media/create is reported as such, and the next call
// continues into the media it created instead of leaving it orphaned.
func TestLostCreateAnswerReconciled(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	f := withFaults(t, h)
	args := map[string]any{"file_path": writeVideo(t, 1<<20), "title": "lost create"}
	f.set(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/media/create") }, true)
	res := h.call(t, context.Background(), "aioz_upload_media", args)
	text := toolkit.ResultText(res)
	if !res.IsError || !strings.Contains(text, "outcome unknown") || !strings.Contains(text, "/media/create") {
		t.Fatalf("lost create: %s", text)
	}
	f.set(nil, false)
	res = h.call(t, context.Background(), "aioz_upload_media", args)
	text = toolkit.ResultText(res)
	if res.IsError || creates(h) != 1 || !strings.Contains(text, "had created media") {
		t.Fatalf("reconcile: %s (creates %d)", text, creates(h))
	}
}

// A lost answer to /complete is "outcome unknown", not "/complete was NOT
// called"; the next call sees the media processing and reports it.
func TestLostCompleteAnswer(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	f := withFaults(t, h)
	args := map[string]any{"file_path": writeVideo(t, 1<<20), "title": "lost complete"}
	f.set(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/complete") }, true)
	res := h.call(t, context.Background(), "aioz_upload_media", args)
	text := toolkit.ResultText(res)
	if !res.IsError || !strings.Contains(text, "Outcome unknown") || strings.Contains(text, "NOT called") {
		t.Fatalf("lost complete: %s", text)
	}
	f.set(nil, false)
	parts := func() (n int) {
		for _, r := range h.fake.Requests() {
			if strings.HasSuffix(r.Path, "/part") {
				n++
			}
		}
		return n
	}
	before := parts()
	res = h.call(t, context.Background(), "aioz_upload_media", args)
	text = toolkit.ResultText(res)
	if res.IsError || creates(h) != 1 || parts() != before || !strings.Contains(text, "nothing to resend") {
		t.Fatalf("after a lost complete: %s (creates %d)", text, creates(h))
	}
}

// A resumed upload shows the title the media really has.
func TestResumeKeepsAndShowsTheMediaTitle(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	path := writeVideo(t, 1<<20)
	failFirstRun(t, h, map[string]any{"file_path": path, "title": "first title"})
	res := h.call(t, context.Background(), "aioz_upload_media", map[string]any{"file_path": path, "title": "second title"})
	text := toolkit.ResultText(res)
	var out UploadOutput
	structured(t, res, &out)
	if res.IsError || out.Title != "first title" || !strings.Contains(text, "first title") || !strings.Contains(text, "was not applied") {
		t.Fatalf("title: %q %s", out.Title, text)
	}
}
