package mcpserver

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/server"
)

// startHTTP serves a bare MCP server on a loopback port with a token.
func startHTTP(t *testing.T, opts HTTPOptions) string {
	t.Helper()
	s := server.NewMCPServer("t", "1")
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	opts.Addr = "127.0.0.1:0"
	go func() { done <- ServeHTTP(ctx, s, "http", opts, func(a string) { addr <- a }) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-addr:
		return "http://" + a
	case err := <-done:
		t.Fatal(err)
		return ""
	}
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

func post(t *testing.T, url, token string, body io.Reader, size int64) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url+PathStreamable, body)
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// countingReader yields n bytes of 'x' and counts what was read.
type countingReader struct {
	left int64
	read atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > c.left {
		n = c.left
	}
	for i := range p[:n] {
		p[i] = 'x'
	}
	c.left -= n
	c.read.Add(n)
	return int(n), nil
}

func TestGigabyteBodyRefusedEarly(t *testing.T) {
	url := startHTTP(t, HTTPOptions{Token: "tok"})
	const gb = 1 << 30
	for _, declared := range []bool{true, false} {
		body := &countingReader{left: gb}
		size := int64(gb)
		if !declared {
			size = -1 // chunked: the cap stops the read
		}
		req, _ := http.NewRequest("POST", url+PathStreamable, body)
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("declared=%v: %s, want 413", declared, resp.Status)
			}
		} // a reset while still sending is a refusal too
		if n := body.read.Load(); n > 64<<20 {
			t.Errorf("declared=%v: the client got to send %d MiB before the refusal", declared, n>>20)
		}
	}
}

func TestIdleConnectionsDoNotBlockClients(t *testing.T) {
	url := startHTTP(t, HTTPOptions{Token: "tok"})
	host := strings.TrimPrefix(url, "http://")
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for i := 0; i < 500; i++ {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatalf("idle connection %d: %v", i, err)
		}
		idle = append(idle, c)
	}
	resp := post(t, url, "tok", strings.NewReader(initBody), int64(len(initBody)))
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"protocolVersion"`) {
		t.Fatalf("authenticated initialize behind 500 idle connections: %s %s", resp.Status, b)
	}
}

func TestRefusalsCloseTheConnection(t *testing.T) {
	url := startHTTP(t, HTTPOptions{Token: "tok"})
	for _, tc := range []struct {
		token, session string
		want           int
	}{{"", "", 401}, {"wrong", "", 401}, {"tok", "made-up", 404}} {
		req, _ := http.NewRequest("POST", url+PathStreamable, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+tc.token)
		if tc.session != "" {
			req.Header.Set("Mcp-Session-Id", tc.session)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want || !resp.Close {
			t.Errorf("%+v: %d close=%v, want %d and Connection: close", tc, resp.StatusCode, resp.Close, tc.want)
		}
	}
}

func TestSSEOwnOriginOnly(t *testing.T) {
	h, closer, err := Handler(server.NewMCPServer("t", "1"), "sse", HTTPOptions{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer closer()
	for _, tc := range []struct {
		origin, ctype string
		want          int
	}{
		{"http://localhost:6274", "application/json", 403}, // loopback, but not this server
		{"http://example.com", "application/json", 403},
		{"", "text/plain", 415},
		{"", "application/json", 400}, // no sessionId: past the origin and type checks
	} {
		req, _ := http.NewRequest("POST", "http://127.0.0.1:8765"+PathMessage, strings.NewReader("{}"))
		req.Host = "127.0.0.1:8765"
		req.Header.Set("Content-Type", tc.ctype)
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		rec := newRecorder()
		h.ServeHTTP(rec, req)
		if rec.code != tc.want {
			t.Errorf("origin %q type %q: %d, want %d", tc.origin, tc.ctype, rec.code, tc.want)
		}
		if rec.h.Get("Access-Control-Allow-Origin") == "*" {
			t.Error("SSE answered Access-Control-Allow-Origin: *")
		}
	}
}

type recorder struct {
	h    http.Header
	code int
}

func newRecorder() *recorder                    { return &recorder{h: http.Header{}, code: 200} }
func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(c int)           { r.code = c }
