// Package transport serves an mcp-go MCPServer over stdio, legacy SSE and
// streamable HTTP with its own message loops instead of mcp-go's, so that the
// transport rules of the MCP specification hold:
//
//   - every notification a request's handler sent is written before that
//     request's response, on the stream that carries the response (each
//     request gets its own notification channel; its writer drains it before
//     writing the result);
//   - after notifications/cancelled nothing more is written for that request;
//   - a dropped HTTP connection does not cancel work: results stay on the
//     session's event log and a client resumes them with Last-Event-ID;
//   - deleted or expired sessions answer 404, a missing session id 400;
//   - log notifications honour logging/setLevel and resources/updated goes
//     only to subscribers;
//   - malformed messages get the JSON-RPC error code the spec names.
//
// mcp-go still does all method dispatch (HandleMessage); this package only
// owns sessions, streams and ordering.
package transport

import (
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Session is one client's MCP session. Its NotificationChannel carries the
// notifications that belong to no request (broadcasts); the notifications a
// request's handler sends go to that request's own channel (see reqSession).
type Session struct {
	id    string
	notes chan mcp.JSONRPCNotification

	initialized atomic.Bool
	version     atomic.Value // string: negotiated protocol version

	mu       sync.Mutex
	level    mcp.LoggingLevel // "" until logging/setLevel
	subs     map[string]bool
	info     mcp.Implementation
	caps     mcp.ClientCapabilities
	toolsets map[string]bool // media_toolsets changes (see ToolsetChanges)
	owner    string          // digest of the caller who created it; "" for none
	// persist, once set (after initialize on streamable HTTP), applies a
	// change to the session's record in the store — to the store's copy,
	// so concurrent changes made through other replicas are kept — and
	// sets the session to the result.
	persist func(change func(*record))
}

func newSession(id string) *Session {
	return &Session{id: id, notes: make(chan mcp.JSONRPCNotification, 64), subs: map[string]bool{}}
}

// SessionID implements server.ClientSession.
func (s *Session) SessionID() string { return s.id }

// Initialize implements server.ClientSession.
func (s *Session) Initialize() { s.initialized.Store(true) }

// Initialized implements server.ClientSession.
func (s *Session) Initialized() bool { return s.initialized.Load() }

// NotificationChannel implements server.ClientSession.
func (s *Session) NotificationChannel() chan<- mcp.JSONRPCNotification { return s.notes }

// SetLogLevel implements server.SessionWithLogging.
func (s *Session) SetLogLevel(level mcp.LoggingLevel) {
	s.mu.Lock()
	s.level = level
	s.mu.Unlock()
	s.changed(func(r *record) { r.Level = level })
}

// changed applies a change, already made to the session, to its record
// where one is kept.
func (s *Session) changed(change func(*record)) {
	s.mu.Lock()
	p := s.persist
	s.mu.Unlock()
	if p != nil {
		p(change)
	}
}

// ToolsetChanges returns the toolsets media_toolsets switched on (true) or
// off (false) for this session.
func (s *Session) ToolsetChanges() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]bool, len(s.toolsets))
	for k, v := range s.toolsets {
		out[k] = v
	}
	return out
}

// SetToolsetChanges replaces them (and saves the record).
func (s *Session) SetToolsetChanges(m map[string]bool) {
	s.mu.Lock()
	old := s.toolsets
	s.toolsets = make(map[string]bool, len(m))
	for k, v := range m {
		s.toolsets[k] = v
	}
	s.mu.Unlock()
	// Only what differs goes to the record: a concurrent change of another
	// toolset, through another replica, stays.
	s.changed(func(r *record) {
		for k := range old {
			if _, ok := m[k]; !ok {
				delete(r.Toolsets, k)
			}
		}
		for k, v := range m {
			if ov, ok := old[k]; !ok || ov != v {
				if r.Toolsets == nil {
					r.Toolsets = map[string]bool{}
				}
				r.Toolsets[k] = v
			}
		}
	})
}

// GetLogLevel implements server.SessionWithLogging. Before logging/setLevel
// every level is sent.
func (s *Session) GetLogLevel() mcp.LoggingLevel {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.level == "" {
		return mcp.LoggingLevelDebug
	}
	return s.level
}

// SetProtocolVersion records the version initialize negotiated (mcp-go calls it).
func (s *Session) SetProtocolVersion(v string) { s.version.Store(v) }

// ProtocolVersion implements server.SessionWithProtocolVersion.
func (s *Session) ProtocolVersion() string {
	v, _ := s.version.Load().(string)
	return v
}

// GetClientInfo implements server.SessionWithClientInfo.
func (s *Session) GetClientInfo() mcp.Implementation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info
}

// SetClientInfo implements server.SessionWithClientInfo.
func (s *Session) SetClientInfo(info mcp.Implementation) {
	s.mu.Lock()
	s.info = info
	s.mu.Unlock()
}

// GetClientCapabilities implements server.SessionWithClientInfo.
func (s *Session) GetClientCapabilities() mcp.ClientCapabilities {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caps
}

// SetClientCapabilities implements server.SessionWithClientInfo.
func (s *Session) SetClientCapabilities(c mcp.ClientCapabilities) {
	s.mu.Lock()
	s.caps = c
	s.mu.Unlock()
}

// SubscribeToResource implements server.SessionWithResourceSubscriptions.
func (s *Session) SubscribeToResource(uri string) {
	s.mu.Lock()
	s.subs[uri] = true
	s.mu.Unlock()
	s.changed(func(r *record) {
		if !slices.Contains(r.Subs, uri) {
			r.Subs = append(r.Subs, uri)
			slices.Sort(r.Subs)
		}
	})
}

// UnsubscribeFromResource implements server.SessionWithResourceSubscriptions.
func (s *Session) UnsubscribeFromResource(uri string) {
	s.mu.Lock()
	delete(s.subs, uri)
	s.mu.Unlock()
	s.changed(func(r *record) {
		r.Subs = slices.DeleteFunc(r.Subs, func(u string) bool { return u == uri })
	})
}

// SubscribedResources implements server.SessionWithResourceSubscriptions.
func (s *Session) SubscribedResources() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.subs))
	for u := range s.subs {
		out = append(out, u)
	}
	return out
}

// IsSubscribedToResource implements server.SessionWithResourceSubscriptions.
func (s *Session) IsSubscribedToResource(uri string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs[uri]
}

// wants reports whether the session should receive n: log messages below the
// level set with logging/setLevel and resource updates for resources it did
// not subscribe to are filtered out.
func (s *Session) wants(n mcp.JSONRPCNotification) bool {
	switch n.Method {
	case "notifications/message":
		lvl, _ := n.Params.AdditionalFields["level"].(string)
		if lvl == "" {
			if l, ok := n.Params.AdditionalFields["level"].(mcp.LoggingLevel); ok {
				lvl = string(l)
			}
		}
		if lvl == "" {
			return true
		}
		return mcp.LoggingLevel(lvl).ShouldSendTo(s.GetLogLevel())
	case "notifications/resources/updated":
		uri, _ := n.Params.AdditionalFields["uri"].(string)
		return s.IsSubscribedToResource(uri)
	}
	return true
}

// reqSession is the session as one request's handler sees it: everything is
// the Session's except the notification channel, which is the request's own,
// so the request's writer can put all of them on the wire before its result.
type reqSession struct {
	*Session
	ch   chan mcp.JSONRPCNotification
	conn *Conn
	reqs chan json.RawMessage // server-initiated requests (see requests.go)
	done chan struct{}        // closed when the request's writer loop ends
}

// NotificationChannel implements server.ClientSession.
func (r *reqSession) NotificationChannel() chan<- mcp.JSONRPCNotification { return r.ch }

var (
	_ server.SessionWithLogging               = (*Session)(nil)
	_ server.SessionWithClientInfo            = (*Session)(nil)
	_ server.SessionWithResourceSubscriptions = (*Session)(nil)
	_ server.SessionWithProtocolVersion       = (*Session)(nil)
	_ server.SessionWithLogging               = (*reqSession)(nil)
	_ server.SessionWithResourceSubscriptions = (*reqSession)(nil)
)

// encode marshals a message the server sends.
func encode(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(errorResponse(nil, mcp.INTERNAL_ERROR, "cannot encode message: "+err.Error()))
	}
	return b
}
