package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Caller is who an accepted token speaks for.
type Caller struct {
	Subject  string   // the token's sub
	Scopes   []string // every scope the token grants
	CanWrite bool     // the write scope: every tool; otherwise read-only tools
}

type callerKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller of ctx; false when the request carried no
// OAuth token (stdio, the static token, OAuth off).
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// Error is a refused token: the HTTP status, the RFC 6750 error code and a
// fixed description that never quotes the token or its claims.
type Error struct {
	Status      int    // 401 or 403
	Code        string // invalid_token or insufficient_scope
	Description string
	// Unavailable: the issuer's keys could not be fetched, so the token
	// could not be checked (an operator problem, logged as such).
	Unavailable bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Description }

// Verify checks a bearer token: signature by a key of the issuer's JWKS
// (an unknown kid refetches it), iss, aud, exp and nbf, then the scopes.
func (v *Verifier) Verify(ctx context.Context, raw string) (Caller, error) {
	tok, err := v.verifier.Verify(ctx, raw)
	if err != nil {
		return Caller{}, &Error{Status: http.StatusUnauthorized, Code: "invalid_token", Description: describe(err),
			Unavailable: strings.Contains(err.Error(), "fetching keys")}
	}
	var claims struct {
		Scope json.RawMessage `json:"scope"`
		Scp   json.RawMessage `json:"scp"`
	}
	if err := tok.Claims(&claims); err != nil {
		return Caller{}, &Error{Status: http.StatusUnauthorized, Code: "invalid_token", Description: "the token's claims are not readable"}
	}
	c := Caller{Subject: tok.Subject, Scopes: scopes(claims.Scope, claims.Scp)}
	c.CanWrite = slices.Contains(c.Scopes, v.cfg.WriteScope)
	if !c.CanWrite && !slices.Contains(c.Scopes, v.cfg.ReadScope) {
		return Caller{}, &Error{Status: http.StatusForbidden, Code: "insufficient_scope",
			Description: "the token grants neither " + v.cfg.ReadScope + " nor " + v.cfg.WriteScope}
	}
	return c, nil
}

// scopes reads `scope` (a space-separated string, RFC 9068 §2.2.3) and
// `scp` (an array or a string, as some issuers send it).
func scopes(raws ...json.RawMessage) []string {
	var out []string
	for _, raw := range raws {
		if len(raw) == 0 {
			continue
		}
		var s string
		var list []string
		switch {
		case json.Unmarshal(raw, &s) == nil:
			list = strings.Fields(s)
		case json.Unmarshal(raw, &list) == nil:
		}
		for _, sc := range list {
			if sc = strings.TrimSpace(sc); sc != "" && !slices.Contains(out, sc) {
				out = append(out, sc)
			}
		}
	}
	return out
}

// describe maps a verification error to a fixed sentence: go-oidc's own
// messages quote the token's claims, which a refusal must not echo.
func describe(err error) string {
	var expired *oidc.TokenExpiredError
	if errors.As(err, &expired) {
		return "the token has expired"
	}
	msg := err.Error()
	for _, m := range []struct{ in, out string }{
		{"malformed jwt", "the token is not a JWT signed with an accepted algorithm"},
		{"fetching keys", "the issuer's keys could not be fetched to check the token; try again later"},
		{"failed to verify signature", "the token's signature does not match a key of the issuer"},
		{"different provider", "the token is from another issuer"},
		{"expected audience", "the token is meant for another audience"},
		{"nbf", "the token is not valid yet"},
	} {
		if strings.Contains(msg, m.in) {
			return m.out
		}
	}
	return "the token is not valid"
}
