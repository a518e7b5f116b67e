package aiozfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// ---------------------------------------------------------------------------
// M2 list / search

type listReq struct {
	Type     string          `json:"type"`
	Search   string          `json:"search"`
	Status   json.RawMessage `json:"status"`
	Tags     json.RawMessage `json:"tags"`
	Metadata json.RawMessage `json:"metadata"`
	SortBy   string          `json:"sort_by"`
	OrderBy  string          `json:"order_by"`
	Offset   *int            `json:"offset"`
	Limit    *int            `json:"limit"`
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// stringOrList accepts a JSON string (comma-separated) or an array of
// strings (spec Q8).
func stringOrList(field string, raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, badRequest("%s must be a string or an array of strings", field)
		}
		return splitList(s), nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, badRequest("%s must be a string or an array of strings", field)
	}
	return list, nil
}

// metadataFilter accepts an object {"k":"v"} or an array [{key,value}].
func metadataFilter(raw json.RawMessage) ([]Metadata, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '{' {
		var obj map[string]string
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, badRequest("metadata must be an object of strings or an array of {key,value}")
		}
		var out []Metadata
		for k, v := range obj {
			out = append(out, Metadata{k, v})
		}
		return out, nil
	}
	var list []Metadata
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, badRequest("metadata must be an object of strings or an array of {key,value}")
	}
	return list, nil
}

func (m *media) hasTags(tags []string) bool { return containsAll(m.Tags, tags) }

func (m *media) hasMetadata(md []Metadata) bool { return containsAll(m.Metadata, md) }

// containsAll reports whether every wanted value is in have.
func containsAll[T comparable](have, want []T) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func (s *Server) handleListMedia(w http.ResponseWriter, r *http.Request) {
	var req listReq
	if !readJSON(w, r, &req) {
		return
	}
	if req.Type != "" && req.Type != "video" && req.Type != "audio" {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("type %q is not allowed (allowed: video, audio)", req.Type))
		return
	}
	statuses, err := stringOrList("status", req.Status)
	if err != nil {
		writeError(w, err)
		return
	}
	for _, st := range statuses {
		if !validStatus(st) {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("status %q is not allowed (allowed: new, transcoding, done, fail, deleted)", st))
			return
		}
	}
	tags, err := stringOrList("tags", req.Tags)
	if err != nil {
		writeError(w, err)
		return
	}
	md, err := metadataFilter(req.Metadata)
	if err != nil {
		writeError(w, err)
		return
	}
	sortBy, err := enumOr("sort_by", req.SortBy, "created_at", []string{"created_at", "name"})
	if err != nil {
		writeError(w, err)
		return
	}
	orderBy, err := enumOr("order_by", req.OrderBy, "asc", []string{"asc", "desc"})
	if err != nil {
		writeError(w, err)
		return
	}
	offset, limit, err := bodyPage(req.Offset, req.Limit)
	if err != nil {
		writeError(w, err)
		return
	}
	wantDeleted := false
	for _, st := range statuses {
		if st == StatusDeleted {
			wantDeleted = true
		}
	}
	search := strings.ToLower(req.Search)

	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []*media
	for _, m := range s.order {
		if m.Status == StatusDeleted && !wantDeleted {
			continue
		}
		if req.Type != "" && m.Type != req.Type {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(m.Title), search) {
			continue
		}
		if len(statuses) > 0 && !contains(statuses, m.Status) {
			continue
		}
		if !m.hasTags(tags) || !m.hasMetadata(md) {
			continue
		}
		hits = append(hits, m)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if orderBy == "desc" {
			a, b = b, a
		}
		if sortBy == "name" {
			la, lb := strings.ToLower(a.Title), strings.ToLower(b.Title)
			if la != lb {
				return la < lb
			}
		} else if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return a.seq < b.seq
	})
	lo, hi := page(len(hits), offset, limit)
	base := baseURL(r)
	out := make([]mediaJSON, 0, hi-lo)
	for _, m := range hits[lo:hi] {
		out = append(out, s.renderLocked(m, base, false))
	}
	writeData(w, http.StatusOK, map[string]any{"media": out, "total": len(hits)})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
