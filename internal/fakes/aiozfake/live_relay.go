package aiozfake

// Live streams, continued: multicast, statistics, the public player and
// the dispatch of the paths Go's mux cannot hold side by side.

import (
	"net/http"
	"net/url"
)

// multicastJSON is OA's LiveStreamMulticast.
type multicastJSON struct {
	ID              string   `json:"id"`
	LiveStreamKeyID string   `json:"live_stream_key_id"`
	UserID          string   `json:"user_id"`
	URLs            []string `json:"live_stream_multicast_urls"`
}

// handleMulticast serves S15–S17 /live_streams/multicast/{stream_key};
// OA declares only 400 and 500, so an unknown key is a 400.
func (s *Server) handleMulticast(w http.ResponseWriter, r *http.Request, streamKey string) {
	var b struct {
		URLs []string `json:"multicast_urls"`
	}
	if r.Method == http.MethodPost {
		if !readJSON(w, r, &b) {
			return
		}
		if len(b.URLs) == 0 || len(b.URLs) > 5 {
			writeError(w, badRequest("multicast_urls must hold 1–5 rtmp:// or rtmps:// URLs"))
			return
		}
		for i, u := range b.URLs {
			pu, err := url.Parse(u)
			if err != nil || (pu.Scheme != "rtmp" && pu.Scheme != "rtmps") || pu.Host == "" {
				writeError(w, badRequest("multicast_urls[%d] must be an rtmp:// or rtmps:// URL", i))
				return
			}
		}
	} else {
		drain(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var key *liveKeyJSON
	for _, k := range s.acct.liveKeys {
		if k.StreamKey == streamKey {
			key = k
		}
	}
	if key == nil {
		writeError(w, badRequest("stream_key is not a live stream key of this account"))
		return
	}
	if s.acct.multicast == nil {
		s.acct.multicast = map[string][]string{}
	}
	switch r.Method {
	case http.MethodPost:
		s.acct.multicast[streamKey] = append([]string(nil), b.URLs...)
	case http.MethodDelete:
		delete(s.acct.multicast, streamKey)
		writeOK(w, "Delete multicast successfully.")
		return
	}
	writeData(w, http.StatusOK, multicastJSON{ID: key.ID, LiveStreamKeyID: key.ID, UserID: UserID,
		URLs: append([]string{}, s.acct.multicast[streamKey]...)})
}

// handleLiveStatistic serves S19 GET /live_streams/statistic/{stream_media_id}
// (synthetic numbers; unknown ids are a 400, as OA declares no 404).
func (s *Server) handleLiveStatistic(w http.ResponseWriter, _ *http.Request, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.acct.streamings[id]
	if !ok {
		writeError(w, badRequest("stream_media_id is not a live stream media of this account"))
		return
	}
	live := st.Status == "streaming"
	n := len(st.Qualities)
	stat := map[string]any{"id": st.ID + "-stat", "live_stream_media_id": st.ID, "bitrate_in": 0.0, "bitrate_out": 0.0,
		"data_transferred": 0.0, "fps_in": 0, "fps_out": 0, "current_view": 0, "total_view": st.TotalView}
	if live {
		stat["bitrate_in"], stat["bitrate_out"] = 4500.0, 4500.0*float64(n)
		stat["fps_in"], stat["fps_out"] = 30, 30
		stat["data_transferred"] = 1.5e6 * float64(n)
	}
	writeData(w, http.StatusOK, stat)
}

// handleLivePlayer serves S18 GET /live_streams/player/{id}/media (public).
func (s *Server) handleLivePlayer(w http.ResponseWriter, _ *http.Request, id string) {
	st, ok := s.lockStreaming(w, "", id)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	writeData(w, http.StatusOK, *st)
}

// Go's mux cannot hold /live_streams/{id}/video next to
// /live_streams/multicast/{stream_key} (both match multicast/video), so the
// two- and three-segment paths are dispatched here.

// live2 serves GET, POST and DELETE /live_streams/{a}/{b}.
func (s *Server) live2(w http.ResponseWriter, r *http.Request) {
	a, b := r.PathValue("a"), r.PathValue("b")
	get, post := r.Method == http.MethodGet, r.Method == http.MethodPost
	switch {
	case a == "multicast":
		s.handleMulticast(w, r, b)
	case a == "statistic" && get:
		s.handleLiveStatistic(w, r, b)
	case b == "streamings" && get:
		s.handleListStreamings(w, r, a)
	case b == "streamings" && post:
		s.handleCreateStreaming(w, withID(r, a))
	case b == "video" && get:
		s.handleLiveVideo(w, r, a)
	case b == "media" && post:
		s.handleLiveMedia(w, r, a)
	case b == "thumbnail" && !get: // POST uploads, DELETE removes
		s.handleLiveThumbnail(w, r, a)
	default:
		drain(r)
		writeErr(w, http.StatusNotFound, "Route not found")
	}
}

// liveGet3 is public for /live_streams/player/{id}/media only.
func (s *Server) liveGet3(w http.ResponseWriter, r *http.Request) {
	a, b, c := r.PathValue("a"), r.PathValue("b"), r.PathValue("c")
	switch {
	case a == "player" && c == "media":
		s.handleLivePlayer(w, r, b)
	case b == "streamings":
		s.auth(func(w http.ResponseWriter, r *http.Request) { s.handleGetStreaming(w, r, a, c) })(w, r)
	default:
		drain(r)
		writeErr(w, http.StatusNotFound, "Route not found")
	}
}

// withID gives a dispatched request the {id} path value its handler reads.
func withID(r *http.Request, id string) *http.Request {
	r.SetPathValue("id", id)
	return r
}
