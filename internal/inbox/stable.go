package inbox

import (
	"context"
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
// (none is bound). Its token is kept in the store (inbox/stable/…): every
// replica must be able to hand out the address.
func (b *Inbox) StableCallback(provider, kind string) (string, error) {
	if !b.Enabled() {
		return "", ErrNoPublicURL
	}
	c, cancel := ctx()
	defer cancel()
	k := stableKey(provider, kind)
	tok, err := b.store.Get(c, k)
	if errors.Is(err, state.ErrNotFound) {
		fresh, err := newToken()
		if err != nil {
			return "", err
		}
		// The first replica to ask wins; the others read its token.
		won, err := b.store.Claim(c, k, []byte(fresh), 0)
		if err != nil {
			return "", err
		}
		if tok = []byte(fresh); !won {
			if tok, err = b.store.Get(c, k); err != nil {
				return "", err
			}
		}
	} else if err != nil {
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

// duplicate checks a body with acc and reports whether its key was seen
// (on any replica); errStore when the store does not answer.
func (b *Inbox) duplicate(c context.Context, kind string, acc Acceptor, body []byte) (bool, error) {
	key, err := acc(body)
	if err != nil || key == "" {
		return false, err
	}
	first, err := b.store.Claim(c, seenKey(kind, key), []byte("1"), keepFor)
	if err != nil {
		return false, errStore
	}
	return !first, nil
}
