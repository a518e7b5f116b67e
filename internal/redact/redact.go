// Package redact is the single place where secrets are scrubbed from text.
//
// Every credential the server loads, and every value derived from one (a
// request signature, a signed URL token, an Authorization header), is added to
// a Set. Tool results, log lines, errors and progress messages all pass through
// the same Set before they leave the process, so a secret that slipped into a
// provider's error body or a wrapped error is still replaced by a mask.
package redact

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a redacted value.
const Mask = "[REDACTED]"

// minLen is the shortest value worth scrubbing: anything shorter would mask
// ordinary words and numbers and is no secret worth the name.
const minLen = 6

// Set holds the secret values to scrub. The zero value is ready to use and a
// Set is safe for concurrent use.
type Set struct {
	mu       sync.RWMutex
	values   map[string]struct{}
	replacer *strings.Replacer

	// Identifiers sign tokens without being secret themselves (see
	// AddIdentifier); delivered are the tokens a tool hands out on purpose.
	ids       map[string]struct{}
	idToken   *regexp.Regexp
	delivered map[string]struct{}
}

// maxDelivered bounds the delivered-token memory; the oldest half is
// forgotten beyond it (a forgotten token is masked again if it recurs).
const maxDelivered = 4096

// Add registers secrets (and their common encodings: URL query escaping,
// standard and URL-safe base64) for scrubbing. Values shorter than six bytes
// are ignored.
func (s *Set) Add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.values == nil {
		s.values = map[string]struct{}{}
	}
	changed := false
	for _, v := range secrets {
		for _, form := range forms(v) {
			if len(form) < minLen {
				continue
			}
			if _, ok := s.values[form]; !ok {
				s.values[form] = struct{}{}
				changed = true
			}
		}
	}
	if changed {
		s.replacer = nil
	}
}

func forms(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	out := []string{
		v,
		url.QueryEscape(v),
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.URLEncoding.EncodeToString([]byte(v)),
		base64.RawURLEncoding.EncodeToString([]byte(v)),
		hex.EncodeToString([]byte(v)),
		strings.ToUpper(hex.EncodeToString([]byte(v))),
	}
	// As it appears inside JSON text (structured results are scrubbed as
	// marshalled JSON): encoding/json escapes < > & and quotes, backslashes
	// and control characters.
	if j, err := json.Marshal(v); err == nil {
		if esc := string(j[1 : len(j)-1]); esc != v {
			out = append(out, esc)
		}
	}
	return out
}

func (s *Set) rep() *strings.Replacer {
	s.mu.RLock()
	r := s.replacer
	n := len(s.values)
	s.mu.RUnlock()
	if r != nil || n == 0 {
		return r
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.replacer == nil {
		vals := make([]string, 0, len(s.values))
		for v := range s.values {
			vals = append(vals, v)
		}
		// Longest first, so a secret that contains another is masked whole.
		sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
		pairs := make([]string, 0, 2*len(vals))
		for _, v := range vals {
			pairs = append(pairs, v, Mask)
		}
		s.replacer = strings.NewReplacer(pairs...)
	}
	return s.replacer
}

// derivedToken matches what is left of a "<key>:<signature>" token (Qiniu's
// Authorization value, its signed URLs' token=, the realtime ASR token) once
// the key itself is masked: the signature after it goes too. Signatures are
// derived per request, so they are recognised by shape instead of being
// registered one by one (which would grow the set without bound).
var derivedToken = regexp.MustCompile(regexp.QuoteMeta(Mask) + `:[A-Za-z0-9_\-+/]+=*`)

// AddIdentifier registers key identifiers that are not secrets but sign
// tokens of the form "<id>:<signature>" (the Qiniu AccessKey: Qiniu puts it
// in every management token and in expiry_sk push URLs). The identifier
// itself is left as it is; the signature after it is masked, unless the
// whole token was released with Deliver.
func (s *Set) AddIdentifier(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[string]struct{}{}
	}
	changed := false
	for _, id := range ids {
		if id = strings.TrimSpace(id); len(id) >= minLen {
			if _, ok := s.ids[id]; !ok {
				s.ids[id] = struct{}{}
				changed = true
			}
		}
	}
	if changed {
		alts := make([]string, 0, len(s.ids))
		for id := range s.ids {
			alts = append(alts, regexp.QuoteMeta(id))
		}
		sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
		s.idToken = regexp.MustCompile(`(?:` + strings.Join(alts, "|") + `):[A-Za-z0-9_\-+/]+=*`)
	}
}

// Deliver releases "<identifier>:<signature>" tokens that are a tool's
// deliverable (the token of a signed push URL the agent asked for), so the
// identifier rule of AddIdentifier does not mask them.
func (s *Set) Deliver(tokens ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.delivered == nil || len(s.delivered) >= maxDelivered {
		s.delivered = map[string]struct{}{}
	}
	for _, t := range tokens {
		s.delivered[t] = struct{}{}
	}
}

// String returns text with every registered secret replaced by Mask, and
// any signature attached to a masked key or to an identifier with it.
func (s *Set) String(text string) string {
	if s == nil || text == "" {
		return text
	}
	out := text
	if r := s.rep(); r != nil {
		out = r.Replace(text)
		if strings.Contains(out, Mask+":") {
			out = derivedToken.ReplaceAllString(out, Mask)
		}
		out = s.encodedPairs(r, out)
	}
	s.mu.RLock()
	re := s.idToken
	s.mu.RUnlock()
	if re != nil {
		out = re.ReplaceAllStringFunc(out, func(tok string) string {
			s.mu.RLock()
			_, ok := s.delivered[tok]
			s.mu.RUnlock()
			if ok {
				return tok
			}
			id, _, _ := strings.Cut(tok, ":")
			return id + ":" + Mask
		})
	}
	return out
}

// b64Run is a run of base64 text long enough to hide a secret.
var b64Run = regexp.MustCompile(`[A-Za-z0-9+/_\-]{8,}={0,2}`)

// encodedPairs masks base64 runs whose decoded text holds a secret: the
// `id:secret` of HTTP Basic authentication and similar, whose base64 does
// not contain the base64 of the secret alone (the alignment differs).
func (s *Set) encodedPairs(r *strings.Replacer, text string) string {
	return b64Run.ReplaceAllStringFunc(text, func(run string) string {
		enc := runEncoding(run)
		if enc == nil {
			return run
		}
		b, err := enc.DecodeString(run)
		if err != nil || len(b) < minLen {
			return run
		}
		if d := string(b); r.Replace(d) != d {
			return Mask
		}
		return run
	})
}

// runEncoding is the one base64 encoding that can decode run, or nil. Of
// the four (standard or URL-safe, padded or raw) those that succeed on a
// run all yield the same bytes, so decoding once is enough: the alphabet
// follows from '+' '/' versus '-' '_' (both at once: none decodes), the
// padding from a trailing '=' or a length that is a multiple of four.
func runEncoding(run string) *base64.Encoding {
	std, url := strings.ContainsAny(run, "+/"), strings.ContainsAny(run, "-_")
	padded := strings.HasSuffix(run, "=") || len(run)%4 == 0
	switch {
	case std && url:
		return nil
	case url && padded:
		return base64.URLEncoding
	case url:
		return base64.RawURLEncoding
	case padded:
		return base64.StdEncoding
	}
	return base64.RawStdEncoding
}

// Bytes is String for byte slices.
func (s *Set) Bytes(b []byte) []byte {
	if s == nil || len(b) == 0 {
		return b
	}
	return []byte(s.String(string(b)))
}

// Len is the number of registered values (all encodings counted).
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.values)
}

// Contains reports whether text holds any registered secret. Tests use it to
// prove that nothing leaked.
func (s *Set) Contains(text string) bool {
	return s.String(text) != text
}

// Error wraps err so that its message is scrubbed; errors.Is/As still see the
// original chain.
func (s *Set) Error(err error) error {
	if err == nil {
		return nil
	}
	return &scrubbed{err: err, msg: s.String(err.Error())}
}

type scrubbed struct {
	err error
	msg string
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// Handler is a slog.Handler that scrubs the message and every string
// attribute before passing the record on: the redaction point for logs.
type Handler struct {
	set   *Set
	inner slog.Handler
}

// NewHandler wraps inner.
func NewHandler(set *Set, inner slog.Handler) *Handler { return &Handler{set: set, inner: inner} }

func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.set.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *Handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.set.String(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]any, len(attrs))
		for i, g := range attrs {
			out[i] = h.attr(g)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.set.String(err.Error()))
		}
		return slog.String(a.Key, h.set.String(v.String()))
	}
	return a
}

func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &Handler{set: h.set, inner: h.inner.WithAttrs(clean)}
}

func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{set: h.set, inner: h.inner.WithGroup(name)}
}

// URL returns u for display: without user info and without the query
// (where signed URLs keep their tokens), with "?…" marking a dropped query.
// Text that does not parse as a URL with a scheme is returned as it is.
func URL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" {
		return u
	}
	dropped := p.RawQuery != "" || p.User != nil
	p.User, p.RawQuery, p.ForceQuery = nil, "", false
	out := p.String()
	if dropped {
		out += "?…"
	}
	return out
}
