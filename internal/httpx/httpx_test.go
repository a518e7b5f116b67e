package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/redact"
)

func testClient(url string) *Client {
	return &Client{Provider: "test", BaseURL: url + "/api", Redact: &redact.Set{},
		Retry: RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: 2 * time.Millisecond}}
}

func TestRetriesOnlyIdempotentRequests(t *testing.T) {
	cases := []struct {
		method     string
		idempotent bool
		status     int
		wantCalls  int32
	}{
		{"GET", false, 503, 3},
		{"DELETE", false, 500, 3},
		{"POST", false, 503, 1},
		{"POST", true, 503, 3},
		{"GET", false, 400, 1},
		{"GET", false, 401, 1},
		{"GET", false, 429, 3},
	}
	for _, c := range cases {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(c.status)
		}))
		_, err := testClient(srv.URL).Do(context.Background(), Request{Method: c.method, Path: "/x", Idempotent: c.idempotent}, nil)
		srv.Close()
		if err == nil || StatusOf(err) != c.status {
			t.Errorf("%s %d: err %v", c.method, c.status, err)
		}
		if calls.Load() != c.wantCalls {
			t.Errorf("%s idempotent=%v status %d: %d calls, want %d", c.method, c.idempotent, c.status, calls.Load(), c.wantCalls)
		}
	}
}

func TestRetrySucceedsAndResendsStreamBody(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if string(b) != "payload" {
			t.Errorf("attempt %d got body %q", calls.Load(), b)
		}
		if calls.Add(1) == 1 {
			w.WriteHeader(502)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	var out struct{ OK bool }
	_, err := testClient(srv.URL).Do(context.Background(), Request{Method: "POST", Path: "/x", Idempotent: true, ContentLength: 7,
		Stream: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("payload")), nil }}, &out)
	if err != nil || !out.OK || calls.Load() != 2 {
		t.Fatalf("err=%v ok=%v calls=%d", err, out.OK, calls.Load())
	}
}

func TestErrorsAreScrubbedAndHinted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A provider that echoes the key it was sent.
		w.WriteHeader(401)
		w.Write([]byte(`{"message":"bad key ` + r.Header.Get("X-Key") + `"}`))
	}))
	defer srv.Close()
	c := testClient(srv.URL)
	c.Authorize = func(req *http.Request, _ []byte) ([]string, error) {
		req.Header.Set("X-Key", "derived-signature-123")
		return []string{"derived-signature-123"}, nil
	}
	c.Hint = func(e *APIError) string { return "run mcp-media auth set test" }
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"}, nil)
	if err == nil {
		t.Fatal("want error")
	}
	msg := err.Error()
	if strings.Contains(msg, "derived-signature-123") {
		t.Errorf("derived secret leaked: %s", msg)
	}
	for _, want := range []string{"HTTP 401", redact.Mask, "run mcp-media auth set test", "GET /x"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 {
		t.Error("the APIError must stay reachable with errors.As")
	}
}

func TestRateLimitHeaderHonouredOnlyOn429(t *testing.T) {
	h := http.Header{}
	h.Set("X-RateLimit-Retry-After", "45")
	h.Set("X-RateLimit-Remaining", "12")
	if d := retryAfter(500, h); d != 0 {
		t.Errorf("500 with requests left waited %s", d)
	}
	if d := retryAfter(429, h); d != 30*time.Second {
		t.Errorf("429 waited %s, want the 30s cap", d)
	}
	h.Set("Retry-After", "2")
	if d := retryAfter(503, h); d != 2*time.Second {
		t.Errorf("Retry-After ignored: %s", d)
	}
}

func TestCancellationStopsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	c := testClient(srv.URL)
	c.Retry = RetryPolicy{Attempts: 10, Base: time.Second, Max: time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := c.Do(ctx, Request{Method: "GET", Path: "/x"}, nil)
	if err == nil || time.Since(start) > 900*time.Millisecond {
		t.Errorf("cancel did not stop the retry loop: %v after %s", err, time.Since(start))
	}
}

func TestTransportFailureNamesHost(t *testing.T) {
	c := testClient("http://127.0.0.1:1")
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x"}, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot reach 127.0.0.1:1") {
		t.Errorf("got %v", err)
	}
}

// A DELETE whose first answer was lost is retried; the retry's 404 means the
// first one worked, so the call succeeds instead of reporting a failure.
func TestDeleteRetried404IsSuccess(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(502) // the delete happened, the answer did not arrive
			return
		}
		w.WriteHeader(404)
	}))
	defer srv.Close()
	if _, err := testClient(srv.URL).Do(context.Background(), Request{Method: "DELETE", Path: "/x"}, nil); err != nil {
		t.Errorf("retried delete: %v", err)
	}
	calls.Store(1) // first answer is already a 404: a real "not found"
	if _, err := testClient(srv.URL).Do(context.Background(), Request{Method: "DELETE", Path: "/x"}, nil); StatusOf(err) != 404 {
		t.Errorf("plain 404 delete must fail, got %v", err)
	}
}

// A connection reset mid-answer is retried for a GET and surfaced, not
// retried, for a POST (it may have taken effect).
func TestConnectionResetRetriedOnlyWhenSafe(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	if _, err := testClient(srv.URL).Do(context.Background(), Request{Method: "GET", Path: "/x"}, nil); err != nil || calls.Load() != 2 {
		t.Errorf("GET after a reset: %v (%d calls)", err, calls.Load())
	}
	calls.Store(0)
	_, err := testClient(srv.URL).Do(context.Background(), Request{Method: "POST", Path: "/x"}, nil)
	if err == nil || calls.Load() != 1 || !strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("POST after a reset: %v (%d calls)", err, calls.Load())
	}
}

// A slow body is bounded by the request timeout and reported as a timeout.
func TestSlowAnswerTimesOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c := testClient(srv.URL)
	c.Retry = RetryPolicy{Attempts: 1}
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x", Timeout: 100 * time.Millisecond}, nil)
	if err == nil || !strings.Contains(err.Error(), "timed out after 100ms") {
		t.Errorf("got %v", err)
	}
}

// Rate limits and 5xx get the shared hint when the provider's has nothing
// more specific; Qiniu's own 6xx answers are not called server errors.
func TestSharedHint(t *testing.T) {
	for _, c := range []struct {
		status int
		want   string
	}{
		{429, "Rate limit reached"},
		{503, "The test service had a server error"},
		{614, ""},
		{400, ""},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(c.status) }))
		cl := testClient(srv.URL)
		cl.Retry = RetryPolicy{Attempts: 1}
		cl.Hint = func(e *APIError) string { return "" }
		_, err := cl.Do(context.Background(), Request{Method: "POST", Path: "/x"}, nil)
		srv.Close()
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%d: %v", c.status, err)
		}
		if (c.want == "" && ae.Hint != "") || !strings.Contains(ae.Hint, c.want) {
			t.Errorf("%d: hint %q, want %q", c.status, ae.Hint, c.want)
		}
	}
}

func TestRedirectToAnotherHostNotFollowed(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Stream-Secret-Key") != "" {
			leaked.Add(1)
		}
		w.Write([]byte(`{}`))
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			w.Write([]byte(`{}`))
			return
		}
		if r.URL.Path == "/local" {
			http.Redirect(w, r, "/same", http.StatusTemporaryRedirect)
			return
		}
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := &Client{Provider: "aioz", BaseURL: srv.URL, Redact: &redact.Set{},
		Authorize: func(req *http.Request, _ []byte) ([]string, error) {
			req.Header.Set("Stream-Secret-Key", "s3cr3t-value")
			return nil, nil
		}}
	if _, err := c.Do(context.Background(), Request{Method: "GET", Path: "/local"}, nil); err != nil {
		t.Fatalf("same-origin redirect: %v", err)
	}
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"}, nil)
	if err == nil || !strings.Contains(err.Error(), "redirected") {
		t.Fatalf("cross-host redirect: err = %v", err)
	}
	if n := leaked.Load(); n != 0 {
		t.Fatalf("secret followed the redirect %d times", n)
	}
	if StatusOf(err) != http.StatusTemporaryRedirect {
		t.Fatalf("status = %d", StatusOf(err))
	}
}

func TestProviderErrorTextClipped(t *testing.T) {
	_, msg := ErrorMessage(func(int, []byte) (string, string) { return "", strings.Repeat("é", 5000) }, 400, nil)
	if len(msg) > MaxErrorText+len("…") {
		t.Fatalf("message is %d bytes", len(msg))
	}
}
