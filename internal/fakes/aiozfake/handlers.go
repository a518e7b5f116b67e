package aiozfake

import (
	"net/http"
	"strings"
	"time"
)

// Handler helpers shared by the routes of several families (media,
// players, playlists, webhooks, API keys, live streams).

// lockFound locks s.mu and looks up the item id with find (one of the
// ...Locked lookups, which return the error to answer). On success the
// caller holds s.mu and must release it. On failure s.mu is released, the
// body of unread is drained when it is not nil (a request answered before
// its body is read), the error is answered and ok is false.
func lockFound[T any](s *Server, w http.ResponseWriter, unread *http.Request, find func(id string) (T, error), id string) (T, bool) {
	s.mu.Lock()
	v, err := find(id)
	if err != nil {
		s.mu.Unlock()
		if unread != nil {
			drain(unread)
		}
		writeError(w, err)
		return v, false
	}
	return v, true
}

// stamped is an item with an updated_at that a change moves.
type stamped interface{ stamp(t time.Time) }

func (m *media) stamp(t time.Time)     { m.UpdatedAt = t }
func (pl *playlist) stamp(t time.Time) { pl.UpdatedAt = t }

// touch answers a change to the item that lock finds for r (lock answers a
// miss itself and holds s.mu on success): with s.mu held, change edits the
// item or returns the error to answer; after a change the item's
// updated_at moves and the answer is the success message done.
func touch[T stamped](s *Server, w http.ResponseWriter, r *http.Request, lock func(http.ResponseWriter, *http.Request) (T, bool), done string, change func(T) error) {
	v, ok := lock(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if err := change(v); err != nil {
		writeError(w, err)
		return
	}
	v.stamp(s.now())
	writeOK(w, done)
}

// badName reports whether a name or title breaks the 1–255 character rule
// of the API key and live stream routes; a field not sent breaks it only
// when required.
func badName(v *string, required bool) bool {
	if v == nil {
		return required
	}
	return strings.TrimSpace(*v) == "" || len(*v) > 255
}
