package vodfake

import (
	"bytes"
	"io"
	"net/http"
	"path/filepath"
	"strings"
)

// upload is the storage service (fake-only shape): multipart field `file`,
// read as a stream and counted, never held whole.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		fail(w, 3101)
		return
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			fail(w, 3101) // no `file` field
			return
		}
		if err != nil {
			fail(w, 3107)
			return
		}
		if part.FormName() != "file" {
			_, _ = io.Copy(io.Discard, part)
			continue
		}
		head := make([]byte, 16)
		n, _ := io.ReadFull(part, head)
		rest, err := io.Copy(io.Discard, part)
		if err != nil {
			fail(w, 3107)
			return
		}
		size := int64(n) + rest
		if size == 0 {
			fail(w, 3107)
			return
		}
		name := filepath.Base(part.FileName())
		s.mu.Lock()
		obj := &object{ID: s.newID("st"), Name: strings.TrimSuffix(name, filepath.Ext(name)), Size: size, Image: isImage(head[:n])}
		s.storage[obj.ID] = obj
		s.mu.Unlock()
		ok(w, map[string]any{"storage_id": obj.ID})
		return
	}
}

func isImage(head []byte) bool {
	return bytes.HasPrefix(head, []byte("\x89PNG")) || bytes.HasPrefix(head, []byte("\xff\xd8\xff"))
}

// StorageObject reports a stored file's size and whether it still exists.
func (s *Server) StorageObject(id string) (size int64, exists bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, found := s.storage[id]
	if !found || o.Deleted {
		return 0, false
	}
	return o.Size, true
}
