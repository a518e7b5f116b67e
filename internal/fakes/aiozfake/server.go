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
//     "quality" for partial_finished) POSTed to Options.WebhookURL and to
//     every webhook created through POST /webhooks that subscribed to the
//     event; /webhooks/check POSTs {"type":"webhook_check","webhook_id",
//     "emitted_at"} and succeeds only on a 2xx answer (webhooks.go).
//   - Webhook deliveries and checks go to loopback addresses only (the
//     sandbox's own callback inbox, test servers): the fake runs inside
//     mcp-media, so an agent's webhook URL must not make it reach other
//     hosts; any other address fails like an unreachable URL.
//   - Created API keys authenticate (only_upload ones only for create, part
//     and complete; expired ones get 401); their secrets and the live
//     stream keys are listed by Minted for the leak test.
//   - Payments, live streams: see billing.go and live.go.
package aiozfake

import (
	"context"
	"crypto/subtle"
	"math"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/reqlog"
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
	requests  reqlog.Ring[Request]
	events    []WebhookEvent
	timers    []*time.Timer
	closed    bool

	rlStart time.Time
	rlCount int

	extra *extraState // players and playlists (players.go)

	hookMu    sync.Mutex
	hookQueue []delivery
	hookWake  chan struct{}
	hookDone  chan struct{}
	hookOnce  sync.Once
	client    *http.Client
	acct      acctState // webhooks, API keys, live streams (account.go)
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
		client:   loopbackClient(), // webhooks.go
	}
	if s.balance == 0 {
		s.balance = DefaultBalance
	}
	s.routes()
	// Deliveries go to Options.WebhookURL and to the webhooks created
	// through the API (webhooks.go).
	go s.deliverLoop()
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

// Requests returns a copy of the newest requests received (up to
// reqlog.DefaultSize), in arrival order.
func (s *Server) Requests() []Request {
	return s.requests.All(func(r Request) Request {
		r.Header = r.Header.Clone()
		return r
	})
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
	// Webhooks (W1–W6).
	m.HandleFunc("POST /api/webhooks", s.auth(s.handleCreateWebhook))
	m.HandleFunc("GET /api/webhooks", s.auth(s.handleListWebhooks))
	m.HandleFunc("GET /api/webhooks/{id}", s.auth(s.handleGetWebhook))
	m.HandleFunc("PATCH /api/webhooks/{id}", s.auth(s.handleUpdateWebhook))
	m.HandleFunc("DELETE /api/webhooks/{id}", s.auth(s.handleDeleteWebhook))
	m.HandleFunc("POST /api/webhooks/check/{id}", s.auth(s.handleCheckWebhook))
	// API keys (A1–A4).
	m.HandleFunc("POST /api/api_keys", s.auth(s.handleCreateAPIKey))
	m.HandleFunc("GET /api/api_keys", s.auth(s.handleListAPIKeys))
	m.HandleFunc("PATCH /api/api_keys/{id}", s.auth(s.handleRenameAPIKey))
	m.HandleFunc("DELETE /api/api_keys/{id}", s.auth(s.handleDeleteAPIKey))
	// Payments (Y1–Y3).
	m.HandleFunc("GET /api/payment/usage", s.auth(s.handlePaymentUsage))
	m.HandleFunc("GET /api/payment/top_ups", s.auth(s.handleTopUps))
	m.HandleFunc("GET /api/payment/billings", s.auth(s.handleBillings))
	// Live streams (S1–S19); see live.go for the dispatched paths.
	m.HandleFunc("GET /api/live_streams", s.auth(s.handleListLiveKeys))
	m.HandleFunc("POST /api/live_streams", s.auth(s.handleCreateLiveKey))
	m.HandleFunc("GET /api/live_streams/{id}", s.auth(s.handleGetLiveKey))
	m.HandleFunc("PUT /api/live_streams/{id}", s.auth(s.handleUpdateLiveKey))
	m.HandleFunc("DELETE /api/live_streams/{id}", s.auth(s.handleDeleteLiveKey))
	m.HandleFunc("PUT /api/live_streams/{id}/streamings", s.auth(s.handleUpdateStreaming))
	m.HandleFunc("DELETE /api/live_streams/{id}/streamings/{stream_id}", s.auth(s.handleDeleteStreaming))
	for _, method := range []string{"GET", "POST", "DELETE"} {
		m.HandleFunc(method+" /api/live_streams/{a}/{b}", s.auth(s.live2))
	}
	m.HandleFunc("GET /api/live_streams/{a}/{b}/{c}", s.liveGet3) // player/{id}/media is public
	// Players.
	m.HandleFunc("POST /api/players", s.auth(s.handleCreatePlayer))
	m.HandleFunc("GET /api/players", s.auth(s.handleListPlayers))
	m.HandleFunc("GET /api/players/{id}", s.auth(s.handleGetPlayer))
	m.HandleFunc("PATCH /api/players/{id}", s.auth(s.handleUpdatePlayer))
	m.HandleFunc("DELETE /api/players/{id}", s.auth(s.handleDeletePlayer))
	m.HandleFunc("POST /api/players/{id}/logo", s.auth(s.handleUploadPlayerLogo))
	m.HandleFunc("DELETE /api/players/{id}/logo", s.auth(s.handleDeletePlayerLogo))
	m.HandleFunc("POST /api/players/add-player", s.auth(s.handleAddPlayer))
	m.HandleFunc("POST /api/players/remove-player", s.auth(s.handleRemovePlayer))
	// Playlists.
	m.HandleFunc("POST /api/playlists/create", s.auth(s.handleCreatePlaylist))
	m.HandleFunc("POST /api/playlists", s.auth(s.handleListPlaylists))
	m.HandleFunc("GET /api/playlists/{id}", s.auth(s.handleGetPlaylist))
	m.HandleFunc("PATCH /api/playlists/{id}", s.auth(s.handleUpdatePlaylist))
	m.HandleFunc("DELETE /api/playlists/{id}", s.auth(s.handleDeletePlaylist))
	m.HandleFunc("DELETE /api/playlists/{id}/thumbnail", s.auth(s.handleDeletePlaylistThumbnail))
	m.HandleFunc("POST /api/playlists/{id}/items", s.auth(s.handleAddPlaylistItem))
	m.HandleFunc("PUT /api/playlists/{id}/items", s.auth(s.handleMovePlaylistItem))
	m.HandleFunc("DELETE /api/playlists/{id}/items/{item_id}", s.auth(s.handleRemovePlaylistItem))
	m.HandleFunc("GET /api/playlists/{id}/player.json", s.handlePlaylistPlayerJSON) // public (L10)
	// Rendition files (public, like the CDN links they stand for).
	m.HandleFunc("GET /api/media/{id}/mp4", s.handleRenditionFile)
	m.HandleFunc("GET /api/media/{id}/source", s.handleRenditionFile)
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
			switch s.createdKeyAuth(r) {
			case http.StatusOK:
				h(w, r)
				return
			case http.StatusForbidden:
				drain(r)
				writeErr(w, http.StatusForbidden, "This API key is only_upload: it may only create media, upload parts and complete uploads")
				return
			}
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
	idx := s.requests.Add(rec)
	s.advanceDueLocked()
	limit, remaining, retry, limited := s.rateLimitLocked()
	s.mu.Unlock()

	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		rec.Status = sw.status
		s.requests.Update(idx, rec)
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
