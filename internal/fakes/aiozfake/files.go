package aiozfake

import (
	"net/http"
	"strings"
)

// Rendition files: assets.mp4_url and assets.source_url point here, so a
// service that downloads them (the Qiniu Dora fake's long ASR in the
// sandbox) gets a file. The body is a small MP4 (ftyp + free + empty mdat
// boxes): the fake keeps no uploaded bytes. Public, like the CDN links they
// stand for; 404 while the media is not done, and for /mp4 of audio (R7).

var fakeMP4 = func() []byte {
	b := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	b = append(b, "\x00\x00\x00\x10freesandbox!"...)
	return append(b, "\x00\x00\x00\x08mdat"...)
}()

func (s *Server) handleRenditionFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	m, err := s.liveMediaLocked(r.PathValue("id"))
	ok := err == nil && m.Status == StatusDone && (m.Type == "video" || !strings.HasSuffix(r.URL.Path, "/mp4"))
	s.mu.Unlock()
	if !ok {
		writeErr(w, http.StatusNotFound, "File not found")
		return
	}
	w.Header().Set("Content-Type", "video/mp4")
	_, _ = w.Write(fakeMP4)
}
