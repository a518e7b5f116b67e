package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/internal/mcpserver"
	"github.com/mcp-media/mcp-media/internal/metrics"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

// sandboxCalls are the calls of e2e/testdata/calls.json that need no file
// and no earlier call's result (no {{placeholder}}).
func sandboxCalls(t *testing.T) []struct {
	Tool string          `json:"tool"`
	Args json.RawMessage `json:"args"`
} {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "e2e", "testdata", "calls.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Calls []struct {
			Tool string          `json:"tool"`
			Args json.RawMessage `json:"args"`
		} `json:"calls"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := doc.Calls[:0]
	for _, c := range doc.Calls {
		if !bytes.Contains(c.Args, []byte("{{")) {
			out = append(out, c)
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d usable calls in calls.json", len(out))
	}
	return out
}

// Metric labels and the JSON logs of a sandbox server never hold a key:
// after the sandbox calls of calls.json (valid and invalid ones, over
// streamable HTTP with a bearer token), /metrics and every log line are
// scanned for each sandbox credential and every value of the redaction set.
func TestMetricsAndLogsHoldNoSecret(t *testing.T) {
	t.Setenv("MCP_MEDIA_STATE_DIR", t.TempDir())
	t.Setenv("MCP_MEDIA_LOG_LEVEL", "debug")
	const token = "ops-test-bearer-token-8d1f"
	t.Setenv("MCP_MEDIA_HTTP_TOKEN", token)
	var logs testkit.Buffer
	env, sb, cleanup, err := newEnv(envOptions{sandbox: true, logFormat: "json"}, &logs)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	env.Files, _ = fileroot.New(nil, true)
	m := metrics.New()
	s, _, err := mcpserver.Build(mcpserver.Options{Toolsets: []string{"all"}, Env: env, NoKeysPage: true, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- mcpserver.ServeHTTP(ctx, s, "http", mcpserver.HTTPOptions{Addr: "127.0.0.1:0", Token: token, Log: env.Log,
			Ready: mcpserver.Readiness(env), Metrics: m, ShutdownTimeout: 5 * time.Second}, func(a string) { addrc <- a })
	}()
	base := "http://" + <-addrc
	defer func() { cancel(); <-served }()

	c, err := client.NewStreamableHttpClient(base+mcpserver.PathStreamable,
		transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token, "X-Request-Id": "leak-test"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "ops-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	// Every toolset, so that calls of non-default tools run too.
	en := mcp.CallToolRequest{}
	en.Params.Name = "media_toolsets"
	en.Params.Arguments = map[string]any{"enable": []string{"all"}}
	_, _ = c.CallTool(ctx, en)
	calls := sandboxCalls(t)
	// Provider errors too: ids the fakes do not know (HTTP 404, errcodes).
	for _, extra := range []struct{ tool, args string }{
		{"aioz_get_media", `{"media_id":"no-such-media-0000"}`},
		{"vod_get_video", `{"video_id":"no-such-video-0000"}`},
		{"qiniu_get_stream", `{"hub":"no-such-hub-0000","stream":"nostream0000"}`},
	} {
		calls = append(calls, struct {
			Tool string          `json:"tool"`
			Args json.RawMessage `json:"args"`
		}{extra.tool, json.RawMessage(extra.args)})
	}
	errorsSeen := 0
	for _, call := range calls {
		var args map[string]any
		_ = json.Unmarshal(call.Args, &args)
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = call.Tool, args
		cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
		res, err := c.CallTool(cctx, req)
		ccancel()
		if err != nil || res.IsError {
			errorsSeen++
		}
	}
	t.Logf("%d calls, %d failed", len(calls), errorsSeen)
	if errorsSeen == 0 || errorsSeen == len(calls) {
		t.Fatalf("%d of %d calls failed: the test runs valid and invalid calls", errorsSeen, len(calls))
	}
	hreq, _ := http.NewRequest("GET", base+mcpserver.PathMetrics, nil)
	hreq.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	out := string(body)
	for _, want := range []string{`mcp_media_tool_calls_total{outcome="ok",tool="aioz_list_media"}`, `code="bad_argument"`,
		`mcp_media_provider_errors_total{code="404",provider="aioz"} 1`, "mcp_media_sessions_active 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	scanned := map[string]string{"/metrics": out, "logs": logs.String()}
	for where, text := range scanned {
		if env.Redact.Contains(text) {
			t.Errorf("%s holds a value of the redaction set", where)
		}
		for provider, fields := range sb.Creds {
			for name, v := range fields {
				if len(v) >= 6 && strings.Contains(text, v) {
					t.Errorf("%s holds the sandbox %s %s", where, provider, name)
				}
			}
		}
		if strings.Contains(text, token) {
			t.Errorf("%s holds the bearer token", where)
		}
	}
	if !strings.Contains(logs.String(), `"request_id":"leak-test"`) || !strings.Contains(logs.String(), `"msg":"tool call"`) {
		t.Errorf("tool-call log lines without the request id:\n%.2000s", logs.String())
	}
	// The labels are tool names, outcomes, providers, codes, routes and
	// statuses: nothing else.
	for _, ln := range strings.Split(out, "\n") {
		if !strings.HasPrefix(ln, "mcp_media_") || !strings.Contains(ln, "{") {
			continue
		}
		labels := ln[strings.Index(ln, "{")+1 : strings.LastIndex(ln, "}")]
		for _, kv := range strings.Split(labels, ",") {
			k, v, _ := strings.Cut(kv, "=")
			v = strings.Trim(v, `"`)
			if k != "le" && metrics.Label(v) != v {
				t.Errorf("label %s=%q in %s", k, v, ln)
			}
		}
	}
}

func TestLogFormat(t *testing.T) {
	cases := []struct {
		flag, env string
		json      bool
		bad       bool
	}{
		{"", "", false, false},
		{"text", "json", false, false},
		{"json", "", true, false},
		{"", "json", true, false},
		{"JSON", "", true, false},
		{"yaml", "", false, true},
	}
	for _, c := range cases {
		t.Setenv("MCP_MEDIA_LOG_FORMAT", c.env)
		var b bytes.Buffer
		h, err := logHandler(c.flag, &b, 0)
		if c.bad {
			if err == nil || !strings.Contains(err.Error(), "use text or json") {
				t.Errorf("%q: %v", c.flag, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		slog.New(h).Info("hello")
		if got := strings.HasPrefix(b.String(), "{"); got != c.json {
			t.Errorf("flag %q env %q: %q", c.flag, c.env, b.String())
		}
	}
}

func TestServeOpsFlags(t *testing.T) {
	cases := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"serve", "--transport", "http", "--sandbox", "--log-format", "yaml"}, "use text or json"},
		{[]string{"serve", "--transport", "http", "--sandbox", "--metrics-addr", ":9464"}, "give host:port"},
		{[]string{"serve", "--transport", "http", "--sandbox", "--shutdown-timeout", "soon"}, "invalid value"},
	}
	for _, c := range cases {
		t.Setenv("MCP_MEDIA_HTTP_TOKEN", "")
		code, _, errOut := runCLI(t, "", c.args...)
		if code != 2 || !strings.Contains(errOut, c.wantErr) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.wantErr)
		}
	}
}

// A bad --state or MCP_MEDIA_CALLBACK_KEY stops the server with what to
// fix, and never prints the Redis password.
func TestServeStateErrors(t *testing.T) {
	cases := []struct {
		args    []string
		env     map[string]string
		wantErr string
	}{
		{[]string{"serve", "--transport", "http", "--state", "memcached://x"}, nil, "use local, or redis://host:6379/0"},
		{[]string{"serve", "--transport", "http", "--state", "redis://:hunter2-redis-pw@127.0.0.1:1/0"}, nil, "Redis does not answer"},
		{[]string{"serve", "--transport", "http"}, map[string]string{"MCP_MEDIA_CALLBACK_KEY": "short"}, "use 32 or more random ones"},
	}
	for _, c := range cases {
		t.Setenv("MCP_MEDIA_HTTP_TOKEN", "")
		t.Setenv("MCP_MEDIA_STATE_DIR", t.TempDir())
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		code, out, errOut := runCLI(t, "", c.args...)
		if code == 0 || !strings.Contains(errOut, c.wantErr) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.wantErr)
		}
		if strings.Contains(out+errOut, "hunter2") {
			t.Errorf("%v: the Redis password was printed: %q", c.args, errOut)
		}
	}
}
