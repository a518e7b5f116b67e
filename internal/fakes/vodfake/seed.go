package vodfake

import "time"

// VideoSeed is a video already in the library (ready, with traffic since
// Created).
type VideoSeed struct {
	Name       string
	Created    time.Time
	Size       int64
	DurationMS int64
	// Template, when set (1–4), gives the video one finished rendition.
	Template    int
	SharedState int
	Password    string
}

// Seed adds ready videos and returns their ids. base is the fake's own URL
// (files are served under it).
func (s *Server) Seed(base string, seeds ...VideoSeed) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, sd := range seeds {
		obj := &object{ID: s.newID("st"), Name: sd.Name, Size: sd.Size}
		s.storage[obj.ID] = obj
		v := &video{ID: s.newID("v"), StorageID: obj.ID, SourceType: "upload", Name: sd.Name, Created: sd.Created,
			Updated: sd.Created, Ready: sd.Created, Announced: true, Size: sd.Size, Width: 1920, Height: 1080,
			DurationMS: sd.DurationMS, SharedState: sd.SharedState, Password: sd.Password, Base: base}
		thumb := &object{ID: s.newID("st"), Name: sd.Name + " cover", Size: 2048, Image: true}
		s.storage[thumb.ID] = thumb
		v.Thumb = thumb.ID
		if sd.Template != 0 {
			rd := &rendition{ID: s.newID("ps"), StorageID: s.newID("st"), Template: sd.Template, Started: sd.Created,
				Resolution: templates[sd.Template].Res, Announced: true}
			s.storage[rd.StorageID] = &object{ID: rd.StorageID, Name: sd.Name + "-" + rd.Resolution}
			v.Renditions = []*rendition{rd}
		}
		s.videos[v.ID] = v
		s.order = append(s.order, v.ID)
		ids = append(ids, v.ID)
	}
	return ids
}

// SetArchivedRows adds n archived rows to V13 and V14 (generated on the
// fly: a 200,000-row export costs no memory per row).
func (s *Server) SetArchivedRows(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.synthetic = n
}

// ExportRows walks the rows V14 would export for search (no time filter),
// for tests comparing a client's copy with the fake's.
func (s *Server) ExportRows(search string, each func(row []string)) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.totalRows(search, 0, 0, func(_ int, row []string) bool { each(row); return true })
}

// AddStorage puts a file in the storage service with no video yet, as if
// it had been uploaded (V1 can then create a video from id).
func (s *Server) AddStorage(id, name string, size int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storage[id] = &object{ID: id, Name: name, Size: size}
}
