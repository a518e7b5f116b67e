package aiozfake

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Media statuses (spec §3.5).
const (
	StatusNew         = "new"
	StatusTranscoding = "transcoding"
	StatusDone        = "done"
	StatusFail        = "fail"
	StatusDeleted     = "deleted"
)

const (
	mib = 1 << 20
	// Chunk bounds enforced for non-last chunks when Options.StrictChunks.
	minChunk = 50 * mib
	maxChunk = 200 * mib

	// costPerMinutePerRendition is the fake transcode price:
	// price = duration/60 × costPerMinutePerRendition × renditions.
	costPerMinutePerRendition = 0.01

	// fakeBytesPerSecond turns an uploaded size into a fake duration
	// (1 Mbit/s, at least one second).
	fakeBytesPerSecond = 131072
)

// videoResolutions is the union of seed 001 and the OpenAPI list (spec Q6).
var videoResolutions = map[string]int{
	"144p": 144, "240p": 240, "360p": 360, "480p": 480, "720p": 720,
	"1080p": 1080, "1440p": 1440, "2160p": 2160, "4320p": 4320,
}

// audioPresets are the audio quality presets with the fake's bitrates.
var audioPresets = map[string]int{
	"standard": 128000, "good": 192000, "highest": 320000, "lossless": 1411000,
}

var videoBitrates = map[string]int{
	"144p": 200000, "240p": 400000, "360p": 800000, "480p": 1200000, "720p": 2500000,
	"1080p": 5000000, "1440p": 8000000, "2160p": 16000000, "4320p": 40000000,
}

var (
	defaultVideoQualities = []string{"1080p", "720p", "360p"}
	defaultAudioQualities = []string{"standard"}
)

type quality struct {
	Name, Type, Container, Status string
	VideoCodec                    string
	VideoBitrate                  int
	AudioCodec                    string
	AudioBitrate                  int
}

type partRange struct {
	start, end int64
}

type media struct {
	seq                   int
	ID, Title, Desc, Type string
	Status                string
	IsPublic              bool
	Tags                  []string
	Metadata              []Metadata
	Qualities             []quality
	PlayerThemeID         string
	Duration              float64
	Size                  int64
	View                  int
	HasThumbnail          bool
	CreatedAt, UpdatedAt  time.Time

	total int64 // -1 until the first part arrives
	parts map[int64]partRange

	captions []*caption
	chapters []string // canonical language tags, in creation order

	// transcoding state machine, see Options.Step
	completedAt time.Time
	stepsTotal  int
	nextStep    int
	failing     bool
	waitRead    bool
}

// MediaSeed describes a media object created directly by SeedMedia.
type MediaSeed struct {
	ID          string // generated when empty
	Title       string // required
	Type        string // "video" (default) or "audio"
	Description string
	IsPublic    bool
	Tags        []string
	Metadata    []Metadata
	Status      string   // default "done"
	Qualities   []string // resolutions/presets; default 1080p,720p,360p (video) or standard (audio)
	Duration    float64  // seconds; default 120
	Size        int64    // bytes; default 15 MiB
	View        int
	CreatedAt   time.Time // default Options.Now()
}

// SeedMedia adds media objects as if they had been uploaded and transcoded
// (status "done" unless Status says otherwise) and returns their ids in
// order. It panics on an invalid seed (empty title, unknown type, status or
// quality, duplicate id): seeds are written by programmers, not users.
func (s *Server) SeedMedia(seeds ...MediaSeed) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(seeds))
	for _, sd := range seeds {
		if strings.TrimSpace(sd.Title) == "" {
			panic("aiozfake: MediaSeed.Title is required")
		}
		typ := sd.Type
		if typ == "" {
			typ = "video"
		}
		if typ != "video" && typ != "audio" {
			panic("aiozfake: MediaSeed.Type must be video or audio")
		}
		status := sd.Status
		if status == "" {
			status = StatusDone
		}
		if !validStatus(status) {
			panic("aiozfake: invalid MediaSeed.Status " + status)
		}
		names := sd.Qualities
		if len(names) == 0 {
			names = defaultQualities(typ)
		}
		var qs []quality
		for _, n := range names {
			if !validResolution(typ, n) {
				panic("aiozfake: invalid MediaSeed quality " + n)
			}
			q := defaultQuality(typ, n)
			switch status {
			case StatusDone, StatusDeleted:
				q.Status = StatusDone
			default:
				q.Status = status
			}
			qs = append(qs, q)
		}
		id := sd.ID
		if id == "" {
			id = s.newIDLocked()
		} else {
			s.seq++
		}
		if _, dup := s.media[id]; dup {
			panic("aiozfake: duplicate MediaSeed.ID " + id)
		}
		created := sd.CreatedAt
		if created.IsZero() {
			created = s.now()
		}
		dur, size := sd.Duration, sd.Size
		if dur == 0 {
			dur = 120
		}
		if size == 0 {
			size = 15 * mib
		}
		m := &media{
			seq: s.seq, ID: id, Title: sd.Title, Desc: sd.Description, Type: typ,
			Status: status, IsPublic: sd.IsPublic,
			Tags: append([]string{}, sd.Tags...), Metadata: append([]Metadata{}, sd.Metadata...),
			Qualities: qs, Duration: dur, Size: size, View: sd.View,
			CreatedAt: created, UpdatedAt: created, total: size, parts: map[int64]partRange{},
		}
		s.media[id] = m
		s.order = append(s.order, m)
		ids = append(ids, id)
	}
	return ids
}

// newIDLocked returns a deterministic UUID-shaped id.
func (s *Server) newIDLocked() string {
	s.seq++
	h := md5.Sum([]byte("aiozfake-media-" + strconv.Itoa(s.seq)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func validStatus(s string) bool {
	switch s {
	case StatusNew, StatusTranscoding, StatusDone, StatusFail, StatusDeleted:
		return true
	}
	return false
}

func validResolution(typ, res string) bool {
	if typ == "audio" {
		_, ok := audioPresets[res]
		return ok
	}
	_, ok := videoResolutions[res]
	return ok
}

func defaultQualities(typ string) []string {
	if typ == "audio" {
		return defaultAudioQualities
	}
	return defaultVideoQualities
}

func defaultQuality(typ, name string) quality {
	if typ == "audio" {
		return quality{Name: name, Type: "hls", Container: "mpegts", Status: StatusNew,
			AudioCodec: "aac", AudioBitrate: audioPresets[name]}
	}
	return quality{Name: name, Type: "hls", Container: "mpegts", Status: StatusNew,
		VideoCodec: "h264", VideoBitrate: videoBitrates[name], AudioCodec: "aac", AudioBitrate: 128000}
}

// liveMediaLocked returns a media that exists and is not deleted.
func (s *Server) liveMediaLocked(id string) (*media, error) {
	m := s.media[id]
	if m == nil || m.Status == StatusDeleted {
		return nil, notFound("Media not found")
	}
	return m, nil
}

// ---------------------------------------------------------------------------
// JSON rendering (spec §5.1, §5.2, §5.4)

type assetsJSON struct {
	HLSURL        string `json:"hls_url"`
	HLSPlayerURL  string `json:"hls_player_url"`
	HLSIframe     string `json:"hls_iframe"`
	DashURL       string `json:"dash_url"`
	DashPlayerURL string `json:"dash_player_url"`
	DashIframe    string `json:"dash_iframe"`
	MP4URL        string `json:"mp4_url,omitempty"`
	SourceURL     string `json:"source_url"`
	ThumbnailURL  string `json:"thumbnail_url"`
}

type qualityJSON struct {
	Name         string `json:"name"`
	Type         string `json:"type"`
	Status       string `json:"status"`
	VideoCodec   string `json:"video_codec"`
	VideoBitrate int    `json:"video_bitrate"`
	AudioCodec   string `json:"audio_codec"`
	AudioBitrate int    `json:"audio_bitrate"`
}

type mediaJSON struct {
	ID            string        `json:"id"`
	Title         string        `json:"title"`
	Description   string        `json:"description"`
	Type          string        `json:"type,omitempty"` // omitted by player.json only
	Status        string        `json:"status"`
	IsPublic      bool          `json:"is_public"`
	IsMP4         bool          `json:"is_mp4"`
	Duration      float64       `json:"duration"`
	Size          int64         `json:"size"`
	View          *int          `json:"view,omitempty"` // omitted by player.json only
	Tags          []string      `json:"tags"`
	Metadata      []Metadata    `json:"metadata"`
	Assets        assetsJSON    `json:"assets"`
	Qualities     []qualityJSON `json:"qualities"`
	Captions      []captionJSON `json:"captions"`
	Chapters      []chapterJSON `json:"chapters"`
	PlayerThemeID string        `json:"player_theme_id"`
	UserID        string        `json:"user_id"`
	CreatedAt     string        `json:"created_at"`
	UpdatedAt     string        `json:"updated_at"`
}

const embedBase = "https://embed.aiozstream.network/vod/"

func iframe(src string) string {
	return `<iframe src="` + src + `" width="100%" height="100%" frameborder="0" scrolling="no" allowfullscreen="true"></iframe>`
}

func (m *media) hasFormat(t string) bool {
	for _, q := range m.Qualities {
		if q.Type == t {
			return true
		}
	}
	return false
}

func (m *media) assets(base string) assetsJSON {
	var a assetsJSON
	if m.Status != StatusDone {
		return a
	}
	mb := base + "/media/" + m.ID
	if m.hasFormat("hls") {
		a.HLSURL = mb + "/manifest.m3u8"
		a.HLSPlayerURL = embedBase + "hls/" + m.ID
		a.HLSIframe = iframe(a.HLSPlayerURL)
	}
	if m.hasFormat("dash") {
		a.DashURL = mb + "/manifest"
		a.DashPlayerURL = embedBase + "dash/" + m.ID
		a.DashIframe = iframe(a.DashPlayerURL)
	}
	if m.Type == "video" {
		a.MP4URL = mb + "/mp4"
	}
	a.SourceURL = mb + "/source"
	a.ThumbnailURL = mb + "/thumbnail?resolution=original"
	return a
}

func (s *Server) renderLocked(m *media, base string, player bool) mediaJSON {
	j := mediaJSON{
		ID: m.ID, Title: m.Title, Description: m.Desc, Type: m.Type, Status: m.Status,
		IsPublic: m.IsPublic, IsMP4: m.Type == "video" && m.Status == StatusDone,
		Duration: m.Duration, Size: m.Size,
		Tags: append([]string{}, m.Tags...), Metadata: append([]Metadata{}, m.Metadata...),
		Assets: m.assets(base), Qualities: []qualityJSON{},
		Captions: s.captionsJSON(m, base), Chapters: s.chaptersJSON(m, base),
		PlayerThemeID: m.PlayerThemeID, UserID: UserID,
		CreatedAt: rfc3339(m.CreatedAt), UpdatedAt: rfc3339(m.UpdatedAt),
	}
	if !player {
		v := m.View
		j.View = &v
	} else {
		j.Type = ""
	}
	for _, q := range m.Qualities {
		j.Qualities = append(j.Qualities, qualityJSON{
			Name: q.Name, Type: q.Type, Status: q.Status,
			VideoCodec: q.VideoCodec, VideoBitrate: q.VideoBitrate,
			AudioCodec: q.AudioCodec, AudioBitrate: q.AudioBitrate,
		})
	}
	return j
}

// ---------------------------------------------------------------------------
// M1 create

type videoConfigReq struct {
	Codec   string `json:"codec"`
	Bitrate int64  `json:"bitrate"`
	Index   int    `json:"index"`
}

type audioConfigReq struct {
	Codec      string `json:"codec"`
	Bitrate    int64  `json:"bitrate"`
	Channels   string `json:"channels"`
	SampleRate int    `json:"sample_rate"`
	Language   string `json:"language"`
	Index      int    `json:"index"`
}

type qualityReq struct {
	Resolution    string          `json:"resolution"`
	Type          string          `json:"type"`
	ContainerType string          `json:"container_type"`
	VideoConfig   *videoConfigReq `json:"video_config"`
	AudioConfig   *audioConfigReq `json:"audio_config"`
}

type createReq struct {
	Title           *string         `json:"title"`
	Type            string          `json:"type"`
	Description     string          `json:"description"`
	IsPublic        *bool           `json:"is_public"`
	Tags            []string        `json:"tags"`
	Metadata        []Metadata      `json:"metadata"`
	Qualities       []qualityReq    `json:"qualities"`
	SegmentDuration *int            `json:"segment_duration"`
	Watermark       json.RawMessage `json:"watermark"`
}

func validateTags(tags []string) error {
	if len(tags) > 50 {
		return badRequest("tags: at most 50 items allowed, got %d", len(tags))
	}
	for i, t := range tags {
		if strings.TrimSpace(t) == "" {
			return badRequest("tags[%d] must not be empty", i)
		}
		if len(t) > 255 {
			return badRequest("tags[%d] is longer than 255 characters", i)
		}
	}
	return nil
}

func validateMetadata(md []Metadata) error {
	if len(md) > 50 {
		return badRequest("metadata: at most 50 items allowed, got %d", len(md))
	}
	for i, kv := range md {
		if kv.Key == "" {
			return badRequest("metadata[%d].key is required", i)
		}
		if len(kv.Key) > 255 || len(kv.Value) > 255 {
			return badRequest("metadata[%d]: key and value must be at most 255 characters", i)
		}
	}
	return nil
}

func validateQualities(typ string, reqs []qualityReq) ([]quality, error) {
	var out []quality
	seen := map[string]bool{}
	for i, qr := range reqs {
		if qr.Resolution == "" {
			return nil, badRequest("qualities[%d].resolution is required", i)
		}
		if !validResolution(typ, qr.Resolution) {
			if typ == "audio" {
				return nil, badRequest("qualities[%d].resolution %q is not allowed for audio (allowed: standard, good, highest, lossless)", i, qr.Resolution)
			}
			return nil, badRequest("qualities[%d].resolution %q is not allowed for video (allowed: 144p, 240p, 360p, 480p, 720p, 1080p, 1440p, 2160p, 4320p)", i, qr.Resolution)
		}
		q := defaultQuality(typ, qr.Resolution)
		switch qr.Type {
		case "", "hls":
			q.Type = "hls"
		case "dash":
			q.Type = "dash"
		default:
			return nil, badRequest("qualities[%d].type %q is not allowed (allowed: hls, dash)", i, qr.Type)
		}
		switch qr.ContainerType {
		case "":
			if q.Type == "dash" {
				q.Container = "fmp4"
			} else {
				q.Container = "mpegts"
			}
		case "mpegts", "fmp4", "mp4":
			q.Container = qr.ContainerType
		default:
			return nil, badRequest("qualities[%d].container_type %q is not allowed (allowed: mpegts, fmp4, mp4)", i, qr.ContainerType)
		}
		key := q.Name + "/" + q.Type
		if seen[key] {
			return nil, badRequest("qualities[%d]: duplicate quality %s %s", i, q.Name, q.Type)
		}
		seen[key] = true
		if vc := qr.VideoConfig; vc != nil {
			if typ == "audio" && (vc.Codec != "" || vc.Bitrate != 0) {
				return nil, badRequest("qualities[%d].video_config is not allowed for audio", i)
			}
			switch vc.Codec {
			case "":
			case "h264":
				if videoResolutions[q.Name] > 2160 {
					return nil, badRequest("qualities[%d]: codec h264 supports at most 2160p (4K); use h265 for %s", i, q.Name)
				}
				q.VideoCodec = "h264"
			case "h265":
				q.VideoCodec = "h265"
			default:
				return nil, badRequest("qualities[%d].video_config.codec %q is not allowed (allowed: h264, h265)", i, vc.Codec)
			}
			if vc.Bitrate < 0 || vc.Index < 0 {
				return nil, badRequest("qualities[%d].video_config: bitrate and index must be >= 0", i)
			}
			if vc.Bitrate > 0 {
				q.VideoBitrate = int(vc.Bitrate)
			}
		} else if typ == "video" && videoResolutions[q.Name] > 2160 {
			// default codec is h264, which cannot go above 4K
			return nil, badRequest("qualities[%d]: %s needs video_config.codec h265 (h264 supports at most 2160p)", i, q.Name)
		}
		if ac := qr.AudioConfig; ac != nil {
			switch ac.Codec {
			case "", "aac":
			default:
				return nil, badRequest("qualities[%d].audio_config.codec %q is not allowed (allowed: aac)", i, ac.Codec)
			}
			if ac.Bitrate < 0 || ac.SampleRate < 0 || ac.Index < 0 {
				return nil, badRequest("qualities[%d].audio_config: bitrate, sample_rate and index must be >= 0", i)
			}
			if ac.Channels != "" {
				if n, err := strconv.Atoi(ac.Channels); err != nil || n < 1 || n > 8 {
					return nil, badRequest("qualities[%d].audio_config.channels must be a string holding an integer 1-8", i)
				}
			}
			if ac.Bitrate > 0 {
				q.AudioBitrate = int(ac.Bitrate)
			}
		}
		out = append(out, q)
	}
	return out, nil
}

func (s *Server) handleCreateMedia(w http.ResponseWriter, r *http.Request) {
	var req createReq
	if mediaType(r) == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			writeErr(w, http.StatusBadRequest, "invalid form body")
			return
		}
		f := r.PostForm
		if f.Has("title") {
			t := f.Get("title")
			req.Title = &t
		}
		req.Type, req.Description = f.Get("type"), f.Get("description")
		if v := f.Get("is_public"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				writeErr(w, http.StatusBadRequest, "is_public must be true or false")
				return
			}
			req.IsPublic = &b
		}
		for _, v := range f["tags"] {
			req.Tags = append(req.Tags, splitList(v)...)
		}
		if f.Has("qualities") || f.Has("metadata") {
			writeErr(w, http.StatusBadRequest, "qualities and metadata need a JSON body")
			return
		}
	} else if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Title == nil || strings.TrimSpace(*req.Title) == "" {
		writeErr(w, http.StatusBadRequest, "title is required")
		return
	}
	typ := req.Type
	if typ == "" {
		typ = "video"
	}
	if typ != "video" && typ != "audio" {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("type %q is not allowed (allowed: video, audio)", req.Type))
		return
	}
	if err := validateTags(req.Tags); err != nil {
		writeError(w, err)
		return
	}
	if err := validateMetadata(req.Metadata); err != nil {
		writeError(w, err)
		return
	}
	if req.SegmentDuration != nil && *req.SegmentDuration < 0 {
		writeErr(w, http.StatusBadRequest, "segment_duration must be >= 0")
		return
	}
	var qs []quality
	if len(req.Qualities) == 0 {
		for _, n := range defaultQualities(typ) {
			qs = append(qs, defaultQuality(typ, n))
		}
	} else {
		var err error
		if qs, err = validateQualities(typ, req.Qualities); err != nil {
			writeError(w, err)
			return
		}
	}

	s.mu.Lock()
	now := s.now()
	m := &media{
		ID: s.newIDLocked(), Title: *req.Title, Desc: req.Description, Type: typ,
		Status: StatusNew, Tags: append([]string{}, req.Tags...),
		Metadata: append([]Metadata{}, req.Metadata...), Qualities: qs,
		CreatedAt: now, UpdatedAt: now, total: -1, parts: map[int64]partRange{},
	}
	m.seq = s.seq
	if req.IsPublic != nil {
		m.IsPublic = *req.IsPublic
	}
	s.media[m.ID] = m
	s.order = append(s.order, m)
	out := s.renderLocked(m, baseURL(r), false)
	s.mu.Unlock()
	writeData(w, http.StatusOK, out)
}

// ---------------------------------------------------------------------------
// M2 list / search

type listReq struct {
	Type     string          `json:"type"`
	Search   string          `json:"search"`
	Status   json.RawMessage `json:"status"`
	Tags     json.RawMessage `json:"tags"`
	Metadata json.RawMessage `json:"metadata"`
	SortBy   string          `json:"sort_by"`
	OrderBy  string          `json:"order_by"`
	Offset   *int            `json:"offset"`
	Limit    *int            `json:"limit"`
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// stringOrList accepts a JSON string (comma-separated) or an array of
// strings (spec Q8).
func stringOrList(field string, raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, badRequest("%s must be a string or an array of strings", field)
		}
		return splitList(s), nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, badRequest("%s must be a string or an array of strings", field)
	}
	return list, nil
}

// metadataFilter accepts an object {"k":"v"} or an array [{key,value}].
func metadataFilter(raw json.RawMessage) ([]Metadata, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '{' {
		var obj map[string]string
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, badRequest("metadata must be an object of strings or an array of {key,value}")
		}
		var out []Metadata
		for k, v := range obj {
			out = append(out, Metadata{k, v})
		}
		return out, nil
	}
	var list []Metadata
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, badRequest("metadata must be an object of strings or an array of {key,value}")
	}
	return list, nil
}

func (m *media) hasTags(tags []string) bool { return containsAll(m.Tags, tags) }

func (m *media) hasMetadata(md []Metadata) bool { return containsAll(m.Metadata, md) }

// containsAll reports whether every wanted value is in have.
func containsAll[T comparable](have, want []T) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func (s *Server) handleListMedia(w http.ResponseWriter, r *http.Request) {
	var req listReq
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Type != "" && req.Type != "video" && req.Type != "audio" {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("type %q is not allowed (allowed: video, audio)", req.Type))
		return
	}
	statuses, err := stringOrList("status", req.Status)
	if err != nil {
		writeError(w, err)
		return
	}
	for _, st := range statuses {
		if !validStatus(st) {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("status %q is not allowed (allowed: new, transcoding, done, fail, deleted)", st))
			return
		}
	}
	tags, err := stringOrList("tags", req.Tags)
	if err != nil {
		writeError(w, err)
		return
	}
	md, err := metadataFilter(req.Metadata)
	if err != nil {
		writeError(w, err)
		return
	}
	sortBy := req.SortBy
	switch sortBy {
	case "":
		sortBy = "created_at"
	case "created_at", "name":
	default:
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("sort_by %q is not allowed (allowed: created_at, name)", req.SortBy))
		return
	}
	orderBy := req.OrderBy
	switch orderBy {
	case "":
		orderBy = "asc"
	case "asc", "desc":
	default:
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("order_by %q is not allowed (allowed: asc, desc)", req.OrderBy))
		return
	}
	offset, limit := 0, 25
	if req.Offset != nil {
		if *req.Offset < 0 {
			writeErr(w, http.StatusBadRequest, "offset must be >= 0")
			return
		}
		offset = *req.Offset
	}
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > 100 {
			writeErr(w, http.StatusBadRequest, "limit must be between 1 and 100")
			return
		}
		limit = *req.Limit
	}
	wantDeleted := false
	for _, st := range statuses {
		if st == StatusDeleted {
			wantDeleted = true
		}
	}
	search := strings.ToLower(req.Search)

	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []*media
	for _, m := range s.order {
		if m.Status == StatusDeleted && !wantDeleted {
			continue
		}
		if req.Type != "" && m.Type != req.Type {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(m.Title), search) {
			continue
		}
		if len(statuses) > 0 && !contains(statuses, m.Status) {
			continue
		}
		if !m.hasTags(tags) || !m.hasMetadata(md) {
			continue
		}
		hits = append(hits, m)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if orderBy == "desc" {
			a, b = b, a
		}
		if sortBy == "name" {
			la, lb := strings.ToLower(a.Title), strings.ToLower(b.Title)
			if la != lb {
				return la < lb
			}
		} else if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return a.seq < b.seq
	})
	lo, hi := page(len(hits), offset, limit)
	base := baseURL(r)
	out := make([]mediaJSON, 0, hi-lo)
	for _, m := range hits[lo:hi] {
		out = append(out, s.renderLocked(m, base, false))
	}
	writeData(w, http.StatusOK, map[string]any{"media": out, "total": len(hits)})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// M3 detail, M11 player.json

func (s *Server) handleGetMedia(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	m, err := s.liveMediaLocked(r.PathValue("id"))
	if err != nil {
		s.mu.Unlock()
		writeError(w, err)
		return
	}
	out := s.renderLocked(m, baseURL(r), false)
	if m.waitRead {
		// Step == 0: this response shows "transcoding"; everything after it
		// sees the final state.
		s.finishLocked(m)
	}
	s.mu.Unlock()
	writeData(w, http.StatusOK, out)
}

func (s *Server) handlePlayerJSON(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	m, err := s.liveMediaLocked(r.PathValue("id"))
	if err != nil {
		s.mu.Unlock()
		writeError(w, err)
		return
	}
	out := s.renderLocked(m, baseURL(r), true)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out) // no envelope (spec §3.1)
}

// ---------------------------------------------------------------------------
// M7 update, M10 delete

type updateReq struct {
	Title         *string     `json:"title"`
	Description   *string     `json:"description"`
	IsPublic      *bool       `json:"is_public"`
	Tags          *[]string   `json:"tags"`
	Metadata      *[]Metadata `json:"metadata"`
	PlayerID      *string     `json:"player_id"`
	PlayerThemeID *string     `json:"player_theme_id"`
}

func (s *Server) handleUpdateMedia(w http.ResponseWriter, r *http.Request) {
	var req updateReq
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Title != nil && strings.TrimSpace(*req.Title) == "" {
		writeErr(w, http.StatusBadRequest, "title must not be empty")
		return
	}
	if req.Tags != nil {
		if err := validateTags(*req.Tags); err != nil {
			writeError(w, err)
			return
		}
	}
	if req.Metadata != nil {
		if err := validateMetadata(*req.Metadata); err != nil {
			writeError(w, err)
			return
		}
	}
	if req.PlayerID != nil && req.PlayerThemeID != nil && *req.PlayerID != *req.PlayerThemeID {
		writeErr(w, http.StatusBadRequest, "player_id and player_theme_id disagree")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.liveMediaLocked(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	if req.Title != nil {
		m.Title = *req.Title
	}
	if req.Description != nil {
		m.Desc = *req.Description
	}
	if req.IsPublic != nil {
		m.IsPublic = *req.IsPublic
	}
	if req.Tags != nil {
		m.Tags = append([]string{}, (*req.Tags)...)
	}
	if req.Metadata != nil {
		m.Metadata = append([]Metadata{}, (*req.Metadata)...)
	}
	if req.PlayerID != nil {
		m.PlayerThemeID = *req.PlayerID
	} else if req.PlayerThemeID != nil {
		m.PlayerThemeID = *req.PlayerThemeID
	}
	m.UpdatedAt = s.now()
	writeOK(w, "Update media successfully.")
}

func (s *Server) handleDeleteMedia(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.liveMediaLocked(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	m.Status = StatusDeleted
	m.nextStep = m.stepsTotal // cancel pending transcoding steps
	m.waitRead = false
	m.UpdatedAt = s.now()
	writeOK(w, "Delete media successfully.")
}

// ---------------------------------------------------------------------------
// M4 cost

func (s *Server) handleCost(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var missing []string
	for _, k := range []string{"type", "duration", "qualities"} {
		if strings.TrimSpace(q.Get(k)) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		writeErr(w, http.StatusBadRequest, "missing required query parameter(s): "+strings.Join(missing, ", "))
		return
	}
	typ := q.Get("type")
	if typ != "video" && typ != "audio" {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("type %q is not allowed (allowed: video, audio)", typ))
		return
	}
	dur, err := strconv.ParseFloat(q.Get("duration"), 64)
	if err != nil || math.IsNaN(dur) || math.IsInf(dur, 0) || dur <= 0 {
		writeErr(w, http.StatusBadRequest, "duration must be a number of seconds > 0")
		return
	}
	names := strings.Split(q.Get("qualities"), ",")
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			writeErr(w, http.StatusBadRequest, "qualities must be a comma-separated list without empty items")
			return
		}
		if !validResolution(typ, n) {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("quality %q is not allowed for %s", n, typ))
			return
		}
		if seen[n] {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("duplicate quality %q", n))
			return
		}
		seen[n] = true
	}
	price := Price(dur, len(names))
	s.mu.Lock()
	enough := price <= s.balance
	s.mu.Unlock()
	writeData(w, http.StatusOK, map[string]any{"price": price, "is_enough": enough})
}

// Price is the fake's transcode price for duration seconds and n
// renditions: duration/60 × 0.01 × n, rounded to six decimals.
func Price(duration float64, n int) float64 {
	p := duration / 60 * costPerMinutePerRendition * float64(n)
	return math.Round(p*1e6) / 1e6
}

// ---------------------------------------------------------------------------
// M5 part upload

var contentRangeRE = regexp.MustCompile(`^bytes (\d{1,19})-(\d{1,19})/(\d{1,19})$`)

func parseContentRange(h string) (start, end, total int64, err error) {
	if h == "" {
		return 0, 0, 0, badRequest("Content-Range header is required (bytes {start}-{end}/{total})")
	}
	m := contentRangeRE.FindStringSubmatch(strings.TrimSpace(h))
	if m == nil {
		return 0, 0, 0, badRequest("malformed Content-Range %q: want bytes {start}-{end}/{total}", h)
	}
	start, e1 := strconv.ParseInt(m[1], 10, 64)
	end, e2 := strconv.ParseInt(m[2], 10, 64)
	total, e3 := strconv.ParseInt(m[3], 10, 64)
	if e1 != nil || e2 != nil || e3 != nil {
		return 0, 0, 0, badRequest("malformed Content-Range %q: numbers out of range", h)
	}
	if end < start {
		return 0, 0, 0, badRequest("invalid Content-Range %q: end %d is before start %d", h, end, start)
	}
	if total <= 0 || end >= total {
		return 0, 0, 0, badRequest("invalid Content-Range %q: end %d must be less than total %d", h, end, total)
	}
	return start, end, total, nil
}

var md5HexRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (s *Server) handlePart(w http.ResponseWriter, r *http.Request) {
	rec := recorded(r)
	id := r.PathValue("id")
	s.mu.Lock()
	m, err := s.liveMediaLocked(id)
	if err == nil && m.Status != StatusNew {
		err = badRequest("media %s is not in new state (status %s); parts can only be uploaded before /complete", id, m.Status)
	}
	inject := err == nil && s.failParts > 0
	if inject {
		s.failParts--
	}
	s.mu.Unlock()
	if err != nil {
		drain(r)
		writeError(w, err)
		return
	}

	start, end, total, crErr := parseContentRange(r.Header.Get("Content-Range"))

	// A large read buffer under the multipart reader (which peeks 4 KiB at
	// a time) keeps a 200 MiB part from costing 50,000 read syscalls.
	r.Body = struct {
		io.Reader
		io.Closer
	}{bufio.NewReaderSize(r.Body, 1<<20), r.Body}
	mr, mpErr := r.MultipartReader()
	if mpErr != nil {
		drain(r)
		writeErr(w, http.StatusBadRequest, "request must be multipart/form-data with fields file, index and hash")
		return
	}
	var (
		sawFile, sawIndex, sawHash bool
		size                       int64
		sum                        string
		readErr                    error
	)
	for readErr == nil {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = badRequest("malformed multipart body: %v", err)
			break
		}
		switch part.FormName() {
		case "file":
			if sawFile {
				readErr = badRequest("more than one file field")
				break
			}
			sawFile = true
			h := md5.New()
			n, err := io.Copy(h, part)
			size = n
			if err != nil {
				readErr = badRequest("cannot read file part: %v", err)
				break
			}
			sum = hex.EncodeToString(h.Sum(nil))
		case "index", "hash":
			b, err := io.ReadAll(io.LimitReader(part, 1025))
			if err != nil {
				readErr = badRequest("cannot read field %s: %v", part.FormName(), err)
				break
			}
			if len(b) > 1024 {
				readErr = badRequest("field %s is too long", part.FormName())
				break
			}
			if part.FormName() == "index" {
				sawIndex, rec.Index = true, string(b)
			} else {
				sawHash, rec.Hash = true, string(b)
			}
		default:
			_, _ = io.Copy(io.Discard, part)
		}
		_ = part.Close()
	}
	drain(r)
	rec.PartSize = size

	if inject {
		writeErr(w, http.StatusInternalServerError, "Internal server error (injected fault)")
		return
	}
	if crErr != nil {
		writeError(w, crErr)
		return
	}
	if readErr != nil {
		writeError(w, readErr)
		return
	}
	if !sawFile {
		writeErr(w, http.StatusBadRequest, "file is required")
		return
	}
	if !sawIndex || strings.TrimSpace(rec.Index) == "" {
		writeErr(w, http.StatusBadRequest, "index is required")
		return
	}
	index, err := strconv.ParseInt(strings.TrimSpace(rec.Index), 10, 64)
	if err != nil || index < 0 {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("index must be a non-negative integer, got %q", rec.Index))
		return
	}
	if !sawHash || rec.Hash == "" {
		writeErr(w, http.StatusBadRequest, "hash is required (MD5 of the chunk, lowercase hex)")
		return
	}
	if !md5HexRE.MatchString(rec.Hash) {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("hash %q is not an MD5 in lowercase hex (32 characters 0-9a-f)", rec.Hash))
		return
	}
	if want := end - start + 1; size != want {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("file is %d bytes but Content-Range bytes %d-%d/%d announces %d", size, start, end, total, want))
		return
	}
	if rec.Hash != sum {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("hash mismatch for index %d: got %s, computed %s", index, rec.Hash, sum))
		return
	}
	if s.opts.StrictChunks && end+1 < total && (size < minChunk || size > maxChunk) {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("chunk %d is %d bytes; every chunk but the last must be 50-200 MiB (52428800-209715200 bytes)", index, size))
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	m, err = s.liveMediaLocked(id)
	if err == nil && m.Status != StatusNew {
		err = badRequest("media %s is not in new state (status %s)", id, m.Status)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if m.total >= 0 && m.total != total {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("Content-Range total %d differs from %d announced by earlier parts", total, m.total))
		return
	}
	m.total = total
	m.parts[index] = partRange{start, end}
	m.UpdatedAt = s.now()
	writeOK(w, "Upload part successfully.")
}

// ---------------------------------------------------------------------------
// M6 complete and the transcoding state machine

// coverage reports the byte ranges of [0,total) not covered by parts and
// the ranges covered more than once.
func coverage(parts map[int64]partRange, total int64) (missing, overlap []string) {
	rs := make([]partRange, 0, len(parts))
	for _, p := range parts {
		rs = append(rs, p)
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].start != rs[j].start {
			return rs[i].start < rs[j].start
		}
		return rs[i].end < rs[j].end
	})
	var cur int64
	for _, p := range rs {
		if p.start > cur {
			missing = append(missing, fmt.Sprintf("%d-%d", cur, p.start-1))
		} else if p.start < cur {
			oe := p.end
			if cur-1 < oe {
				oe = cur - 1
			}
			overlap = append(overlap, fmt.Sprintf("%d-%d", p.start, oe))
		}
		if p.end+1 > cur {
			cur = p.end + 1
		}
	}
	if cur < total {
		missing = append(missing, fmt.Sprintf("%d-%d", cur, total-1))
	}
	return missing, overlap
}

func (s *Server) handleComplete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.liveMediaLocked(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	if m.Status != StatusNew {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("media %s is already completed (status %s)", m.ID, m.Status))
		return
	}
	if len(m.parts) == 0 {
		writeErr(w, http.StatusBadRequest, "no parts uploaded for this media")
		return
	}
	missing, overlap := coverage(m.parts, m.total)
	if len(missing) > 0 || len(overlap) > 0 {
		var msg []string
		if len(missing) > 0 {
			msg = append(msg, "missing byte ranges "+strings.Join(missing, ", "))
		}
		if len(overlap) > 0 {
			msg = append(msg, "overlapping byte ranges "+strings.Join(overlap, ", "))
		}
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("upload incomplete (total %d bytes): %s", m.total, strings.Join(msg, "; ")))
		return
	}
	now := s.now()
	m.Size = m.total
	m.UpdatedAt = now
	s.emitLocked(WebhookEvent{Type: "file_received", MediaID: m.ID, Title: m.Title, Status: StatusNew, Time: now})
	m.Status = StatusTranscoding
	for i := range m.Qualities {
		m.Qualities[i].Status = StatusTranscoding
	}
	s.emitLocked(WebhookEvent{Type: "encoding_started", MediaID: m.ID, Title: m.Title, Status: StatusTranscoding, Time: now})

	n := len(m.Qualities)
	m.failing = s.opts.FailTranscode
	m.stepsTotal = n + 1
	if m.failing {
		m.stepsTotal = n
	}
	m.nextStep = 0
	m.completedAt = now
	if s.opts.Step <= 0 {
		m.waitRead = true
	} else if !s.closed {
		for k := 1; k <= m.stepsTotal; k++ {
			s.timers = append(s.timers, time.AfterFunc(time.Duration(k)*s.opts.Step, s.tick))
		}
	}
	writeOK(w, "Upload completed successfully. Transcoding has started.")
}

func (s *Server) tick() {
	s.mu.Lock()
	s.advanceDueLocked()
	s.mu.Unlock()
}

// advanceDueLocked applies every step that is due by Options.Now (Step > 0).
func (s *Server) advanceDueLocked() {
	if s.opts.Step <= 0 {
		return
	}
	now := s.now()
	for _, m := range s.order {
		for m.nextStep < m.stepsTotal {
			due := m.completedAt.Add(time.Duration(m.nextStep+1) * s.opts.Step)
			if now.Before(due) {
				break
			}
			s.applyStepLocked(m, due)
		}
	}
}

// finishLocked applies all remaining steps of m now.
func (s *Server) finishLocked(m *media) {
	now := s.now()
	for m.nextStep < m.stepsTotal {
		s.applyStepLocked(m, now)
	}
	m.waitRead = false
}

func (s *Server) applyStepLocked(m *media, at time.Time) {
	k := m.nextStep
	m.nextStep++
	if m.Status != StatusTranscoding {
		m.nextStep = m.stepsTotal
		return
	}
	n := len(m.Qualities)
	m.UpdatedAt = at
	switch {
	case !m.failing && k < n, m.failing && k < n-1:
		m.Qualities[k].Status = StatusDone
		s.emitLocked(WebhookEvent{Type: "partial_finished", MediaID: m.ID, Title: m.Title,
			Status: StatusTranscoding, Quality: m.Qualities[k].Name, Time: at})
	case !m.failing:
		m.Status = StatusDone
		m.Duration = math.Max(1, math.Round(float64(m.Size)/fakeBytesPerSecond*100)/100)
		s.emitLocked(WebhookEvent{Type: "encoding_finished", MediaID: m.ID, Title: m.Title, Status: StatusDone, Time: at})
	default:
		for i := range m.Qualities {
			if m.Qualities[i].Status != StatusDone {
				m.Qualities[i].Status = StatusFail
			}
		}
		m.Status = StatusFail
		s.emitLocked(WebhookEvent{Type: "encoding_failed", MediaID: m.ID, Title: m.Title, Status: StatusFail, Time: at})
	}
}

// ---------------------------------------------------------------------------
// M8 / M9 thumbnail

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
)

// readFilePart streams a multipart body and returns the file name and the
// first head bytes of the "file" field, discarding the rest.
func readFilePart(r *http.Request, head int) (name string, prefix []byte, err error) {
	mr, e := r.MultipartReader()
	if e != nil {
		drain(r)
		return "", nil, badRequest("request must be multipart/form-data with a file field")
	}
	found := false
	for {
		part, e := mr.NextPart()
		if e == io.EOF {
			break
		}
		if e != nil {
			drain(r)
			return "", nil, badRequest("malformed multipart body: %v", e)
		}
		if part.FormName() == "file" && !found {
			found = true
			name = part.FileName()
			buf := make([]byte, head)
			n, e := io.ReadFull(part, buf)
			if e != nil && e != io.ErrUnexpectedEOF && e != io.EOF {
				drain(r)
				return "", nil, badRequest("cannot read file: %v", e)
			}
			prefix = buf[:n]
			if _, e := io.Copy(io.Discard, part); e != nil {
				drain(r)
				return "", nil, badRequest("cannot read file: %v", e)
			}
		} else {
			_, _ = io.Copy(io.Discard, part)
		}
		_ = part.Close()
	}
	if !found {
		return "", nil, badRequest("file is required")
	}
	return name, prefix, nil
}

func (s *Server) handleUploadThumbnail(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	_, err := s.liveMediaLocked(r.PathValue("id"))
	s.mu.Unlock()
	if err != nil {
		drain(r)
		writeError(w, err)
		return
	}
	name, prefix, err := readFilePart(r, 8)
	if err != nil {
		writeError(w, err)
		return
	}
	ext := strings.ToLower(path.Ext(name))
	if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("file must be .png or .jpg, got %q", name))
		return
	}
	if !bytes.HasPrefix(prefix, pngMagic) && !bytes.HasPrefix(prefix, jpegMagic) {
		writeErr(w, http.StatusBadRequest, "file content is not a PNG or JPEG image")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.liveMediaLocked(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	m.HasThumbnail = true
	m.UpdatedAt = s.now()
	writeOK(w, "Upload thumbnail successfully.")
}

func (s *Server) handleDeleteThumbnail(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.liveMediaLocked(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	if !m.HasThumbnail {
		writeErr(w, http.StatusNotFound, "Thumbnail not found")
		return
	}
	m.HasThumbnail = false
	m.UpdatedAt = s.now()
	writeOK(w, "Delete thumbnail successfully.")
}
