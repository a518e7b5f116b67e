package mcpserver

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// allConfigured has every provider configured (sandbox-style keys held in
// memory; no call in these tests reaches a provider).
func allConfigured() *toolkit.Env {
	set := &redact.Set{}
	return &toolkit.Env{Redact: set, Getenv: func(string) string { return "" },
		Creds: &credentials.Store{Redact: set, Getenv: func(string) string { return "" }, Sandbox: map[string]map[string]string{
			"aioz":   {"public_key": "p", "secret_key": "s"},
			"qiniu":  {"access_key": "a", "secret_key": "s"},
			"aliyun": {"access_key_id": "a", "access_key_secret": "s"},
			"vod":    {"token": "t", "base_url": "https://vod.invalid"},
		}}}
}

// sdkSession connects the official Go SDK client to s over our streamable
// HTTP transport; changed receives one value per tools/list_changed.
func sdkSession(t *testing.T, url string) (*sdk.ClientSession, chan struct{}) {
	t.Helper()
	changed := make(chan struct{}, 16)
	c := sdk.NewClient(&sdk.Implementation{Name: "exposure-test", Version: "1"}, &sdk.ClientOptions{
		ToolListChangedHandler: func(context.Context, *sdk.ToolListChangedRequest) { changed <- struct{}{} },
	})
	cs, err := c.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: url}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs, changed
}

func serveHTTP(t *testing.T, opts Options) string {
	t.Helper()
	s, _, err := Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	h, closeFn, err := Handler(s, "http", HTTPOptions{}, "")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { closeFn(); srv.Close() })
	return srv.URL + PathStreamable
}

// listJSON is a session's tools/list as compact JSON, and its tool names.
func listJSON(t *testing.T, cs *sdk.ClientSession) (string, []string) {
	t.Helper()
	res, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.NextCursor != "" {
		t.Fatal("tools/list paginated")
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	b, err := json.Marshal(res.Tools)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), names
}

func callToolsets(t *testing.T, cs *sdk.ClientSession, args map[string]any) *sdk.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: "media_toolsets", Arguments: args})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The acceptance path: the default list is small; media_toolsets enables
// everything for one session, whose client is told and then lists exactly
// what --toolsets all lists; another session keeps its own list.
func TestToolsetsPerSessionOverStreamableHTTP(t *testing.T) {
	url := serveHTTP(t, Options{Env: allConfigured()})
	a, changedA := sdkSession(t, url)
	b, changedB := sdkSession(t, url)

	defJSON, def := listJSON(t, a)
	if len(def) > 20 || len(defJSON) > 24*1024 {
		t.Errorf("default tools/list: %d tools, %d bytes: %v", len(def), len(defJSON), def)
	}
	for _, want := range []string{"media_toolsets", "media_providers", "media_events", "aioz_upload_media", "qiniu_stream_urls", "aliyun_ice_upload_stream"} {
		if !slices.Contains(def, want) {
			t.Errorf("default list lacks %s: %v", want, def)
		}
	}
	if slices.Contains(def, "aioz_add_chapter") {
		t.Error("an opt-in toolset is listed by default")
	}

	listing := callToolsets(t, a, nil)
	if listing.IsError || !strings.Contains(text(listing), "| `aioz_captions` | no |") {
		t.Fatalf("media_toolsets list:\n%s", text(listing))
	}
	res := callToolsets(t, a, map[string]any{"enable": []string{"all"}})
	if res.IsError {
		t.Fatalf("enable all: %s", text(res))
	}
	<-changedA // sent before the result; without it the test times out
	allJSON, _ := listJSON(t, a)
	wantJSON, _ := listJSON(t, mustSession(t, Options{Env: allConfigured(), Toolsets: []string{"all"}}))
	if allJSON != wantJSON {
		t.Errorf("after enable all, tools/list differs from --toolsets all:\n got %.300s…\nwant %.300s…", allJSON, wantJSON)
	}

	if _, names := listJSON(t, b); !slices.Equal(names, def) {
		t.Errorf("session B changed with A: %v", names)
	}
	res = callToolsets(t, b, map[string]any{"disable": []string{"qiniu_core"}, "enable": []string{"aioz_captions"}})
	if res.IsError {
		t.Fatalf("B: %s", text(res))
	}
	<-changedB
	_, names := listJSON(t, b)
	if slices.Contains(names, "qiniu_stream_urls") || !slices.Contains(names, "aioz_add_chapter") {
		t.Errorf("B after its change: %v", names)
	}
	if _, namesA := listJSON(t, a); !slices.Contains(namesA, "qiniu_stream_urls") {
		t.Error("B's change reached A")
	}
	// A tool B does not list cannot be called by B.
	if _, err := b.CallTool(t.Context(), &sdk.CallToolParams{Name: "qiniu_stream_urls", Arguments: map[string]any{"stream": "s1"}}); err == nil {
		t.Error("B called a tool of a toolset it disabled")
	}
	select {
	case <-changedA:
		t.Error("A was told its list changed by B's call")
	default:
	}
}

func mustSession(t *testing.T, opts Options) *sdk.ClientSession {
	cs, _ := sdkSession(t, serveHTTP(t, opts))
	return cs
}

func text(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func TestToolsetsArgumentErrors(t *testing.T) {
	url := serveHTTP(t, Options{Env: allConfigured()})
	a, _ := sdkSession(t, url)
	for _, c := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"enable": []string{"nope"}}, `no toolset "nope"`},
		{map[string]any{"disable": []string{"media"}}, "holds media_toolsets"},
		{map[string]any{"enable": []string{"aioz_media"}, "disable": []string{"aioz_media"}}, "also in enable"},
	} {
		res := callToolsets(t, a, c.args)
		if !res.IsError || !strings.Contains(text(res), c.want) {
			t.Errorf("%v: %s", c.args, text(res))
		}
	}
	// Disabling everything keeps the switch itself.
	res := callToolsets(t, a, map[string]any{"disable": []string{"all"}})
	if res.IsError {
		t.Fatal(text(res))
	}
	if _, names := listJSON(t, a); !slices.Contains(names, "media_toolsets") || slices.Contains(names, "aioz_upload_media") {
		t.Errorf("after disable all: %v", names)
	}
	// An unchanged state sends no list_changed and says nothing changed.
	res = callToolsets(t, a, map[string]any{"disable": []string{"aioz_core"}})
	if strings.Contains(text(res), "list_changed") {
		t.Errorf("no-op change announced: %s", text(res))
	}
}

// --read-only applies to what media_toolsets can enable too.
func TestToolsetsReadOnly(t *testing.T) {
	url := serveHTTP(t, Options{Env: allConfigured(), ReadOnly: true})
	a, _ := sdkSession(t, url)
	if res := callToolsets(t, a, map[string]any{"enable": []string{"all"}}); res.IsError {
		t.Fatal(text(res))
	}
	_, names := listJSON(t, a)
	if slices.Contains(names, "aioz_upload_media") || !slices.Contains(names, "aioz_get_metric") {
		t.Errorf("read-only list after enable all: %v", names)
	}
}
