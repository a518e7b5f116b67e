// Package state is the state a server keeps beyond one request: MCP
// sessions and their SSE event logs, the callback inbox, and upload-resume
// records. One interface, two implementations: Local (this process, with
// optional files for what must survive a restart) for a single user, and
// Redis (NewRedis, selected with --state redis://…) for replicas behind a
// load balancer, where any replica serves any request and an append on one
// wakes the watchers on all.
//
// Nothing secret goes in a Store: credentials stay in each replica's
// keyring or environment. Every key and log has a TTL, so abandoned state
// ends by itself.
package state

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// ErrNotFound is returned by Get for a key that does not exist or expired.
var ErrNotFound = errors.New("state: not found")

// Entry is one record of a log. Seqs start at 1 and grow by one per Append.
type Entry struct {
	Seq  int64
	Data []byte
}

// LogOptions bound a log.
type LogOptions struct {
	// Max is how many entries are kept (oldest dropped); 0 keeps all.
	Max int
	// TTL ends the whole log this long after its last append; 0 never.
	TTL time.Duration
}

// Store is shared server state. Keys and log names are plain strings
// (the implementation namespaces them); values are opaque bytes, usually
// JSON. Every method is safe for concurrent use.
type Store interface {
	// Get returns a value, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores a value; ttl 0 keeps it until deleted.
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// Claim stores a value only when the key is absent and reports whether
	// it did: one-shot callbacks and deduplication across replicas.
	Claim(ctx context.Context, key string, val []byte, ttl time.Duration) (bool, error)
	// Delete removes keys (missing ones are not an error).
	Delete(ctx context.Context, keys ...string) error
	// Extend renews a value's TTL without touching the value, and reports
	// whether there was one.
	Extend(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Release removes key only while it holds val — a claim made as a
	// lock, released by its holder and never by one whose claim expired
	// and was taken over — and reports whether it did.
	Release(ctx context.Context, key string, val []byte) (bool, error)
	// Incr adds one to a counter and returns it; the counter ends ttl
	// after its first increment (fixed-window rate limits).
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)

	// Append adds an entry to a log, returns its seq, and wakes the log's
	// watchers in every process sharing the store.
	Append(ctx context.Context, log string, data []byte, opt LogOptions) (int64, error)
	// Range returns up to limit entries with seq > after (limit 0: all),
	// oldest first, and the seq of the log's last entry (0 for none).
	Range(ctx context.Context, log string, after int64, limit int) ([]Entry, int64, error)
	// Watch returns a channel that receives (coalesced) after each Append
	// to log, and a function that stops watching.
	Watch(log string) (<-chan struct{}, func())

	// Join adds member to a set until ttl passes (joining again extends
	// it); Leave removes it; Members lists the unexpired members.
	Join(ctx context.Context, set, member string, ttl time.Duration) error
	Leave(ctx context.Context, set, member string) error
	Members(ctx context.Context, set string) ([]string, error)

	// Ping reports whether the store answers (readiness).
	Ping(ctx context.Context) error
	// Shared reports whether other processes see this store's state.
	Shared() bool
	Close() error
}

// Open returns the store a --state URL names: "" or "local" is the
// embedded Local store (files under dir), redis://host:port/db the Redis
// store (NewRedis).
func Open(rawURL, dir string) (Store, error) {
	if rawURL == "" || rawURL == "local" {
		return NewLocal(dir), nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, fmt.Errorf("--state %q: use local, or redis://host:6379/0 (rediss:// for TLS)", redactURL(rawURL))
	}
	return NewRedis(rawURL)
}

// redactURL drops the password of a state URL for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
