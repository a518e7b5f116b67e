package transport

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/state"
)

// Streamable is the streamable HTTP transport (one endpoint: POST, GET,
// DELETE). Its sessions and event logs are in the state store (see
// sessions.go): with a shared store any replica serves any request.
type Streamable struct {
	e       *Engine
	opts    HTTPOptions
	logs    streams
	replica string // this process, in stream metadata and its heartbeat

	mu       sync.Mutex
	sessions map[string]*httpSession // held by this process
	quit     chan struct{}
	janitor  sync.Once
	closed   bool
}

type httpSession struct {
	conn *Conn
	h    *Streamable

	mu       sync.Mutex
	last     time.Time       // last request here
	saved    time.Time       // last save of the record (its TTL)
	attached int             // SSE connections being written here
	posts    map[string]bool // POST streams with requests in flight here
	get      chan struct{}   // closed to stop the GET stream attached here
	getOn    bool
}

// NewStreamable returns the streamable HTTP handler for e.
func (e *Engine) NewStreamable(opts HTTPOptions) *Streamable {
	opts = opts.withDefaults()
	return &Streamable{e: e, opts: opts, logs: streams{store: opts.Store, ttl: opts.SessionTTL}, replica: randomHex(8),
		sessions: map[string]*httpSession{}, quit: make(chan struct{})}
}

// Close lets go of every session held here, cancelling their requests in
// flight (whose clients get an error response). With a shared store the
// sessions themselves go on: another replica serves their next request.
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
		s.conn.closeFor(ErrStopping)
	}
	// The cancelled requests answer (an error each) on their streams, so a
	// client that resumes through another replica is told: give them a moment.
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		busy := false
		for _, s := range all {
			busy = busy || s.conn.busy()
		}
		if !busy {
			break
		}
	}
	if h.opts.Store.Shared() {
		ctx, cancel := h.ctx()
		_ = h.opts.Store.Delete(ctx, replicaKey(h.replica))
		cancel()
	}
}

// Sessions is the number of sessions held by this process.
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
		id := s.conn.sess.id
		h.forget(id)
		h.drop(id)
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		httpError(w, http.StatusMethodNotAllowed, "Method Not Allowed: use POST, GET or DELETE")
	}
}

// routeBroadcast puts a notification that belongs to no request on the
// session's standalone log — or, when no GET stream is attached here, on a
// POST stream in flight here, where the client will see it.
func (s *httpSession) routeBroadcast(msg json.RawMessage) {
	h := s.h
	target := logName(s.conn.sess.id, standaloneID)
	keep := standaloneKept
	s.mu.Lock()
	if !s.getOn {
		for st := range s.posts {
			target, keep = logName(s.conn.sess.id, st), 0
			break
		}
	}
	s.mu.Unlock()
	if err := h.logs.push(target, msg, keep); err != nil {
		h.opts.Log.Warn("a notification was lost: the state store failed", "session", s.conn.sess.id, "err", err)
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
		h.initialize(w, r, body)
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
	var ids []json.RawMessage
	for _, m := range msgs {
		if env, k, _ := classify(m); k == kindRequest {
			requests = append(requests, m)
			ids = append(ids, json.RawMessage(bytes.TrimSpace(env.ID)))
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
	st, log, err := h.openPost(s, ids)
	if err != nil {
		h.opts.Log.Warn("opening a stream failed", "session", s.conn.sess.id, "err", err)
		storeUnavailable(w)
		return
	}
	// What the store fails to take goes straight to this connection.
	direct := newFallback()
	lost := func(kind byte, m json.RawMessage, err error) {
		if err != nil {
			h.opts.Log.Warn("the state store failed: a message goes to the client without an event id (it cannot be resumed)", "session", s.conn.sess.id, "err", err)
			direct.put(kind, m)
		}
	}
	for _, e := range errs {
		lost(entryMessage, e, h.logs.push(log, e, 0))
	}
	// The last request's response ends the stream in the same entry, one
	// store write less per call; a request cancelled without response
	// leaves the end to closePost.
	var mu sync.Mutex
	open, ended := len(requests), false
	out := func(m json.RawMessage) {
		if _, k, _ := classify(m); k == kindResponse {
			mu.Lock()
			open--
			last := open == 0
			ended = ended || last
			mu.Unlock()
			if last {
				lost(entryFinal, m, h.logs.append(log, entryFinal, m, 0))
				return
			}
		}
		lost(entryMessage, m, h.logs.push(log, m, 0))
	}
	var wg sync.WaitGroup
	for _, m := range requests {
		wg.Add(1)
		go func(m json.RawMessage) {
			defer wg.Done()
			s.conn.HandleWith(r.Context(), m, out)
		}(m)
	}
	go func() {
		wg.Wait()
		mu.Lock()
		done := ended
		mu.Unlock()
		h.closePost(s, st, log, done, direct)
	}()
	h.serveStream(w, r, s, st, log, 0, pumpOptions{direct: direct})
}

// openPost starts the event log of one POST with its header: the replica
// running it and its request ids (for orphan detection, sessions.go), and
// whether to send the priming event that lets clients of 2025-11-25 and
// later resume it.
func (h *Streamable) openPost(s *httpSession, ids []json.RawMessage) (string, string, error) {
	st := "p" + randomHex(8)
	log := logName(s.conn.sess.id, st)
	b, _ := json.Marshal(streamMeta{Replica: h.replica, IDs: ids, Prime: s.conn.sess.ProtocolVersion() >= mcp.ProtocolVersion20251125})
	if err := h.logs.append(log, entryHeader, b, 0); err != nil {
		return "", "", err
	}
	s.mu.Lock()
	s.posts[st] = true
	s.mu.Unlock()
	return st, log, nil
}

// closePost marks the stream's end unless its last response did (through
// direct when the store fails).
func (h *Streamable) closePost(s *httpSession, st, log string, ended bool, direct *fallback) {
	if !ended {
		if err := h.logs.append(log, entryEnd, nil, 0); err != nil {
			h.opts.Log.Warn("ending a stream failed", "session", s.conn.sess.id, "err", err)
			direct.put(entryEnd, nil)
		}
	}
	s.mu.Lock()
	delete(s.posts, st)
	s.last = time.Now()
	s.mu.Unlock()
}

// serveStream writes a log from seq on, counting the connection as activity.
func (h *Streamable) serveStream(w http.ResponseWriter, r *http.Request, s *httpSession, st, log string, seq int64, o pumpOptions) {
	s.mu.Lock()
	s.attached++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.attached--
		s.last = time.Now()
		s.mu.Unlock()
	}()
	o.heartbeat, o.end = h.opts.Heartbeat, s.conn.ctx.Done()
	startSSE(w)
	h.logs.pump(w, r, st, log, seq, o)
}

func isInitialize(body []byte) bool {
	var m struct {
		Method string `json:"method"`
	}
	return json.Unmarshal(body, &m) == nil && m.Method == string(mcp.MethodInitialize)
}

func (h *Streamable) initialize(w http.ResponseWriter, r *http.Request, body []byte) {
	id := newSessionID()
	s, err := h.add(id, record{})
	if err != nil {
		w.Header().Set("Retry-After", "30")
		httpError(w, http.StatusServiceUnavailable, "Service Unavailable: "+err.Error())
		return
	}
	sess := s.conn.sess
	sess.mu.Lock()
	persist := sess.persist
	sess.persist = nil // one save once initialize is done
	if h.opts.Owner != nil {
		sess.owner = ownerDigest(h.opts.Owner(r))
	}
	sess.mu.Unlock()
	var resp json.RawMessage
	s.conn.HandleWith(r.Context(), body, func(m json.RawMessage) { resp = m })
	if !sess.Initialized() {
		h.drop(id)
		writeJSON(w, http.StatusBadRequest, resp)
		return
	}
	h.save(s)
	sess.mu.Lock()
	sess.persist = persist
	sess.mu.Unlock()
	w.Header().Set(HeaderSession, id)
	writeJSON(w, http.StatusOK, resp)
}

// StandaloneStream reports whether r, a GET of the streamable endpoint,
// opens or resumes a session's standalone stream: it carries notifications
// and server requests but no response of its own, so a draining server may
// end it and the client reconnects to another replica. A GET resuming a
// POST's stream may carry a response in flight.
func StandaloneStream(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		return true
	}
	st, _, ok := parseEventID(last)
	return !ok || st == standaloneID // getStream opens the standalone stream for an id it cannot parse
}

// standaloneID is the stream id of the standalone stream's events ("g:7").
const standaloneID = "g"

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
	sid := s.conn.sess.id
	if last := r.Header.Get("Last-Event-ID"); last != "" {
		if st, seq, ok := parseEventID(last); ok && st != standaloneID && len(st) < 32 {
			log := logName(sid, st)
			if h.logs.tail(r.Context(), log) > 0 {
				h.serveStream(w, r, s, st, log, seq, pumpOptions{poll: h.orphanCheck(sid, st, log)})
				return
			}
		} else if ok && st == standaloneID {
			h.serveStandalone(w, r, s, seq)
			return
		}
	}
	h.serveStandalone(w, r, s, -1)
}

// serveStandalone attaches the GET stream. A newer GET takes over from an
// older one, here or (through the store) on another replica, so that each
// message goes on one stream only.
func (h *Streamable) serveStandalone(w http.ResponseWriter, r *http.Request, s *httpSession, seq int64) {
	sid := s.conn.sess.id
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
	log := logName(sid, standaloneID)
	o := pumpOptions{stop: stop}
	if h.opts.Store.Shared() {
		// Each GET appends its id to a one-entry log: the entry is the
		// newest GET, and the append's wake-up makes older streams on every
		// replica look at once (and, in case a wake-up is lost, every
		// takeoverEvery).
		mine := randomHex(8)
		tlog := takeoverLog(sid)
		wake, unwatch := h.opts.Store.Watch(tlog)
		defer unwatch()
		ctx, cancel := h.ctx()
		_, _ = h.opts.Store.Append(ctx, tlog, []byte(mine), state.LogOptions{Max: 1, TTL: h.opts.SessionTTL})
		cancel()
		o.recheck, o.pollEvery = wake, takeoverEvery
		o.poll = func() bool {
			ctx, cancel := h.ctx()
			defer cancel()
			evs, _, err := h.opts.Store.Range(ctx, tlog, 0, 0)
			return err == nil && len(evs) > 0 && string(evs[len(evs)-1].Data) != mine // a newer GET elsewhere
		}
	}
	if seq < 0 {
		seq = h.logs.tail(r.Context(), log)
		if s.conn.sess.ProtocolVersion() >= mcp.ProtocolVersion20251125 {
			_ = h.logs.append(log, entryPriming, nil, standaloneKept)
		}
	}
	h.serveStream(w, r, s, standaloneID, log, seq, o)
}

// takeoverLog announces each new GET stream of a session; takeoverEvery is
// how often an open one checks without a wake-up.
func takeoverLog(sid string) string { return metaKey(sid, "gets") }

const takeoverEvery = 15 * time.Second
