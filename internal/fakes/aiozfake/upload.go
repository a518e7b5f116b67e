package aiozfake

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ---------------------------------------------------------------------------
// M5 part upload

var contentRangeRE = regexp.MustCompile(`^bytes (\d{1,19})-(\d{1,19})/(\d{1,19})$`)

func parseContentRange(h string) (start, end, total int64, err error) {
	if h == "" {
		return 0, 0, 0, badRequest("Content-Range header is required (bytes {start}-{end}/{total})")
	}
	m := contentRangeRE.FindStringSubmatch(strings.TrimSpace(h))
	if m == nil {
		return 0, 0, 0, badRequest("malformed Content-Range %q: want bytes {start}-{end}/{total}", h)
	}
	start, e1 := strconv.ParseInt(m[1], 10, 64)
	end, e2 := strconv.ParseInt(m[2], 10, 64)
	total, e3 := strconv.ParseInt(m[3], 10, 64)
	if e1 != nil || e2 != nil || e3 != nil {
		return 0, 0, 0, badRequest("malformed Content-Range %q: numbers out of range", h)
	}
	if end < start {
		return 0, 0, 0, badRequest("invalid Content-Range %q: end %d is before start %d", h, end, start)
	}
	if total <= 0 || end >= total {
		return 0, 0, 0, badRequest("invalid Content-Range %q: end %d must be less than total %d", h, end, total)
	}
	return start, end, total, nil
}

var md5HexRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (s *Server) handlePart(w http.ResponseWriter, r *http.Request) {
	rec := recorded(r)
	id := r.PathValue("id")
	s.mu.Lock()
	m, err := s.liveMediaLocked(id)
	if err == nil && m.Status != StatusNew {
		err = badRequest("media %s is not in new state (status %s); parts can only be uploaded before /complete", id, m.Status)
	}
	inject := err == nil && s.failParts > 0
	if inject {
		s.failParts--
	}
	s.mu.Unlock()
	if err != nil {
		drain(r)
		writeError(w, err)
		return
	}

	start, end, total, crErr := parseContentRange(r.Header.Get("Content-Range"))

	// A large read buffer under the multipart reader (which peeks 4 KiB at
	// a time) keeps a 200 MiB part from costing 50,000 read syscalls.
	r.Body = struct {
		io.Reader
		io.Closer
	}{bufio.NewReaderSize(r.Body, 1<<20), r.Body}
	mr, mpErr := r.MultipartReader()
	if mpErr != nil {
		drain(r)
		writeErr(w, http.StatusBadRequest, "request must be multipart/form-data with fields file, index and hash")
		return
	}
	var (
		sawFile, sawIndex, sawHash bool
		size                       int64
		sum                        string
		readErr                    error
	)
	for readErr == nil {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = badRequest("malformed multipart body: %v", err)
			break
		}
		switch part.FormName() {
		case "file":
			if sawFile {
				readErr = badRequest("more than one file field")
				break
			}
			sawFile = true
			h := md5.New()
			n, err := io.Copy(h, part)
			size = n
			if err != nil {
				readErr = badRequest("cannot read file part: %v", err)
				break
			}
			sum = hex.EncodeToString(h.Sum(nil))
		case "index", "hash":
			b, err := io.ReadAll(io.LimitReader(part, 1025))
			if err != nil {
				readErr = badRequest("cannot read field %s: %v", part.FormName(), err)
				break
			}
			if len(b) > 1024 {
				readErr = badRequest("field %s is too long", part.FormName())
				break
			}
			if part.FormName() == "index" {
				sawIndex, rec.Index = true, string(b)
			} else {
				sawHash, rec.Hash = true, string(b)
			}
		default:
			_, _ = io.Copy(io.Discard, part)
		}
		_ = part.Close()
	}
	drain(r)
	rec.PartSize = size

	if inject {
		writeErr(w, http.StatusInternalServerError, "Internal server error (injected fault)")
		return
	}
	if crErr != nil {
		writeError(w, crErr)
		return
	}
	if readErr != nil {
		writeError(w, readErr)
		return
	}
	if !sawFile {
		writeErr(w, http.StatusBadRequest, "file is required")
		return
	}
	if !sawIndex || strings.TrimSpace(rec.Index) == "" {
		writeErr(w, http.StatusBadRequest, "index is required")
		return
	}
	index, err := strconv.ParseInt(strings.TrimSpace(rec.Index), 10, 64)
	if err != nil || index < 0 {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("index must be a non-negative integer, got %q", rec.Index))
		return
	}
	if !sawHash || rec.Hash == "" {
		writeErr(w, http.StatusBadRequest, "hash is required (MD5 of the chunk, lowercase hex)")
		return
	}
	if !md5HexRE.MatchString(rec.Hash) {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("hash %q is not an MD5 in lowercase hex (32 characters 0-9a-f)", rec.Hash))
		return
	}
	if want := end - start + 1; size != want {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("file is %d bytes but Content-Range bytes %d-%d/%d announces %d", size, start, end, total, want))
		return
	}
	if rec.Hash != sum {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("hash mismatch for index %d: got %s, computed %s", index, rec.Hash, sum))
		return
	}
	if s.opts.StrictChunks && end+1 < total && (size < minChunk || size > maxChunk) {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("chunk %d is %d bytes; every chunk but the last must be 50-200 MiB (52428800-209715200 bytes)", index, size))
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	m, err = s.liveMediaLocked(id)
	if err == nil && m.Status != StatusNew {
		err = badRequest("media %s is not in new state (status %s)", id, m.Status)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if m.total >= 0 && m.total != total {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("Content-Range total %d differs from %d announced by earlier parts", total, m.total))
		return
	}
	m.total = total
	m.parts[index] = partRange{start, end}
	m.UpdatedAt = s.now()
	writeOK(w, "Upload part successfully.")
}

// ---------------------------------------------------------------------------
// M6 complete and the transcoding state machine

// coverage reports the byte ranges of [0,total) not covered by parts and
// the ranges covered more than once.
func coverage(parts map[int64]partRange, total int64) (missing, overlap []string) {
	rs := make([]partRange, 0, len(parts))
	for _, p := range parts {
		rs = append(rs, p)
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].start != rs[j].start {
			return rs[i].start < rs[j].start
		}
		return rs[i].end < rs[j].end
	})
	var cur int64
	for _, p := range rs {
		if p.start > cur {
			missing = append(missing, fmt.Sprintf("%d-%d", cur, p.start-1))
		} else if p.start < cur {
			oe := p.end
			if cur-1 < oe {
				oe = cur - 1
			}
			overlap = append(overlap, fmt.Sprintf("%d-%d", p.start, oe))
		}
		if p.end+1 > cur {
			cur = p.end + 1
		}
	}
	if cur < total {
		missing = append(missing, fmt.Sprintf("%d-%d", cur, total-1))
	}
	return missing, overlap
}

func (s *Server) handleComplete(w http.ResponseWriter, r *http.Request) {
	m, ok := s.lockLiveMedia(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if m.Status != StatusNew {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("media %s is already completed (status %s)", m.ID, m.Status))
		return
	}
	if len(m.parts) == 0 {
		writeErr(w, http.StatusBadRequest, "no parts uploaded for this media")
		return
	}
	missing, overlap := coverage(m.parts, m.total)
	if len(missing) > 0 || len(overlap) > 0 {
		var msg []string
		if len(missing) > 0 {
			msg = append(msg, "missing byte ranges "+strings.Join(missing, ", "))
		}
		if len(overlap) > 0 {
			msg = append(msg, "overlapping byte ranges "+strings.Join(overlap, ", "))
		}
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("upload incomplete (total %d bytes): %s", m.total, strings.Join(msg, "; ")))
		return
	}
	now := s.now()
	m.Size = m.total
	m.UpdatedAt = now
	s.emitLocked(WebhookEvent{Type: "file_received", MediaID: m.ID, Title: m.Title, Status: StatusNew, Time: now})
	m.Status = StatusTranscoding
	for i := range m.Qualities {
		m.Qualities[i].Status = StatusTranscoding
	}
	s.emitLocked(WebhookEvent{Type: "encoding_started", MediaID: m.ID, Title: m.Title, Status: StatusTranscoding, Time: now})

	n := len(m.Qualities)
	m.failing = s.opts.FailTranscode
	m.stepsTotal = n + 1
	if m.failing {
		m.stepsTotal = n
	}
	m.nextStep = 0
	m.completedAt = now
	if s.opts.Step <= 0 {
		m.waitRead = true
	} else if !s.closed {
		for k := 1; k <= m.stepsTotal; k++ {
			s.timers = append(s.timers, time.AfterFunc(time.Duration(k)*s.opts.Step, s.tick))
		}
	}
	writeOK(w, "Upload completed successfully. Transcoding has started.")
}
