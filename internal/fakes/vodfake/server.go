// Package vodfake is an in-memory fake of the VOD service of seed 002
// (shared/specs/vod.md) and of the storage upload it depends on, as strict
// as the real service is documented to be: it checks the bearer token
// (wrong or missing → 3108), answers every error as HTTP 200 with the
// {"errcode","msg"} envelope and the seed's Chinese msg, applies every rule
// of spec §7 (page defaults 15/20, the 90-day window, Beijing midnights,
// password length, V9 before video_ready → 3103, a reused storage id →
// 3106, cascade deletes, the V4 password check), moves videos 2 → 1 and
// renditions 0 → 2 → 3 → 5 → 1 a Step apart on an injectable clock, streams
// CSV exports row by row, and POSTs video_ready and video_play_set_ready to
// the registered callback addresses, retrying non-2xx answers.
//
// Fake-only choices (the seed leaves them open): the storage upload answer
// {"errcode":1000,"msg":"OK","storage_id":"…"}; files served under
// /files/{storage_id} so URLs can be checked after a delete; the callback
// registration route POST /fake/api/user_event_config (the seed's
// svc_notify.user_event_config is an internal table); transcode templates
// 1–4 for 360P, 480P, 720P, 1080P.
package vodfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/reqlog"
)

// Options configure a Server.
type Options struct {
	// Token is the only credential accepted.
	Token string
	// AuthHeader, when set, is the header that carries the raw token
	// instead of "Authorization: Bearer <token>".
	AuthHeader string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Step is how long each state lasts; default 1s.
	Step time.Duration
	// Manual turns off the background ticker: tests move the clock and call
	// Tick themselves.
	Manual bool
	// CallbackClient posts callbacks; nil means a client with a 10 s timeout.
	CallbackClient *http.Client
}

// Request is one recorded request.
type Request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	At                     time.Time
}

// MaxLog bounds the callback delivery log.
const MaxLog = 1000

// Delivery is one callback POST attempt's outcome.
type Delivery struct {
	URL       string
	EventType string
	VideoID   string
	Status    int // 0 on a transport error
	Attempt   int
}

// Server is the fake; it is an http.Handler.
type Server struct {
	opts Options
	mux  *http.ServeMux

	log reqlog.Ring[Request]

	mu        sync.Mutex
	videos    map[string]*video
	order     []string // video ids, oldest first
	storage   map[string]*object
	callbacks map[string]string // event group → URL
	synthetic int               // archived rows of V13/V14
	seq       int
	pending   sync.WaitGroup
	delivered []Delivery
	stop      chan struct{}
	stopOnce  sync.Once
}

// New returns a running fake.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Step == 0 {
		opts.Step = time.Second
	}
	if opts.CallbackClient == nil {
		opts.CallbackClient = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), videos: map[string]*video{}, storage: map[string]*object{},
		callbacks: map[string]string{}, stop: make(chan struct{})}
	s.routes()
	if !opts.Manual {
		go s.ticker()
	}
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("POST /storage/api/upload", s.upload)
	s.mux.HandleFunc("GET /files/{id}", s.file)
	s.mux.HandleFunc("POST /fake/api/user_event_config", s.registerCallback)
	s.mux.HandleFunc("POST /video/api/create", s.create)
	s.mux.HandleFunc("GET /video/api/list", s.list)
	s.mux.HandleFunc("GET /video/api/get", s.get)
	s.mux.HandleFunc("GET /video/api/get_shared_video", s.getShared)
	s.mux.HandleFunc("GET /video/api/search", s.search)
	s.mux.HandleFunc("POST /video/api/update", s.update)
	s.mux.HandleFunc("POST /video/api/set_video_password", s.setPassword)
	s.mux.HandleFunc("GET /video/api/get_video_size_sum", s.sizeSum)
	s.mux.HandleFunc("POST /video/api/trans", s.trans)
	s.mux.HandleFunc("POST /video/api/delete", s.deleteOne)
	s.mux.HandleFunc("POST /video/api/delete_videos", s.deleteMany)
	s.mux.HandleFunc("GET /video/api/list_video_statistic", s.minutes)
	s.mux.HandleFunc("GET /video/api/list_video_total_summary", s.totals)
	s.mux.HandleFunc("GET /video/api/export_video_total_summary", s.exportTotals)
	s.mux.HandleFunc("GET /video/api/list_user_video_day_summary", s.days)
	s.mux.HandleFunc("GET /video/api/export_user_video_day_summary", s.exportDays)
	s.mux.HandleFunc("GET /video/api/get_user_video_total_summary", s.userTotal)
}

// ServeHTTP records the request, checks the token, advances the clock's
// effects and routes. Files (/files/…) are public like CDN URLs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.log.Add(Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), At: s.opts.Now()})
	if !strings.HasPrefix(r.URL.Path, "/files/") && !s.authorized(r) {
		fail(w, 3108)
		return
	}
	s.Tick()
	s.mux.ServeHTTP(w, r)
}

func (s *Server) authorized(r *http.Request) bool {
	if s.opts.AuthHeader != "" {
		return s.opts.Token != "" && r.Header.Get(s.opts.AuthHeader) == s.opts.Token
	}
	return s.opts.Token != "" && r.Header.Get("Authorization") == "Bearer "+s.opts.Token
}

// Requests returns the request log (the newest reqlog.DefaultSize), oldest first.
func (s *Server) Requests() []Request { return s.log.All(nil) }

// Deliveries returns every callback attempt so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.delivered...)
}

// RegisterCallback sets the address of an event group ("video" for
// video_ready, "transcoding" for video_play_set_ready), as spec §6 step 0.
func (s *Server) RegisterCallback(group, url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callbacks[group] = url
}

// Flush waits for the callback deliveries under way.
func (s *Server) Flush() { s.pending.Wait() }

// Close stops the ticker and waits for deliveries.
func (s *Server) Close() {
	s.stopOnce.Do(func() { close(s.stop) })
	s.pending.Wait()
}

func (s *Server) ticker() {
	t := time.NewTicker(s.opts.Step / 4)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.Tick()
		}
	}
}

func (s *Server) registerCallback(w http.ResponseWriter, r *http.Request) {
	var in struct {
		EventGroup string `json:"event_group"`
		URL        string `json:"url"`
	}
	if !decode(r, &in) || (in.EventGroup != "video" && in.EventGroup != "transcoding") ||
		!strings.HasPrefix(in.URL, "http") {
		fail(w, 3101)
		return
	}
	s.RegisterCallback(in.EventGroup, in.URL)
	ok(w, nil)
}

// chinese is spec §5's msg for the codes the fake answers.
var chinese = map[int]string{
	3101: "参数不合法", 3102: "找不到该文件", 3103: "视频正在上传", 3104: "视频上传失败",
	3105: "视频已有正在进行的或已完成的转码", 3106: "媒体库已存在该视频,请勿重复上传",
	3107: "该文件上传失败,请重新上传", 3108: "访问拒绝", 3111: "内部错误:无法创建转码任务", 3124: "删除视频失败",
}

// fail answers HTTP 200 with an error envelope, as the seed's examples.
func fail(w http.ResponseWriter, code int) {
	writeJSON(w, map[string]any{"errcode": code, "msg": chinese[code]})
}

func ok(w http.ResponseWriter, fields map[string]any) {
	out := map[string]any{"errcode": 1000, "msg": "OK"}
	for k, v := range fields {
		out[k] = v
	}
	writeJSON(w, out)
}

// decode reads a JSON request body of at most 64 KiB into v.
func decode(r *http.Request, v any) bool {
	return json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(v) == nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%07x", prefix, s.seq*2654435761%0xfffffff)
}

// base is the URL files are served under, from the request.
func base(r *http.Request) string { return "http://" + r.Host }
