package aiozfake

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
)

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
	} else if !readJSON(w, r, &req) {
		return
	}
	if req.Title == nil || strings.TrimSpace(*req.Title) == "" {
		writeErr(w, http.StatusBadRequest, "title is required")
		return
	}
	typ, err := enumOr("type", req.Type, "video", []string{"video", "audio"})
	if err != nil {
		writeError(w, err)
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
