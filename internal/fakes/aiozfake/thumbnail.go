package aiozfake

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
)

// ---------------------------------------------------------------------------
// M8 / M9 thumbnail

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
)

// pngOrJPEG reports whether b starts like a PNG or a JPEG image.
func pngOrJPEG(b []byte) bool {
	return bytes.HasPrefix(b, pngMagic) || bytes.HasPrefix(b, jpegMagic)
}

// eachPart streams the multipart body of r through fn, one part at a time,
// and returns fn's first error. A body that is not multipart is the 400
// notMultipart and a malformed one a 400 too, the body drained in both
// cases.
func eachPart(r *http.Request, notMultipart string, fn func(part *multipart.Part) error) error {
	mr, err := r.MultipartReader()
	if err != nil {
		drain(r)
		return badRequest("%s", notMultipart)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			drain(r)
			return badRequest("malformed multipart body: %v", err)
		}
		if err := fn(part); err != nil {
			return err
		}
	}
}

// readFilePart streams a multipart body and returns the file name and the
// first head bytes of the "file" field, discarding the rest.
func readFilePart(r *http.Request, head int) (name string, prefix []byte, err error) {
	found := false
	err = eachPart(r, "request must be multipart/form-data with a file field", func(part *multipart.Part) error {
		if part.FormName() == "file" && !found {
			found = true
			name = part.FileName()
			buf := make([]byte, head)
			n, e := io.ReadFull(part, buf)
			if e != nil && e != io.ErrUnexpectedEOF && e != io.EOF {
				drain(r)
				return badRequest("cannot read file: %v", e)
			}
			prefix = buf[:n]
			if _, e := io.Copy(io.Discard, part); e != nil {
				drain(r)
				return badRequest("cannot read file: %v", e)
			}
		} else {
			_, _ = io.Copy(io.Discard, part)
		}
		_ = part.Close()
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	if !found {
		return "", nil, badRequest("file is required")
	}
	return name, prefix, nil
}

// readThumbnailPart reads a thumbnail upload's "file" field and checks it
// is a .png/.jpg by name and a PNG or JPEG by content (media and live
// stream media thumbnails alike).
func readThumbnailPart(r *http.Request) error {
	name, prefix, err := readFilePart(r, 8)
	if err != nil {
		return err
	}
	ext := strings.ToLower(path.Ext(name))
	if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
		return badRequest("file must be .png or .jpg, got %q", name)
	}
	if !pngOrJPEG(prefix) {
		return badRequest("file content is not a PNG or JPEG image")
	}
	return nil
}

func (s *Server) handleUploadThumbnail(w http.ResponseWriter, r *http.Request) {
	if !s.checkLiveMedia(w, r) {
		return
	}
	if err := readThumbnailPart(r); err != nil {
		writeError(w, err)
		return
	}
	s.touchMedia(w, r, "Upload thumbnail successfully.", func(m *media) error {
		m.HasThumbnail = true
		return nil
	})
}

func (s *Server) handleDeleteThumbnail(w http.ResponseWriter, r *http.Request) {
	s.touchMedia(w, r, "Delete thumbnail successfully.", func(m *media) error {
		if !m.HasThumbnail {
			return notFound("Thumbnail not found")
		}
		m.HasThumbnail = false
		return nil
	})
}
