package mcpserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestGuardBearerScheme(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	h := guard(ok, HTTPOptions{Token: "tok-123456"})
	for auth, want := range map[string]int{
		"Bearer tok-123456":   200,
		"bearer tok-123456":   200,
		"BEARER  tok-123456 ": 200,
		"tok-123456":          401, // no scheme
		"Basic tok-123456":    401,
		"Bearer":              401,
		"Bearer tok-1234567":  401,
		"Bearer tok-12345":    401,
	} {
		req := httptest.NewRequest("POST", "/mcp", nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Authorization %q: %d, want %d", auth, rec.Code, want)
		}
	}
}
