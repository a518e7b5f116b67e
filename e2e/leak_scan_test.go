package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// authRecorder keeps every credential-bearing value the fakes received:
// headers and query parameters whose names say key, secret, token, sign,
// auth or credential.
type authRecorder struct {
	mu     sync.Mutex
	values map[string]bool
}

var credName = regexp.MustCompile(`(?i)auth|key|secret|token|sign|credential`)

func (a *authRecorder) record(r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.values == nil {
		a.values = map[string]bool{}
	}
	for name, vs := range r.Header {
		if credName.MatchString(name) {
			for _, v := range vs {
				a.add(v)
			}
		}
	}
	for name, vs := range r.URL.Query() {
		if credName.MatchString(name) {
			for _, v := range vs {
				a.add(v)
			}
		}
	}
}

// add stores v and, for "Scheme token" and "AK:signature" forms, the parts.
func (a *authRecorder) add(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	a.values[v] = true
	if _, tok, ok := strings.Cut(v, " "); ok {
		a.values[strings.TrimSpace(tok)] = true
		v = strings.TrimSpace(tok)
	}
	for _, p := range strings.Split(v, ":") {
		a.values[p] = true
	}
}

func (a *authRecorder) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for v := range a.values {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// secretField names JSON body fields that carry a secret (a publish key, a
// director's static key, play-auth keys, tokens, signatures).
var secretField = regexp.MustCompile(`(?i)^(publishkey|statickey|key1|key2|password|signature|sign|.*secret.*|.*token|accesskey.*)$`)

// recordJSON records secretField values anywhere in a JSON document.
func (a *authRecorder) recordJSON(b []byte) {
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.values == nil {
		a.values = map[string]bool{}
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && secretField.MatchString(k) {
					a.add(s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
}

// recordingProxy forwards to target (http:// or ws://, with a base path)
// and records credential values from request headers, query parameters and
// JSON bodies both ways; it returns the proxy's URL with the same scheme
// and path. The Host header is passed through unchanged so that signatures
// over the host still verify.
func recordingProxy(t *testing.T, target string, rec *authRecorder) string {
	t.Helper()
	tu, err := url.Parse(target)
	if err != nil {
		t.Fatalf("endpoint %q: %v", target, err)
	}
	scheme := tu.Scheme
	isJSON := func(h http.Header) bool { return strings.Contains(h.Get("Content-Type"), "json") }
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			if scheme == "https" || scheme == "wss" {
				pr.Out.URL.Scheme = "https"
			}
			pr.Out.URL.Host = tu.Host
		},
		ModifyResponse: func(resp *http.Response) error {
			if isJSON(resp.Header) && resp.Body != nil {
				b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
				resp.Body.Close()
				if err != nil {
					return err
				}
				rec.recordJSON(b)
				resp.Body = io.NopCloser(bytes.NewReader(b))
			}
			return nil
		},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		if isJSON(r.Header) && r.Body != nil && r.ContentLength <= 8<<20 {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			rec.recordJSON(b)
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	pu, _ := url.Parse(srv.URL)
	pu.Scheme = scheme
	pu.Path = tu.Path
	return pu.String()
}

// secretForms are the secret and what could be derived from it by
// encoding, each with a name for the failure message.
func secretForms(s string) map[string]string {
	f := map[string]string{
		"raw":            s,
		"base64":         base64.StdEncoding.EncodeToString([]byte(s)),
		"base64url":      base64.URLEncoding.EncodeToString([]byte(s)),
		"base64 (raw)":   base64.RawStdEncoding.EncodeToString([]byte(s)),
		"base64url(raw)": base64.RawURLEncoding.EncodeToString([]byte(s)),
		"query-escaped":  url.QueryEscape(s),
		"path-escaped":   url.PathEscape(s),
		"hex":            hex.EncodeToString([]byte(s)),
	}
	if b, err := json.Marshal(s); err == nil {
		f["json"] = strings.Trim(string(b), `"`)
	}
	// Any 16-character stretch of a long secret (a partial print); masks
	// show at most a few characters.
	if len(s) >= 24 {
		for i := 0; i+16 <= len(s); i += 4 {
			f[fmt.Sprintf("chars %d-%d", i, i+16)] = s[i : i+16]
		}
	}
	return f
}

type corpusItem struct{ where, text string }

// findLeaks lists every place in corpus that contains a form of a secret.
func findLeaks(corpus []corpusItem, secrets map[string]string) []string {
	var found []string
	for name, s := range secrets {
		if len(s) < 8 {
			continue // too short to search for without false alarms
		}
		for form, v := range secretForms(s) {
			for _, c := range corpus {
				if strings.Contains(c.text, v) {
					found = append(found, fmt.Sprintf("%s contains %s (%s form)", c.where, name, form))
				}
			}
		}
	}
	sort.Strings(found)
	return found
}

// scan fails t for every leak.
func scan(t *testing.T, corpus []corpusItem, secrets map[string]string) {
	t.Helper()
	found := findLeaks(corpus, secrets)
	for i, f := range found {
		if i == 20 {
			t.Errorf("… %d leaks in all", len(found))
			break
		}
		t.Errorf("LEAK: %s", f)
	}
}

// TestLeakScanner checks the scanner itself: it must see a secret in its
// encoded and partial forms, and nothing in clean text.
func TestLeakScanner(t *testing.T) {
	secret := "e2e-secret-" + randHex(16)
	secrets := map[string]string{"s": secret}
	for _, text := range []string{
		"key: " + secret,
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(secret)),
		"?k=" + url.QueryEscape(secret+"/+"),
		"masked badly: " + secret[4:24] + "…",
	} {
		if len(findLeaks([]corpusItem{{"probe", text}}, secrets)) == 0 {
			t.Errorf("scanner missed the secret in %q", text)
		}
	}
	if f := findLeaks([]corpusItem{{"clean", "key: " + secret[:6] + "…" + secret[len(secret)-4:]}}, secrets); len(f) != 0 {
		t.Errorf("scanner flags a short mask: %v", f)
	}
}
