package pilifake

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
)

// TestOverHTTP drives the fake through a real listener with requests signed
// by qiniuauth: the two independent implementations must agree, including
// Host with a port and percent-encoded query keys.
func TestOverHTTP(t *testing.T) {
	s := New(Options{AccessKey: testAK, SecretKey: testSK, Hubs: []string{"test"}})
	ts := httptest.NewServer(s)
	defer ts.Close()
	cred := qiniuauth.Credentials{AccessKey: testAK, SecretKey: testSK}
	call := func(method, path, ct, body string, c qiniuauth.Credentials) (int, string) {
		var rd io.Reader
		if body != "" {
			rd = bytes.NewReader([]byte(body))
		}
		req, _ := http.NewRequest(method, ts.URL+path, rd)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if _, err := c.SignRequest(req); err != nil {
			t.Fatal(err)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	cases := []struct {
		name, method, path, ct, body string
		cred                         qiniuauth.Credentials
		code                         int
		contains                     string
	}{
		{"create", "POST", "/v2/hubs/test/streams", "application/json", `{"key":"carter2000"}`, cred, 200, "{}"},
		{"create again", "POST", "/v2/hubs/test/streams", "application/json", `{"key":"carter2000"}`, cred, 614, "stream already exists"},
		{"get by encoded title", "GET", "/v2/hubs/test/streams/" + qiniuauth.EncodeStreamTitle("carter2000"), "application/x-www-form-urlencoded", "", cred, 200, `"disabledTill":0`},
		{"statd with %24 keys", "GET", "/statd/upflow?%24hub=test&begin=20210928&end=20210929&g=day&select=flow", "application/x-www-form-urlencoded", "", cred, 200, `"flow":`},
		{"statd with raw $ keys", "GET", "/statd/upflow?$hub=test&begin=20210928&end=20210929&g=day&select=flow", "", "", cred, 200, `"flow":`},
		{"caster delete without content type", "DELETE", "/v1/casters/abc", "", "", cred, 404, "not found"},
		{"wrong secret", "GET", "/v2/hubs", "", "", qiniuauth.Credentials{AccessKey: testAK, SecretKey: "nope"}, 401, `{"error":"bad token"}`},
	}
	for _, c := range cases {
		code, body := call(c.method, c.path, c.ct, c.body, c.cred)
		if code != c.code || !strings.Contains(body, c.contains) {
			t.Errorf("%s: %d %s", c.name, code, body)
		}
	}
	// A body sent chunked (no Content-Length) is not part of the signed
	// string per the spec, so a client that signed it is refused.
	req, _ := http.NewRequest("POST", ts.URL+"/v2/hubs/test/hlsplus", io.MultiReader(strings.NewReader(`{"hlsPlus":true}`)))
	req.Header.Set("Content-Type", "application/json")
	if _, err := cred.SignRequestBody(req, []byte(`{"hlsPlus":true}`)); err != nil {
		t.Fatal(err)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("chunked signed body: %d", resp.StatusCode)
	}
}
