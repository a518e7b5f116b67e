package inbox

import (
	"crypto/rand"
	"encoding/hex"
	"sort"
)

// Acceptor checks a callback body of one kind before it is stored: an error
// refuses it (400), and a non-empty key deduplicates retried deliveries
// (the same key is stored once).
type Acceptor func(payload []byte) (dedupeKey string, err error)

// SetAcceptor registers the check for callbacks of one kind.
// Events already stored (loaded from the inbox file) count as seen, so a
// delivery retried across a restart is still stored once.
func (b *Inbox) SetAcceptor(kind string, a Acceptor) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.accept[kind] = a
	for _, ev := range b.events {
		if ev.Kind != kind {
			continue
		}
		if key, err := a(ev.Payload); err == nil && key != "" {
			b.seen[kind+"\x00"+key] = true
		}
	}
}

// StableCallback returns the standing callback URL of a provider's event
// kind, creating it on first use: for services where a user registers one
// address per event group rather than one per task. The path is as
// unguessable as NewCallback's, survives restarts with the inbox file, and
// is never pruned. Events arriving on it carry no task id (none is bound).
func (b *Inbox) StableCallback(provider, kind string) (string, error) {
	if !b.Enabled() {
		return "", ErrNoPublicURL
	}
	b.mu.Lock()
	toks := make([]string, 0, len(b.routes))
	for tok := range b.routes {
		toks = append(toks, tok)
	}
	sort.Strings(toks)
	for _, tok := range toks {
		if r := b.routes[tok]; r.Stable && r.Provider == provider && r.Kind == kind {
			b.mu.Unlock()
			return b.opts.PublicURL + PathPrefix + tok, nil
		}
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		b.mu.Unlock()
		return "", err
	}
	tok := hex.EncodeToString(raw)
	r := route{Provider: provider, Kind: kind, Created: b.opts.Now().UTC(), Stable: true}
	b.routes[tok] = r
	b.mu.Unlock()
	b.persist(record{Token: tok, Route: &r})
	return b.opts.PublicURL + PathPrefix + tok, nil
}

// duplicate checks a body with acc and reports whether its key was seen.
func (b *Inbox) duplicate(kind string, acc Acceptor, body []byte) (bool, error) {
	key, err := acc(body)
	if err != nil || key == "" {
		return false, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k := kind + "\x00" + key
	if b.seen[k] {
		return true, nil
	}
	if len(b.seen) > 20*b.opts.Max {
		b.seen = map[string]bool{} // bounded: old retries are long over
	}
	b.seen[k] = true
	return false, nil
}
