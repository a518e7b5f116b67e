package aiozfake

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
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

// lockLiveMedia is lockFound for the live media named by the {id} path
// value.
func (s *Server) lockLiveMedia(w http.ResponseWriter, r *http.Request) (*media, bool) {
	return lockFound(s, w, nil, s.liveMediaLocked, r.PathValue("id"))
}

// touchMedia is touch for the {id} media.
func (s *Server) touchMedia(w http.ResponseWriter, r *http.Request, done string, change func(m *media) error) {
	touch(s, w, r, s.lockLiveMedia, done, change)
}

// checkLiveMedia answers a request whose {id} names no live media before its
// body is read: it drains the body, writes the lookup error and reports
// false. It holds s.mu only for the lookup.
func (s *Server) checkLiveMedia(w http.ResponseWriter, r *http.Request) bool {
	if _, ok := lockFound(s, w, r, s.liveMediaLocked, r.PathValue("id")); !ok {
		return false
	}
	s.mu.Unlock()
	return true
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
// M3 detail, M11 player.json

func (s *Server) handleGetMedia(w http.ResponseWriter, r *http.Request) {
	m, ok := s.lockLiveMedia(w, r)
	if !ok {
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
	m, ok := s.lockLiveMedia(w, r)
	if !ok {
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
	if !readJSON(w, r, &req) {
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
	s.touchMedia(w, r, "Update media successfully.", func(m *media) error {
		req.apply(m)
		return nil
	})
}

// apply sets the fields the request names.
func (req updateReq) apply(m *media) {
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
}

func (s *Server) handleDeleteMedia(w http.ResponseWriter, r *http.Request) {
	s.touchMedia(w, r, "Delete media successfully.", func(m *media) error {
		m.Status = StatusDeleted
		m.nextStep = m.stepsTotal // cancel pending transcoding steps
		m.waitRead = false
		return nil
	})
}
