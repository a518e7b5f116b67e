package mcpserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGuardOriginAndToken(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	cases := []struct {
		name   string
		token  string
		origin string
		auth   string
		path   string
		want   int
	}{
		{"no origin", "", "", "", "/mcp", 200},
		{"loopback origin", "", "http://localhost:6274", "", "/mcp", 200},
		{"ipv6 loopback origin", "", "http://[::1]:3000", "", "/mcp", 200},
		{"allowed extra origin", "", "https://agent.example.com", "", "/mcp", 200},
		{"foreign origin", "", "https://evil.example", "", "/mcp", 403},
		{"rebinding-style origin", "", "http://127.0.0.1.evil.example", "", "/mcp", 403},
		{"token missing", "tok-123456", "", "", "/mcp", 401},
		{"token wrong", "tok-123456", "", "Bearer nope", "/mcp", 401},
		{"token right", "tok-123456", "", "Bearer tok-123456", "/mcp", 200},
		{"callbacks carry their own token", "tok-123456", "", "", "/callbacks/abc", 200},
		{"health needs no token", "tok-123456", "", "", "/healthz", 200},
	}
	for _, c := range cases {
		h := guard(ok, HTTPOptions{Token: c.token, AllowedOrigins: []string{"https://agent.example.com"}})
		req := httptest.NewRequest("POST", c.path, nil)
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
		}
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, rec.Code, c.want)
		}
	}
}

func TestCheckBind(t *testing.T) {
	if err := CheckBind("127.0.0.1:0", ""); err != nil {
		t.Error(err)
	}
	if err := CheckBind("[::1]:0", ""); err != nil {
		t.Error(err)
	}
	if err := CheckBind("0.0.0.0:8765", ""); err == nil || !strings.Contains(err.Error(), "MCP_MEDIA_HTTP_TOKEN") {
		t.Errorf("non-loopback without token: %v", err)
	}
	if err := CheckBind("0.0.0.0:8765", "tok"); err != nil {
		t.Error(err)
	}
	if err := CheckBind("nonsense", ""); err == nil {
		t.Error("bad address accepted")
	}
}
