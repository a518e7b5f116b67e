package mcpserver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/metrics"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/state"
	"github.com/mcp-media/mcp-media/internal/testkit"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// logBuf is a concurrency-safe log sink with a JSON slog logger on it.
type logBuf struct{ testkit.Buffer }

func (l *logBuf) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// lines returns the decoded log records whose msg is msg.
func (l *logBuf) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, ln := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if ln == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(ln), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", ln)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func do(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// /readyz needs no token and says why it is not ready; /metrics is behind
// the guard like MCP; /healthz stays "ok".
func TestOpsEndpoints(t *testing.T) {
	down := errors.New("state store unreachable")
	cases := []struct {
		name     string
		ready    func(context.Context) error
		draining bool
		path     string
		auth     string
		status   int
		body     string
	}{
		{"ready", nil, false, "/readyz", "", 200, "ready\n"},
		{"not ready", func(context.Context) error { return down }, false, "/readyz", "", 503, "state store unreachable\n"},
		{"draining wins", nil, true, "/readyz", "", 503, "draining\n"},
		{"ready check gets a deadline", func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				return errors.New("no deadline")
			}
			return nil
		}, false, "/readyz", "", 200, "ready\n"},
		{"health", nil, false, "/healthz", "", 200, "ok\n"},
		{"metrics need the token", nil, false, "/metrics", "", 401, ""},
		{"metrics with the token", nil, false, "/metrics", "Bearer tok-123456", 200, "mcp_media_sessions_active 0"},
		{"mcp needs the token", nil, false, "/mcp", "", 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := HTTPOptions{Token: "tok-123456", Ready: c.ready, Metrics: metrics.New()}
			opts.ops = newOps(opts)
			opts.ops.draining.Store(c.draining)
			h, closer, err := Handler(server.NewMCPServer("t", "1"), "http", opts, "")
			if err != nil {
				t.Fatal(err)
			}
			defer closer()
			hdr := map[string]string{}
			if c.auth != "" {
				hdr["Authorization"] = c.auth
			}
			rec := do(t, h, "GET", c.path, hdr)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.body) {
				t.Errorf("%s: %d %q, want %d %q", c.path, rec.Code, rec.Body.String(), c.status, c.body)
			}
		})
	}
}

// Every request gets an id (the caller's when it is a plain token) on the
// response and in one log line, which never holds a query string, the
// Authorization header or a callback token.
func TestRequestIDAndAccessLog(t *testing.T) {
	cases := []struct {
		name    string
		target  string
		sent    string
		keep    bool
		path    string
		level   string
		route   string
		status  string
		missing []string
	}{
		{"caller's id kept", "/healthz?probe=1", "lb-42.a_b", true, "/healthz", "DEBUG", "healthz", "200", []string{"probe=1"}},
		{"bad id replaced", "/mcp?token=sneaky", "has space", false, "/mcp", "INFO", "mcp", "401", []string{"sneaky", "tok-123456"}},
		{"no id", "/nowhere", "", false, "/nowhere", "INFO", "other", "401", nil},
		{"callback token hidden", "/callbacks/s3cr3t-route-token", "", false, "/callbacks/…", "INFO", "callbacks", "404", []string{"s3cr3t-route-token"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs logBuf
			m := metrics.New()
			opts := HTTPOptions{Token: "tok-123456", Log: logs.logger(), Metrics: m,
				Extra: map[string]http.Handler{"/callbacks/": http.NotFoundHandler()}}
			h, closer, err := Handler(server.NewMCPServer("t", "1"), "http", opts, "")
			if err != nil {
				t.Fatal(err)
			}
			defer closer()
			hdr := map[string]string{"Authorization": "Bearer wrong-tok-123456"}
			if c.sent != "" {
				hdr["X-Request-Id"] = c.sent
			}
			rec := do(t, h, "GET", c.target, hdr)
			id := rec.Header().Get("X-Request-Id")
			if c.keep && id != c.sent || !c.keep && (id == "" || id == c.sent) {
				t.Errorf("response id %q for sent %q", id, c.sent)
			}
			recs := logs.lines(t, "http request")
			if len(recs) != 1 {
				t.Fatalf("%d log lines:\n%s", len(recs), logs.String())
			}
			r := recs[0]
			if r["path"] != c.path || r["request_id"] != id || r["level"] != c.level || r["method"] != "GET" || fmt.Sprint(r["status"]) != c.status {
				t.Errorf("log line %v", r)
			}
			if _, ok := r["duration_ms"]; !ok {
				t.Errorf("no duration_ms: %v", r)
			}
			for _, s := range append(c.missing, "wrong-tok", "Authorization") {
				if strings.Contains(logs.String(), s) {
					t.Errorf("log holds %q:\n%s", s, logs.String())
				}
			}
			out := do(t, m.Handler(), "GET", "/metrics", nil).Body.String()
			want := fmt.Sprintf(`mcp_media_http_requests_total{route=%q,status=%q} 1`, c.route, c.status)
			if !strings.Contains(out, want) {
				t.Errorf("missing %s", want)
			}
		})
	}
}

// pingStore is a state store whose Ping fails or stalls on demand.
type pingStore struct {
	state.Store
	err   error
	stall bool
}

func (p pingStore) Ping(ctx context.Context) error {
	if p.stall {
		<-ctx.Done()
		return ctx.Err()
	}
	return p.err
}

func TestReadiness(t *testing.T) {
	aioz := map[string]string{"AIOZ_STREAM_PUBLIC_KEY": "pub-123456", "AIOZ_STREAM_SECRET_KEY": "sec-123456"}
	cases := []struct {
		name    string
		store   state.Store
		sandbox bool
		env     map[string]string
		want    string // "" ready
	}{
		{"sandbox", pingStore{}, true, nil, ""},
		{"keys in the environment", pingStore{}, false, aioz, ""},
		{"no store, keys", nil, false, aioz, ""},
		{"no keys", pingStore{}, false, nil, "no provider configured: run mcp-media auth set"},
		{"store down", pingStore{err: errors.New("dial tcp 10.0.0.9:6379: connect: refused (redis://:hunter22@10.0.0.9)")}, true, nil, "state store unreachable"},
		{"store stalls", pingStore{stall: true}, true, nil, "state store unreachable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			getenv := func(k string) string { return c.env[k] }
			set := &redact.Set{}
			env := &toolkit.Env{Redact: set, Getenv: getenv, State: c.store, Sandbox: c.sandbox,
				Creds: &credentials.Store{Redact: set, Keyring: &memKeyring{m: map[string]string{}}, Getenv: getenv}}
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := Readiness(env)(ctx)
			if time.Since(start) > time.Second {
				t.Errorf("check took %s", time.Since(start))
			}
			switch {
			case c.want == "" && err != nil:
				t.Errorf("not ready: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v, want %q", err, c.want)
			case err != nil && strings.Contains(err.Error(), "hunter22"):
				t.Errorf("reason leaks the store URL: %v", err)
			}
		})
	}
}

func TestCheckMetricsAddr(t *testing.T) {
	cases := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:9464", true},
		{"[::1]:9464", true},
		{"0.0.0.0:9464", true},
		{":9464", false},
		{"9464", false},
		{"", false},
	}
	for _, c := range cases {
		if err := CheckMetricsAddr(c.addr); (err == nil) != c.ok {
			t.Errorf("%q: %v", c.addr, err)
		}
	}
}

// mcpClient speaks just enough streamable HTTP for the tests: initialize,
// then requests whose SSE answers it reads to the response.
type mcpClient struct {
	t    *testing.T
	url  string
	sess string
}

func newMCPClient(t *testing.T, url string) *mcpClient {
	c := &mcpClient{t: t, url: url}
	resp := c.post(initBody, "")
	resp.Body.Close()
	c.sess = resp.Header.Get("Mcp-Session-Id")
	if c.sess == "" {
		t.Fatalf("initialize: %d, no session", resp.StatusCode)
	}
	c.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`, "").Body.Close()
	return c
}

func (c *mcpClient) post(body, requestID string) *http.Response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.url+PathStreamable, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.sess != "" {
		req.Header.Set("Mcp-Session-Id", c.sess)
	}
	if requestID != "" {
		req.Header.Set("X-Request-Id", requestID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

// call runs tools/call and returns the JSON-RPC response line ("" when the
// stream ended without one).
func (c *mcpClient) call(id int, tool, args, requestID string) (string, error) {
	resp := c.post(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, id, tool, args), requestID)
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	want := fmt.Sprintf(`"id":%d`, id)
	for sc.Scan() {
		if ln := sc.Text(); strings.HasPrefix(ln, "data: ") && strings.Contains(ln, want) {
			return strings.TrimPrefix(ln, "data: "), nil
		}
	}
	return "", fmt.Errorf("no response to %s: %v", tool, sc.Err())
}

// Tool calls are counted by outcome, timed, logged with the request id of
// the HTTP request that carried them, and their provider errors counted.
func TestToolCallMetrics(t *testing.T) {
	var logs logBuf
	env := newEnv(t, t.TempDir()+"/inbox.jsonl")
	env.Log = logs.logger()
	env.Inbox.Add("aioz", "webhook", "m1", []byte(`{}`))
	m := metrics.New()
	s, _, err := Build(Options{Toolsets: []string{"media"}, Env: env, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	h, closer, err := Handler(s, "http", HTTPOptions{Log: env.Log, Metrics: m}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer closer()
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := newMCPClient(t, srv.URL)
	calls := []struct {
		tool, args, reqID, want string
	}{
		{"media_providers", `{}`, "call-ok-1", `"result"`},
		{"media_providers", `{"provider":"aioz"}`, "call-bad-2", `"isError":true`},
		{"no_such_tool", `{}`, "call-unknown-3", `"error"`},
	}
	for i, cl := range calls {
		got, err := c.call(i+10, cl.tool, cl.args, cl.reqID)
		if err != nil || !strings.Contains(got, cl.want) {
			t.Fatalf("%s: %v %s", cl.tool, err, got)
		}
	}
	// The HTTP middleware counts a request when its handler returns, which
	// can be just after the client has read the response: scrape until the
	// last request is counted.
	var out string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		out = do(t, m.Handler(), "GET", "/metrics", nil).Body.String()
		if strings.Contains(out, `mcp_media_http_requests_total{route="mcp",status="200"} 4`) || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range []string{
		`mcp_media_tool_calls_total{outcome="ok",tool="media_providers"} 1`,
		`mcp_media_tool_calls_total{outcome="tool_error",tool="media_providers"} 1`,
		`mcp_media_tool_calls_total{outcome="error",tool="unknown"} 1`,
		`mcp_media_tool_call_duration_seconds_count{tool="media_providers"} 2`,
		`mcp_media_provider_errors_total{code="bad_argument",provider="none"} 1`,
		`mcp_media_http_requests_total{route="mcp",status="200"} 4`,
		`mcp_media_http_requests_total{route="mcp",status="202"} 1`,
		"mcp_media_sessions_active 1",
		"mcp_media_inbox_events 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	if strings.Contains(out, "no_such_tool") {
		t.Error("an unknown tool name became a label")
	}
	recs := logs.lines(t, "tool call")
	byID := map[string]map[string]any{}
	for _, r := range recs {
		byID[fmt.Sprint(r["request_id"])] = r
	}
	for _, cl := range []struct{ reqID, tool, outcome string }{
		{"call-ok-1", "media_providers", "ok"},
		{"call-bad-2", "media_providers", "tool_error"},
		{"call-unknown-3", "unknown", "error"},
	} {
		r := byID[cl.reqID]
		if r == nil || r["tool"] != cl.tool || r["outcome"] != cl.outcome {
			t.Errorf("tool call log for %s: %v\n%s", cl.reqID, r, logs.String())
		}
	}
}

// A tool call in flight when shutdown begins still gets its result while
// /readyz says draining and new connections are refused; a standalone
// event stream does not hold the drain up. Past the deadline the call is
// cut and the log says how many requests were still running.
func TestGracefulShutdown(t *testing.T) {
	cases := []struct {
		name     string
		work     time.Duration
		timeout  time.Duration
		result   bool
		logMsg   string
		maxWait  time.Duration
		withGET  bool
		logLevel string
		delay    time.Duration
	}{
		{"drained", 400 * time.Millisecond, 10 * time.Second, true, "drained 1 requests", 5 * time.Second, true, "INFO", 0},
		{"deadline", 10 * time.Second, 300 * time.Millisecond, false, "shutdown deadline passed with 1 requests still running; their connections are closed", 5 * time.Second, false, "WARN", 0},
		{"drain delay", 800 * time.Millisecond, 10 * time.Second, true, "drained 1 requests", 5 * time.Second, true, "INFO", 400 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs logBuf
			started := make(chan struct{}, 1)
			s := server.NewMCPServer("t", "1", server.WithToolCapabilities(true))
			s.AddTool(mcp.NewTool("slow"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				started <- struct{}{}
				select {
				case <-time.After(c.work):
					return mcp.NewToolResultText("slow work done"), nil
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			})
			opts := HTTPOptions{Addr: "127.0.0.1:0", Log: logs.logger(), ShutdownTimeout: c.timeout, DrainDelay: c.delay}
			opts.ops = newOps(opts)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			addrc := make(chan string, 1)
			served := make(chan error, 1)
			go func() { served <- ServeHTTP(ctx, s, "http", opts, func(a string) { addrc <- a }) }()
			url := "http://" + <-addrc
			cl := newMCPClient(t, url)
			if c.withGET {
				req, _ := http.NewRequest("GET", url+PathStreamable, nil)
				req.Header.Set("Accept", "text/event-stream")
				req.Header.Set("Mcp-Session-Id", cl.sess)
				resp, err := http.DefaultClient.Do(req)
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("GET stream: %v %v", err, resp)
				}
				defer resp.Body.Close()
			}
			type answer struct {
				line string
				err  error
			}
			got := make(chan answer, 1)
			go func() {
				line, err := cl.call(7, "slow", `{}`, "")
				got <- answer{line, err}
			}()
			<-started
			begin := time.Now()
			cancel()
			deadline := time.Now().Add(2 * time.Second)
			for !opts.ops.draining.Load() && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			rec := do(t, opts.ops.wrap(http.NotFoundHandler()), "GET", PathReady, nil)
			if rec.Code != 503 || rec.Body.String() != "draining\n" {
				t.Errorf("/readyz while draining: %d %q", rec.Code, rec.Body.String())
			}
			if c.delay > 0 {
				// Still accepting: a load balancer polling /readyz sees it.
				resp, err := http.Get(url + PathReady)
				if err != nil {
					t.Fatalf("/readyz during the drain delay: %v", err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 503 || string(b) != "draining\n" {
					t.Errorf("/readyz over the network during the drain delay: %d %q", resp.StatusCode, b)
				}
			}
			refused := false
			for time.Now().Before(deadline) && !refused {
				resp, err := http.Get(url + PathHealth)
				if err != nil {
					refused = true
				} else {
					resp.Body.Close()
					time.Sleep(10 * time.Millisecond)
				}
			}
			if !refused {
				t.Error("new connections still accepted while draining")
			}
			a := <-got
			if c.result && (a.err != nil || !strings.Contains(a.line, "slow work done")) {
				t.Errorf("in-flight call lost its result: %v %q", a.err, a.line)
			}
			if !c.result && a.err == nil {
				t.Errorf("call past the deadline answered: %q", a.line)
			}
			select {
			case err := <-served:
				if err != nil {
					t.Errorf("ServeHTTP: %v", err)
				}
			case <-time.After(c.maxWait):
				t.Fatal("ServeHTTP did not return")
			}
			if took := time.Since(begin); c.withGET && took > c.work+2*time.Second {
				t.Errorf("the open event stream held the drain up: %s", took)
			}
			if recs := logs.lines(t, c.logMsg); len(recs) != 1 || recs[0]["level"] != c.logLevel {
				t.Errorf("want one %s line %q:\n%s", c.logLevel, c.logMsg, logs.String())
			}
		})
	}
}
