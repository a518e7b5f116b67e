package pilifake

import (
	"net/http"
	"strings"
)

// saveAs records the request and answers {fname, start, end[, persistentID]}:
// the extension is appended to fname, start/end are clamped to the pushed
// data, and flv/mp4 (async) get a persistentID (spec §4.3.9, quirk 25).
func (s *Server) saveAs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, st := s.streamFor(w, r)
	if st == nil {
		return
	}
	var body struct {
		Fname                     string `json:"fname"`
		Start                     *int64 `json:"start"`
		End                       *int64 `json:"end"`
		Format                    string `json:"format"`
		Pipeline                  string `json:"pipeline"`
		Notify                    string `json:"notify"`
		ExpireDays                int    `json:"expireDays"`
		PersistentDeleteAfterDays int    `json:"persistentDeleteAfterDays"`
		FirstTsType               int    `json:"firstTsType"`
	}
	if !decodeBody(w, r, &body, true) {
		return
	}
	format := body.Format
	if format == "" {
		format = "m3u8"
	}
	switch {
	case format != "m3u8" && format != "flv" && format != "mp4":
		writeErr(w, http.StatusBadRequest, "invalid format")
		return
	case body.FirstTsType < 0 || body.FirstTsType > 3:
		writeErr(w, http.StatusBadRequest, "invalid firstTsType")
		return
	case body.ExpireDays < -1 || body.PersistentDeleteAfterDays < 0:
		writeErr(w, http.StatusBadRequest, "invalid expireDays")
		return
	}
	now := unix(s.now())
	start, end := int64(0), now
	if len(st.history) > 0 {
		start = st.history[0].Start // default: start of the first live
	}
	if body.Start != nil && *body.Start != 0 {
		start = *body.Start
	}
	if body.End != nil && *body.End != 0 {
		end = *body.End
	}
	if end < start {
		writeErr(w, http.StatusBadRequest, "end must not be before start")
		return
	}
	// Clamp to the data that exists (INFERRED from the example).
	var lo, hi int64 = -1, -1
	for _, se := range st.history {
		e := s.sessionEnd(se)
		if se.Start <= end && e >= start {
			if lo == -1 || max(se.Start, start) < lo {
				lo = max(se.Start, start)
			}
			if min(e, end) > hi {
				hi = min(e, end)
			}
		}
	}
	if lo != -1 {
		start, end = lo, hi
	}
	fname := body.Fname
	if fname == "" {
		fname = s.nextID("saveas", 16)
	}
	if !strings.HasSuffix(fname, "."+format) {
		fname += "." + format
	}
	res := SaveAsResult{Fname: fname, Start: start, End: end}
	if format != "m3u8" {
		res.PersistentID = "z0." + s.nextID("persistent", 24)
	}
	s.saveas = append(s.saveas, SaveAsCall{Hub: h.Name, Stream: st.Key, Fname: body.Fname,
		Start: body.Start, End: body.End, Format: body.Format, Pipeline: body.Pipeline,
		Notify: body.Notify, ExpireDays: body.ExpireDays,
		PersistentDeleteAfterDays: body.PersistentDeleteAfterDays, FirstTsType: body.FirstTsType,
		Response: res})
	writeJSON(w, http.StatusOK, res)
}

// snapshot records the request and answers {fname} (no extension), plus a
// persistentID when notify makes it async (spec §4.3.10).
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, st := s.streamFor(w, r)
	if st == nil {
		return
	}
	var body struct {
		Time            int64  `json:"time"`
		Fname           string `json:"fname"`
		Format          string `json:"format"`
		Pipeline        string `json:"pipeline"`
		Notify          string `json:"notify"`
		DeleteAfterDays int    `json:"deleteAfterDays"`
	}
	if !decodeBody(w, r, &body, true) {
		return
	}
	if body.Format != "" && body.Format != "jpg" && body.Format != "png" {
		writeErr(w, http.StatusBadRequest, "invalid format")
		return
	}
	if body.DeleteAfterDays < 0 {
		writeErr(w, http.StatusBadRequest, "invalid deleteAfterDays")
		return
	}
	res := SnapshotResult{Fname: body.Fname}
	if res.Fname == "" {
		res.Fname = s.nextID("snapshot", 16)
	}
	if body.Notify != "" {
		res.PersistentID = "z0." + s.nextID("persistent", 24)
	}
	t := body.Time
	if t == 0 {
		t = unix(s.now())
	}
	s.snapshots = append(s.snapshots, SnapshotCall{Hub: h.Name, Stream: st.Key, Time: t,
		Fname: body.Fname, Format: body.Format, Pipeline: body.Pipeline, Notify: body.Notify,
		DeleteAfterDays: body.DeleteAfterDays, Response: res})
	writeJSON(w, http.StatusOK, res)
}
