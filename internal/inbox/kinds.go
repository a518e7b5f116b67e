package inbox

import (
	"encoding/json"
	"strings"
)

// KindHooks are optional per-kind behaviours of the inbox.
type KindHooks struct {
	// Dedupe returns the identity of a delivery ("" for none): a second
	// delivery with the identity of a stored event of the same kind is
	// acknowledged but not stored again (providers retry webhooks).
	Dedupe func(payload json.RawMessage) string
	// Render returns the text an agent reads for an event (a card), or "".
	Render func(ev Event) string
}

// SetKind registers the hooks of one kind.
func (b *Inbox) SetKind(kind string, h KindHooks) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.kinds == nil {
		b.kinds = map[string]KindHooks{}
	}
	b.kinds[kind] = h
}

// Render returns the card of an event when its kind has a renderer.
func (b *Inbox) Render(ev Event) string {
	b.mu.Lock()
	h := b.kinds[ev.Kind]
	b.mu.Unlock()
	if h.Render == nil {
		return ""
	}
	return h.Render(ev)
}

// duplicateLocked finds a stored event of kind with payload's identity;
// the search covers the kept events, so it survives restarts (b.mu held).
func (b *Inbox) duplicateLocked(kind string, payload []byte) (Event, bool) {
	h := b.kinds[kind]
	if h.Dedupe == nil {
		return Event{}, false
	}
	id := h.Dedupe(payload)
	if id == "" {
		return Event{}, false
	}
	for i := len(b.events) - 1; i >= 0; i-- {
		if e := b.events[i]; e.Kind == kind && h.Dedupe(e.Payload) == id {
			return e, true
		}
	}
	return Event{}, false
}

// Owns reports whether u is a callback URL of this inbox.
func (b *Inbox) Owns(u string) bool {
	return b.Enabled() && u != "" && strings.HasPrefix(u, b.opts.PublicURL+PathPrefix)
}

// Live reports whether a callback URL of this inbox still accepts
// deliveries (its route exists and has not expired).
func (b *Inbox) Live(u string) bool {
	if !b.Owns(u) {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	r, ok := b.routes[tokenOf(u)]
	return ok && b.opts.Now().Sub(r.Created) <= routeTTL
}
