package transport

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// HTTPOptions tune the streamable HTTP and SSE handlers.
type HTTPOptions struct {
	SessionTTL  time.Duration // idle sessions end after this; default 30 minutes
	MaxSessions int           // default 10,000; the least recently used idle one makes room
	MaxMessage  int64         // bytes of one POST body; default DefaultMaxMessage
	Heartbeat   time.Duration // SSE comment interval on open streams; default 25s, <0 none
}

func (o HTTPOptions) withDefaults() HTTPOptions {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * time.Minute
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = 10000
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	if o.Heartbeat == 0 {
		o.Heartbeat = 25 * time.Second
	} else if o.Heartbeat < 0 {
		o.Heartbeat = 0
	}
	return o
}

// Header names of the streamable HTTP transport.
const (
	HeaderSession  = "Mcp-Session-Id"
	HeaderProtocol = "Mcp-Protocol-Version"
)

// finishedKept is how many completed POST streams a session keeps for resumption.
const finishedKept = 16

// Streamable is the streamable HTTP transport (one endpoint: POST, GET, DELETE).
type Streamable struct {
	e    *Engine
	opts HTTPOptions

	mu       sync.Mutex
	sessions map[string]*httpSession
	quit     chan struct{}
	janitor  sync.Once
	closed   bool
}

type httpSession struct {
	conn *Conn

	mu       sync.Mutex
	last     time.Time
	attached int
	streams  map[string]*stream
	finished []string
	nextID   int
	posts    map[*stream]bool // POST streams with requests in flight
	get      chan struct{}    // closed to stop the attached GET stream
	getOn    bool
	std      *stream
}

// NewStreamable returns the streamable HTTP handler for e.
func (e *Engine) NewStreamable(opts HTTPOptions) *Streamable {
	return &Streamable{e: e, opts: opts.withDefaults(), sessions: map[string]*httpSession{}, quit: make(chan struct{})}
}

// Close ends every session and the expiry loop.
func (h *Streamable) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	close(h.quit)
	all := h.sessions
	h.sessions = map[string]*httpSession{}
	h.mu.Unlock()
	for _, s := range all {
		s.conn.close()
	}
}

// Sessions is the number of live sessions.
func (h *Streamable) Sessions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sessions)
}

func (h *Streamable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		h.post(w, r)
	case http.MethodGet:
		h.getStream(w, r)
	case http.MethodDelete:
		s := h.session(w, r)
		if s == nil {
			return
		}
		h.remove(s.conn.sess.id)
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		httpError(w, http.StatusMethodNotAllowed, "Method Not Allowed: use POST, GET or DELETE")
	}
}

// httpError answers with a JSON-RPC error body (no id).
func httpError(w http.ResponseWriter, status int, msg string) {
	code := mcp.INVALID_REQUEST
	if status >= 500 {
		code = mcp.INTERNAL_ERROR
	}
	if status == http.StatusNotFound || status == http.StatusForbidden || status == http.StatusUnauthorized {
		w.Header().Set("Connection", "close")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(encode(errorResponse(nil, code, msg)))
}

func accepts(r *http.Request, types ...string) bool {
	acc := strings.ToLower(strings.Join(r.Header.Values("Accept"), ","))
	for _, t := range types {
		if !strings.Contains(acc, t) && !strings.Contains(acc, "*/*") {
			return false
		}
	}
	return true
}

// session finds the request's session, answering 400 or 404 when there is none.
func (h *Streamable) session(w http.ResponseWriter, r *http.Request) *httpSession {
	id := r.Header.Get(HeaderSession)
	if id == "" {
		httpError(w, http.StatusBadRequest, "Bad Request: "+HeaderSession+" header is required (send initialize first)")
		return nil
	}
	h.mu.Lock()
	s := h.sessions[id]
	h.mu.Unlock()
	if s == nil {
		httpError(w, http.StatusNotFound, "Not Found: no session "+id+" (it ended or expired; initialize a new one)")
		return nil
	}
	if v := r.Header.Get(HeaderProtocol); v != "" && !mcp.IsValidProtocolVersion(v) {
		httpError(w, http.StatusBadRequest, "Bad Request: unsupported "+HeaderProtocol+" "+v)
		return nil
	}
	s.touch()
	return s
}

func (s *httpSession) touch() {
	s.mu.Lock()
	s.last = time.Now()
	s.mu.Unlock()
}

func (s *httpSession) idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attached == 0 && len(s.posts) == 0 && !s.conn.busy()
}

func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// create starts a session, evicting the least recently used idle one when
// the cap is reached.
func (h *Streamable) create() (*httpSession, error) {
	h.janitor.Do(func() { go h.expire() })
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, errors.New("server is shutting down")
	}
	if len(h.sessions) >= h.opts.MaxSessions {
		var lru *httpSession
		for _, s := range h.sessions {
			if s.idle() && (lru == nil || s.lastSeen().Before(lru.lastSeen())) {
				lru = s
			}
		}
		if lru == nil {
			h.mu.Unlock()
			return nil, fmt.Errorf("too many sessions (%d) in use", len(h.sessions))
		}
		delete(h.sessions, lru.conn.sess.id)
		defer lru.conn.close()
	}
	s := &httpSession{conn: h.e.newConn(newSessionID()), last: time.Now(), streams: map[string]*stream{}, posts: map[*stream]bool{}}
	s.std = newStream("g", 256)
	s.streams["g"] = s.std
	h.sessions[s.conn.sess.id] = s
	h.mu.Unlock()
	go s.conn.broadcasts(s.routeBroadcast)
	return s, nil
}

func (s *httpSession) lastSeen() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// routeBroadcast puts a notification that belongs to no request on the GET
// stream when one is open, else on a POST stream in flight, else on the
// standalone log (kept for a GET that resumes).
func (s *httpSession) routeBroadcast(msg json.RawMessage) {
	s.mu.Lock()
	target := s.std
	if !s.getOn {
		for st := range s.posts {
			target = st
			break
		}
	}
	s.mu.Unlock()
	target.push(msg)
}

func (h *Streamable) remove(id string) {
	h.mu.Lock()
	s := h.sessions[id]
	delete(h.sessions, id)
	h.mu.Unlock()
	if s != nil {
		s.conn.close()
	}
}

// expire ends sessions idle for longer than the TTL.
func (h *Streamable) expire() {
	every := h.opts.SessionTTL / 4
	if every > time.Minute {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-h.quit:
			return
		case now := <-t.C:
			h.mu.Lock()
			var old []string
			for id, s := range h.sessions {
				if s.idle() && now.Sub(s.lastSeen()) > h.opts.SessionTTL {
					old = append(old, id)
				}
			}
			h.mu.Unlock()
			for _, id := range old {
				h.remove(id)
			}
		}
	}
}

func (h *Streamable) post(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		httpError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type: POST a JSON-RPC message as application/json")
		return
	}
	if !accepts(r, "application/json", "text/event-stream") {
		httpError(w, http.StatusNotAcceptable, "Not Acceptable: Accept must list application/json and text/event-stream")
		return
	}
	body, ok := readBody(w, r, h.opts.MaxMessage)
	if !ok {
		return
	}
	msgs, isBatch, err := splitBatch(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, encode(errorResponse(nil, mcp.PARSE_ERROR, "Parse error: "+err.Error())))
		return
	}
	if !isBatch {
		msgs = []json.RawMessage{body}
	}
	if !isBatch && isInitialize(body) {
		h.initialize(w, body)
		return
	}
	s := h.session(w, r)
	if s == nil {
		return
	}
	if isBatch && (!batchAllowed(s.conn.sess.ProtocolVersion()) || len(msgs) == 0) {
		writeJSON(w, http.StatusBadRequest, encode(errorResponse(nil, mcp.INVALID_REQUEST, batchRefusal(s.conn.sess.ProtocolVersion(), len(msgs)))))
		return
	}
	var requests []json.RawMessage
	var errs []json.RawMessage
	for _, m := range msgs {
		if _, k, _ := classify(m); k == kindRequest {
			requests = append(requests, m)
			continue
		}
		s.conn.HandleWith(r.Context(), m, func(out json.RawMessage) { errs = append(errs, out) })
	}
	if len(requests) == 0 {
		switch {
		case len(errs) == 0:
			w.WriteHeader(http.StatusAccepted)
		case isBatch:
			writeJSON(w, http.StatusBadRequest, encode(errs))
		default:
			writeJSON(w, http.StatusBadRequest, errs[0])
		}
		return
	}
	st := s.openPost()
	for _, e := range errs {
		st.push(e)
	}
	var wg sync.WaitGroup
	for _, m := range requests {
		wg.Add(1)
		go func(m json.RawMessage) {
			defer wg.Done()
			s.conn.HandleWith(r.Context(), m, st.push)
		}(m)
	}
	go func() {
		wg.Wait()
		s.closePost(st)
	}()
	h.serveStream(w, r, s, st, 0, nil)
}

// serveStream writes st from seq on, counting the connection as activity.
func (h *Streamable) serveStream(w http.ResponseWriter, r *http.Request, s *httpSession, st *stream, seq int, stop <-chan struct{}) {
	s.mu.Lock()
	s.attached++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.attached--
		s.last = time.Now()
		s.mu.Unlock()
	}()
	startSSE(w)
	pump(w, r, st, seq, h.opts.Heartbeat, stop, s.conn.ctx.Done())
}

// openPost starts the event log of one POST, primed with an event id for
// clients of 2025-11-25 and later so they can resume it.
func (s *httpSession) openPost() *stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	st := newStream(fmt.Sprintf("p%d", s.nextID), 0)
	s.streams[st.id] = st
	s.posts[st] = true
	if v := s.conn.sess.ProtocolVersion(); v >= mcp.ProtocolVersion20251125 {
		st.push(nil)
	}
	return st
}

func (s *httpSession) closePost(st *stream) {
	st.finish()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.posts, st)
	s.finished = append(s.finished, st.id)
	if len(s.finished) > finishedKept {
		delete(s.streams, s.finished[0])
		s.finished = s.finished[1:]
	}
	s.last = time.Now()
}

func isInitialize(body []byte) bool {
	var m struct {
		Method string `json:"method"`
	}
	return json.Unmarshal(body, &m) == nil && m.Method == string(mcp.MethodInitialize)
}

func (h *Streamable) initialize(w http.ResponseWriter, body []byte) {
	s, err := h.create()
	if err != nil {
		w.Header().Set("Retry-After", "30")
		httpError(w, http.StatusServiceUnavailable, "Service Unavailable: "+err.Error())
		return
	}
	var resp json.RawMessage
	s.conn.Handle(body, func(m json.RawMessage) { resp = m })
	if !s.conn.sess.Initialized() {
		h.remove(s.conn.sess.id)
		writeJSON(w, http.StatusBadRequest, resp)
		return
	}
	w.Header().Set(HeaderSession, s.conn.sess.id)
	writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// getStream opens the standalone stream, or resumes one with Last-Event-ID.
func (h *Streamable) getStream(w http.ResponseWriter, r *http.Request) {
	if !accepts(r, "text/event-stream") {
		httpError(w, http.StatusNotAcceptable, "Not Acceptable: GET opens an SSE stream; Accept must list text/event-stream")
		return
	}
	s := h.session(w, r)
	if s == nil {
		return
	}
	clearReadDeadline(w)
	if last := r.Header.Get("Last-Event-ID"); last != "" {
		if sid, seq, ok := parseEventID(last); ok {
			s.mu.Lock()
			st := s.streams[sid]
			s.mu.Unlock()
			if st != nil && st != s.std {
				h.serveStream(w, r, s, st, seq, nil)
				return
			}
			if st == s.std {
				h.serveStandalone(w, r, s, seq)
				return
			}
		}
	}
	h.serveStandalone(w, r, s, -1)
}

// serveStandalone attaches the GET stream (a newer GET takes over from an
// older one, so each message goes on one stream only).
func (h *Streamable) serveStandalone(w http.ResponseWriter, r *http.Request, s *httpSession, seq int) {
	stop := make(chan struct{})
	s.mu.Lock()
	if s.get != nil {
		close(s.get)
	}
	s.get, s.getOn = stop, true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.get == stop {
			s.get, s.getOn = nil, false
		}
		s.mu.Unlock()
	}()
	if seq < 0 {
		seq = s.std.tail()
		if s.conn.sess.ProtocolVersion() >= mcp.ProtocolVersion20251125 {
			s.std.push(nil)
		}
	}
	h.serveStream(w, r, s, s.std, seq, stop)
}

// readBody reads a POSTed message of at most max bytes and clears the read
// deadline; on failure it has written the 413 or 400 and returns false.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			w.Header().Set("Connection", "close")
			httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request Entity Too Large: a message is at most %d bytes", max))
			return nil, false
		}
		httpError(w, http.StatusBadRequest, "Bad Request: reading the body: "+err.Error())
		return nil, false
	}
	clearReadDeadline(w)
	return body, true
}
