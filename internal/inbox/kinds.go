package inbox

import "strings"

// KindHooks are optional per-kind behaviours of the inbox (deduplication
// and checks are the Acceptor's, stable.go).
type KindHooks struct {
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

// Owns reports whether u is a callback URL of this inbox.
func (b *Inbox) Owns(u string) bool {
	return b.Enabled() && u != "" && strings.HasPrefix(u, b.opts.PublicURL+PathPrefix)
}

// Live reports whether a callback URL of this inbox still accepts
// deliveries: its route exists and is stable or not yet expired.
func (b *Inbox) Live(u string) bool {
	if !b.Owns(u) {
		return false
	}
	c, cancel := ctx()
	defer cancel()
	r, ok := b.getRoute(c, hashOf(tokenOf(u)))
	return ok && (r.Stable || b.opts.Now().Sub(r.Created) <= routeTTL)
}
