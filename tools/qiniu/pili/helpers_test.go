package pili

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/pilifake"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/testkit"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

const (
	testAK  = testkit.QiniuAK
	testSK  = testkit.QiniuSK
	hubName = "live1"
)

type harness struct {
	t      *testing.T
	fake   *pilifake.Server
	clk    *testkit.Clock
	url    string
	red    *redact.Set
	vars   map[string]string
	env    *toolkit.Env
	tools  *tools
	run    *tooltest.Runner
	byName map[string]toolkit.Tool
	// intercept, when set, may answer a request instead of the fake.
	intercept func(w http.ResponseWriter, r *http.Request) bool
}

type opt func(*harness, map[string]string)

func withSecret(sk string) opt {
	return func(_ *harness, creds map[string]string) { creds["secret_key"] = sk }
}

func withVar(k, v string) opt {
	return func(h *harness, _ map[string]string) { h.vars[k] = v }
}

func newHarness(t *testing.T, opts ...opt) *harness {
	t.Helper()
	h := &harness{t: t, clk: testkit.NewClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)), red: &redact.Set{}, vars: map[string]string{}}
	h.fake = pilifake.New(pilifake.Options{AccessKey: testAK, SecretKey: testSK, Hubs: []string{hubName, "backup"}, Now: h.clk.Now})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.intercept != nil && h.intercept(w, r) {
			return
		}
		h.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	h.vars["MCP_MEDIA_QINIU_PILI_URL"] = srv.URL
	h.vars["MCP_MEDIA_QINIU_CASTER_URL"] = srv.URL
	h.vars[EnvHub] = hubName
	creds := map[string]string{"access_key": testAK, "secret_key": testSK}
	for _, o := range opts {
		o(h, creds)
	}
	h.env = &toolkit.Env{
		Creds:  &credentials.Store{Sandbox: map[string]map[string]string{"qiniu": creds}, Redact: h.red},
		Redact: h.red,
		Getenv: func(k string) string { return h.vars[k] },
	}
	h.tools = newTools(h.env, h.clk.Now)
	// The AccessKey is an identifier (expiry_sk push URLs carry it); the
	// SecretKey must never show.
	h.run = tooltest.NewRunner(h.env, h.tools.toolsets(), testSK)
	h.byName = h.run.Tools
	return h
}

// ok calls a tool as the server does, checks the result (see
// tooltest.Runner.Call) and fails the test on an error result.
func (h *harness) ok(name string, args any) tooltest.Result {
	h.t.Helper()
	return h.run.OK(h.t, name, args)
}

// fails calls a tool and expects an error result containing every want.
func (h *harness) fails(name string, args any, want ...string) tooltest.Result {
	h.t.Helper()
	return h.run.Fails(h.t, name, args, want...)
}

// M is a tool call's arguments.
type M = map[string]any
