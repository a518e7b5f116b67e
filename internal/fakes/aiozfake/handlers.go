package aiozfake

import "net/http"

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
