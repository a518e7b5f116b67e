package inbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/mcp-media/mcp-media/internal/state"
)

// Acceptor checks a callback body of one kind before it is stored: an error
// refuses it (400), and a non-empty key deduplicates retried deliveries
// (the same key is stored once).
type Acceptor func(payload []byte) (dedupeKey string, err error)

// SetAcceptor registers the check for callbacks of one kind. Dedupe keys
// are claims in the store, so a delivery retried across a restart, or to
// another replica, is still stored once; events imported from an earlier
// version's file are claimed now.
func (b *Inbox) SetAcceptor(kind string, a Acceptor) {
	b.mu.Lock()
	b.accept[kind] = a
	var old []Event
	for _, ev := range b.events {
		if ev.Kind == kind && ev.imported {
			old = append(old, ev)
		}
	}
	b.mu.Unlock()
	c, cancel := ctx()
	defer cancel()
	for _, ev := range old {
		if key, err := a(ev.Payload); err == nil && key != "" {
			_, _ = b.store.Claim(c, seenKey(kind, key), []byte("1"), keepFor)
		}
	}
}

// StableCallback returns the standing callback URL of a provider's event
// kind, creating it on first use: for services where a user registers one
// address per event group rather than one per task. The path is as
// unguessable as NewCallback's, is the same on every replica and across
// restarts, and never expires. Events arriving on it carry no task id
// (none is bound). See stableToken for where its token comes from.
func (b *Inbox) StableCallback(provider, kind string) (string, error) {
	if !b.Enabled() {
		return "", ErrNoPublicURL
	}
	c, cancel := ctx()
	defer cancel()
	tok, err := b.stableToken(c, provider, kind)
	if err != nil {
		return "", err
	}
	h := hashOf(string(tok))
	if _, ok, err := b.loadRoute(c, h); err != nil {
		return "", err
	} else if !ok {
		r := route{Provider: provider, Kind: kind, Created: b.opts.Now().UTC(), Stable: true}
		if err := b.putRoute(c, h, r); err != nil {
			return "", err
		}
	}
	return b.opts.PublicURL + PathPrefix + string(tok), nil
}

// ErrNoStableKey is StableCallback's refusal on a shared store without a key.
var ErrNoStableKey = errors.New("standing callback addresses on replicas sharing --state need MCP_MEDIA_CALLBACK_KEY: set it to the same random value (32+ characters, e.g. `openssl rand -hex 32`) on every replica, so the address is derived from it instead of stored in Redis")

// stableToken is the token of a standing address: derived from StableKey
// when there is one, else created once and kept in a store of this
// process's own (a shared store never holds it).
func (b *Inbox) stableToken(c context.Context, provider, kind string) ([]byte, error) {
	if len(b.opts.StableKey) > 0 {
		m := hmac.New(sha256.New, b.opts.StableKey)
		m.Write([]byte("mcp-media standing callback\x00" + provider + "\x00" + kind))
		return []byte(hex.EncodeToString(m.Sum(nil))[:48]), nil
	}
	if b.store.Shared() {
		return nil, ErrNoStableKey
	}
	k := stableKey(provider, kind)
	tok, err := b.store.Get(c, k)
	if errors.Is(err, state.ErrNotFound) {
		fresh, err := newToken()
		if err != nil {
			return nil, err
		}
		if _, err := b.store.Claim(c, k, []byte(fresh), 0); err != nil {
			return nil, err
		}
		return b.store.Get(c, k)
	}
	return tok, err
}
