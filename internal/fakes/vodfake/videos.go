package vodfake

import (
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// object is a file in the fake storage service.
type object struct {
	ID, Name string
	Size     int64
	Image    bool
	Deleted  bool
}

type video struct {
	ID, StorageID, SourceType, SourceID, Name string
	Created, Updated                          time.Time
	Ready                                     time.Time // when it turns 1 (after Created + Step)
	Announced                                 bool
	Size                                      int64
	Width, Height                             int
	DurationMS                                int64
	SharedState                               int
	Password                                  string
	Thumb                                     string // storage id of the cover
	Base                                      string
	Renditions                                []*rendition
	Deleted                                   bool
}

type rendition struct {
	ID, StorageID, Resolution string
	Template                  int
	Started                   time.Time
	Announced                 bool
}

// templates are the fake's transcode templates.
var templates = map[int]struct {
	Res    string
	W, H   int
	Factor float64
}{1: {"360P", 640, 360, 0.2}, 2: {"480P", 854, 480, 0.35}, 3: {"720P", 1280, 720, 0.6}, 4: {"1080P", 1920, 1080, 1}}

// renditionState is the status and progress `steps` Steps after V9.
func renditionState(steps int64) (int, float64) {
	switch {
	case steps <= 0:
		return 0, 0
	case steps == 1:
		return 2, 0.5
	case steps == 2:
		return 3, 1
	case steps == 3:
		return 5, 1
	}
	return 1, 1
}

func (s *Server) steps(since time.Time) int64 {
	return int64(s.opts.Now().Sub(since) / s.opts.Step)
}

func (v *video) status(now time.Time) int {
	if v.Deleted {
		return 4
	}
	if now.Before(v.Ready) {
		return 2
	}
	return 1
}

// renditionSize is the size of a rendition made with this template factor.
func (v *video) renditionSize(factor float64) int64 { return int64(float64(v.Size) * factor) }

// fileURL is where the fake serves a stored file of this video's host.
func (v *video) fileURL(storageID string) string { return v.Base + "/files/" + storageID }

func rfc(t time.Time) string { return t.In(beijing).Format(time.RFC3339) }

var beijing = time.FixedZone("CST", 8*3600)

// view is the §4.1 object (s.mu held).
func (s *Server) view(v *video) map[string]any {
	now := s.opts.Now()
	st := v.status(now)
	out := map[string]any{
		"id": v.ID, "created_at": rfc(v.Created), "updated_at": rfc(v.Updated), "source_type": v.SourceType,
		"source_id": v.SourceID, "status": st, "storage_id": v.StorageID, "origin_url": "", "thumb_url": "",
		"file_size": v.Size, "video_name": v.Name, "video_width": 0, "video_height": 0, "video_duration": 0,
		"shared_state": v.SharedState, "share_password": v.Password, "play_set": []any{},
	}
	if st == 1 {
		out["origin_url"] = v.fileURL(v.StorageID)
		out["video_width"], out["video_height"], out["video_duration"] = v.Width, v.Height, v.DurationMS
		if v.Thumb != "" {
			out["thumb_url"] = v.fileURL(v.Thumb)
		}
	}
	sets := []any{}
	for _, r := range v.Renditions {
		rs, p := renditionState(s.steps(r.Started))
		t := templates[r.Template]
		item := map[string]any{"created_at": rfc(r.Started), "updated_at": rfc(now), "storage_id": r.StorageID, "status": rs,
			"trans_progress": p, "trans_task_config_temp_id": r.Template, "url": "", "file_size": 0,
			"video_width": t.W, "video_height": t.H, "video_duration": v.DurationMS, "resolution": t.Res}
		if rs == 1 {
			item["url"] = v.fileURL(r.StorageID)
			item["file_size"] = v.renditionSize(t.Factor)
		}
		sets = append(sets, item)
	}
	out["play_set"] = sets
	return out
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		StorageID     string `json:"storage_id"`
		SourceType    string `json:"source_type"`
		SourceID      string `json:"source_id"`
		VideoName     string `json:"video_name"`
		SkipAutoTrans bool   `json:"skip_auto_trans"`
	}
	if !decode(r, &in) || in.StorageID == "" || in.SourceType == "" {
		fail(w, 3101)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	obj, found := s.storage[in.StorageID]
	if !found || obj.Deleted || obj.Image {
		fail(w, 3102)
		return
	}
	for _, v := range s.videos {
		if !v.Deleted && v.StorageID == in.StorageID {
			fail(w, 3106)
			return
		}
	}
	now := s.opts.Now()
	name := in.VideoName
	if name == "" {
		name = obj.Name
	}
	v := &video{ID: s.newID("v"), StorageID: in.StorageID, SourceType: in.SourceType, SourceID: in.SourceID, Name: name,
		Created: now, Updated: now, Ready: now.Add(s.opts.Step), Size: obj.Size, Width: 1920, Height: 1080,
		DurationMS: 60000 + obj.Size%240000, Base: base(r)}
	s.videos[v.ID] = v
	s.order = append(s.order, v.ID)
	ok(w, map[string]any{"id": v.ID})
}

// pageArgs reads page and page_size with the seed's defaults.
func pageArgs(r *http.Request, defSize int) (int, int, bool) {
	page, size := 1, defSize
	if p := r.URL.Query().Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return 0, 0, false
		}
		page = n
	}
	if p := r.URL.Query().Get("page_size"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1000 {
			return 0, 0, false
		}
		size = n
	}
	return page, size, true
}

// live returns the videos not deleted, newest first (s.mu held).
func (s *Server) live(match func(*video) bool) []*video {
	var out []*video
	for i := len(s.order) - 1; i >= 0; i-- {
		if v := s.videos[s.order[i]]; !v.Deleted && (match == nil || match(v)) {
			out = append(out, v)
		}
	}
	return out
}

func (s *Server) listPage(w http.ResponseWriter, r *http.Request, match func(*video) bool) {
	page, size, good := pageArgs(r, 15)
	if !good {
		fail(w, 3101)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.live(match)
	items := []any{}
	for i := (page - 1) * size; i < len(all) && i < page*size; i++ {
		items = append(items, s.view(all[i]))
	}
	ok(w, map[string]any{"count": len(all), "videos": items})
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) { s.listPage(w, r, nil) }

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q, src := r.URL.Query().Get("search"), r.URL.Query().Get("source_type")
	s.listPage(w, r, func(v *video) bool {
		return matches(q, v.ID, v.Name) && (src == "" || v.SourceType == src)
	})
}

// matches is the seed's search rule (V5, V13, V14): no search, the exact id,
// or a case-insensitive part of the name.
func matches(search, id, name string) bool {
	return search == "" || id == search || strings.Contains(strings.ToLower(name), strings.ToLower(search))
}

// find returns a live video (s.mu held).
func (s *Server) find(id string) *video {
	if v, ok := s.videos[id]; ok && !v.Deleted {
		return v
	}
	return nil
}

// lockVideo locks s.mu and returns the live video named by the id query
// argument; when there is none it answers 3102, unlocks and returns nil.
func (s *Server) lockVideo(w http.ResponseWriter, r *http.Request) *video {
	s.mu.Lock()
	v := s.find(r.URL.Query().Get("id"))
	if v == nil {
		s.mu.Unlock()
		fail(w, 3102)
	}
	return v
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	v := s.lockVideo(w, r)
	if v == nil {
		return
	}
	defer s.mu.Unlock()
	ok(w, map[string]any{"video": s.view(v)})
}

func (s *Server) getShared(w http.ResponseWriter, r *http.Request) {
	v := s.lockVideo(w, r)
	if v == nil {
		return
	}
	defer s.mu.Unlock()
	switch v.SharedState {
	case 0:
		fail(w, 3108)
		return
	case 1:
		if r.URL.Query().Get("password") != v.Password {
			fail(w, 3108)
			return
		}
	}
	ok(w, map[string]any{"video": s.view(v)})
}

func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	var in struct {
		VideoName      *string `json:"video_name"`
		ThumbStorageID *string `json:"thumb_storage_id"`
	}
	if !decode(r, &in) {
		fail(w, 3101)
		return
	}
	v := s.lockVideo(w, r)
	if v == nil {
		return
	}
	defer s.mu.Unlock()
	if in.ThumbStorageID != nil && *in.ThumbStorageID != "" {
		obj, found := s.storage[*in.ThumbStorageID]
		if !found || obj.Deleted {
			fail(w, 3102)
			return
		}
		// Seed: "when the cover is updated, the original cover is deleted".
		if v.Thumb != *in.ThumbStorageID {
			s.discard(v.Thumb)
		}
		v.Thumb = *in.ThumbStorageID
	}
	if in.VideoName != nil && *in.VideoName != "" {
		v.Name = *in.VideoName
	}
	v.Updated = s.opts.Now()
	ok(w, nil)
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SharedState *int   `json:"shared_state"`
		Password    string `json:"password"`
	}
	if !decode(r, &in) || in.SharedState == nil ||
		*in.SharedState < 0 || *in.SharedState > 2 || len([]rune(in.Password)) > 16 || (*in.SharedState == 1 && in.Password == "") {
		fail(w, 3101)
		return
	}
	v := s.lockVideo(w, r)
	if v == nil {
		return
	}
	defer s.mu.Unlock()
	v.SharedState, v.Password, v.Updated = *in.SharedState, in.Password, s.opts.Now()
	if v.SharedState != 1 {
		v.Password = ""
	}
	ok(w, nil)
}

func (s *Server) sizeSum(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum int64
	for _, v := range s.live(nil) {
		sum += v.Size
	}
	ok(w, map[string]any{"size_sum": sum})
}

func (s *Server) trans(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Template *int `json:"task_config_temp_id"`
		Redo     bool `json:"redo"`
	}
	if !decode(r, &in) || in.Template == nil {
		fail(w, 3101)
		return
	}
	v := s.lockVideo(w, r)
	if v == nil {
		return
	}
	defer s.mu.Unlock()
	if v.status(s.opts.Now()) != 1 {
		fail(w, 3103) // seed: transcode only after video_ready
		return
	}
	if _, known := templates[*in.Template]; !known {
		fail(w, 3111)
		return
	}
	if len(v.Renditions) > 0 && !in.Redo {
		fail(w, 3105)
		return
	}
	s.discard(renditionStorage(v)...) // redo deletes the existing task
	rd := &rendition{ID: s.newID("ps"), StorageID: s.newID("st"), Template: *in.Template, Started: s.opts.Now(),
		Resolution: templates[*in.Template].Res}
	s.storage[rd.StorageID] = &object{ID: rd.StorageID, Name: v.Name + "-" + rd.Resolution + ".mp4"}
	v.Renditions = []*rendition{rd}
	v.Updated = s.opts.Now()
	ok(w, nil)
}

// remove deletes a video with its renditions and cover (s.mu held).
func (s *Server) remove(v *video) {
	v.Deleted = true
	s.discard(append([]string{v.StorageID, v.Thumb}, renditionStorage(v)...)...)
}

// discard marks the stored files with these ids deleted (s.mu held).
func (s *Server) discard(ids ...string) {
	for _, id := range ids {
		if o, found := s.storage[id]; found {
			o.Deleted = true
		}
	}
}

func renditionStorage(v *video) []string {
	var ids []string
	for _, r := range v.Renditions {
		ids = append(ids, r.StorageID)
	}
	return ids
}

func (s *Server) deleteOne(w http.ResponseWriter, r *http.Request) {
	v := s.lockVideo(w, r)
	if v == nil {
		return
	}
	defer s.mu.Unlock()
	s.remove(v)
	ok(w, nil)
}

// deleteMany is all-or-nothing: an unknown id deletes nothing (3124).
func (s *Server) deleteMany(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("ids")
	s.mu.Lock()
	defer s.mu.Unlock()
	var vs []*video
	for _, id := range strings.Split(raw, ",") {
		v := s.find(strings.TrimSpace(id))
		if v == nil {
			fail(w, 3124)
			return
		}
		vs = append(vs, v)
	}
	for _, v := range vs {
		s.remove(v)
	}
	ok(w, nil)
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	o, found := s.storage[r.PathValue("id")]
	s.mu.Unlock()
	if !found || o.Deleted {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = io.WriteString(w, "fake file "+o.ID)
}

// Tick applies the clock: videos turn ready and renditions finish, and
// their callbacks go out.
func (s *Server) Tick() {
	s.mu.Lock()
	now := s.opts.Now()
	var out []callback
	ids := append([]string(nil), s.order...)
	sort.Strings(ids)
	for _, id := range ids {
		v := s.videos[id]
		if v.Deleted {
			continue
		}
		if !v.Announced && v.status(now) == 1 {
			v.Announced = true
			out = append(out, callback{group: "video", body: s.videoReady(v)})
		}
		for _, rd := range v.Renditions {
			if st, _ := renditionState(s.steps(rd.Started)); st == 1 && !rd.Announced {
				rd.Announced = true
				out = append(out, callback{group: "transcoding", body: s.playSetReady(v, rd)})
			}
		}
	}
	s.mu.Unlock()
	for _, cb := range out {
		s.send(cb)
	}
}
