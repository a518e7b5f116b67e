// Package dorafake is an in-memory fake of Qiniu Dora (智能多媒体服务), built
// from shared/specs/qiniu-dora.md for tests, `--sandbox` and the demo.
//
// It serves, on one http.Handler, every Dora cloud API of the spec: short ASR
// (POST /v2/asr), realtime ASR (WebSocket upgrade on GET /v2/asr), long ASR
// (/v4/lasr), the Shumei censors (/anti_fraud/...), the smart audio stream
// censor, the Yitu live voice censor (/v1/antispam/...) and document
// translation (/translate/v1/document/...). In reality these live on four
// hosts; here they share one listener and are told apart by path only.
//
// Authentication is checked on every HTTP request with the QiniuToken
// algorithm of spec §3.1 (p056), re-implemented here from the spec text.
// A failure is HTTP 401 with the family's envelope:
//
//	Yitu (/v2/asr, /v4/lasr…, /v1/antispam/…): {"rtn":4304,"message":"SAAS_ANTISPAM_PERMISSION_DENIED_ERROR","requestId":…}
//	Shumei (/anti_fraud/…):                    {"code":9101,"message":"无权限操作"}
//	Translation (/translate/…):                {"code":401,"msg":"鉴权失败"}
//
// Business errors use the documented rtn/code tables and HTTP 200 (every
// example in the seed is 200 OK; error statuses are not in the seed).
//
// Sandbox marker: every piece of text the fake makes up (transcripts, OCR
// text, descriptions, segment texts) begins with "[sandbox] ", generated URLs
// live under http://sandbox.dora.invalid/ and translated file keys under
// "sandbox/". Results are derived from the input only, never random.
//
// Risk convention for the censors: a media URL containing "reject" is judged
// REJECT (Yitu: block), one containing "review" REVIEW, anything else PASS.
//
// Realtime ASR is a WebSocket on GET /v2/asr: ServeHTTP routes an upgrade
// there, and WebSocketHandler returns the same handler for separate
// mounting. Protocol and pacing rule: see realtime.go.
//
// Time: with Options.Step == 0 the fake is deterministic. Long tasks advance
// one state per query (the query reports the current state, then advances)
// and stream censors push one segment per Server.Advance call. With Step > 0
// a background ticker calls Advance every Step (and queries do not advance).
// Call Close when done.
package dorafake

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mcp-media/mcp-media/internal/fakes/reqlog"
)

// Options configures a Server.
type Options struct {
	// AccessKey and SecretKey are the only credentials the fake accepts.
	AccessKey, SecretKey string
	// Step is the time between long-task states and between stream-censor
	// segments. 0 means: advance on each query / on each Advance call.
	Step time.Duration
	// Now is the clock (default time.Now). It stamps results and drives the
	// realtime-ASR pacing check. It must be safe for concurrent use.
	Now func() time.Time
	// HTTPClient delivers callbacks and fetches loopback media URLs
	// (default: a client with a 10 s timeout).
	HTTPClient *http.Client
}

// Request is one HTTP request the fake received (WebSocket handshakes too).
type Request struct {
	Time     time.Time
	Method   string
	Path     string
	RawQuery string
	Host     string
	Header   http.Header
	Body     []byte // at most the first 1 MB
	Status   int    // HTTP status the fake answered
	Response []byte // body the fake answered (nil for a WebSocket upgrade)
	Error    string // why the fake rejected the request; "" if it was accepted
}

// Callback is one callback delivery attempt made by the fake.
type Callback struct {
	Time    time.Time
	Kind    string // lasr, audiostream, audio, videostream.img, videostream.audio, streamscan, translate
	ID      string // taskId / entryId / requestId the callback is about
	URL     string
	Body    []byte
	Attempt int    // 1-based; only the audio stream censor retries (up to 12 pushes)
	Status  int    // HTTP status returned by the receiver; 0 on transport error
	Err     string // transport error, if any
}

// Server is the fake. It is an http.Handler and safe for concurrent use.
type Server struct {
	opts     Options
	now      func() time.Time
	client   *http.Client
	upgrader websocket.Upgrader
	mux      *http.ServeMux

	mu        sync.Mutex
	idle      *sync.Cond               // signalled when pending drops to 0
	pending   int                      // callback deliveries in flight
	chains    map[string]chan struct{} // last delivery per kind/id, to keep order
	closed    bool
	done      chan struct{}
	requests  reqlog.Ring[Request]
	callbacks reqlog.Ring[Callback]
	lasr      map[string]*lasrTask
	audios    map[string]*audioTask
	streams   map[string]stream
	trans     map[string]*transTask
	order     []asyncTask // creation order, for Advance
	sessions  []*rtSession
}

// asyncTask is anything Advance moves forward.
type asyncTask interface {
	// advance is called with s.mu held and returns the callbacks to deliver.
	advance(s *Server) []pendingCallback
	// finished reports that the task will not change again (its result
	// was delivered, or the stream was closed).
	finished() bool
	// forget removes the task from its table (s.mu held).
	forget(s *Server)
}

// maxTasks bounds the fake's task tables: past it, the oldest finished
// tasks are dropped (a query for one then answers "no such task", as the
// real service does once a result expires), so a long sandbox session
// stays flat. Unfinished tasks are never dropped.
const maxTasks = 1024

// addTaskLocked records a new async task and drops the oldest finished
// ones beyond maxTasks. s.mu must be held.
func (s *Server) addTaskLocked(t asyncTask) {
	s.order = append(s.order, t)
	if len(s.order) <= maxTasks {
		return
	}
	excess := len(s.order) - maxTasks
	kept := s.order[:0]
	for _, old := range s.order {
		if excess > 0 && old.finished() {
			old.forget(s)
			excess--
			continue
		}
		kept = append(kept, old)
	}
	clear(s.order[len(kept):])
	s.order = kept
}

type pendingCallback struct {
	kind, id, url string
	body          any
	attempts      int
}

// New returns a fake Dora server.
func New(opts Options) *Server {
	s := &Server{
		opts:    opts,
		now:     opts.Now,
		client:  opts.HTTPClient,
		done:    make(chan struct{}),
		lasr:    map[string]*lasrTask{},
		audios:  map[string]*audioTask{},
		streams: map[string]stream{},
		trans:   map[string]*transTask{},
		chains:  map[string]chan struct{}{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: 10 * time.Second}
	}
	s.idle = sync.NewCond(&s.mu)
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	s.routes()
	if opts.Step > 0 {
		go s.ticker(opts.Step)
	}
	return s
}

func (s *Server) ticker(step time.Duration) {
	t := time.NewTicker(step)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.Advance()
		}
	}
}

// Advance moves every unfinished long task (long ASR, translation) one state
// forward and makes every open stream censor push its next segment. Callbacks
// due are delivered asynchronously; use Flush to wait for them.
func (s *Server) Advance() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.order {
		s.deliverLocked(t.advance(s))
	}
}

// Flush waits until every callback delivery started so far (retries
// included) has finished.
func (s *Server) Flush() {
	s.mu.Lock()
	for s.pending > 0 {
		s.idle.Wait()
	}
	s.mu.Unlock()
}

// Close stops the Step ticker, stops callback retries and waits for
// deliveries in flight. The handler keeps answering requests.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
	s.mu.Unlock()
	s.Flush()
}

// Requests returns a copy of the newest requests received (up to
// reqlog.DefaultSize), oldest first.
func (s *Server) Requests() []Request {
	return s.requests.All(nil)
}

// Callbacks returns a copy of the newest callback delivery attempts (up to
// reqlog.DefaultSize), oldest first.
func (s *Server) Callbacks() []Callback {
	return s.callbacks.All(nil)
}

// WebSocketHandler returns the realtime ASR handler alone. ServeHTTP also
// routes GET /v2/asr to it, so mounting it separately is optional.
func (s *Server) WebSocketHandler() http.Handler { return http.HandlerFunc(s.serveRealtime) }

// ---------------------------------------------------------------------------
// Routing

type family int

const (
	famYitu family = iota
	famShumei
	famTranslate
)

// handlerFunc answers one Dora API call whose body has passed the common
// checks.
type handlerFunc func(r *http.Request, body []byte) reply

// reply is what a handler answers.
type reply struct {
	status int
	body   any
	reason string // recorded as Request.Error when the request is rejected
}

func okReply(body any) reply { return reply{status: http.StatusOK, body: body} }

// maxBody bounds every request body: short ASR's 20 MB of audio as base64
// plus JSON framing.
const maxBody = 32 << 20

func (s *Server) routes() {
	m := http.NewServeMux()
	// Speech recognition: short, realtime (WebSocket) and long.
	m.HandleFunc("POST /v2/asr", s.api(famYitu, s.shortASR))
	m.HandleFunc("GET /v2/asr", s.serveRealtime)
	m.HandleFunc("POST /v4/lasr", s.api(famYitu, s.lasrSubmit))
	m.HandleFunc("POST /v4/lasr/start", s.api(famYitu, s.lasrSubmit)) // quirk 29: the example says v4/lasr/start
	m.HandleFunc("GET /v4/lasr/{id}", s.api(famYitu, s.lasrQuery))
	// Yitu live voice censor.
	m.HandleFunc("POST /v1/antispam/streamscan", s.api(famYitu, s.streamScan))
	m.HandleFunc("POST /v1/antispam/streamclose", s.api(famYitu, s.streamClose))
	// Shumei censors.
	m.HandleFunc("POST /anti_fraud/v2/audiostream", s.api(famShumei, s.audioStreamSubmit))
	m.HandleFunc("POST /anti_fraud/v2/finish_audiostream", s.api(famShumei, s.audioStreamFinish))
	m.HandleFunc("POST /anti_fraud/v2/img", s.api(famShumei, s.imageCensor))
	m.HandleFunc("POST /anti_fraud/v2/audio", s.api(famShumei, s.audioSubmit))
	m.HandleFunc("POST /anti_fraud/v2/query_audio", s.api(famShumei, s.audioQuery))
	m.HandleFunc("POST /anti_fraud/v3/videostream", s.api(famShumei, s.videoStreamSubmit))
	m.HandleFunc("POST /anti_fraud/v3/finish_videostream", s.api(famShumei, s.videoStreamFinish))
	// Document translation.
	m.HandleFunc("POST /translate/v1/document/translate", s.api(famTranslate, s.translateSubmit))
	m.HandleFunc("GET /translate/v1/document/query", s.api(famTranslate, s.translateQuery))
	// Literal segments win over parameters for every method, so
	// GET /v4/lasr/start is a 405, not a query of task "start".
	for _, p := range shadowed {
		m.HandleFunc(p, s.noRoute)
	}
	// Anything else: 405 naming the method where the path exists under
	// another one, 404 otherwise.
	m.HandleFunc("/", s.noRoute)
	s.mux = m
}

// shadowed are the patterns where a literal path hides a {id} route of the
// same method; they answer like a method the path does not have.
var shadowed = []string{"GET /v4/lasr/start"}

// ServeHTTP serves every Dora API. See the package documentation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead || !canonical(r.URL.Path) {
		// A GET pattern would take HEAD, and the mux would redirect a
		// path with empty, "." or ".." segments; neither is an API.
		s.noRoute(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// canonical reports whether p is a path the mux serves without redirecting.
func canonical(p string) bool {
	c := path.Clean(p)
	return c == p || c != "/" && c+"/" == p
}

// noRoute answers a request no API takes: 405 naming the method when the
// path is served under another one (POST tried first), 404 otherwise.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	rep := reply{status: http.StatusNotFound, body: map[string]string{"error": "no such API: " + r.URL.Path}, reason: "unknown path"}
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		if method == r.Method || !canonical(r.URL.Path) {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, p := s.mux.Handler(probe); p != "/" && !slices.Contains(shadowed, p) {
			rep = reply{status: http.StatusMethodNotAllowed, body: map[string]string{"error": "method not allowed, use " + method}, reason: "method not allowed"}
			break
		}
	}
	s.respond(w, r, body, rep)
}

// api adapts a Dora API of family f to the mux: it reads the body and
// checks its size, the signature and, for POST, the JSON Content-Type
// before h sees it, then answers and records.
func (s *Server) api(f family, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		s.respond(w, r, body, s.handle(f, h, r, body, readErr))
	}
}

// respond writes rep as JSON and records the exchange.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, body []byte, rep reply) {
	out, err := json.Marshal(rep.body)
	if err != nil { // cannot happen with the types used here
		rep = reply{status: http.StatusInternalServerError, reason: err.Error()}
		out = []byte(`{"error":"internal error"}`)
	}
	s.record(r, body, rep.status, out, rep.reason)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(out)
}

func (s *Server) handle(f family, h handlerFunc, r *http.Request, body []byte, readErr error) reply {
	if readErr != nil {
		return badRequest(f, false, "reading body: "+readErr.Error())
	}
	if len(body) > maxBody {
		rep := badRequest(f, false, "body larger than 32 MB")
		if f == famYitu {
			rep = yituErr(4210, "SAAS_SPEECH_AUDIO_LENGTH_TOO_LONG_ERROR", "body larger than 32 MB")
		}
		rep.status = http.StatusRequestEntityTooLarge
		return rep
	}
	if reason := s.checkAuth(r, body); reason != "" {
		return unauthorized(f, reason)
	}
	if r.Method == http.MethodPost {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			return badRequest(f, true, "Content-Type must be application/json")
		}
	}
	return h(r, body)
}

// maxRecordedBody cuts a recorded request body, so that the request log
// (a reqlog.Ring) stays bounded in bytes as well as in entries.
const maxRecordedBody = 1 << 20

func (s *Server) record(r *http.Request, body []byte, status int, resp []byte, reason string) {
	if len(body) > maxRecordedBody {
		body = body[:maxRecordedBody]
	}
	req := Request{
		Time:     s.now(),
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Host:     r.Host,
		Header:   r.Header.Clone(),
		Body:     bytes.Clone(body),
		Status:   status,
		Response: resp,
		Error:    reason,
	}
	s.requests.Add(req)
}

// ---------------------------------------------------------------------------
// Error envelopes

func yituErr(rtn int, message, reason string) reply {
	return reply{status: http.StatusOK, body: yituEnvelope{Rtn: rtn, Message: message, RequestID: newRequestID()}, reason: reason}
}

type yituEnvelope struct {
	Rtn       int    `json:"rtn"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

var shumeiMessages = map[int]string{
	1100: "成功",
	1901: "QPS受限",
	1902: "参数不合法",
	1903: "服务失败",
	1911: "下载超时",
	9100: "余额不足",
	9101: "无权限操作",
}

type shumeiEnvelope struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func shumeiErr(code int, reason string) reply {
	return reply{status: http.StatusOK, body: shumeiEnvelope{Code: code, Message: shumeiMessages[code]}, reason: reason}
}

type transEnvelope struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

func transErr(reason string) reply {
	return reply{status: http.StatusOK, body: transEnvelope{Code: 400, Msg: "参数错误"}, reason: reason}
}

// badRequest is the family's answer to an unparseable body (syntax=true) or
// an invalid field. Yitu pages (p000) say 1101 for JSON that does not parse
// and 1102 for a wrong field; Shumei says 1902; translation says 400.
func badRequest(f family, syntax bool, reason string) reply {
	switch f {
	case famYitu:
		if syntax {
			return yituErr(1101, "SAAS_JSON_CONFIG_HELPER_READ_ERROR", reason)
		}
		return yituErr(1102, "SAAS_INVALID_PARAMETER_ERROR", reason)
	case famShumei:
		return shumeiErr(1902, reason)
	default:
		return transErr(reason)
	}
}

func unauthorized(f family, reason string) reply {
	var body any
	switch f {
	case famYitu:
		body = yituEnvelope{Rtn: 4304, Message: "SAAS_ANTISPAM_PERMISSION_DENIED_ERROR", RequestID: newRequestID()}
	case famShumei:
		body = shumeiEnvelope{Code: 9101, Message: shumeiMessages[9101]}
	default:
		body = transEnvelope{Code: 401, Msg: "鉴权失败"}
	}
	return reply{status: http.StatusUnauthorized, body: body, reason: reason}
}

// ---------------------------------------------------------------------------
// IDs and small helpers

var idSeq struct {
	sync.Mutex
	n uint64
}

// newHex returns a deterministic-looking, unique 32-hex-digit id.
func newHex(kind string) string {
	idSeq.Lock()
	idSeq.n++
	n := idSeq.n
	idSeq.Unlock()
	sum := sha1.Sum([]byte(kind + "/" + strconv.FormatUint(n, 10)))
	return hex.EncodeToString(sum[:16])
}

func newRequestID() string { return newHex("request") }

// newUUID formats a fresh id like the long-ASR taskId example.
func newUUID() string {
	h := newHex("task")
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

var cst = time.FixedZone("CST", 8*3600)

// absTime formats t like the seed's absolute times ("2021-08-24 10:46:48"),
// in China Standard Time.
func absTime(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04:05") }

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
