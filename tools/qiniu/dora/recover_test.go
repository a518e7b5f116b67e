package dora

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/inbox"
)

// withReceiverDown is an inbox whose public address answers every callback
// 502, as a load balancer does for a replica killed mid-request: Qiniu
// does not retry, so only recovery brings the results in.
func withReceiverDown() opt {
	return func(h *harness, _ map[string]string) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "replica down", http.StatusBadGateway)
		}))
		h.t.Cleanup(srv.Close)
		ib, err := inbox.New(inbox.Options{PublicURL: srv.URL, File: filepath.Join(h.t.TempDir(), "inbox.jsonl"), RecoverAfter: 20 * time.Millisecond})
		if err != nil {
			h.t.Fatal(err)
		}
		h.t.Cleanup(ib.Close)
		h.env.Inbox = ib
	}
}

func TestLostCallbacksAreQueried(t *testing.T) {
	cases := []struct {
		tool    string
		args    map[string]any
		summary string
	}{
		{"qiniu_transcribe_long", map[string]any{"url": "https://cdn.example/a.mp3", "wait": false}, "transcription done: 6 sentences"},
		{"qiniu_censor_audio", map[string]any{"url": "https://cdn.example/pass/a.mp3", "wait": false}, "audio censor: pass"},
		{"qiniu_translate_document", map[string]any{"url": "https://docs.example/r.pdf", "to": "en", "bucket": "out"}, "translation done"},
	}
	for _, tc := range cases {
		t.Run(tc.tool, func(t *testing.T) {
			h := newHarness(t, withReceiverDown())
			r := h.mustCall(tc.tool, tc.args)
			id := r.Str("task_id")
			if r.Str("delivery") != "inbox" {
				t.Fatalf("delivery %q: %s", r.Str("delivery"), r.Text)
			}
			var ev inbox.Event
			deadline := time.Now().Add(10 * time.Second)
			for {
				h.fake.Advance()
				h.fake.Flush()
				var ok bool
				if ev, ok = h.env.Inbox.Latest(id); ok {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the result of %s never reached the inbox; callbacks: %+v", id, h.fake.Callbacks())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if !strings.Contains(ev.Summary, "no callback came; queried") || !strings.Contains(ev.Summary, tc.summary) {
				t.Errorf("summary %q, want the queried %q", ev.Summary, tc.summary)
			}
			failed := false
			for _, cb := range h.fake.Callbacks() {
				failed = failed || cb.ID == id && cb.Status == http.StatusBadGateway
			}
			if !failed {
				t.Errorf("no callback of %s was refused: the test did not lose one (%+v)", id, h.fake.Callbacks())
			}
			evs, _ := h.env.Inbox.List(inbox.Filter{TaskID: id, Limit: 10})
			if len(evs) != 1 {
				t.Errorf("%d events for one task", len(evs))
			}
		})
	}
}
