package transport

import (
	"encoding/json"
	"sort"

	"github.com/mark3labs/mcp-go/mcp"
)

// record is what a streamable-HTTP session is, kept in the state store so
// that any replica can serve the session's next request: everything
// initialize negotiated and every later change (log level, subscriptions,
// toolsets). It holds nothing secret: the owner is a digest.
type record struct {
	Version     string                 `json:"version"`
	Initialized bool                   `json:"initialized,omitempty"`
	Level       mcp.LoggingLevel       `json:"level,omitempty"`
	Subs        []string               `json:"subs,omitempty"`
	Info        mcp.Implementation     `json:"info"`
	Caps        mcp.ClientCapabilities `json:"caps"`
	Toolsets    map[string]bool        `json:"toolsets,omitempty"`
	Owner       string                 `json:"owner,omitempty"`
}

// snapshot is the session's record.
func (s *Session) snapshot() record {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := record{Version: s.ProtocolVersion(), Initialized: s.Initialized(), Level: s.level, Info: s.info, Caps: s.caps,
		Owner: s.owner}
	for u := range s.subs {
		r.Subs = append(r.Subs, u)
	}
	sort.Strings(r.Subs)
	if len(s.toolsets) > 0 {
		r.Toolsets = make(map[string]bool, len(s.toolsets))
		for k, v := range s.toolsets {
			r.Toolsets[k] = v
		}
	}
	return r
}

// apply sets the session to a record (a newer one, saved by any replica).
func (s *Session) apply(r record) {
	s.version.Store(r.Version)
	s.initialized.Store(r.Initialized)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.level, s.info, s.caps, s.owner = r.Level, r.Info, r.Caps, r.Owner
	s.subs = make(map[string]bool, len(r.Subs))
	for _, u := range r.Subs {
		s.subs[u] = true
	}
	s.toolsets = make(map[string]bool, len(r.Toolsets))
	for k, v := range r.Toolsets {
		s.toolsets[k] = v
	}
}

func (r record) encode() []byte {
	b, _ := json.Marshal(r)
	return b
}

func decodeRecord(b []byte) (record, bool) {
	var r record
	return r, json.Unmarshal(b, &r) == nil
}
