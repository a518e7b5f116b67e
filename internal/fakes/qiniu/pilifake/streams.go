package pilifake

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Synthetic live values, taken from the GetStreamLive example (spec §4.3.5).
const (
	liveServerIP     = "127.0.0.1:1935"
	liveBps          = 601344
	liveVideoBitRate = 601251
	liveAudioBitRate = 14148
	liveGop          = 1000
	liveLocation     = "上海"
	liveISP          = "电信"
	livePlayCount    = 10
	liveBandwidth    = 6012510
	liveFpsAudio     = 43
	liveFpsVideo     = 60
)

type session struct {
	Start, End int64 // End 0 while live
	ClientIP   string
	ServerIP   string
}

type stream struct {
	Key                  string
	CreatedAt, UpdatedAt int64
	ExpireAt             int64
	DisabledTill         int64
	Converts             []string
	Watermark            bool
	PublishSecurity      string
	PublishKey           string
	NropEnable           bool
	live                 *session
	history              []*session // oldest first
}

var streamKeyRE = regexp.MustCompile(`^[0-9A-Za-z]{4,200}$`)

// decodeTitle accepts URL-safe or standard base64, padded or not (spec §5).
func decodeTitle(enc string) (string, bool) {
	s := strings.NewReplacer("+", "-", "/", "_").Replace(strings.TrimRight(enc, "="))
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return "", false
	}
	return string(b), true
}

func (s *Server) disabled(st *stream) bool {
	return st.DisabledTill == -1 || st.DisabledTill > unix(s.now())
}

func (s *Server) newStream(h *hub, key string) *stream {
	now := unix(s.now())
	st := &stream{Key: key, CreatedAt: now, UpdatedAt: now,
		ExpireAt: now + 15*86400, // "默认流过期时间为15天"
		Converts: []string{}}
	h.streams[key] = st
	return st
}

// StartPush simulates a publisher starting to push hub/stream: the stream is
// created if needed (streams auto-create on push), goes live with the
// example's bps/fps/GOP values and a new history entry. It does nothing when
// the hub does not exist, the stream is disabled, or it is already live.
func (s *Server) StartPush(hubName, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubs[hubName]
	if h == nil {
		return
	}
	st := h.streams[key]
	if st == nil {
		st = s.newStream(h, key)
	}
	if s.disabled(st) || st.live != nil {
		return
	}
	s.seq++
	sess := &session{Start: unix(s.now()), ClientIP: fmt.Sprintf("127.0.0.1:%d", 19865+s.seq%40000), ServerIP: liveServerIP}
	st.live = sess
	st.history = append(st.history, sess)
}

// StopPush ends the current push of hub/stream, if any.
func (s *Server) StopPush(hubName, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.hubs[hubName]; h != nil {
		if st := h.streams[key]; st != nil {
			s.stopLocked(st)
		}
	}
}

func (s *Server) stopLocked(st *stream) {
	if st.live != nil {
		st.live.End = unix(s.now())
		if st.live.End <= st.live.Start {
			st.live.End = st.live.Start + 1
		}
		st.live = nil
	}
}

// IsLive reports whether hub/stream is being pushed.
func (s *Server) IsLive(hubName, key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.hubs[hubName]; h != nil {
		if st := h.streams[key]; st != nil {
			return st.live != nil
		}
	}
	return false
}

// streamFor resolves the path's hub and encoded stream; unknown ones are
// 404 {"error":"not found"} (documented for /live, INFERRED elsewhere).
func (s *Server) streamFor(w http.ResponseWriter, r *http.Request) (*hub, *stream) {
	h := s.hubFor(w, r)
	if h == nil {
		return nil, nil
	}
	key, ok := decodeTitle(r.PathValue("enc"))
	st := h.streams[key]
	if !ok || st == nil {
		writeErr(w, http.StatusNotFound, "not found")
		return nil, nil
	}
	return h, st
}

func (s *Server) createStream(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubFor(w, r)
	if h == nil {
		return
	}
	var body struct {
		Key        string `json:"key"`
		NropEnable *bool  `json:"nropEnable"`
	}
	if !decodeBody(w, r, &body, false) {
		return
	}
	// "4-200个数字或字母", enforced only here (spec §5).
	if !streamKeyRE.MatchString(body.Key) {
		writeErr(w, http.StatusBadRequest, "invalid stream key") // fake-only message
		return
	}
	if h.streams[body.Key] != nil {
		writeErr(w, 614, "stream already exists")
		return
	}
	st := s.newStream(h, body.Key)
	if body.NropEnable != nil {
		st.NropEnable = *body.NropEnable
	} else {
		st.NropEnable = h.Nrop.Enable // absent = inherit the hub setting
	}
	writeJSON(w, http.StatusOK, struct{}{}) // documented as "200 {}"
}

func (s *Server) listStreams(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubFor(w, r)
	if h == nil {
		return
	}
	q := r.URL.Query()
	liveOnly := false
	switch v := q.Get("liveonly"); v {
	case "":
	case "true", "false":
		liveOnly = v == "true"
	default:
		writeErr(w, http.StatusBadRequest, "invalid liveonly")
		return
	}
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 5000 { // "取值范围0~5000"
			writeErr(w, http.StatusBadRequest, "invalid limit")
			return
		}
		limit = n
	}
	if limit == 0 {
		limit = 1000 // default undocumented; INFERRED
	}
	prefix, marker := q.Get("prefix"), q.Get("marker")
	keys := make([]string, 0, len(h.streams))
	for k, st := range h.streams {
		if strings.HasPrefix(k, prefix) && (!liveOnly || st.live != nil) && (marker == "" || k > marker) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	next := ""
	if len(keys) > limit {
		keys = keys[:limit]
		next = keys[limit-1] // the marker is the last key returned
	}
	type item struct {
		Key string `json:"key"`
	}
	items := make([]item, len(keys))
	for i, k := range keys {
		items[i] = item{k}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "marker": next})
}

func (s *Server) getStream(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, st := s.streamFor(w, r)
	if st == nil {
		return
	}
	writeJSON(w, http.StatusOK, struct {
		CreatedAt       int64    `json:"createdAt"`
		UpdatedAt       int64    `json:"updatedAt"`
		ExpireAt        int64    `json:"expireAt"`
		DisabledTill    int64    `json:"disabledTill"`
		Converts        []string `json:"converts"`
		Watermark       bool     `json:"watermark"`
		PublishSecurity string   `json:"publishSecurity"`
		PublishKey      string   `json:"publishKey"`
		NropEnable      bool     `json:"nropEnable"`
	}{st.CreatedAt, st.UpdatedAt, st.ExpireAt, st.DisabledTill, st.Converts, st.Watermark,
		st.PublishSecurity, st.PublishKey, st.NropEnable})
}

// disableStream: disabledTill -1 = permanent, 0 = unban, a Unix time = until
// then; disabledTill 0 with disablePeriodSecond > 0 bans for that many
// seconds from now (INFERRED reading of spec quirk 11). A ban kicks a live
// publisher off (秒级禁播).
func (s *Server) disableStream(w http.ResponseWriter, r *http.Request) {
	var body struct {
		DisabledTill        *int64 `json:"disabledTill"`
		DisablePeriodSecond *int64 `json:"disablePeriodSecond"`
	}
	s.updateStream(w, r, &body, func(st *stream) string {
		if body.DisabledTill == nil || *body.DisabledTill < -1 {
			return "invalid disabledTill"
		}
		till := *body.DisabledTill
		if till == 0 && body.DisablePeriodSecond != nil {
			if *body.DisablePeriodSecond <= 0 {
				return "disablePeriodSecond must be > 0"
			}
			till = unix(s.now()) + *body.DisablePeriodSecond
		}
		st.DisabledTill = till
		if s.disabled(st) {
			s.stopLocked(st)
		}
		return ""
	})
}

// updateStream is updateHub for a stream setting: find the stream, decode
// the JSON body, let apply check and change it (a 400 message, or ""), then
// stamp and answer.
func (s *Server) updateStream(w http.ResponseWriter, r *http.Request, body any, apply func(st *stream) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, st := s.streamFor(w, r)
	if st == nil {
		return
	}
	if !decodeBody(w, r, body, false) {
		return
	}
	if msg := apply(st); msg != "" {
		writeErr(w, http.StatusBadRequest, msg)
		return
	}
	st.UpdatedAt = unix(s.now())
	writeOK(w)
}

type fpsJSON struct {
	Audio int `json:"audio"`
	Video int `json:"video"`
	Data  int `json:"data"`
}

type liveJSON struct {
	StartAt      int64   `json:"startAt"`
	ClientIP     string  `json:"clientIP"`
	ServerIP     string  `json:"serverIP"`
	Bps          int     `json:"bps"`
	VideoBitRate int     `json:"videoBitRate"`
	AudioBitRate int     `json:"audioBitRate"`
	MaxGop       int     `json:"maxGop"`
	AvgGop       int     `json:"avgGop"`
	Location     string  `json:"location"`
	ISP          string  `json:"isp"`
	PlayCount    int64   `json:"playCount"`
	Bandwidth    int64   `json:"bandwidth"`
	Fps          fpsJSON `json:"fps"`
}

// getStreamLive: 200 with the live values, 200 with every field zero when
// the stream exists but is offline, 404 {"error":"not found"} when the
// stream does not exist (spec §4.3.5, quirk 12).
func (s *Server) getStreamLive(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, st := s.streamFor(w, r)
	if st == nil {
		return
	}
	var out liveJSON
	if l := st.live; l != nil {
		out = liveJSON{l.Start, l.ClientIP, l.ServerIP, liveBps, liveVideoBitRate, liveAudioBitRate,
			liveGop, liveGop, liveLocation, liveISP, livePlayCount, liveBandwidth,
			fpsJSON{liveFpsAudio, liveFpsVideo, 0}}
	}
	writeJSON(w, http.StatusOK, out)
}

// batchGetLive takes raw titles, at most 100; offline and unknown streams
// are left out (INFERRED). More than 100 is a 400 (fake-only message).
func (s *Server) batchGetLive(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubFor(w, r)
	if h == nil {
		return
	}
	var body struct {
		Items *[]string `json:"items"`
	}
	if !decodeBody(w, r, &body, false) {
		return
	}
	if body.Items == nil {
		writeErr(w, http.StatusBadRequest, "items required")
		return
	}
	if len(*body.Items) > 100 { // "数量不超过100"
		writeErr(w, http.StatusBadRequest, "too many items: at most 100")
		return
	}
	type item struct {
		StartAt  int64   `json:"startAt"`
		ClientIP string  `json:"clientIP"`
		ServerIP string  `json:"serverIP"`
		Bps      int     `json:"bps"`
		Fps      fpsJSON `json:"fps"`
		Key      string  `json:"key"`
	}
	items := []item{}
	seen := map[string]bool{}
	for _, k := range *body.Items {
		st := h.streams[k]
		if seen[k] || st == nil || st.live == nil {
			continue
		}
		seen[k] = true
		items = append(items, item{st.live.Start, st.live.ClientIP, st.live.ServerIP, liveBps,
			fpsJSON{liveFpsAudio, liveFpsVideo, 0}, k})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func queryInt(w http.ResponseWriter, r *http.Request, name string, def int64) (int64, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		writeErr(w, http.StatusBadRequest, "invalid "+name)
		return 0, false
	}
	return n, true
}

// sessionEnd is a session's end, or now while it is live.
func (s *Server) sessionEnd(se *session) int64 {
	if se.End == 0 {
		return unix(s.now())
	}
	return se.End
}

// getStreamHistory lists push sessions overlapping [start, end], newest
// first (as in the example); a live session ends "now".
func (s *Server) getStreamHistory(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, st := s.streamFor(w, r)
	if st == nil {
		return
	}
	start, ok := queryInt(w, r, "start", 0)
	if !ok {
		return
	}
	end, ok := queryInt(w, r, "end", unix(s.now()))
	if !ok {
		return
	}
	type item struct {
		Start    int64  `json:"start"`
		End      int64  `json:"end"`
		ClientIP string `json:"clientIP"`
		ServerIP string `json:"serverIP"`
	}
	items := []item{}
	for i := len(st.history) - 1; i >= 0; i-- {
		se := st.history[i]
		e := s.sessionEnd(se)
		if se.Start <= end && e >= start {
			items = append(items, item{se.Start, e, se.ClientIP, se.ServerIP})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// getStreamStats returns one synthetic item per minute the stream was live
// inside [start, end] (defaults: the last hour); end-start must not exceed
// 24 h (400, fake-only message). An unknown hub or stream is
// 200 {"items": []}, not 404 (spec §4.3.8, quirk 12).
func (s *Server) getStreamStats(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := unix(s.now())
	start, ok := queryInt(w, r, "start", now-3600)
	if !ok {
		return
	}
	end, ok := queryInt(w, r, "end", now)
	if !ok {
		return
	}
	if end < start || end-start > 86400 {
		writeErr(w, http.StatusBadRequest, "end-start must be within 24 hours")
		return
	}
	type detail struct {
		Domain    string `json:"domain"`
		Type      string `json:"type"`
		PlayCount int64  `json:"playCount"`
		Bandwidth int64  `json:"bandwidth"`
	}
	type stats struct {
		Bps             int      `json:"bps"`
		VideoFps        int      `json:"videoFps"`
		AudioFps        int      `json:"audioFps"`
		Width           int      `json:"width"`
		Height          int      `json:"height"`
		VideoCodec      string   `json:"videoCodec"`
		VideoProfile    string   `json:"videoProfile"`
		VideoFrameRate  int      `json:"videoFrameRate"`
		VideoBitRate    int      `json:"videoBitRate"`
		AudioCodec      string   `json:"audioCodec"`
		AudioChannel    int      `json:"audioChannel"`
		AudioSampleRate int      `json:"audioSampleRate"`
		AudioBitRate    int      `json:"audioBitRate"`
		PlayCount       int64    `json:"playCount"`
		Bandwidth       int64    `json:"bandwidth"`
		DetailStats     []detail `json:"detailStats"`
	}
	type item struct {
		Hub    string `json:"hub"`
		Time   int64  `json:"time"`
		Stream string `json:"stream"`
		Stats  stats  `json:"stats"`
	}
	items := []item{}
	h := s.hubs[r.PathValue("hub")]
	var st *stream
	if h != nil {
		if key, ok := decodeTitle(r.PathValue("enc")); ok {
			st = h.streams[key]
		}
	}
	if st != nil {
		var details []detail
		for _, d := range h.Domains {
			if d.Type != DomainPublishRtmp {
				details = append(details, detail{d.Domain, d.Type, livePlayCount, liveBandwidth})
			}
		}
		for t := (start + 59) / 60 * 60; t <= end; t += 60 {
			for _, se := range st.history {
				if se.Start <= t && t <= s.sessionEnd(se) {
					items = append(items, item{h.Name, t, st.Key, stats{
						liveBps, liveFpsVideo, liveFpsAudio, 1280, 720, "avc", "High", liveFpsVideo,
						liveVideoBitRate, "aac", 2, 44100, liveAudioBitRate,
						int64(livePlayCount * len(details)), int64(liveBandwidth * len(details)), details}})
					break
				}
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// updateConverts accepts 480p, 720p and wmt_<template> profiles; an empty
// array cancels transcoding (spec §4.3.11).
func (s *Server) updateConverts(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Converts *[]string `json:"converts"`
	}
	s.updateStream(w, r, &body, func(st *stream) string {
		if body.Converts == nil {
			return "converts required"
		}
		for _, c := range *body.Converts {
			if c != "480p" && c != "720p" && !(strings.HasPrefix(c, "wmt_") && len(c) > 4) {
				return "invalid convert profile " + c
			}
		}
		st.Converts = append([]string{}, (*body.Converts)...)
		return ""
	})
}

func (s *Server) setStreamNrop(w http.ResponseWriter, r *http.Request) {
	var body struct {
		NropEnable *bool `json:"nropEnable"`
	}
	s.updateStream(w, r, &body, func(st *stream) string {
		if body.NropEnable == nil {
			return "nropEnable required"
		}
		st.NropEnable = *body.NropEnable
		return ""
	})
}
