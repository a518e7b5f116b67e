package aiozfake

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Live streams (spec §6.11, OA only). Fake-only choices: rtmp_url is
// rtmp://<host>/live; a streaming is "streaming" (an encoder is pretended
// to publish) from creation until EndStreaming; statistics are synthetic.

// liveKeyJSON is OA's LiveStreamKeyData.
type liveKeyJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	RTMPURL   string `json:"rtmp_url"`
	StreamKey string `json:"stream_key"`
	Type      string `json:"type"`
	UserID    string `json:"user_id"`
	Save      bool   `json:"save"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// liveAssetsJSON is OA's LiveStreamAssets.
type liveAssetsJSON struct {
	HLSURL       string `json:"hls_url"`
	Iframe       string `json:"iframe"`
	PlayerURL    string `json:"player_url"`
	ThumbnailURL string `json:"thumbnail_url"`
}

// streamingJSON is OA's LiveStreamMediaResponse.
type streamingJSON struct {
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	Type            string         `json:"type"`
	Status          string         `json:"status"`
	LiveStreamKeyID string         `json:"live_stream_key_id"`
	UserID          string         `json:"user_id"`
	Save            bool           `json:"save"`
	Duration        int            `json:"duration"`
	AudioBitrate    int            `json:"audio_bitrate"`
	FrameRate       int            `json:"frame_rate"`
	CurrentView     int            `json:"current_view"`
	TotalView       int            `json:"total_view"`
	Qualities       []string       `json:"qualities"`
	Assets          liveAssetsJSON `json:"assets"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`

	thumbnail bool
}

// maxLiveKeys bounds the live stream keys of the fake account.
const maxLiveKeys = 100

func hostOf(r *http.Request) string {
	if u, err := url.Parse(baseURL(r)); err == nil {
		return u.Hostname()
	}
	return "localhost"
}

// handleCreateLiveKey serves S2 POST /live_streams (200, not 201).
func (s *Server) handleCreateLiveKey(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name *string `json:"name"`
		Save bool    `json:"save"`
		Type string  `json:"type"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if badName(b.Name, true) {
		writeError(w, badRequest("name is required (1–255 characters)"))
		return
	}
	typ, err := enumOr("type", b.Type, "video", []string{"audio", "video"})
	if err != nil {
		writeError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.acct.liveKeys) >= maxLiveKeys {
		writeError(w, badRequest("live stream key limit reached (%d)", maxLiveKeys))
		return
	}
	now := rfc3339(s.now())
	sk := randomToken(16)
	sk = sk[0:8] + "-" + sk[8:12] + "-" + sk[12:16] + "-" + sk[16:20] + "-" + sk[20:32]
	k := &liveKeyJSON{ID: s.newIDLocked(), Name: strings.TrimSpace(*b.Name), RTMPURL: "rtmp://" + hostOf(r) + "/live",
		StreamKey: sk, Type: typ, UserID: UserID, Save: b.Save, CreatedAt: now, UpdatedAt: now}
	if s.acct.liveKeys == nil {
		s.acct.liveKeys = map[string]*liveKeyJSON{}
	}
	s.acct.liveKeys[k.ID] = k
	s.acct.minted = append(s.acct.minted, sk)
	writeData(w, http.StatusOK, *k)
}

// handleListLiveKeys serves S1 GET /live_streams.
func (s *Server) handleListLiveKeys(w http.ResponseWriter, r *http.Request) {
	lq, err := parseAcctList(r)
	if err != nil {
		writeError(w, err)
		return
	}
	typ, err := enumOr("type", r.URL.Query().Get("type"), "video", []string{"audio", "video"})
	if err != nil {
		writeError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []liveKeyJSON
	for _, k := range s.acct.liveKeys {
		if k.Type == typ && lq.matches(k.Name) {
			list = append(list, *k)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		return lq.less(list[i].Name, list[j].Name, list[i].CreatedAt+list[i].ID, list[j].CreatedAt+list[j].ID)
	})
	writePage(w, "live_stream_keys", list, lq.offset, lq.limit)
}

func (s *Server) liveKeyLocked(id string) (*liveKeyJSON, error) {
	k, ok := s.acct.liveKeys[id]
	if !ok {
		return nil, notFound("Live stream key not found")
	}
	return k, nil
}

// handleGetLiveKey serves S3 GET /live_streams/{id}.
func (s *Server) handleGetLiveKey(w http.ResponseWriter, r *http.Request) {
	k, ok := lockFound(s, w, nil, s.liveKeyLocked, r.PathValue("id"))
	if !ok {
		return
	}
	defer s.mu.Unlock()
	writeData(w, http.StatusOK, *k)
}

// handleUpdateLiveKey serves S4 PUT /live_streams/{id}; OA types "type" as
// a boolean here, so the fake accepts and ignores a boolean type.
func (s *Server) handleUpdateLiveKey(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Name *string `json:"name"`
		Save *bool   `json:"save"`
		Type *bool   `json:"type"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	if badName(b.Name, false) {
		writeError(w, badRequest("name must be 1–255 characters"))
		return
	}
	k, ok := lockFound(s, w, nil, s.liveKeyLocked, r.PathValue("id"))
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if b.Name != nil {
		k.Name = strings.TrimSpace(*b.Name)
	}
	if b.Save != nil {
		k.Save = *b.Save
	}
	k.UpdatedAt = rfc3339(s.now())
	writeData(w, http.StatusOK, *k)
}

// handleDeleteLiveKey serves S5 DELETE /live_streams/{id}; its streamings
// and multicast go with it.
func (s *Server) handleDeleteLiveKey(w http.ResponseWriter, r *http.Request) {
	k, ok := lockFound(s, w, nil, s.liveKeyLocked, r.PathValue("id"))
	if !ok {
		return
	}
	defer s.mu.Unlock()
	for id, st := range s.acct.streamings {
		if st.LiveStreamKeyID == k.ID {
			delete(s.acct.streamings, id)
		}
	}
	delete(s.acct.multicast, k.StreamKey)
	delete(s.acct.liveKeys, k.ID)
	writeOK(w, "Delete live stream key successfully.")
}

// streamingBody is S8's and S9's body.
type streamingBody struct {
	StreamID  *string          `json:"stream_id"`
	Title     *string          `json:"title"`
	Save      *bool            `json:"save"`
	Qualities []map[string]any `json:"qualities"`
}

var liveResolutions = map[string]bool{"144p": true, "240p": true, "360p": true, "720p": true, "1080p": true, "1440p": true, "2160p": true}

func streamingQualities(q []map[string]any) ([]string, error) {
	var out []string
	for i, c := range q {
		res, _ := c["resolution"].(string)
		if !liveResolutions[res] {
			return nil, badRequest("qualities[%d].resolution %q is not allowed (allowed: 2160p, 1440p, 1080p, 720p, 360p, 240p, 144p)", i, res)
		}
		out = append(out, res)
	}
	return out, nil
}

// handleCreateStreaming serves S8 POST /live_streams/{id}/streamings.
func (s *Server) handleCreateStreaming(w http.ResponseWriter, r *http.Request) {
	var b streamingBody
	if !readJSON(w, r, &b) {
		return
	}
	if badName(b.Title, true) {
		writeError(w, badRequest("title is required (1–255 characters)"))
		return
	}
	q, err := streamingQualities(b.Qualities)
	if err != nil {
		writeError(w, err)
		return
	}
	if len(q) == 0 {
		q = []string{"1080p", "720p", "360p"}
	}
	k, ok := lockFound(s, w, nil, s.liveKeyLocked, r.PathValue("id"))
	if !ok {
		return
	}
	defer s.mu.Unlock()
	now := rfc3339(s.now())
	st := &streamingJSON{ID: s.newIDLocked(), Title: strings.TrimSpace(*b.Title), Type: k.Type, Status: "streaming", LiveStreamKeyID: k.ID,
		UserID: UserID, Save: b.Save != nil && *b.Save, Qualities: q, CreatedAt: now, UpdatedAt: now, FrameRate: 30, AudioBitrate: 128000}
	base := baseURL(r)
	st.Assets = liveAssetsJSON{HLSURL: base + "/live_streams/" + st.ID + "/manifest.m3u8", PlayerURL: "https://embed.aiozstream.network/live/" + st.ID,
		Iframe:       `<iframe src="https://embed.aiozstream.network/live/` + st.ID + `" width="100%" height="100%" frameborder="0" scrolling="no" allowfullscreen="true"></iframe>`,
		ThumbnailURL: base + "/live_streams/" + st.ID + "/thumbnail"}
	if s.acct.streamings == nil {
		s.acct.streamings = map[string]*streamingJSON{}
	}
	s.acct.streamings[st.ID] = st
	writeData(w, http.StatusOK, *st)
}

// EndStreaming marks a streaming as ended (its encoder stopped); updates
// are refused afterwards.
func (s *Server) EndStreaming(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.acct.streamings[id]; ok {
		st.Status = "ended"
	}
}

// streamingsOf lists a key's streamings, newest first.
func (s *Server) streamingsOfLocked(keyID string) []streamingJSON {
	var out []streamingJSON
	for _, st := range s.acct.streamings {
		if st.LiveStreamKeyID == keyID {
			out = append(out, *st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt+out[i].ID > out[j].CreatedAt+out[j].ID })
	return out
}

// handleListStreamings serves S7 GET /live_streams/{id}/streamings.
func (s *Server) handleListStreamings(w http.ResponseWriter, r *http.Request, keyID string) {
	if _, ok := lockFound(s, w, nil, s.liveKeyLocked, keyID); !ok {
		return
	}
	defer s.mu.Unlock()
	list := s.streamingsOfLocked(keyID)
	writeData(w, http.StatusOK, map[string]any{"media": append([]streamingJSON{}, list...), "total": len(list)})
}

// handleLiveMedia serves S6 POST /live_streams/{id}/media: the key's
// streamings filtered by search and status, paged.
func (s *Server) handleLiveMedia(w http.ResponseWriter, r *http.Request, keyID string) {
	var b struct {
		Limit  *int   `json:"limit"`
		Offset int    `json:"offset"`
		Search string `json:"search"`
		Status string `json:"status"`
	}
	if !readJSON(w, r, &b) {
		return
	}
	limit := 25
	if b.Limit != nil {
		limit = *b.Limit
	}
	if limit < 1 || limit > 100 || b.Offset < 0 {
		writeError(w, badRequest("limit must be 1–100 and offset >= 0"))
		return
	}
	if _, ok := lockFound(s, w, nil, s.liveKeyLocked, keyID); !ok {
		return
	}
	defer s.mu.Unlock()
	var list []streamingJSON
	for _, st := range s.streamingsOfLocked(keyID) {
		if (b.Search == "" || strings.Contains(strings.ToLower(st.Title), strings.ToLower(b.Search))) && (b.Status == "" || st.Status == b.Status) {
			list = append(list, st)
		}
	}
	writePage(w, "media", list, b.Offset, limit)
}

func (s *Server) streamingLocked(keyID, id string) (*streamingJSON, error) {
	st, ok := s.acct.streamings[id]
	if !ok || (keyID != "" && st.LiveStreamKeyID != keyID) {
		return nil, notFound("Live stream media not found")
	}
	return st, nil
}

// lockStreaming is lockFound for the streaming id of key keyID (any key
// when keyID is empty).
func (s *Server) lockStreaming(w http.ResponseWriter, keyID, id string) (*streamingJSON, bool) {
	return lockFound(s, w, nil, func(id string) (*streamingJSON, error) { return s.streamingLocked(keyID, id) }, id)
}

// handleUpdateStreaming serves S9 PUT /live_streams/{id}/streamings: only
// while live ("You can only update while live streaming.").
func (s *Server) handleUpdateStreaming(w http.ResponseWriter, r *http.Request) {
	var b streamingBody
	if !readJSON(w, r, &b) {
		return
	}
	if b.StreamID == nil || *b.StreamID == "" {
		writeError(w, badRequest("stream_id is required"))
		return
	}
	if badName(b.Title, false) {
		writeError(w, badRequest("title must be 1–255 characters"))
		return
	}
	q, err := streamingQualities(b.Qualities)
	if err != nil {
		writeError(w, err)
		return
	}
	st, ok := s.lockStreaming(w, r.PathValue("id"), *b.StreamID)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if st.Status != "streaming" {
		writeError(w, badRequest("You can only update while live streaming."))
		return
	}
	if b.Title != nil {
		st.Title = strings.TrimSpace(*b.Title)
	}
	if b.Save != nil {
		st.Save = *b.Save
	}
	if len(q) > 0 {
		st.Qualities = q
	}
	st.UpdatedAt = rfc3339(s.now())
	writeOK(w, "Update live stream media successfully.")
}

// handleGetStreaming serves S10 GET /live_streams/{id}/streamings/{stream_id}.
func (s *Server) handleGetStreaming(w http.ResponseWriter, r *http.Request, keyID, id string) {
	st, ok := s.lockStreaming(w, keyID, id)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	writeData(w, http.StatusOK, *st)
}

// handleDeleteStreaming serves S11 DELETE /live_streams/{id}/streamings/{stream_id}.
func (s *Server) handleDeleteStreaming(w http.ResponseWriter, r *http.Request) {
	st, ok := s.lockStreaming(w, r.PathValue("id"), r.PathValue("stream_id"))
	if !ok {
		return
	}
	defer s.mu.Unlock()
	delete(s.acct.streamings, st.ID)
	writeOK(w, "Delete live stream media successfully.")
}

// handleLiveThumbnail serves S12 (POST) and S13 (DELETE)
// /live_streams/{id}/thumbnail, id being a live stream media id.
func (s *Server) handleLiveThumbnail(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method == http.MethodPost {
		if err := readThumbnailPart(r); err != nil {
			writeError(w, err)
			return
		}
	} else {
		drain(r)
	}
	st, ok := s.lockStreaming(w, "", id)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if r.Method == http.MethodDelete {
		if !st.thumbnail {
			writeError(w, notFound("Thumbnail not found"))
			return
		}
		st.thumbnail = false
		writeOK(w, "Delete thumbnail successfully.")
		return
	}
	st.thumbnail = true
	writeOK(w, "Upload thumbnail successfully.")
}

// handleLiveVideo serves S14 GET /live_streams/{id}/video: the recording
// of a streaming made with save: true.
func (s *Server) handleLiveVideo(w http.ResponseWriter, _ *http.Request, id string) {
	st, ok := s.lockStreaming(w, "", id)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if !st.Save {
		writeError(w, notFound("This live stream is not recorded (it was created with save: false)"))
		return
	}
	writeData(w, http.StatusOK, *st)
}
