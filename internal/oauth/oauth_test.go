package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/mcp-media/mcp-media/internal/oauth/oauthtest"
)

const aud = "https://mcp.example.com/mcp"

func newVerifier(t *testing.T, iss *oauthtest.Issuer) *Verifier {
	t.Helper()
	v, err := New(context.Background(), Config{Issuer: iss.URL, Audience: aud})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func unsigned(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "at+jwt"})
	p, _ := json.Marshal(claims)
	return enc.EncodeToString(h) + "." + enc.EncodeToString(p) + "."
}

func hmacSigned(t *testing.T, claims map[string]any) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte("0123456789abcdef0123456789abcdef")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerify(t *testing.T) {
	iss := oauthtest.New(t, oauthtest.Options{})
	v := newVerifier(t, iss)
	with := func(scope string, edit func(map[string]any)) map[string]any {
		c := iss.Claims(aud, scope)
		if edit != nil {
			edit(c)
		}
		return c
	}
	hour := time.Hour
	cases := []struct {
		name      string
		token     string
		status    int // 0: accepted
		write     bool
		desc      string
		wantScope []string
	}{
		{name: "read token", token: iss.Sign(with("mcp-media:read", nil)), wantScope: []string{"mcp-media:read"}},
		{name: "write token implies read", token: iss.Sign(with("openid mcp-media:write", nil)), write: true,
			wantScope: []string{"openid", "mcp-media:write"}},
		{name: "scp array", token: iss.Sign(with("", func(c map[string]any) { c["scp"] = []string{"mcp-media:write"} })), write: true,
			wantScope: []string{"mcp-media:write"}},
		{name: "scp string", token: iss.Sign(with("", func(c map[string]any) { c["scp"] = "x mcp-media:read" })),
			wantScope: []string{"x", "mcp-media:read"}},
		{name: "audience among several", token: iss.Sign(with("mcp-media:read", func(c map[string]any) { c["aud"] = []string{"other", aud} })),
			wantScope: []string{"mcp-media:read"}},
		{name: "expired", token: iss.Sign(with("mcp-media:read", func(c map[string]any) {
			c["exp"] = time.Now().Add(-hour).Unix()
			c["iat"] = time.Now().Add(-2 * hour).Unix()
			c["nbf"] = time.Now().Add(-2 * hour).Unix()
		})), status: 401, desc: "expired"},
		{name: "no exp", token: iss.Sign(with("mcp-media:read", func(c map[string]any) { delete(c, "exp") })), status: 401, desc: "expired"},
		{name: "not yet valid", token: iss.Sign(with("mcp-media:read", func(c map[string]any) {
			c["nbf"] = time.Now().Add(hour).Unix()
			c["exp"] = time.Now().Add(2 * hour).Unix()
		})), status: 401, desc: "not valid yet"},
		{name: "wrong audience", token: iss.Sign(with("mcp-media:read", func(c map[string]any) { c["aud"] = "https://other.example/mcp" })),
			status: 401, desc: "another audience"},
		{name: "wrong issuer", token: iss.Sign(with("mcp-media:read", func(c map[string]any) { c["iss"] = "https://evil.example" })),
			status: 401, desc: "another issuer"},
		{name: "key not in JWKS", token: iss.SignForeign(with("mcp-media:write", nil)), status: 401, desc: "signature"},
		{name: "alg none", token: unsigned(with("mcp-media:write", nil)), status: 401, desc: "accepted algorithm"},
		{name: "alg HS256", token: hmacSigned(t, with("mcp-media:write", nil)), status: 401, desc: "accepted algorithm"},
		{name: "garbage", token: "not.a.jwt", status: 401, desc: "accepted algorithm"},
		{name: "no scope", token: iss.Sign(with("", nil)), status: 403, desc: "neither"},
		{name: "other scopes only", token: iss.Sign(with("openid profile mcp-media:reader", nil)), status: 403, desc: "neither"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := v.Verify(context.Background(), c.token)
			if c.status == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got.CanWrite != c.write || got.Subject != "user-1" || !slices.Equal(got.Scopes, c.wantScope) {
					t.Errorf("caller %+v, want write=%v scopes=%v", got, c.write, c.wantScope)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("accepted (%+v) or untyped error %v; want %d", got, err, c.status)
			}
			if e.Status != c.status || !strings.Contains(e.Description, c.desc) {
				t.Errorf("%d %q, want %d containing %q", e.Status, e.Description, c.status, c.desc)
			}
			r := httptest.NewRequest("POST", "http://mcp.example.com/mcp", nil)
			ch := v.Challenge(r, err)
			for _, part := range append(strings.Split(c.token, "."), "evil.example", "other.example") {
				if len(part) > 8 && (strings.Contains(ch, part) || strings.Contains(e.Error(), part)) {
					t.Errorf("refusal echoes part of the token: %s", ch)
				}
			}
			wantCode := map[int]string{401: `error="invalid_token"`, 403: `error="insufficient_scope"`}[c.status]
			if !strings.Contains(ch, wantCode) || !strings.Contains(ch, `resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"`) {
				t.Errorf("challenge %s", ch)
			}
			if c.status == 403 && !strings.Contains(ch, `scope="mcp-media:read"`) {
				t.Errorf("403 challenge names no scope: %s", ch)
			}
		})
	}
}

// A token signed by a new key (new kid) validates once the verifier has
// refetched the JWKS; the old key's tokens stop validating.
func TestKeyRotation(t *testing.T) {
	iss := oauthtest.New(t, oauthtest.Options{})
	v := newVerifier(t, iss)
	old := iss.Token(aud, "mcp-media:read")
	if _, err := v.Verify(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	before := iss.JWKSFetches()
	iss.Rotate()
	if _, err := v.Verify(context.Background(), iss.Token(aud, "mcp-media:write")); err != nil {
		t.Fatalf("token of the rotated key: %v", err)
	}
	if iss.JWKSFetches() == before {
		t.Error("the JWKS was not refetched for the new kid")
	}
	// A kid the JWKS does not hold even after the refetch is refused.
	before = iss.JWKSFetches()
	var e *Error
	if _, err := v.Verify(context.Background(), iss.SignUnknown("never-published", iss.Claims(aud, "mcp-media:write"))); !errors.As(err, &e) ||
		e.Status != 401 || e.Unavailable {
		t.Errorf("unknown kid: %v, want 401", err)
	}
	if iss.JWKSFetches() == before {
		t.Error("an unknown kid did not refetch the JWKS")
	}
	if _, err := v.Verify(context.Background(), old); err == nil {
		t.Error("a token of the retired key still validates")
	}
	// A rotation while the JWKS is down: refused as unavailable, not as
	// a bad signature; accepted once the JWKS answers again.
	iss.Rotate()
	iss.JWKSDown(true)
	tok := iss.Token(aud, "mcp-media:read")
	if _, err := v.Verify(context.Background(), tok); !errors.As(err, &e) || !e.Unavailable || !strings.Contains(e.Description, "could not be fetched") {
		t.Errorf("JWKS down: %v, want unavailable", err)
	}
	iss.JWKSDown(false)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Errorf("JWKS back: %v", err)
	}
}

func TestDiscovery(t *testing.T) {
	cases := []struct {
		name string
		opts oauthtest.Options
		want string // "" accepted, else in the error
	}{
		{"RFC 8414 at the root", oauthtest.Options{}, ""},
		{"RFC 8414 path-inserted", oauthtest.Options{Path: "/tenants/a"}, ""},
		{"OIDC only", oauthtest.Options{OIDCOnly: true}, ""},
		{"OIDC only with a path", oauthtest.Options{OIDCOnly: true, Path: "/realms/x"}, ""},
		{"metadata names another issuer", oauthtest.Options{MetadataIssuer: "https://elsewhere.example"}, "not exactly the configured one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			iss := oauthtest.New(t, c.opts)
			v, err := New(context.Background(), Config{Issuer: iss.URL, Audience: aud})
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := v.Verify(context.Background(), iss.Token(aud, "mcp-media:read")); err != nil {
					t.Error(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "--oauth-issuer") ||
				!strings.Contains(err.Error(), "/.well-known/openid-configuration") {
				t.Errorf("error %v, want one naming --oauth-issuer, the URLs tried and %q", err, c.want)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no audience", Config{Issuer: srv.URL}, "--oauth-audience is required"},
		{"issuer not a URL", Config{Issuer: "example.com", Audience: aud}, "--oauth-issuer"},
		{"plain http off loopback", Config{Issuer: "http://idp.example.com", Audience: aud}, "use https"},
		{"same scopes", Config{Issuer: srv.URL, Audience: aud, ReadScope: "x", WriteScope: "x"}, "different names"},
		{"nothing served", Config{Issuer: srv.URL, Audience: aud}, "tried " + srv.URL + "/.well-known/oauth-authorization-server (HTTP 404)"},
	}
	for _, c := range cases {
		if _, err := New(context.Background(), c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

func TestProtectedResourceMetadata(t *testing.T) {
	iss := oauthtest.New(t, oauthtest.Options{})
	cases := []struct {
		name, audience, resource, endpoint, reqURL string
		wantResource, wantURL                      string
	}{
		{"audience URL", aud, "", "", "http://127.0.0.1:9/x", aud, "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"},
		{"explicit resource", "api://media", "https://media.example.org/mcp", "", "http://127.0.0.1:9/x",
			"https://media.example.org/mcp", "https://media.example.org/.well-known/oauth-protected-resource/mcp"},
		{"derived from the request", "api://media", "", "", "http://127.0.0.1:8765/mcp",
			"http://127.0.0.1:8765/mcp", "http://127.0.0.1:8765/.well-known/oauth-protected-resource/mcp"},
		{"derived behind a TLS proxy", "api://media", "", "", "http://mcp.example.net/mcp",
			"https://mcp.example.net/mcp", "https://mcp.example.net/.well-known/oauth-protected-resource/mcp"},
		{"derived for SSE", "api://media", "", "/sse", "http://127.0.0.1:8765/sse",
			"http://127.0.0.1:8765/sse", "http://127.0.0.1:8765/.well-known/oauth-protected-resource/sse"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := New(context.Background(), Config{Issuer: iss.URL, Audience: c.audience, Resource: c.resource, Endpoint: c.endpoint})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", c.reqURL, nil)
			if strings.Contains(c.name, "TLS proxy") {
				r.Header.Set("X-Forwarded-Proto", "https")
			}
			if p := strings.TrimPrefix(c.wantURL, c.wantURL[:strings.Index(c.wantURL, "/.well-known")]); !slices.Contains(v.MetadataPaths(), p) {
				t.Errorf("metadata served at %v, not at %s", v.MetadataPaths(), p)
			}
			if got := v.MetadataURL(r); got != c.wantURL {
				t.Errorf("metadata URL %s, want %s", got, c.wantURL)
			}
			if ch := v.Challenge(r, nil); ch != `Bearer resource_metadata="`+c.wantURL+`"` {
				t.Errorf("no-token challenge %s", ch)
			}
			rec := httptest.NewRecorder()
			v.MetadataHandler().ServeHTTP(rec, r)
			var md ProtectedResource
			if err := json.Unmarshal(rec.Body.Bytes(), &md); err != nil || rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			if md.Resource != c.wantResource || !slices.Equal(md.AuthorizationServers, []string{iss.URL}) ||
				!slices.Equal(md.ScopesSupported, []string{"mcp-media:read", "mcp-media:write"}) ||
				!slices.Equal(md.BearerMethodsSupported, []string{"header"}) {
				t.Errorf("metadata %+v", md)
			}
		})
	}
}

func TestCallerContext(t *testing.T) {
	if _, ok := CallerFrom(context.Background()); ok {
		t.Error("caller in a bare context")
	}
	ctx := WithCaller(context.Background(), Caller{Subject: "s", CanWrite: true})
	if c, ok := CallerFrom(ctx); !ok || c.Subject != "s" || !c.CanWrite {
		t.Errorf("%+v %v", c, ok)
	}
}

// Forged tokens cannot make the server hammer the issuer: a token under a
// published kid is checked against that key only (no fetch), unknown kids
// refetch at most refetchBurst times, and a rotation seen by many requests
// at once is one fetch.
func TestJWKSRefetchIsBounded(t *testing.T) {
	iss := oauthtest.New(t, oauthtest.Options{})
	v := newVerifier(t, iss)
	ctx := context.Background()
	claims := iss.Claims(aud, "mcp-media:write")
	before := iss.JWKSFetches()
	for i := 0; i < 10; i++ {
		if _, err := v.Verify(ctx, iss.SignForeign(claims)); err == nil {
			t.Fatal("a forged token under the published kid validated")
		}
	}
	if n := iss.JWKSFetches() - before; n != 0 {
		t.Errorf("forged tokens under a published kid fetched the JWKS %d times, want 0", n)
	}
	before = iss.JWKSFetches()
	for i := 0; i < 3*refetchBurst; i++ {
		if _, err := v.Verify(ctx, iss.SignUnknown(fmt.Sprintf("made-up-%d", i), claims)); err == nil {
			t.Fatal("a token under a made-up kid validated")
		}
	}
	if n := iss.JWKSFetches() - before; n > refetchBurst {
		t.Errorf("%d tokens under made-up kids fetched the JWKS %d times, want at most %d", 3*refetchBurst, n, refetchBurst)
	}

	iss2 := oauthtest.New(t, oauthtest.Options{})
	v2 := newVerifier(t, iss2)
	iss2.Rotate()
	tok := iss2.Token(aud, "mcp-media:read")
	before = iss2.JWKSFetches()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := v2.Verify(ctx, tok); err != nil {
				t.Errorf("token of the rotated key: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := iss2.JWKSFetches() - before; n != 1 {
		t.Errorf("20 requests with the rotated key fetched the JWKS %d times, want 1", n)
	}
}
