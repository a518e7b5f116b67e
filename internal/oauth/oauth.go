// Package oauth makes the HTTP transports an OAuth 2.1 resource server: it
// checks bearer access tokens (JWTs signed by one issuer, keys from the
// issuer's JWKS, rotation followed) and says where to get one (RFC 9728
// protected resource metadata and WWW-Authenticate challenges).
package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Default scope names.
const (
	DefaultReadScope  = "mcp-media:read"
	DefaultWriteScope = "mcp-media:write"
)

// Config names the issuer and what a token must say.
type Config struct {
	Issuer   string // --oauth-issuer: the exact `iss` of accepted tokens
	Audience string // --oauth-audience: must be one of the token's `aud`
	// Resource is the canonical URL of the MCP endpoint (--oauth-resource).
	// Empty: Audience when it is an http(s) URL, else derived per request.
	Resource string
	// Endpoint is the path of the MCP endpoint a derived resource URL ends
	// with (default /mcp; /sse for the SSE transport).
	Endpoint   string
	ReadScope  string // default DefaultReadScope
	WriteScope string // default DefaultWriteScope; implies read
	// HTTPClient fetches the metadata and the JWKS (default: timeouts of
	// 15 s; not the SSRF-guarded dialer: the issuer is configured, trusted).
	HTTPClient *http.Client
	// Now is the clock tokens are checked against (default time.Now).
	Now func() time.Time
}

// Verifier checks access tokens for one issuer and audience.
type Verifier struct {
	cfg      Config
	verifier *oidc.IDTokenVerifier
}

// signingAlgs are the asymmetric algorithms accepted; never "none", never
// HMAC (the JWKS is public).
var signingAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.PS256, oidc.PS384, oidc.PS512,
	oidc.ES256, oidc.ES384, oidc.ES512, oidc.EdDSA,
}

// New discovers the issuer's jwks_uri from its metadata and returns a
// verifier. Errors name the flag and every URL tried.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if cfg.ReadScope == "" {
		cfg.ReadScope = DefaultReadScope
	}
	if cfg.WriteScope == "" {
		cfg.WriteScope = DefaultWriteScope
	}
	if cfg.Audience == "" {
		return nil, errors.New("--oauth-audience is required with --oauth-issuer: the value your authorization server puts in the tokens' aud claim for this server (often its URL, e.g. https://mcp.example.com/mcp)")
	}
	if cfg.ReadScope == cfg.WriteScope {
		return nil, fmt.Errorf("--oauth-read-scope and --oauth-write-scope are both %q: give them different names", cfg.ReadScope)
	}
	if err := checkURL(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("--oauth-issuer %q: %v", cfg.Issuer, err)
	}
	if cfg.Resource != "" {
		if err := checkURL(cfg.Resource); err != nil {
			return nil, fmt.Errorf("--oauth-resource %q: %v", cfg.Resource, err)
		}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = newClient()
	}
	jwks, err := discover(ctx, cfg.HTTPClient, cfg.Issuer)
	if err != nil {
		return nil, err
	}
	keys, err := newKeySet(ctx, cfg.HTTPClient, jwks)
	if err != nil {
		return nil, fmt.Errorf("--oauth-issuer %s: the metadata's jwks_uri %s: %v", cfg.Issuer, jwks, err)
	}
	v := &Verifier{cfg: cfg, verifier: oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
		ClientID: cfg.Audience, SupportedSigningAlgs: signingAlgs, Now: cfg.Now,
	})}
	return v, nil
}

// Issuer is the configured issuer.
func (v *Verifier) Issuer() string { return v.cfg.Issuer }

func newClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 5 * time.Second
	tr.ResponseHeaderTimeout = 10 * time.Second
	return &http.Client{Transport: tr, Timeout: 15 * time.Second}
}

// checkURL accepts https URLs, and http ones on loopback (a local test
// issuer); no query or fragment.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("not an absolute http(s) URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return errors.New("has a query or fragment; give the bare URL")
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return errors.New("plain http is only accepted on loopback; use https")
	}
	return nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// metadataURLs are the discovery documents to try, in order: RFC 8414
// (path-inserted for an issuer with a path, §3.1), then OpenID Connect
// Discovery (path-inserted, then appended), as the MCP authorization spec
// lists them.
func metadataURLs(issuer string) []string {
	u, _ := url.Parse(issuer)
	origin := u.Scheme + "://" + u.Host
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	if path == "" {
		return []string{origin + "/.well-known/oauth-authorization-server", origin + "/.well-known/openid-configuration"}
	}
	return []string{
		origin + "/.well-known/oauth-authorization-server" + path,
		origin + "/.well-known/openid-configuration" + path,
		origin + path + "/.well-known/openid-configuration",
	}
}

// discover returns the jwks_uri of the first metadata document that
// answers and names the issuer exactly.
func discover(ctx context.Context, c *http.Client, issuer string) (string, error) {
	var tried []string
	for _, u := range metadataURLs(issuer) {
		var md struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		err := getJSON(ctx, c, u, &md)
		switch {
		case err != nil:
		case md.Issuer != issuer:
			err = fmt.Errorf("its issuer is %q, not exactly the configured one", md.Issuer)
		case md.JWKSURI == "":
			err = errors.New("it has no jwks_uri")
		default:
			if err = checkURL(md.JWKSURI); err == nil {
				return md.JWKSURI, nil
			}
			err = fmt.Errorf("jwks_uri %q: %v", md.JWKSURI, err)
		}
		tried = append(tried, u+" ("+err.Error()+")")
	}
	return "", fmt.Errorf("--oauth-issuer %s: no usable authorization server metadata; tried %s", issuer, strings.Join(tried, "; "))
}

func getJSON(ctx context.Context, c *http.Client, u string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(into); err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	return nil
}
