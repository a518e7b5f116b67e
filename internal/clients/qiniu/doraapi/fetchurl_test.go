package doraapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/httpx"
)

// A realtime URL may not make the server reach loopback, private or
// metadata addresses, directly, by redirect or by a stream protocol; the
// refusal comes before any connection and reads the same for every port.
func TestRealtimeURLRefusesInternalAddresses(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
			return
		}
		w.Write([]byte("x"))
	}))
	t.Cleanup(srv.Close)
	strict := newEnv(t, func(c *Config) { c.AllowPrivateURLs = false })
	var msgs []string
	for _, u := range []string{
		srv.URL + "/audio.wav",
		"http://127.0.0.1:1/x", // closed port: same answer as the open one
		"http://[::1]:22/",
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/a.mp3",
		"http://localhost:" + strings.Split(srv.URL, ":")[2] + "/a.wav",
		"rtmp://127.0.0.1:6379/app/stream", // raw TCP to an internal service
		"srt://192.168.1.1:9000",
	} {
		_, err := strict.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{URL: u}})
		var le *argerr.Error
		if !errors.As(err, &le) || le.Arg != "url" || !strings.Contains(err.Error(), "not allowed") {
			t.Fatalf("%s: %v", u, err)
		}
		msgs = append(msgs, strings.TrimPrefix(le.Problem, le.Problem[:strings.Index(le.Problem, ": ")]))
	}
	for _, m := range msgs {
		if m != msgs[0] {
			t.Errorf("refusals differ: %q vs %q", m, msgs[0])
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests reached the loopback server", n)
	}
	if n := len(strict.fake.Requests()); n != 0 {
		t.Fatalf("%d requests reached the provider", n)
	}

	// Even with private addresses allowed, a redirect to the metadata
	// address is refused when it is dialled.
	lax := newEnv(t)
	_, err := lax.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{URL: srv.URL + "/hop"}})
	if err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Fatalf("redirect to metadata: %v", err)
	}
}

func TestFetchClientChecksTheDialledAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	if _, err := httpx.FetchClient(false).Do(req); !errors.Is(err, httpx.ErrAddressRefused) {
		t.Fatalf("loopback: %v", err)
	}
	req, _ = http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := httpx.FetchClient(true).Do(req)
	if err != nil {
		t.Fatalf("loopback allowed: %v", err)
	}
	resp.Body.Close()
}
