package transport

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// SSE is the legacy HTTP+SSE transport (protocol 2024-11-05): GET on the
// stream endpoint opens a session and announces the message endpoint; every
// response and notification of the session goes on that one stream.
type SSE struct {
	e           *Engine
	opts        HTTPOptions
	messagePath string
	baseURL     string

	logs     streams
	mu       sync.Mutex
	sessions map[string]*sseSession
}

// sseSession's one stream is its log in the store; the session lives as
// long as the GET that opened it, on the replica that holds that GET.
type sseSession struct {
	conn *Conn
	log  string
	h    *SSE
}

func (s *sseSession) push(msg json.RawMessage) { _ = s.h.logs.push(s.log, msg, 1024) }

// NewSSE returns the SSE transport; messagePath is where clients POST
// (announced as baseURL+messagePath?sessionId=…).
func (e *Engine) NewSSE(baseURL, messagePath string, opts HTTPOptions) *SSE {
	opts = opts.withDefaults()
	return &SSE{e: e, opts: opts, messagePath: messagePath, baseURL: strings.TrimRight(baseURL, "/"),
		logs: streams{store: opts.Store, ttl: opts.SessionTTL}, sessions: map[string]*sseSession{}}
}

// SameOrigin reports whether the request's Origin (when sent) is the
// server's own or one of allowed: the SSE transport serves no other page.
func SameOrigin(r *http.Request, allowed map[string]bool) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	o := strings.TrimRight(strings.ToLower(origin), "/")
	if allowed[o] {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// StreamHandler serves GET on the stream endpoint.
func (h *SSE) StreamHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			httpError(w, http.StatusMethodNotAllowed, "Method Not Allowed: GET opens the SSE stream")
			return
		}
		c := h.e.newConn(newSessionID())
		s := &sseSession{conn: c, log: logName(c.sess.id, "s"), h: h}
		h.mu.Lock()
		h.sessions[c.sess.id] = s
		h.mu.Unlock()
		defer func() {
			h.mu.Lock()
			delete(h.sessions, c.sess.id)
			h.mu.Unlock()
			c.close() // the stream is the session: its end cancels the session's work
			_ = h.logs.store.Delete(context.Background(), s.log)
		}()
		go c.broadcasts(s.push)
		clearReadDeadline(w)
		startSSE(w)
		endpoint := h.baseURL + h.messagePath + "?sessionId=" + c.sess.id
		if _, err := fmt.Fprintf(w, "event: endpoint\ndata: %s\n\n", endpoint); err != nil {
			return
		}
		_ = http.NewResponseController(w).Flush()
		h.logs.pump(w, r, "s", s.log, 0, pumpOptions{heartbeat: h.opts.Heartbeat, end: c.ctx.Done()})
	})
}

// MessageHandler serves POST on the message endpoint: 202 at once, the
// answer on the session's stream.
func (h *SSE) MessageHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			httpError(w, http.StatusMethodNotAllowed, "Method Not Allowed: POST JSON-RPC messages here")
			return
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			httpError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type: POST a JSON-RPC message as application/json")
			return
		}
		id := r.URL.Query().Get("sessionId")
		if id == "" {
			httpError(w, http.StatusBadRequest, "Bad Request: sessionId query parameter is required")
			return
		}
		h.mu.Lock()
		s := h.sessions[id]
		h.mu.Unlock()
		if s == nil {
			httpError(w, http.StatusNotFound, "Not Found: no session "+id)
			return
		}
		body, ok := readBody(w, r, h.opts.MaxMessage)
		if !ok {
			return
		}
		w.WriteHeader(http.StatusAccepted)
		s.conn.dispatch(r.Context(), body, s.push)
	})
}
