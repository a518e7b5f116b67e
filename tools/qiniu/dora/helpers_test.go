package dora

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/dorafake"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/testkit"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

const (
	testAK = testkit.QiniuAK
	testSK = testkit.QiniuSK
)

type harness struct {
	t      testing.TB
	fake   *dorafake.Server
	url    string
	red    *redact.Set
	vars   map[string]string
	env    *toolkit.Env
	tools  *tools
	run    *tooltest.Runner
	byName map[string]toolkit.Tool

	mu       sync.Mutex
	progress []string
}

type opt func(*harness, map[string]string)

func withSecret(sk string) opt {
	return func(_ *harness, creds map[string]string) { creds["secret_key"] = sk }
}

// withInbox runs a callback inbox reachable by the fake (its public URL is
// a loopback server).
func withInbox() opt {
	return func(h *harness, _ map[string]string) {
		var ib *inbox.Inbox
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ib.ServeHTTP(w, r) }))
		h.t.Cleanup(srv.Close)
		var err error
		ib, err = inbox.New(inbox.Options{PublicURL: srv.URL, File: filepath.Join(h.t.TempDir(), "inbox.jsonl")})
		if err != nil {
			h.t.Fatal(err)
		}
		h.env.Inbox = ib
	}
}

func newHarness(t testing.TB, opts ...opt) *harness {
	t.Helper()
	h := &harness{t: t, red: &redact.Set{}, vars: map[string]string{}}
	h.fake = dorafake.New(dorafake.Options{AccessKey: testAK, SecretKey: testSK})
	t.Cleanup(h.fake.Close)
	srv := httptest.NewServer(h.fake)
	t.Cleanup(srv.Close)
	h.url = srv.URL
	h.vars["MCP_MEDIA_QINIU_ASR_URL"] = srv.URL
	h.vars["MCP_MEDIA_QINIU_ASR_WS_URL"] = "ws" + strings.TrimPrefix(srv.URL, "http")
	h.vars["MCP_MEDIA_QINIU_CENSOR_URL"] = srv.URL
	h.vars["MCP_MEDIA_QINIU_TRANSLATE_URL"] = srv.URL
	creds := map[string]string{"access_key": testAK, "secret_key": testSK}
	h.env = &toolkit.Env{
		Redact:           h.red,
		AllowPrivateURLs: true, // media URLs in these tests are loopback servers
		Getenv:           func(k string) string { return h.vars[k] },
		ProgressSink: func(p, total float64, msg string) {
			h.mu.Lock()
			h.progress = append(h.progress, msg)
			h.mu.Unlock()
		},
	}
	for _, o := range opts {
		o(h, creds)
	}
	h.env.Creds = &credentials.Store{Sandbox: map[string]map[string]string{"qiniu": creds}, Redact: h.red}
	h.tools = newTools(h.env)
	h.tools.pollEvery = 5 * time.Millisecond
	if h.env.Inbox != nil {
		Toolsets(h.env) // registers the summaries
	}
	h.run = tooltest.NewRunner(h.env, h.tools.toolsets(), testAK, testSK)
	h.byName = h.run.Tools
	return h
}

// call runs a tool as the server does; see tooltest.Runner.Call.
func (h *harness) call(name string, args any) tooltest.Result {
	h.t.Helper()
	return h.run.Call(h.t, context.Background(), name, args)
}

// mustCall calls a tool and fails the test on an error result.
func (h *harness) mustCall(name string, args any) tooltest.Result {
	h.t.Helper()
	return h.run.OK(h.t, name, args)
}

func (h *harness) progressMessages() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.progress...)
}

func (h *harness) noRequests() {
	h.t.Helper()
	if reqs := h.fake.Requests(); len(reqs) != 0 {
		h.t.Errorf("%d requests reached the fake (first: %s %s)", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// wavBytes is a 16-bit testkit.WAV.
func wavBytes(rate, channels int, d time.Duration) []byte { return testkit.WAV(rate, channels, 16, d) }

var writeFile = testkit.WriteFile

// serveBytes serves b on a loopback server (the fake fetches loopback
// media URLs to measure them).
func serveBytes(t *testing.T, name string, b []byte) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(b) }))
	t.Cleanup(srv.Close)
	return srv.URL + "/" + name
}
