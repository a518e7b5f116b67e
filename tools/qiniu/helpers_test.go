package qiniu

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/pilifake"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

const (
	testAK  = "7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII"
	testSK  = "312ae9gd2BrCfpTdF4U8aIg9Puh62K4eEGY72Ea_"
	hubName = "live1"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t      *testing.T
	fake   *pilifake.Server
	clk    *clock
	url    string
	red    *redact.Set
	vars   map[string]string
	env    *toolkit.Env
	tools  *tools
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
	h := &harness{t: t, clk: &clock{t: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}, red: &redact.Set{}, vars: map[string]string{}}
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
	h.byName = map[string]toolkit.Tool{}
	for _, ts := range h.tools.toolsets() {
		for _, tl := range ts.Tools {
			h.byName[tl.Name] = tl
		}
	}
	return h
}

// result is one tool call's outcome.
type result struct {
	isError bool
	text    string
	data    map[string]any
}

func (r result) str(path ...string) string {
	var v any = r.data
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (r result) num(path ...string) float64 {
	var v any = r.data
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	f, _ := v.(float64)
	return f
}

func textOf(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// call runs a tool through toolkit.Tool.Run, as the server does.
func (h *harness) call(name string, args any) result {
	h.t.Helper()
	tl, ok := h.byName[name]
	if !ok {
		h.t.Fatalf("no tool %s", name)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx := context.Background()
	res := tl.Run(ctx, h.env.NewCall(ctx, nil), raw)
	r := result{isError: res.IsError, text: textOf(res)}
	if m, ok := res.StructuredContent.(map[string]any); ok {
		r.data = m
	}
	if !res.IsError {
		h.checkOutput(tl, res.StructuredContent)
	}
	if strings.Contains(r.text, redact.Mask) || strings.Contains(r.str(), redact.Mask) {
		h.t.Errorf("%s produced a value that had to be masked (a secret reached the result): %s", name, r.text)
	}
	for _, secret := range []string{testSK, testAK} {
		if strings.Contains(r.text, secret) || strings.Contains(r.str(), secret) {
			h.t.Errorf("%s leaked a key: %s", name, r.text)
		}
	}
	return r
}

// ok calls a tool and fails the test on an error result.
func (h *harness) ok(name string, args any) result {
	h.t.Helper()
	r := h.call(name, args)
	if r.isError {
		h.t.Fatalf("%s(%v) failed: %s", name, args, r.text)
	}
	return r
}

// fails calls a tool and expects an error result containing every want.
func (h *harness) fails(name string, args any, want ...string) result {
	h.t.Helper()
	r := h.call(name, args)
	if !r.isError {
		h.t.Fatalf("%s(%v) succeeded, want an error: %s", name, args, r.text)
	}
	for _, w := range want {
		if !strings.Contains(r.text, w) {
			h.t.Errorf("%s error %q lacks %q", name, r.text, w)
		}
	}
	return r
}

type M = map[string]any

// checkOutput validates structuredContent against the declared output
// schema, as a strict MCP client would.
func (h *harness) checkOutput(tl toolkit.Tool, sc any) {
	h.t.Helper()
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(tl.OutputSchema))
	if err != nil {
		h.t.Fatal(err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource("mem:///out.json", doc); err != nil {
		h.t.Fatal(err)
	}
	schema, err := c.Compile("mem:///out.json")
	if err != nil {
		h.t.Fatalf("%s output schema: %v", tl.Name, err)
	}
	b, _ := json.Marshal(sc)
	inst, _ := sjs.UnmarshalJSON(bytes.NewReader(b))
	if err := schema.Validate(inst); err != nil {
		h.t.Errorf("%s: structuredContent does not match its output schema: %v\n%s", tl.Name, err, b)
	}
}
