package transport

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/state"
)

// The session registry of the streamable transport. A session's record
// lives in the state store (session/<id>, with the session TTL, in the set
// "sessions"); a replica that gets a request for a session it does not hold
// loads the record and holds it from then on ("materializes" it). Every
// request reloads the record, so a change saved by any replica (log level,
// subscriptions, toolsets, a DELETE) holds on the next request everywhere.
//
// A POST stream's first entry (its header) names the replica running it
// and its request ids. Each replica keeps a heartbeat
// (replica/<id>, a few seconds' TTL); a client resuming a stream whose
// replica died gets an error response for each unanswered request instead
// of waiting forever (orphan).

const (
	sessionSet   = "sessions"
	heartbeatTTL = 6 * time.Second
	heartbeatGap = 2 * time.Second
)

func sessionKey(id string) string   { return "session/" + id }
func metaKey(sid, st string) string { return "ssemeta/" + sid + "/" + st }
func replicaKey(id string) string   { return "replica/" + id }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newSessionID() string { return randomHex(16) }

func ownerDigest(owner string) string {
	if owner == "" {
		return ""
	}
	h := sha256.Sum256([]byte("mcp-media session owner\x00" + owner))
	return hex.EncodeToString(h[:16])
}

func (h *Streamable) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 5*time.Second)
}

// save writes a session's record and extends its TTL.
func (h *Streamable) save(s *httpSession) {
	ctx, cancel := h.ctx()
	defer cancel()
	id := s.conn.sess.id
	if err := h.opts.Store.Set(ctx, sessionKey(id), s.conn.sess.snapshot().encode(), h.opts.SessionTTL); err != nil {
		h.opts.Log.Warn("saving session state failed", "session", id, "err", err)
		return
	}
	_ = h.opts.Store.Join(ctx, sessionSet, id, h.opts.SessionTTL)
	s.mu.Lock()
	s.saved = time.Now()
	s.mu.Unlock()
}

// lockFor bounds how long a session's record stays locked by a replica
// that died holding the lock.
const lockFor = 3 * time.Second

// locked runs f holding the session's record lock (a claim in the store),
// so a read-modify-write of the record by one replica is not undone by
// another's. A lock whose holder died is taken over when it expires, and
// a holder that overran it releases only its own.
func (h *Streamable) locked(ctx context.Context, id string, f func() error) error {
	key := sessionKey(id) + "/lock"
	mine := []byte(h.replica + "-" + randomHex(8)) // this holding of the lock
	for {
		won, err := h.opts.Store.Claim(ctx, key, mine, lockFor)
		if err != nil {
			return err
		}
		if won {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	defer func() { _, _ = h.opts.Store.Release(context.WithoutCancel(ctx), key, mine) }()
	return f()
}

// update applies a change to the store's copy of a session's record (not
// this replica's, which may be behind) and sets the session to the result.
func (h *Streamable) update(s *httpSession, change func(*record)) {
	ctx, cancel := h.ctx()
	defer cancel()
	id := s.conn.sess.id
	var rec record
	err := h.locked(ctx, id, func() error {
		var err error
		if rec, err = h.load(ctx, id); err != nil {
			return err
		}
		change(&rec)
		return h.opts.Store.Set(ctx, sessionKey(id), rec.encode(), h.opts.SessionTTL)
	})
	if err != nil {
		h.opts.Log.Warn("saving session state failed", "session", id, "err", err)
		return
	}
	_ = h.opts.Store.Join(ctx, sessionSet, id, h.opts.SessionTTL)
	s.conn.sess.apply(rec)
	s.mu.Lock()
	s.saved = time.Now()
	s.mu.Unlock()
}

// load returns a session's record.
func (h *Streamable) load(ctx context.Context, id string) (record, error) {
	rec, _, err := h.loadRaw(ctx, id)
	return rec, err
}

func (h *Streamable) loadRaw(ctx context.Context, id string) (record, []byte, error) {
	b, err := h.opts.Store.Get(ctx, sessionKey(id))
	if err != nil {
		return record{}, nil, err
	}
	rec, ok := decodeRecord(b)
	if !ok {
		return record{}, nil, state.ErrNotFound
	}
	return rec, b, nil
}

// extend renews a session record's TTL, leaving the record as it is in
// the store (another replica may have changed it since this one read it).
func (h *Streamable) extend(s *httpSession) {
	ctx, cancel := h.ctx()
	defer cancel()
	id := s.conn.sess.id
	if ok, err := h.opts.Store.Extend(ctx, sessionKey(id), h.opts.SessionTTL); !ok || err != nil {
		return // gone: not brought back
	}
	_ = h.opts.Store.Join(ctx, sessionSet, id, h.opts.SessionTTL)
	s.mu.Lock()
	s.saved = time.Now()
	s.mu.Unlock()
}

// session finds the request's session, answering 400, 404 or 503 when there
// is none to serve it.
func (h *Streamable) session(w http.ResponseWriter, r *http.Request) *httpSession {
	id := r.Header.Get(HeaderSession)
	if id == "" {
		httpError(w, http.StatusBadRequest, "Bad Request: "+HeaderSession+" header is required (send initialize first)")
		return nil
	}
	notFound := func() *httpSession {
		httpError(w, http.StatusNotFound, "Not Found: no session "+id+" (it ended or expired; initialize a new one)")
		return nil
	}
	if len(id) > 64 {
		return notFound()
	}
	ctx, cancel := h.ctx()
	defer cancel()
	rec, _, err := h.loadRaw(ctx, id)
	if errors.Is(err, state.ErrNotFound) {
		h.drop(id)
		return notFound()
	}
	if err != nil {
		h.opts.Log.Warn("loading session state failed", "session", id, "err", err)
		storeUnavailable(w)
		return nil
	}
	if h.opts.Owner != nil && rec.Owner != ownerDigest(h.opts.Owner(r)) {
		return notFound() // another caller's session: not told it exists
	}
	if v := r.Header.Get(HeaderProtocol); v != "" && !mcp.IsValidProtocolVersion(v) {
		httpError(w, http.StatusBadRequest, "Bad Request: unsupported "+HeaderProtocol+" "+v)
		return nil
	}
	s, err := h.hold(id, rec)
	if err != nil {
		w.Header().Set("Retry-After", "30")
		httpError(w, http.StatusServiceUnavailable, "Service Unavailable: "+err.Error())
		return nil
	}
	s.mu.Lock()
	s.last = time.Now()
	stale := time.Since(s.saved) > h.opts.SessionTTL/4
	s.mu.Unlock()
	if stale {
		h.extend(s)
	}
	return s
}

// hold returns the session held here, brought up to rec, materializing it
// when this process does not hold it yet.
func (h *Streamable) hold(id string, rec record) (*httpSession, error) {
	h.mu.Lock()
	s := h.sessions[id]
	h.mu.Unlock()
	if s != nil {
		s.conn.sess.apply(rec)
		return s, nil
	}
	s, err := h.add(id, rec)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.saved = time.Now() // the record was just read: its TTL is recent enough
	s.mu.Unlock()
	return s, nil
}

// add starts holding a session (a new one when rec is nil), making room
// under MaxSessions by letting go of the least recently used idle one.
func (h *Streamable) add(id string, rec record) (*httpSession, error) {
	h.start()
	c := h.e.newConn(id)
	c.sess.apply(rec)
	if h.opts.Store.Shared() {
		c.idTag, c.relay = h.replica+"-", &relay{store: h.opts.Store, log: replyLog(id)}
	}
	s := &httpSession{conn: c, h: h, last: time.Now(), posts: map[string]bool{}}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		c.close()
		return nil, errors.New("server is shutting down")
	}
	if cur := h.sessions[id]; cur != nil { // another request materialized it first
		h.mu.Unlock()
		c.close()
		cur.conn.sess.apply(rec)
		return cur, nil
	}
	var evict *httpSession
	if len(h.sessions) >= h.opts.MaxSessions {
		for _, o := range h.sessions {
			if o.idle() && (evict == nil || o.lastSeen().Before(evict.lastSeen())) {
				evict = o
			}
		}
		if evict == nil {
			h.mu.Unlock()
			c.close()
			return nil, fmt.Errorf("too many sessions (%d) in use", len(h.sessions))
		}
		delete(h.sessions, evict.conn.sess.id)
	}
	h.sessions[id] = s
	h.mu.Unlock()
	if evict != nil {
		evict.conn.close()
		if !h.opts.Store.Shared() {
			// This process was the session's only home: letting go ends it.
			h.forget(evict.conn.sess.id)
		}
	}
	c.sess.mu.Lock()
	c.sess.persist = func(change func(*record)) { h.update(s, change) }
	c.sess.mu.Unlock()
	go c.broadcasts(s.routeBroadcast)
	return s, nil
}

// drop lets go of a session held here (its record is gone or it idled).
func (h *Streamable) drop(id string) {
	h.mu.Lock()
	s := h.sessions[id]
	delete(h.sessions, id)
	h.mu.Unlock()
	if s != nil {
		s.conn.close()
	}
}

// forget ends a session everywhere: its record and its standalone log.
func (h *Streamable) forget(id string) {
	ctx, cancel := h.ctx()
	defer cancel()
	_ = h.opts.Store.Delete(ctx, sessionKey(id), logName(id, standaloneID))
	_ = h.opts.Store.Leave(ctx, sessionSet, id)
}

func (s *httpSession) lastSeen() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *httpSession) idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attached == 0 && len(s.posts) == 0 && !s.conn.busy()
}

// start runs, once, the heartbeat and the expiry loop.
func (h *Streamable) start() {
	h.janitor.Do(func() {
		if h.opts.Store.Shared() {
			h.beat()
		}
		go h.loop()
	})
}

func (h *Streamable) beat() {
	ctx, cancel := h.ctx()
	defer cancel()
	if err := h.opts.Store.Set(ctx, replicaKey(h.replica), []byte("1"), heartbeatTTL); err != nil {
		h.opts.Log.Warn("replica heartbeat failed", "err", err)
	}
}

// loop lets go of sessions idle here for longer than the TTL, keeps the
// records of busy ones alive, and beats the heartbeat.
func (h *Streamable) loop() {
	every := h.opts.SessionTTL / 4
	if every > time.Minute {
		every = time.Minute
	}
	if h.opts.Store.Shared() && every > heartbeatGap {
		every = heartbeatGap
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-h.quit:
			return
		case now := <-t.C:
			if h.opts.Store.Shared() {
				h.beat()
			}
			h.mu.Lock()
			var old, busy []*httpSession
			for _, s := range h.sessions {
				switch {
				case !s.idle():
					busy = append(busy, s)
				case now.Sub(s.lastSeen()) > h.opts.SessionTTL:
					old = append(old, s)
				}
			}
			h.mu.Unlock()
			for _, s := range old {
				h.drop(s.conn.sess.id)
			}
			for _, s := range busy {
				s.mu.Lock()
				stale := now.Sub(s.saved) > h.opts.SessionTTL/4
				s.mu.Unlock()
				if stale {
					h.extend(s)
				}
			}
			if l, ok := h.opts.Store.(interface{ Sweep() }); ok {
				l.Sweep()
			}
		}
	}
}

// streamMeta describes a POST stream in flight.
type streamMeta struct {
	Replica string            `json:"replica"`
	IDs     []json.RawMessage `json:"ids"`
	Prime   bool              `json:"prime,omitempty"`
}

// orphanCheck returns the poll of a pump on a POST stream that another
// replica may be running: when that replica's heartbeat has stopped, one
// resuming replica answers every request still unanswered with an error and
// ends the log, so the client is told instead of waiting for ever.
func (h *Streamable) orphanCheck(sid, st, log string) func() bool {
	if !h.opts.Store.Shared() {
		return nil
	}
	return func() bool {
		ctx, cancel := h.ctx()
		defer cancel()
		head, _, err := h.opts.Store.Range(ctx, log, 0, 1)
		if err != nil || len(head) == 0 || len(head[0].Data) == 0 || head[0].Data[0] != entryHeader {
			return false
		}
		var m streamMeta
		if json.Unmarshal(head[0].Data[1:], &m) != nil || m.Replica == h.replica {
			return false
		}
		if _, err := h.opts.Store.Get(ctx, replicaKey(m.Replica)); !errors.Is(err, state.ErrNotFound) {
			return false // alive, or the store cannot say
		}
		if ok, _ := h.opts.Store.Claim(ctx, metaKey(sid, st)+"/orphaned", []byte(h.replica), h.opts.SessionTTL); !ok {
			return false
		}
		h.endOrphan(ctx, sid, st, log, m)
		return false
	}
}

// endOrphan answers the unanswered requests of a dead replica's stream.
func (h *Streamable) endOrphan(ctx context.Context, sid, st, log string, m streamMeta) {
	entries, _, _ := h.opts.Store.Range(ctx, log, 0, 0)
	answered := map[string]bool{}
	for _, e := range entries {
		if len(e.Data) < 2 || e.Data[0] != entryMessage {
			continue
		}
		if env, k, _ := classify(e.Data[1:]); k == kindResponse {
			answered[string(env.ID)] = true
		}
	}
	for _, id := range m.IDs {
		if answered[string(id)] {
			continue
		}
		resp := errorResponse(json.RawMessage(id), mcp.INTERNAL_ERROR,
			"the server replica running this request stopped before it answered: its outcome is unknown; check the resource's state before retrying a change")
		_ = h.logs.push(log, encode(resp), 0)
	}
	_ = h.logs.append(log, entryEnd, nil, 0)
	h.opts.Log.Warn("answered the requests of a stopped replica", "session", sid, "stream", st, "replica", m.Replica)
}

// Note is one notification for Broadcast.
type Note struct {
	Method string
	Params map[string]any
}

// Broadcast sends notifications to every live session in the store, on
// whichever replica holds its stream: each session's record decides
// (subscriptions, log level), read once for all the notes. The process
// that received the event calls it once; every replica's clients get it.
func (h *Streamable) Broadcast(notes ...Note) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ids, err := h.opts.Store.Members(ctx, sessionSet)
	if err != nil {
		h.opts.Log.Warn("broadcast: listing sessions failed", "err", err)
		return
	}
	ns := make([]mcp.JSONRPCNotification, len(notes))
	msgs := make([]json.RawMessage, len(notes))
	for i, note := range notes {
		ns[i] = mcp.JSONRPCNotification{JSONRPC: mcp.JSONRPC_VERSION, Notification: mcp.Notification{Method: note.Method}}
		ns[i].Params.AdditionalFields = note.Params
		msgs[i] = encode(ns[i])
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, id := range ids {
		h.mu.Lock()
		held := h.sessions[id]
		h.mu.Unlock()
		if held != nil {
			for i, n := range ns {
				if held.conn.sess.wants(n) {
					held.routeBroadcast(msgs[i])
				}
			}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(id string) {
			defer func() { <-sem; wg.Done() }()
			rec, err := h.load(ctx, id)
			if err != nil {
				return
			}
			tmp := newSession(id)
			tmp.apply(rec)
			for i, n := range ns {
				if tmp.wants(n) {
					_ = h.logs.push(logName(id, standaloneID), msgs[i], standaloneKept)
				}
			}
		}(id)
	}
	wg.Wait()
}
