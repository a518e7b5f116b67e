package mcpserver

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/oauth"
	"github.com/mcp-media/mcp-media/internal/oauth/oauthtest"
	"github.com/mcp-media/mcp-media/tools/media"
)

// oauthAudience is not a URL: the resource URL is derived from the request.
const oauthAudience = "api://mcp-media"

// serveOAuth serves the full server (every provider configured) with OAuth
// on; it returns the base URL, the issuer and the names of the read-only
// and of all base tools.
func serveOAuth(t *testing.T) (string, *oauthtest.Issuer, []string, []string) {
	t.Helper()
	iss := oauthtest.New(t, oauthtest.Options{})
	v, err := oauth.New(context.Background(), oauth.Config{Issuer: iss.URL, Audience: oauthAudience})
	if err != nil {
		t.Fatal(err)
	}
	s, sel, err := Build(Options{Env: allConfigured()})
	if err != nil {
		t.Fatal(err)
	}
	h, closeFn, err := Handler(s, "http", HTTPOptions{OAuth: v}, "")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { closeFn(); srv.Close() })
	var reads, all []string
	for _, tl := range sel {
		all = append(all, tl.Name)
		if tl.Annotations.ReadOnly {
			reads = append(reads, tl.Name)
		}
	}
	return srv.URL, iss, reads, all
}

// rpcMsg is one JSON-RPC message of a response.
type rpcMsg struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// mcpSession is a raw streamable-HTTP MCP session with one access token.
type mcpSession struct {
	t           *testing.T
	base, token string
	sid         string
	nextID      int
}

// rpc POSTs one request and returns its response (read from the SSE data
// lines or the JSON body).
func (m *mcpSession) rpc(method string, params any) rpcMsg {
	m.t.Helper()
	m.nextID++
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": m.nextID, "method": method, "params": params})
	req, _ := http.NewRequest("POST", m.base+PathStreamable, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+m.token)
	if m.sid != "" {
		req.Header.Set("Mcp-Session-Id", m.sid)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		m.t.Fatalf("%s: %d %s", method, resp.StatusCode, b)
	}
	if sid := resp.Header.Get("Mcp-Session-Id"); sid != "" {
		m.sid = sid
	}
	var raw []string
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 8<<20)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data:"); ok {
				raw = append(raw, strings.TrimSpace(d))
			}
		}
	} else {
		b, _ := io.ReadAll(resp.Body)
		raw = append(raw, string(b))
	}
	for _, r := range raw {
		var msg struct {
			ID json.RawMessage `json:"id"`
			rpcMsg
		}
		if json.Unmarshal([]byte(r), &msg) == nil && len(msg.ID) > 0 {
			return msg.rpcMsg
		}
	}
	m.t.Fatalf("%s: no response in %q", method, raw)
	return rpcMsg{}
}

func openSession(t *testing.T, base, token string) *mcpSession {
	t.Helper()
	m := &mcpSession{t: t, base: base, token: token}
	if r := m.rpc("initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "oauth-test", "version": "1"}}); r.Error != nil {
		t.Fatal(r.Error.Message)
	}
	return m
}

func (m *mcpSession) toolNames() []string {
	m.t.Helper()
	r := m.rpc("tools/list", map[string]any{})
	var res struct {
		Tools []struct {
			Name string `json:"name"`
		} `json:"tools"`
	}
	if r.Error != nil || json.Unmarshal(r.Result, &res) != nil {
		m.t.Fatalf("tools/list: %+v %s", r.Error, r.Result)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	sort.Strings(names)
	return names
}

func TestOAuthRefusals(t *testing.T) {
	base, iss, _, _ := serveOAuth(t)
	prm := base + oauth.MetadataPath + PathStreamable
	claims := iss.Claims(oauthAudience, "mcp-media:read")
	claims["aud"] = "https://elsewhere.example"
	wrongAud := iss.Sign(claims)
	cases := []struct {
		name, auth string
		status     int
		challenge  []string
		absent     []string
	}{
		{"no token", "", 401, []string{`Bearer resource_metadata="` + prm + `"`}, []string{"error="}},
		{"other scheme", "Basic dXNlcjpwYXNz", 401, []string{`resource_metadata="` + prm + `"`}, []string{"error="}},
		{"garbage token", "Bearer not-a-jwt-at-all", 401, []string{`error="invalid_token"`, `resource_metadata="` + prm + `"`}, nil},
		{"forged token", "Bearer " + iss.SignForeign(iss.Claims(oauthAudience, "mcp-media:write")), 401, []string{`error="invalid_token"`}, nil},
		{"wrong audience", "Bearer " + wrongAud, 401, []string{`error="invalid_token"`}, []string{"elsewhere"}},
		{"no scope", "Bearer " + iss.Token(oauthAudience, "openid"), 403,
			[]string{`error="insufficient_scope"`, `scope="mcp-media:read"`, `resource_metadata="` + prm + `"`}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", base+PathStreamable, strings.NewReader(initBody))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			ch := resp.Header.Get("WWW-Authenticate")
			if resp.StatusCode != c.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, c.status)
			}
			for _, w := range c.challenge {
				if !strings.Contains(ch, w) {
					t.Errorf("WWW-Authenticate %s lacks %s", ch, w)
				}
			}
			for _, a := range append(c.absent, strings.Split(strings.TrimPrefix(c.auth, "Bearer "), ".")...) {
				if len(a) > 6 && (strings.Contains(ch, a) || strings.Contains(string(body), a)) {
					t.Errorf("refusal echoes %q: %s / %s", a, ch, body)
				}
			}
		})
	}
}

// The resource_metadata pointer of a 401 serves the RFC 9728 document
// without a token, as do the bare path and the health check.
func TestOAuthMetadataAndPublicPaths(t *testing.T) {
	base, iss, _, _ := serveOAuth(t)
	resp := post(t, base, "", strings.NewReader(initBody), int64(len(initBody)))
	resp.Body.Close()
	ch := resp.Header.Get("WWW-Authenticate")
	_, ptr, ok := strings.Cut(ch, `resource_metadata="`)
	if !ok {
		t.Fatalf("no pointer in %q", ch)
	}
	ptr, _, _ = strings.Cut(ptr, `"`)
	for _, u := range []string{ptr, base + oauth.MetadataPath} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		var md oauth.ProtectedResource
		err = json.NewDecoder(resp.Body).Decode(&md)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
		}
		if md.Resource != base+PathStreamable || !slices.Equal(md.AuthorizationServers, []string{iss.URL}) ||
			!slices.Equal(md.ScopesSupported, []string{oauth.DefaultReadScope, oauth.DefaultWriteScope}) ||
			!slices.Equal(md.BearerMethodsSupported, []string{"header"}) {
			t.Errorf("GET %s: %+v", u, md)
		}
	}
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("/healthz: %v %v", resp, err)
	}
	if resp, err := http.Get(base + "/sse"); err != nil || resp.StatusCode != 401 {
		t.Errorf("/sse (not mounted) must still need a token: %v %v", resp, err)
	}
}

// A read token lists only read-only tools (and media_toolsets), cannot call
// a write tool, and media_toolsets lists no write tool for it; a write
// token lists every base tool.
func TestOAuthScopesShapeTheToolList(t *testing.T) {
	base, iss, reads, all := serveOAuth(t)
	if len(reads) == len(all) || !slices.Contains(reads, media.ToolsetsTool) {
		t.Fatalf("the base needs write tools and media_toolsets to test anything: %v", all)
	}
	var writeTool string
	for _, n := range all {
		if !slices.Contains(reads, n) {
			writeTool = n
			break
		}
	}

	reader := openSession(t, base, iss.Token(oauthAudience, "mcp-media:read"))
	if got := reader.toolNames(); !slices.Equal(got, reads) {
		t.Errorf("read token lists %v, want %v", got, reads)
	}
	r := reader.rpc("tools/call", map[string]any{"name": writeTool, "arguments": map[string]any{}})
	if r.Error == nil || !strings.Contains(r.Error.Message, "not found") {
		t.Errorf("read token calling %s: %+v %s, want tool not found", writeTool, r.Error, r.Result)
	}
	r = reader.rpc("tools/call", map[string]any{"name": media.ToolsetsTool, "arguments": map[string]any{"enable": []string{"all"}}})
	var ts struct {
		StructuredContent media.ToolsetsOutput `json:"structuredContent"`
	}
	if r.Error != nil || json.Unmarshal(r.Result, &ts) != nil || len(ts.StructuredContent.Toolsets) == 0 {
		t.Fatalf("media_toolsets: %+v %s", r.Error, r.Result)
	}
	listed := reader.toolNames()
	for _, set := range ts.StructuredContent.Toolsets {
		for _, n := range set.Tools {
			if !slices.Contains(listed, n) {
				t.Errorf("media_toolsets offers %s (toolset %s) to a read token, which cannot call it", n, set.Name)
			}
		}
	}
	for _, n := range listed {
		if strings.Contains(n, "upload") || strings.Contains(n, "delete") {
			t.Errorf("read token lists %s after enabling all", n)
		}
	}

	writer := openSession(t, base, iss.Token(oauthAudience, "mcp-media:write"))
	if got := writer.toolNames(); !slices.Equal(got, all) {
		t.Errorf("write token lists %v, want %v", got, all)
	}
}

func TestOAuthBindAndTokenConflict(t *testing.T) {
	iss := oauthtest.New(t, oauthtest.Options{})
	v, err := oauth.New(context.Background(), oauth.Config{Issuer: iss.URL, Audience: oauthAudience})
	if err != nil {
		t.Fatal(err)
	}
	err = ServeHTTP(context.Background(), nil, "http", HTTPOptions{Addr: "127.0.0.1:0", Token: "tok", OAuth: v}, nil)
	if !errors.Is(err, ErrTokenAndOAuth) {
		t.Errorf("token and OAuth together: %v", err)
	}
	if err := checkBind("0.0.0.0:8765", true); err != nil {
		t.Errorf("non-loopback with OAuth: %v", err)
	}
	if err := checkBind("0.0.0.0:8765", false); err == nil || !strings.Contains(err.Error(), "--oauth-issuer") {
		t.Errorf("non-loopback without auth: %v", err)
	}
}
