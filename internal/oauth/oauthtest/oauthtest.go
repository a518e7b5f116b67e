// Package oauthtest is an authorization server for tests: it serves RFC 8414
// (or OpenID Connect) metadata and a JWKS on a loopback port, and signs
// access tokens with its current key, which Rotate replaces.
package oauthtest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Options shape the issuer.
type Options struct {
	Path     string // issuer path, e.g. /tenants/a (default none)
	OIDCOnly bool   // serve only /.well-known/openid-configuration
	// MetadataIssuer overrides the issuer the metadata names (a mismatch).
	MetadataIssuer string
}

// Issuer is a running test authorization server.
type Issuer struct {
	URL string // the issuer identifier

	t       testing.TB
	mu      sync.Mutex
	current *rsa.PrivateKey
	kid     string
	gen     int
	fetches atomic.Int64
	down    atomic.Bool
}

// New starts an issuer; it stops when the test ends.
func New(t testing.TB, opts Options) *Issuer {
	t.Helper()
	i := &Issuer{t: t}
	i.Rotate()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	i.URL = srv.URL + opts.Path
	md := func(w http.ResponseWriter, _ *http.Request) {
		iss := i.URL
		if opts.MetadataIssuer != "" {
			iss = opts.MetadataIssuer
		}
		writeJSON(w, map[string]any{
			"issuer": iss, "jwks_uri": srv.URL + "/jwks",
			"authorization_endpoint": srv.URL + "/authorize", "token_endpoint": srv.URL + "/token",
			"response_types_supported": []string{"code"}, "code_challenge_methods_supported": []string{"S256"},
		})
	}
	if opts.OIDCOnly {
		mux.HandleFunc("GET /.well-known/openid-configuration"+opts.Path, md)
	} else {
		mux.HandleFunc("GET /.well-known/oauth-authorization-server"+opts.Path, md)
	}
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, _ *http.Request) {
		i.fetches.Add(1)
		if i.down.Load() {
			http.Error(w, "JWKS down", http.StatusServiceUnavailable)
			return
		}
		i.mu.Lock()
		set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &i.current.PublicKey, KeyID: i.kid, Algorithm: "RS256", Use: "sig"}}}
		i.mu.Unlock()
		writeJSON(w, set)
	})
	return i
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func newKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Rotate switches to a new key with a new kid; the JWKS then publishes
// only the new key.
func (i *Issuer) Rotate() {
	k := newKey(i.t)
	i.mu.Lock()
	i.gen++
	i.current, i.kid = k, fmt.Sprintf("key-%d", i.gen)
	i.mu.Unlock()
}

// JWKSDown makes the JWKS answer 503 (true) or work again (false).
func (i *Issuer) JWKSDown(down bool) { i.down.Store(down) }

// JWKSFetches counts the JWKS requests so far.
func (i *Issuer) JWKSFetches() int { return int(i.fetches.Load()) }

// Claims are valid access-token claims for aud with the given scope
// (space-separated; "" leaves the claim out), valid for an hour.
func (i *Issuer) Claims(aud, scope string) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": i.URL, "sub": "user-1", "aud": aud, "client_id": "test-client",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": fmt.Sprint(now.UnixNano())}
	if scope != "" {
		c["scope"] = scope
	}
	return c
}

// Sign signs claims with the issuer's current key (RFC 9068 typ at+jwt).
func (i *Issuer) Sign(claims map[string]any) string {
	i.mu.Lock()
	k, kid := i.current, i.kid
	i.mu.Unlock()
	return sign(i.t, k, kid, claims)
}

// SignForeign signs claims with a key the JWKS never published, under the
// current kid (a forged token).
func (i *Issuer) SignForeign(claims map[string]any) string {
	i.mu.Lock()
	kid := i.kid
	i.mu.Unlock()
	return i.SignUnknown(kid, claims)
}

// SignUnknown signs claims with a key the JWKS never published, under kid.
func (i *Issuer) SignUnknown(kid string, claims map[string]any) string {
	return sign(i.t, newKey(i.t), kid, claims)
}

// Token is a valid token for aud with scope.
func (i *Issuer) Token(aud, scope string) string { return i.Sign(i.Claims(aud, scope)) }

func sign(t testing.TB, k *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: k, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("at+jwt"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
