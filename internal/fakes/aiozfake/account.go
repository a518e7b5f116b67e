package aiozfake

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
)

// acctState is the fake account's state beyond media: webhooks, API keys
// and live streams. It is guarded by Server.mu.
type acctState struct {
	webhooks   map[string]*webhookJSON
	checks     []string // webhook ids, in check order
	apiKeys    map[string]*apiKeyJSON
	keyOrder   []string
	liveKeys   map[string]*liveKeyJSON
	streamings map[string]*streamingJSON
	multicast  map[string][]string // stream key → URLs
	minted     []string            // secrets and stream keys handed out
}

// Minted returns every secret the fake handed out in a response: new API
// key secrets and live stream keys (the leak test looks for them).
func (s *Server) Minted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acct.minted...)
}

// randomToken returns n random bytes in hex.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// acctList is the query of the account lists (§3.2: search, sort_by,
// order_by, offset, limit).
type acctList struct {
	search, sortBy, orderBy string
	offset, limit           int
}

func parseAcctList(r *http.Request) (acctList, error) {
	q := r.URL.Query()
	l := acctList{search: strings.ToLower(q.Get("search"))}
	var err error
	if l.sortBy, err = enumOr("sort_by", q.Get("sort_by"), "created_at", []string{"created_at", "name"}); err != nil {
		return l, err
	}
	if l.orderBy, err = enumOr("order_by", q.Get("order_by"), "asc", []string{"asc", "desc"}); err != nil {
		return l, err
	}
	l.offset, l.limit, err = pageParams(r)
	return l, err
}

func (l acctList) matches(name string) bool {
	return l.search == "" || strings.Contains(strings.ToLower(name), l.search)
}

// less orders two items by name or by creation key (created_at + id).
func (l acctList) less(nameA, nameB, createdA, createdB string) bool {
	a, b := createdA, createdB
	if l.sortBy == "name" {
		a, b = nameA, nameB
	}
	if l.orderBy == "desc" {
		return a > b
	}
	return a < b
}
