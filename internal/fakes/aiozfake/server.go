// Package aiozfake is an in-memory fake of the AIOZ Stream API for tests and
// the sandbox (--sandbox, demo). It follows /work/shared/specs/aioz-stream.md
// and is deliberately strict: it checks the API key pair on every
// non-public route, validates request bodies, Content-Range headers and
// per-chunk MD5 hashes, keeps media state and moves uploaded media through
// new → transcoding → done (or fail), emitting the webhook events of the
// spec (§7.8).
//
// All routes live under the "/api" prefix, so a test does
//
//	s := aiozfake.New(aiozfake.Options{PublicKey: "pub", SecretKey: "sec"})
//	srv := httptest.NewServer(s)
//	base := srv.URL + "/api"
//
// Fake-only choices (no source defines them; see the spec's "(inference)"
// rows):
//
//   - Envelope status words are "success" (2xx) and "error" (4xx/5xx).
//   - Rate limit: Options.RateLimit requests per fixed one-minute window
//     (default 600), 429 when exceeded; X-RateLimit-Limit, -Remaining and
//     -Retry-After are sent on every response.
//   - Transcoding steps after /complete: see Options.Step.
//   - Transcode price: duration/60 × 0.01 × number of renditions, rounded to
//     six decimals (see costPerMinutePerRendition).
//   - Analytics numbers are synthetic, derived from a hash of (media id,
//     hour) for every done media, so a fixed time range always yields the
//     same numbers (see analytics.go).
//   - Webhook payload {"type","media_id","title","status","emitted_at"} (plus
//     "quality" for partial_finished) POSTed to Options.WebhookURL.
package aiozfake

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultBalance is the fake user's balance when Options.Balance is zero.
const DefaultBalance = 100.0

// DefaultRateLimit is the number of requests per minute allowed when
// Options.RateLimit is zero.
const DefaultRateLimit = 600

// UserID is the id of the single fake account; it appears as user_id on
// media, usage data and /user/me.
const UserID = "6f1c3d52-7b0e-4c8a-9a51-0f4a1e2b3c4d"

// maxJSONBody caps JSON request bodies.
const maxJSONBody = 1 << 20

// Options configures a fake server.
type Options struct {
	// PublicKey and SecretKey are the only valid key pair. Both are
	// required; New panics when either is empty.
	PublicKey, SecretKey string
	// BearerToken, when not empty, is also accepted as
	// "Authorization: Bearer <token>".
	BearerToken string

	// Step is the delay between the transcoding steps that follow a
	// successful GET /media/{id}/complete (one step per rendition, then the
	// final done/fail step). /complete itself always emits file_received
	// and encoding_started and leaves the media in "transcoding" before it
	// answers.
	//
	// Step > 0: step k is due at complete time + k×Step, measured with
	// Options.Now; due steps are applied by a timer and before every
	// request is served, so a fake clock also drives them.
	//
	// Step == 0 (deterministic mode for unit tests): the media stays in
	// "transcoding" until the first GET /media/{id} after /complete. That
	// response still shows "transcoding"; all remaining steps are applied
	// right after it is built, so every later request sees the final state.
	// Settle applies them at once from test code.
	Step time.Duration

	// StrictChunks enforces 50–200 MiB for every non-last chunk.
	StrictChunks bool

	// Balance is the fake user's balance used by /media/cost (is_enough =
	// price <= balance) and shown by /user/me. Zero means DefaultBalance;
	// use SetBalance(0) for an empty wallet.
	Balance float64

	// FailTranscode makes every transcode fail: all renditions but the last
	// finish (partial_finished), the last one fails and the media ends in
	// "fail" with encoding_failed.
	FailTranscode bool

	// Now is the clock; default time.Now.
	Now func() time.Time

	// RateLimit is the number of requests allowed per one-minute window;
	// zero means DefaultRateLimit.
	RateLimit int

	// WebhookURL, when set, receives every emitted event as a JSON POST
	// (fake-only payload, see WebhookEvent); errors are ignored, 5 s
	// timeout, events are delivered in order by one goroutine.
	WebhookURL string
}

// Request is what the fake recorded about one received request.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	// For POST /media/{id}/part: the Content-Range header, the index and
	// hash form fields as received, and the number of bytes of the file
	// part.
	ContentRange, Index, Hash string
	PartSize                  int64
	// Status is the HTTP status the fake answered.
	Status int
}

// WebhookEvent is one emitted media event.
type WebhookEvent struct {
	Type    string // file_received, encoding_started, partial_finished, encoding_finished, encoding_failed
	MediaID string
	Title   string
	Status  string // media status after the event (§7.8)
	Quality string // rendition name, for partial_finished only
	Time    time.Time
}

// Metadata is a key/value pair of a media object.
type Metadata struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Server is the fake. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu        sync.Mutex
	balance   float64
	media     map[string]*media
	order     []*media // creation order
	seq       int
	failParts int
	requests  []Request
	events    []WebhookEvent
	timers    []*time.Timer
	closed    bool

	rlStart time.Time
	rlCount int

	hookMu    sync.Mutex
	hookQueue []WebhookEvent
	hookWake  chan struct{}
	hookDone  chan struct{}
	hookOnce  sync.Once
	client    *http.Client
}

// New returns a fake server. It panics when PublicKey or SecretKey is empty.
func New(opts Options) *Server {
	if opts.PublicKey == "" || opts.SecretKey == "" {
		panic("aiozfake: Options.PublicKey and Options.SecretKey are required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RateLimit <= 0 {
		opts.RateLimit = DefaultRateLimit
	}
	s := &Server{
		opts:     opts,
		balance:  opts.Balance,
		media:    map[string]*media{},
		hookWake: make(chan struct{}, 1),
		hookDone: make(chan struct{}),
		client:   &http.Client{Timeout: 5 * time.Second},
	}
	if s.balance == 0 {
		s.balance = DefaultBalance
	}
	s.routes()
	if opts.WebhookURL != "" {
		go s.deliverLoop()
	}
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

// SetBalance sets the fake user's balance (exact value, 0 included).
func (s *Server) SetBalance(b float64) {
	s.mu.Lock()
	s.balance = b
	s.mu.Unlock()
}

// FailNextParts makes the next n part uploads answer HTTP 500 (after the
// request body has been read); the parts are not stored.
func (s *Server) FailNextParts(n int) {
	s.mu.Lock()
	s.failParts = n
	s.mu.Unlock()
}

// Requests returns a copy of every request received, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// Events returns a copy of the events emitted so far, in order. Steps that
// are due according to Options.Now are applied first.
func (s *Server) Events() []WebhookEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceDueLocked()
	return append([]WebhookEvent(nil), s.events...)
}

// Settle applies every pending transcoding step of every media now, so each
// completed upload ends in done (or fail).
func (s *Server) Settle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.order {
		s.finishLocked(m)
	}
}

// Close stops the step timers and the webhook delivery goroutine. The
// handler keeps answering requests.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for _, t := range s.timers {
		t.Stop()
	}
	s.timers = nil
	s.mu.Unlock()
	s.hookOnce.Do(func() { close(s.hookDone) })
}

// ---------------------------------------------------------------------------
// events and webhook delivery

func (s *Server) emitLocked(ev WebhookEvent) {
	s.events = append(s.events, ev)
	if s.opts.WebhookURL == "" {
		return
	}
	s.hookMu.Lock()
	s.hookQueue = append(s.hookQueue, ev)
	s.hookMu.Unlock()
	select {
	case s.hookWake <- struct{}{}:
	default:
	}
}

func (s *Server) deliverLoop() {
	for {
		select {
		case <-s.hookDone:
			return
		case <-s.hookWake:
		}
		for {
			s.hookMu.Lock()
			if len(s.hookQueue) == 0 {
				s.hookMu.Unlock()
				break
			}
			ev := s.hookQueue[0]
			s.hookQueue = s.hookQueue[1:]
			s.hookMu.Unlock()
			s.deliver(ev)
		}
	}
}

func (s *Server) deliver(ev WebhookEvent) {
	payload := map[string]string{
		"type":       ev.Type,
		"media_id":   ev.MediaID,
		"title":      ev.Title,
		"status":     ev.Status,
		"emitted_at": ev.Time.UTC().Format(time.RFC3339),
	}
	if ev.Quality != "" {
		payload["quality"] = ev.Quality
	}
	b, _ := json.Marshal(payload)
	req, err := http.NewRequest(http.MethodPost, s.opts.WebhookURL, strings.NewReader(string(b)))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
}

// ---------------------------------------------------------------------------
// routing

func (s *Server) routes() {
	m := http.NewServeMux()
	// Media and upload (§7.1–7.4).
	m.HandleFunc("POST /api/media/create", s.auth(s.handleCreateMedia))
	m.HandleFunc("POST /api/media", s.auth(s.handleListMedia))
	m.HandleFunc("GET /api/media/cost", s.auth(s.handleCost))
	m.HandleFunc("GET /api/media/{id}", s.auth(s.handleGetMedia))
	m.HandleFunc("PATCH /api/media/{id}", s.auth(s.handleUpdateMedia))
	m.HandleFunc("DELETE /api/media/{id}", s.auth(s.handleDeleteMedia))
	m.HandleFunc("POST /api/media/{id}/part", s.auth(s.handlePart))
	m.HandleFunc("GET /api/media/{id}/complete", s.auth(s.handleComplete))
	m.HandleFunc("POST /api/media/{id}/thumbnail", s.auth(s.handleUploadThumbnail))
	m.HandleFunc("DELETE /api/media/{id}/thumbnail", s.auth(s.handleDeleteThumbnail))
	m.HandleFunc("GET /api/media/{id}/player.json", s.handlePlayerJSON) // public
	// Chapters.
	m.HandleFunc("GET /api/media/{id}/chapters", s.auth(s.handleListChapters))
	m.HandleFunc("POST /api/media/{id}/chapters/{lan}", s.auth(s.handleCreateChapter))
	m.HandleFunc("DELETE /api/media/{id}/chapters/{lan}", s.auth(s.handleDeleteChapter))
	// Captions, also under their older name "transcripts".
	for _, kind := range []string{"captions", "transcripts"} {
		m.HandleFunc("GET /api/media/{id}/"+kind, s.auth(s.handleListCaptions))
		m.HandleFunc("POST /api/media/{id}/"+kind+"/{lan}", s.auth(s.handleCreateCaption))
		m.HandleFunc("PATCH /api/media/{id}/"+kind+"/{lan}", s.auth(s.handleSetDefaultCaption))
		m.HandleFunc("DELETE /api/media/{id}/"+kind+"/{lan}", s.auth(s.handleDeleteCaption))
	}
	// User.
	m.HandleFunc("GET /api/user/me", s.auth(s.handleUserMe))
	// Analytics.
	m.HandleFunc("POST /api/analytics/metrics/data/{metric}/{aggregation}", s.auth(s.handleAggregate))
	m.HandleFunc("POST /api/analytics/metrics/bucket/{metric}/{breakdown}", s.auth(s.handleBreakdown))
	m.HandleFunc("POST /api/analytics/metrics/timeseries/{metric}/{interval}", s.auth(s.handleTimeseries))
	m.HandleFunc("GET /api/analytics/data", s.auth(s.handleDataUsage))
	m.HandleFunc("GET /api/analytics/media", s.auth(s.handleAnalyticsMedia))
	// Literal segments win over parameters for every method, so e.g.
	// PATCH /media/cost is a 405, not an update of media "cost".
	for _, p := range shadowed {
		m.HandleFunc(p, s.noRoute)
	}
	// Anything else: 405 where the path exists under another method, 404
	// otherwise, both in the error envelope.
	m.HandleFunc("/", s.noRoute)
	s.mux = m
}

// shadowed are the patterns where a literal path hides a {id} route of the
// same method; they answer like a method the path does not have.
var shadowed = []string{
	"GET /api/media/create", "PATCH /api/media/create", "DELETE /api/media/create",
	"PATCH /api/media/cost", "DELETE /api/media/cost",
}

// noRoute answers a request no route takes: 405 with Allow when the path
// is served under other methods (listed in GET, POST, PATCH, DELETE order),
// 404 otherwise.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	drain(r)
	var allowed []string
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		if method == r.Method || !canonical(r.URL.Path) {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, p := s.mux.Handler(probe); p != "/" && !slices.Contains(shadowed, p) {
			allowed = append(allowed, method)
		}
	}
	if allowed != nil {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeErr(w, http.StatusMethodNotAllowed, "Method "+r.Method+" not allowed on this route")
		return
	}
	writeErr(w, http.StatusNotFound, "Route not found")
}

// canonical reports whether p is a path the mux serves without redirecting.
func canonical(p string) bool {
	c := path.Clean(p)
	return c == p || c != "/" && c+"/" == p
}

// auth wraps the handler of a route that needs the API key pair.
func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			drain(r)
			writeErr(w, http.StatusUnauthorized, "Invalid API keys")
			return
		}
		h(w, r)
	}
}

// recordKey is the context key of the *Request being recorded.
type recordKey struct{}

// recorded is the record of request r, for handlers that add to it.
func recorded(r *http.Request) *Request {
	if rec, ok := r.Context().Value(recordKey{}).(*Request); ok {
		return rec
	}
	return &Request{}
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP records the request, applies due transcoding steps and the rate
// limit, and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
	}
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/part") {
		rec.ContentRange = r.Header.Get("Content-Range")
	}

	s.mu.Lock()
	idx := len(s.requests)
	s.requests = append(s.requests, rec)
	s.advanceDueLocked()
	limit, remaining, retry, limited := s.rateLimitLocked()
	s.mu.Unlock()

	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		rec.Status = sw.status
		s.requests[idx] = rec
		s.mu.Unlock()
	}()

	h := sw.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Retry-After", strconv.Itoa(retry))

	if limited {
		drain(r)
		writeErr(sw, http.StatusTooManyRequests, "Too many requests, retry after "+strconv.Itoa(retry)+" seconds")
		return
	}
	if r.Method == http.MethodHead || !canonical(r.URL.Path) {
		// A GET pattern would take HEAD, and the mux would redirect a
		// path with empty, "." or ".." segments; neither is a route.
		s.noRoute(sw, r)
		return
	}
	s.mux.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), recordKey{}, &rec)))
}

func (s *Server) authorized(r *http.Request) bool {
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	pub, sec := r.Header.Get("stream-public-key"), r.Header.Get("stream-secret-key")
	if pub != "" && sec != "" && eq(pub, s.opts.PublicKey) && eq(sec, s.opts.SecretKey) {
		return true
	}
	if u, p, ok := r.BasicAuth(); ok && eq(u, s.opts.PublicKey) && eq(p, s.opts.SecretKey) {
		return true
	}
	if s.opts.BearerToken != "" {
		if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") && eq(strings.TrimSpace(a[7:]), s.opts.BearerToken) {
			return true
		}
	}
	return false
}

// rateLimitLocked counts one request in the current fixed window.
func (s *Server) rateLimitLocked() (limit, remaining, retryAfter int, limited bool) {
	now := s.now()
	limit = s.opts.RateLimit
	if s.rlStart.IsZero() || !now.Before(s.rlStart.Add(time.Minute)) {
		s.rlStart, s.rlCount = now, 0
	}
	s.rlCount++
	remaining = limit - s.rlCount
	if remaining < 0 {
		remaining = 0
	}
	retryAfter = int(math.Ceil(s.rlStart.Add(time.Minute).Sub(now).Seconds()))
	return limit, remaining, retryAfter, s.rlCount > limit
}

// ---------------------------------------------------------------------------
// response helpers

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"status":"error","message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// writeData writes the data envelope {"status":"success","data":data}.
func writeData(w http.ResponseWriter, code int, data any) {
	writeJSON(w, code, struct {
		Status string `json:"status"`
		Data   any    `json:"data"`
	}{"success", data})
}

// writeOK writes ResponseSuccess.
func writeOK(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusOK, struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}{"success", msg})
}

// writeErr writes ResponseError.
func writeErr(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}{"error", msg})
}

// drain reads and discards the rest of the request body so that a client
// still sending gets the error response instead of a broken pipe.
func drain(r *http.Request) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
}

// httpError carries a status and a message to a handler's caller.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

func notFound(format string, a ...any) error {
	return &httpError{http.StatusNotFound, fmt.Sprintf(format, a...)}
}

func writeError(w http.ResponseWriter, err error) {
	var he *httpError
	if errors.As(err, &he) {
		writeErr(w, he.code, he.msg)
		return
	}
	writeErr(w, http.StatusInternalServerError, err.Error())
}

// decodeJSON decodes a required JSON body into v. An empty body, invalid
// JSON, a type mismatch or trailing data is a 400.
func decodeJSON(r *http.Request, v any) error {
	if ct := mediaType(r); ct != "" && ct != "application/json" {
		drain(r)
		return badRequest("Content-Type must be application/json")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil {
		return badRequest("cannot read request body")
	}
	if len(body) > maxJSONBody {
		drain(r)
		return badRequest("request body too large")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return badRequest("request body is required (send {} for no filters)")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(v); err != nil {
		return badRequest("invalid JSON body: %s", jsonErrText(err))
	}
	if dec.More() {
		return badRequest("invalid JSON body: trailing data after the JSON value")
	}
	return nil
}

func jsonErrText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("field %q must be %s, got JSON %s", te.Field, jsonTypeName(te.Type.Kind().String()), te.Value)
		}
		return fmt.Sprintf("expected %s, got JSON %s", jsonTypeName(te.Type.Kind().String()), te.Value)
	}
	return err.Error()
}

func jsonTypeName(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64":
		return "an integer"
	case "float64", "float32":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return kind
}

func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

// pageParams parses offset/limit from the query: offset >= 0 (default 0),
// limit 1–100 (default 25).
func pageParams(r *http.Request) (offset, limit int, err error) {
	q := r.URL.Query()
	offset, limit = 0, 25
	if v := q.Get("offset"); v != "" || q.Has("offset") {
		n, e := strconv.Atoi(v)
		if e != nil || n < 0 {
			return 0, 0, badRequest("offset must be an integer >= 0")
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" || q.Has("limit") {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 || n > 100 {
			return 0, 0, badRequest("limit must be an integer between 1 and 100")
		}
		limit = n
	}
	return offset, limit, nil
}

// page returns the window [offset, offset+limit) of n items.
func page(n, offset, limit int) (int, int) {
	if offset > n {
		offset = n
	}
	end := offset + limit
	if end > n {
		end = n
	}
	return offset, end
}

// baseURL is the fake's own API base: scheme and host of the request plus
// "/api".
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host + "/api"
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
