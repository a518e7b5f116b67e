package aiozfake

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// apiKeyJSON is OA's ApiKey schema; secret is present only in A1's answer.
type apiKeyJSON struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	PublicKey       string `json:"public_key"`
	Secret          string `json:"secret,omitempty"`
	TruncatedSecret string `json:"truncated_secret"`
	TTL             string `json:"ttl"`
	Type            string `json:"type"`
	Status          string `json:"status"`
	ExpiredAt       string `json:"expired_at"`
	LastRequestedAt string `json:"last_requested_at"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`

	expires time.Time
}

// MaxTTL is the largest ttl AIOZ accepts (seconds, 001).
const MaxTTL = 2147483647

// handleCreateAPIKey serves A1 POST /api_keys (201). ttl is a decimal
// string of seconds, 1–2147483647; type full_access or only_upload.
func (s *Server) handleCreateAPIKey(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name *string `json:"api_key_name"`
		TTL  *string `json:"ttl"`
		Type *string `json:"type"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if badName(b.Name, true) {
		writeError(w, badRequest("api_key_name is required (1–255 characters)"))
		return
	}
	if b.TTL == nil {
		writeError(w, badRequest("ttl is required (seconds, as a string)"))
		return
	}
	ttl, err := strconv.ParseInt(*b.TTL, 10, 64)
	if err != nil || ttl <= 0 || ttl > MaxTTL {
		writeError(w, badRequest("ttl must be a decimal string of seconds between 1 and %d", MaxTTL))
		return
	}
	typ := "full_access"
	if b.Type != nil {
		typ = *b.Type
	}
	if typ != "full_access" && typ != "only_upload" {
		writeError(w, enumErr("type", typ, []string{"full_access", "only_upload"}))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	secret := "sk_" + randomToken(24)
	k := &apiKeyJSON{ID: s.newIDLocked(), Name: strings.TrimSpace(*b.Name), PublicKey: "pk_" + randomToken(12),
		TruncatedSecret: "****" + secret[len(secret)-4:], TTL: *b.TTL, Type: typ, Status: "active",
		ExpiredAt: rfc3339(now.Add(time.Duration(ttl) * time.Second)), CreatedAt: rfc3339(now), UpdatedAt: rfc3339(now),
		expires: now.Add(time.Duration(ttl) * time.Second)}
	if s.acct.apiKeys == nil {
		s.acct.apiKeys = map[string]*apiKeyJSON{}
	}
	s.acct.apiKeys[k.ID] = k
	s.acct.keyOrder = append(s.acct.keyOrder, k.ID)
	s.acct.minted = append(s.acct.minted, secret)
	out := *k
	out.Secret = secret
	writeData(w, http.StatusCreated, map[string]any{"api_key": out})
	k.Secret = secret // kept to authenticate; never listed
}

// handleListAPIKeys serves A2 GET /api_keys: truncated secrets only.
func (s *Server) handleListAPIKeys(w http.ResponseWriter, r *http.Request) {
	lq, err := parseAcctList(r)
	if err != nil {
		writeError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []apiKeyJSON
	for _, id := range s.acct.keyOrder {
		k := s.acct.apiKeys[id]
		if lq.matches(k.Name) {
			c := *k
			c.Secret = ""
			list = append(list, c)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return lq.less(list[i].Name, list[j].Name, list[i].CreatedAt, list[j].CreatedAt) })
	writePage(w, "api_keys", list, lq.offset, lq.limit)
}

func (s *Server) apiKeyLocked(id string) (*apiKeyJSON, error) {
	k, ok := s.acct.apiKeys[id]
	if !ok {
		return nil, notFound("API key not found")
	}
	return k, nil
}

// handleRenameAPIKey serves A3 PATCH /api_keys/{id}.
func (s *Server) handleRenameAPIKey(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name *string `json:"api_key_name"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if badName(b.Name, true) {
		writeError(w, badRequest("api_key_name is required (1–255 characters)"))
		return
	}
	k, ok := lockFound(s, w, nil, s.apiKeyLocked, r.PathValue("id"))
	if !ok {
		return
	}
	defer s.mu.Unlock()
	k.Name, k.UpdatedAt = strings.TrimSpace(*b.Name), rfc3339(s.now())
	writeOK(w, "Update api key successfully.")
}

// handleDeleteAPIKey serves A4 DELETE /api_keys/{id}.
func (s *Server) handleDeleteAPIKey(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := lockFound(s, w, nil, s.apiKeyLocked, id); !ok {
		return
	}
	defer s.mu.Unlock()
	delete(s.acct.apiKeys, id)
	for i, v := range s.acct.keyOrder {
		if v == id {
			s.acct.keyOrder = append(s.acct.keyOrder[:i], s.acct.keyOrder[i+1:]...)
			break
		}
	}
	writeOK(w, "Delete api key successfully.")
}

// uploadOnly are the routes an only_upload key may call (spec §2.3).
func uploadOnly(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/api/media/create":
		return true
	case r.Method == http.MethodPost && strings.HasPrefix(p, "/api/media/") && strings.HasSuffix(p, "/part"):
		return true
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/api/media/") && strings.HasSuffix(p, "/complete"):
		return true
	}
	return false
}

// apiKeyAuth checks a created key pair: 0 when it is not one, 200 when it
// may make the request, 403 when an only_upload key asks for more, 401
// when it expired.
func (s *Server) apiKeyAuth(pub, sec string, r *http.Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.acct.apiKeys {
		if k.PublicKey != pub || k.Secret != sec || pub == "" || sec == "" {
			continue
		}
		if !s.now().Before(k.expires) {
			return http.StatusUnauthorized
		}
		k.LastRequestedAt = rfc3339(s.now())
		if k.Type == "only_upload" && !uploadOnly(r) {
			return http.StatusForbidden
		}
		return http.StatusOK
	}
	return 0
}

// createdKeyAuth applies apiKeyAuth to the request's headers or Basic
// credentials.
func (s *Server) createdKeyAuth(r *http.Request) int {
	pub, sec := r.Header.Get("stream-public-key"), r.Header.Get("stream-secret-key")
	if pub == "" || sec == "" {
		var ok bool
		if pub, sec, ok = r.BasicAuth(); !ok {
			return 0
		}
	}
	return s.apiKeyAuth(pub, sec, r)
}
