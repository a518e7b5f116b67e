// Package reqid is the id of one HTTP request: taken from the caller's
// X-Request-Id when it is a plain token, generated otherwise, carried in
// the request's context so that log lines of the work it started (tool
// calls) name it too.
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Header is the request and response header that carries the id.
const Header = "X-Request-Id"

// MaxLen is the longest id accepted from a caller.
const MaxLen = 64

// Valid reports whether id is 1–64 characters of [A-Za-z0-9._-]: safe to
// log and echo as it is.
func Valid(id string) bool {
	if id == "" || len(id) > MaxLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// New returns a random id (16 hex characters).
func New() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Or returns id when it is Valid, else a New one.
func Or(id string) string {
	if Valid(id) {
		return id
	}
	return New()
}

type key struct{}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// From returns the id ctx carries, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}
