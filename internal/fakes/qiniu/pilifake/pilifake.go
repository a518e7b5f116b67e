// Package pilifake is an in-memory fake of the Qiniu live streaming cloud
// (Pili) management API at pili.qiniuapi.com (including /statd/*) and of the
// cloud director management API at pili-caster.qiniuapi.com, for tests.
//
// It follows shared/specs/qiniu-pili.md. It verifies the Qiniu request
// signature itself (an implementation independent of qiniuauth), keeps hubs,
// domains, streams and casters in memory, reproduces the documented response
// shapes and quirks, and records every request. Behaviour the spec marks as
// undocumented is labelled "fake-only" where it is chosen here.
//
// Quirks reproduced: CreateStream answers 200 {} and 614
// {"error":"stream already exists"}; GetStreamLive is 404
// {"error":"not found"} for an unknown stream but 200 with zero values for an
// offline one; GetStreamStats is 200 {"items":[]} for an unknown stream and
// refuses windows over 24 h; BatchGetLive refuses more than 100 titles;
// BindDomain takes a capital "Type"; SetHubSecurity accepts only expiry and
// expiry_sk; saveas appends the extension to fname and clamps start/end to
// pushed data; snapshot returns fname without extension; /statd answers a
// JSON array with +08:00 times, OR-ed repeated filters and "!" negation;
// casters use createAt/updateAt and omit storage from get and list. A failed
// signature is 401 {"error":"bad token"} (fake-only: the docs give none).
package pilifake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/reqlog"
)

// Options configure a Server.
type Options struct {
	// AccessKey and SecretKey are the only credentials the fake accepts.
	AccessKey, SecretKey string
	// Hubs are created up front, each with default publishRtmp, liveRtmp,
	// liveHls and liveHdl domains under <hub>.cloudvdn.com.
	Hubs []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CasterQuota is the number of cloud directors the account may create;
	// 0 means the documented default of 1.
	CasterQuota int
}

// Request is one recorded request.
type Request struct {
	Method   string
	Path     string // raw (escaped) path as sent
	RawQuery string
	Host     string
	Header   http.Header
	Body     []byte
}

// SaveAsCall is a recorded saveas (录制直播回放) request and the fake's answer.
type SaveAsCall struct {
	Hub, Stream               string
	Fname                     string
	Start, End                *int64
	Format, Pipeline, Notify  string
	ExpireDays                int
	PersistentDeleteAfterDays int
	FirstTsType               int
	Response                  SaveAsResult
}

// SaveAsResult is the saveas response body.
type SaveAsResult struct {
	Fname        string `json:"fname"`
	Start        int64  `json:"start"`
	End          int64  `json:"end"`
	PersistentID string `json:"persistentID,omitempty"`
}

// SnapshotCall is a recorded snapshot (保存直播截图) request and the answer.
type SnapshotCall struct {
	Hub, Stream      string
	Time             int64
	Fname, Format    string
	Pipeline, Notify string
	DeleteAfterDays  int
	Response         SnapshotResult
}

// SnapshotResult is the snapshot response body.
type SnapshotResult struct {
	Fname        string `json:"fname"`
	PersistentID string `json:"persistentID,omitempty"`
}

// Server is the fake. It is an http.Handler serving the pili, statd and
// caster paths on one handler.
type Server struct {
	ak, sk      string
	now         func() time.Time
	casterQuota int
	mux         *http.ServeMux

	mu        sync.Mutex
	hubs      map[string]*hub
	casters   map[string]*caster
	requests  reqlog.Ring[Request]
	saveas    []SaveAsCall
	snapshots []SnapshotCall
	seq       int64 // for deterministic ids, names and ports
}

// New returns a Server.
func New(opts Options) *Server {
	s := &Server{
		ak:          opts.AccessKey,
		sk:          opts.SecretKey,
		now:         opts.Now,
		casterQuota: opts.CasterQuota,
		hubs:        map[string]*hub{},
		casters:     map[string]*caster{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.casterQuota <= 0 {
		s.casterQuota = 1
	}
	for _, h := range opts.Hubs {
		s.addHub(h)
	}
	s.routes()
	return s
}

// Requests returns a copy of the newest requests received (up to
// reqlog.DefaultSize), in order, including those rejected for a bad
// signature.
func (s *Server) Requests() []Request {
	return s.requests.All(func(r Request) Request {
		r.Header = r.Header.Clone()
		r.Body = append([]byte(nil), r.Body...)
		return r
	})
}

// SaveAsCalls returns the recorded saveas requests.
func (s *Server) SaveAsCalls() []SaveAsCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SaveAsCall(nil), s.saveas...)
}

// SnapshotCalls returns the recorded snapshot requests.
func (s *Server) SnapshotCalls() []SnapshotCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SnapshotCall(nil), s.snapshots...)
}

// ServeHTTP records the request, verifies its Qiniu signature and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeErr(w, http.StatusBadRequest, "cannot read body")
		return
	}
	path := rawPath(r)
	s.requests.Add(Request{
		Method: r.Method, Path: path, RawQuery: r.URL.RawQuery, Host: r.Host,
		Header: r.Header.Clone(), Body: body, // never written to below
	})

	if !s.verify(r, path, body) {
		// The docs give no error for a failed signature (spec §2.1). This
		// is Qiniu's usual answer; fake-only here.
		writeErr(w, http.StatusUnauthorized, "bad token")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mux.ServeHTTP(w, r)
}

// rawPath is the request path exactly as the client sent it.
func rawPath(r *http.Request) string {
	if uri := r.RequestURI; strings.HasPrefix(uri, "/") {
		p, _, _ := strings.Cut(uri, "?")
		return p
	}
	return r.URL.EscapedPath()
}

// verify checks "Authorization: Qiniu <AK>:<sign>" against the string to sign
// rebuilt from the request, following the 请求鉴权 page (spec §2.1):
//
//	<METHOD> <path>[?<query>]\nHost: <host>[\nContent-Type: <ct>]\n\n[<body>]
//
// where the body counts only with a Content-Length, a non-empty body and a
// Content-Type that is present and not application/octet-stream. Like the
// official SDKs (dora spec §3.1.2), a signature that also covers sorted
// X-Qiniu-* headers (inserted before the blank line) is accepted. The
// "Qiniu<AK>:" form without the space is tolerated (dora quirk 2).
func (s *Server) verify(r *http.Request, path string, body []byte) bool {
	h := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(h, "Qiniu")
	if !ok {
		return false
	}
	rest = strings.TrimPrefix(rest, " ")
	ak, sig, ok := strings.Cut(rest, ":")
	if !ok || ak == "" || ak != s.ak || sig == "" {
		return false
	}
	ct := r.Header.Get("Content-Type")
	var head strings.Builder
	head.WriteString(r.Method + " " + path)
	if r.URL.RawQuery != "" {
		head.WriteString("?" + r.URL.RawQuery)
	}
	head.WriteString("\nHost: " + r.Host)
	if ct != "" {
		head.WriteString("\nContent-Type: " + ct)
	}
	tail := "\n\n"
	if r.ContentLength > 0 && len(body) > 0 && ct != "" && ct != "application/octet-stream" {
		tail += string(body)
	}
	candidates := []string{head.String() + tail}
	if xq := qiniuHeaders(r.Header); xq != "" {
		candidates = append(candidates, head.String()+xq+tail)
	}
	for _, data := range candidates {
		m := hmac.New(sha1.New, []byte(s.sk))
		m.Write([]byte(data))
		want := base64.URLEncoding.EncodeToString(m.Sum(nil))
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

// qiniuHeaders renders the X-Qiniu-* headers the way the official SDKs sign
// them: sorted canonical names, one "\n<Name>: <value>" line each.
func qiniuHeaders(h http.Header) string {
	var names []string
	for k := range h {
		if ck := http.CanonicalHeaderKey(k); strings.HasPrefix(ck, "X-Qiniu-") && len(ck) > len("X-Qiniu-") {
			names = append(names, ck)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString("\n" + n + ": " + h.Get(n))
	}
	return b.String()
}

func (s *Server) routes() {
	m := http.NewServeMux()
	// Hubs (§4.1).
	m.HandleFunc("GET /v2/hubs", s.listHubs)
	m.HandleFunc("GET /v2/hubs/{hub}", s.getHub)
	m.HandleFunc("POST /v2/hubs/{hub}/security", s.setHubSecurity)
	m.HandleFunc("POST /v2/hubs/{hub}/hlsplus", s.setHubHlsPlus)
	m.HandleFunc("POST /v2/hubs/{hub}/persistence", s.setHubPersistence)
	m.HandleFunc("POST /v2/hubs/{hub}/snapshot", s.setHubSnapshot)
	// Domains (§4.2).
	m.HandleFunc("GET /v2/hubs/{hub}/domains", s.listDomains)
	m.HandleFunc("GET /v2/hubs/{hub}/domains/{domain}", s.getDomain)
	m.HandleFunc("DELETE /v2/hubs/{hub}/domains/{domain}", s.unbindDomain)
	m.HandleFunc("POST /v2/hubs/{hub}/newdomains", s.bindDomain)
	m.HandleFunc("POST /v2/hubs/{hub}/voddomain", s.bindVodDomain)
	m.HandleFunc("POST /v2/hubs/{hub}/domains/{domain}/cert", s.setDomainCert)
	m.HandleFunc("POST /v2/hubs/{hub}/domains/{domain}/urlrewrite", s.setDomainURLRewrite)
	// Streams (§4.3).
	m.HandleFunc("POST /v2/hubs/{hub}/streams", s.createStream)
	m.HandleFunc("GET /v2/hubs/{hub}/streams", s.listStreams)
	m.HandleFunc("GET /v2/hubs/{hub}/streams/{enc}", s.getStream)
	m.HandleFunc("POST /v2/hubs/{hub}/streams/{enc}/disabled", s.disableStream)
	m.HandleFunc("GET /v2/hubs/{hub}/streams/{enc}/live", s.getStreamLive)
	m.HandleFunc("POST /v2/hubs/{hub}/livestreams", s.batchGetLive)
	m.HandleFunc("GET /v2/hubs/{hub}/streams/{enc}/historyactivity", s.getStreamHistory)
	m.HandleFunc("GET /v2/hubs/{hub}/streams/{enc}/stats", s.getStreamStats)
	m.HandleFunc("POST /v2/hubs/{hub}/streams/{enc}/saveas", s.saveAs)
	m.HandleFunc("POST /v2/hubs/{hub}/streams/{enc}/snapshot", s.snapshot)
	m.HandleFunc("POST /v2/hubs/{hub}/streams/{enc}/converts", s.updateConverts)
	m.HandleFunc("POST /v2/hubs/{hub}/streams/{enc}/nrop", s.setStreamNrop)
	// Usage statistics (§4.4).
	m.HandleFunc("GET /statd/{name}", s.statd)
	// Cloud director management (§4.5).
	m.HandleFunc("POST /v1/casters", s.createCaster)
	m.HandleFunc("GET /v1/casters", s.listCasters)
	m.HandleFunc("GET /v1/casters/{id}", s.getCaster)
	m.HandleFunc("POST /v1/casters/{id}", s.updateCaster)
	m.HandleFunc("DELETE /v1/casters/{id}", s.deleteCaster)
	m.HandleFunc("POST /v1/casters/{id}/start", s.startCaster)
	m.HandleFunc("POST /v1/casters/{id}/stop", s.stopCaster)
	// Anything else, including the LISTED ONLY static-key caster operation
	// API and wrong methods: 404 in the documented error shape.
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, http.StatusNotFound, "not found")
	})
	s.mux = m
}

// ---- helpers ----

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b)
}

// writeOK answers the documented "200 OK" with no body.
func writeOK(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) }

func writeErr(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// decodeBody decodes a JSON request body into v. POST bodies must be sent
// as application/json (请求结构, spec §2.1); anything else is a 400
// (fake-only message).
func decodeBody(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) bool {
	b, _ := io.ReadAll(r.Body)
	if len(bytes.TrimSpace(b)) == 0 {
		if allowEmpty {
			return true
		}
		writeErr(w, http.StatusBadRequest, "empty body")
		return false
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeErr(w, http.StatusBadRequest, "Content-Type must be application/json")
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		writeErr(w, http.StatusBadRequest, "invalid json: "+err.Error())
		return false
	}
	return true
}

// nextID returns a deterministic pseudo-random hex string of n characters.
func (s *Server) nextID(kind string, n int) string {
	s.seq++
	var out strings.Builder
	for i := 0; out.Len() < n; i++ {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s/%d/%d", kind, s.seq, i)
		fmt.Fprintf(&out, "%016x", h.Sum64())
	}
	return out.String()[:n]
}

func unix(t time.Time) int64 { return t.Unix() }
