package aiozapi

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// MiB is the unit of seed 001's chunk sizes ("50 MB" chunks are 52428800 bytes).
const MiB = 1 << 20

// Chunk limits from seed 001: 50–200 MiB per chunk, 50 MiB by default.
const (
	MinChunk     = 50 * MiB
	MaxChunk     = 200 * MiB
	DefaultChunk = 50 * MiB
)

// Chunk is one part of a file: bytes Start..End inclusive.
type Chunk struct {
	Index int
	Start int64
	End   int64
}

// Len is the chunk's length in bytes.
func (c Chunk) Len() int64 { return c.End - c.Start + 1 }

// ContentRange is the part's header value, "bytes start-end/total".
func (c Chunk) ContentRange(total int64) string {
	return fmt.Sprintf("bytes %d-%d/%d", c.Start, c.End, total)
}

// Plan cuts size bytes into chunks of chunkSize (the last may be smaller):
// n = ceil(size/C), chunk i covers [i*C, min(size,(i+1)*C)-1].
func Plan(size, chunkSize int64) []Chunk {
	if size <= 0 || chunkSize <= 0 {
		return nil
	}
	n := int((size + chunkSize - 1) / chunkSize)
	out := make([]Chunk, n)
	for i := range out {
		start := int64(i) * chunkSize
		end := min(size, start+chunkSize) - 1
		out[i] = Chunk{Index: i, Start: start, End: end}
	}
	return out
}

// UploadPart sends one chunk (M5) and returns its MD5 (lowercase hex).
// The body streams from r: the chunk is read once per attempt, hashed on the
// way out, and the hash field follows the file field, so memory stays at a
// few buffers whatever the chunk size. A part is idempotent (re-sending an
// index overwrites it), so transient failures are retried.
func (c *Client) UploadPart(ctx context.Context, mediaID string, r io.ReaderAt, ch Chunk, total int64, filename string) (string, error) {
	body, err := newPartBody(r, ch, filename)
	if err != nil {
		return "", err
	}
	hdr := http.Header{}
	hdr.Set("Content-Range", ch.ContentRange(total))
	_, err = c.http.Do(ctx, httpx.Request{
		Method:        http.MethodPost,
		Path:          "/media/" + seg(mediaID) + "/part",
		Header:        hdr,
		ContentType:   body.contentType,
		Stream:        body.open,
		ContentLength: body.length,
		Idempotent:    true,
		Timeout:       30 * time.Minute,
	}, nil)
	if err != nil {
		return "", err
	}
	return body.sum(), nil
}

// partBody is a multipart form (file, index, hash) whose hash is computed
// while the file streams.
type partBody struct {
	r           io.ReaderAt
	ch          Chunk
	prefix      []byte // the file part's header
	suffix      []byte // the index and hash fields (hash as a placeholder) and the closing boundary
	hashAt      int    // offset of the 32-character placeholder in suffix
	length      int64
	contentType string
	last        hash.Hash
}

type switchWriter struct{ w io.Writer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

func newPartBody(r io.ReaderAt, ch Chunk, filename string) (*partBody, error) {
	var pre, suf bytes.Buffer
	sw := &switchWriter{w: &pre}
	mw := multipart.NewWriter(sw)
	// Field order as in seed 001's curl: file, index, hash. The hash comes
	// last, so it can be computed while the file streams.
	if _, err := mw.CreateFormFile("file", filename); err != nil {
		return nil, err
	}
	sw.w = &suf
	if err := mw.WriteField("index", strconv.Itoa(ch.Index)); err != nil {
		return nil, err
	}
	placeholder := bytes.Repeat([]byte{'0'}, 32)
	if err := mw.WriteField("hash", string(placeholder)); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	b := &partBody{r: r, ch: ch, prefix: pre.Bytes(), suffix: suf.Bytes(), contentType: mw.FormDataContentType()}
	b.hashAt = bytes.LastIndex(b.suffix, placeholder)
	b.length = int64(len(b.prefix)) + ch.Len() + int64(len(b.suffix))
	return b, nil
}

func (b *partBody) open() (io.ReadCloser, error) {
	h := md5.New()
	b.last = h
	suffix := append([]byte(nil), b.suffix...)
	pf := newPrefetcher(io.NewSectionReader(b.r, b.ch.Start, b.ch.Len()), h)
	return &readCloser{
		Reader: io.MultiReader(
			bytes.NewReader(b.prefix),
			pf,
			&lazyReader{fill: func() []byte {
				hex.Encode(suffix[b.hashAt:b.hashAt+32], h.Sum(nil))
				return suffix
			}},
		),
		close: pf.Close,
	}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r *readCloser) Close() error { return r.close() }

// prefetcher reads and hashes the chunk one block ahead of the socket, so
// disk reads and MD5 overlap with sending. It holds at most prefetchBlocks
// blocks of prefetchSize bytes, whatever the chunk size.
type prefetcher struct {
	ch      chan []byte
	free    chan []byte
	done    chan struct{}
	cur     []byte
	backing []byte
	err     error // set before ch is closed
	once    sync.Once
}

const (
	prefetchSize   = 1 << 20
	prefetchBlocks = 4
)

func newPrefetcher(src io.Reader, h hash.Hash) *prefetcher {
	p := &prefetcher{ch: make(chan []byte, prefetchBlocks-1), free: make(chan []byte, prefetchBlocks), done: make(chan struct{})}
	for i := 0; i < prefetchBlocks; i++ {
		p.free <- make([]byte, prefetchSize)
	}
	go func() {
		defer close(p.ch)
		for {
			var buf []byte
			select {
			case buf = <-p.free:
			case <-p.done:
				return
			}
			n, err := io.ReadFull(src, buf)
			if n > 0 {
				h.Write(buf[:n])
				select {
				case p.ch <- buf[:n]:
				case <-p.done:
					return
				}
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				p.err = io.EOF
				return
			}
			if err != nil {
				p.err = err
				return
			}
		}
	}()
	return p
}

func (p *prefetcher) Read(b []byte) (int, error) {
	if len(p.cur) == 0 {
		if p.backing != nil {
			p.free <- p.backing[:cap(p.backing)]
			p.backing = nil
		}
		buf, ok := <-p.ch
		if !ok {
			if p.err == nil {
				return 0, errors.New("upload body closed")
			}
			return 0, p.err
		}
		p.cur, p.backing = buf, buf
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// Close stops the read-ahead (a retry or a cancellation abandons the body).
func (p *prefetcher) Close() error {
	p.once.Do(func() { close(p.done) })
	return nil
}

func (b *partBody) sum() string { return hex.EncodeToString(b.last.Sum(nil)) }

// lazyReader produces its bytes on first Read, after everything before it
// in a MultiReader has been consumed.
type lazyReader struct {
	fill func() []byte
	buf  *bytes.Reader
}

func (l *lazyReader) Read(p []byte) (int, error) {
	if l.buf == nil {
		l.buf = bytes.NewReader(l.fill())
	}
	return l.buf.Read(p)
}

// ChunkEvent reports one chunk's outcome to the caller (for progress).
type ChunkEvent struct {
	Chunk   Chunk
	MD5     string
	Err     error
	Skipped bool // already uploaded in an earlier, interrupted run
}

// Upload is one chunked upload of a local file: create → parts → complete,
// resumable through a StateStore.
type Upload struct {
	Client    *Client
	Path      string
	Create    CreateMediaRequest
	ChunkSize int64
	// State keeps progress across runs; nil disables resume.
	State *StateStore
	// Endpoint distinguishes accounts/servers in the resume key.
	Endpoint string
	// OnChunk is called before each chunk starts (Err nil, MD5 empty) and
	// after it ends.
	OnChunk func(ev ChunkEvent, plan []Chunk, done map[int]string)
	// MediaID, when set, is an existing media object (created empty) the
	// file is uploaded into; Create is then not sent.
	MediaID string
}

// UploadResult is what a finished upload reports.
type UploadResult struct {
	MediaID     string
	Title       string // the media's title: the earlier run's when resumed
	Size        int64
	Chunks      []Chunk
	MD5         map[int]string
	Sent        []int // chunks sent in this run
	Resumed     bool  // an earlier interrupted run's media was reused
	CompletedAt time.Time
	Note        string // what happened with earlier state, if anything
}

// UploadError reports an upload that stopped part way, with what is already
// on the provider so nothing half-done goes unreported.
type UploadError struct {
	MediaID string
	Done    []int
	Total   int
	Failed  int // chunk index that failed, -1 if none
	Err     error
	// CompleteSent: /complete was sent and its answer lost, so whether
	// the media is processing is unknown until the next run checks.
	CompleteSent bool
	// CompleteRefused: /complete was answered with an error.
	CompleteRefused bool
}

func (e *UploadError) Error() string {
	what := "failed"
	if errors.Is(e.Err, context.Canceled) {
		what = "was cancelled"
	}
	msg := fmt.Sprintf("upload %s after %d of %d chunks", what, len(e.Done), e.Total)
	if e.Failed >= 0 {
		msg += fmt.Sprintf(" (chunk %d: %v)", e.Failed, e.Err)
	} else if e.Err != nil && !errors.Is(e.Err, context.Canceled) {
		msg += ": " + e.Err.Error()
	}
	switch {
	case e.MediaID != "" && e.CompleteSent:
		msg += fmt.Sprintf(". Outcome unknown: `/complete` for media %s was sent but its answer was lost, so the media may already be processing. Call aioz_upload_media again with the same file: it checks the media first and finishes or resumes (the saved progress is kept)", e.MediaID)
	case e.MediaID != "" && e.CompleteRefused:
		msg += fmt.Sprintf(". Media %s holds every chunk but AIOZ refused `/complete`; it stays `new`. Call aioz_upload_media again with the same file to retry, or aioz_delete_media to discard it", e.MediaID)
	case e.MediaID != "":
		msg += fmt.Sprintf(". Media %s exists with status `new`; `/complete` was NOT called. Call aioz_upload_media again with the same file to resume (only missing chunks are sent), or aioz_delete_media to discard it", e.MediaID)
	}
	return msg
}

func (e *UploadError) Unwrap() error { return e.Err }

// Run performs the upload.
func (u *Upload) Run(ctx context.Context) (UploadResult, error) {
	f, err := os.Open(u.Path)
	if err != nil {
		return UploadResult{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return UploadResult{}, err
	}
	chunkSize := u.ChunkSize
	if chunkSize == 0 {
		chunkSize = DefaultChunk
	}
	plan := Plan(fi.Size(), chunkSize)
	res := UploadResult{Size: fi.Size(), Chunks: plan, MD5: map[int]string{}}

	var st *UploadState
	if u.State != nil {
		key := FileKey(u.Path, fi, chunkSize, u.Endpoint)
		st, err = u.State.Load(key)
		if err != nil {
			return res, err
		}
		if st != nil && st.MediaID == "" && !st.CreateSentAt.IsZero() {
			note, err := u.reconcileCreate(ctx, st)
			if err != nil {
				return res, err // state kept: the next run checks again
			}
			res.Note = note
			if st.MediaID == "" {
				st = nil // nothing was created: start afresh
			} else if err := u.save(st); err != nil {
				return res, err
			}
		}
		if st != nil {
			note, usable, finished, err := u.checkResume(ctx, st, len(plan))
			if err != nil {
				return res, err // state kept: nothing was created or discarded
			}
			res.Note = joinNotes(res.Note, note)
			if finished {
				res.MediaID, res.Title, res.Resumed, res.MD5 = st.MediaID, st.Title, true, st.Done
				_ = u.State.Delete(key)
				return res, nil
			}
			if !usable || (u.MediaID != "" && st.MediaID != u.MediaID) {
				_ = u.State.Delete(key)
				st = nil
			}
		}
		if st == nil {
			st = &UploadState{Key: key, Path: u.Path, Size: fi.Size(), ChunkSize: chunkSize, Done: map[int]string{}}
		} else {
			res.Resumed = true
		}
	} else {
		st = &UploadState{Done: map[int]string{}}
	}

	if st.MediaID == "" && u.MediaID != "" {
		st.MediaID = u.MediaID
		st.Title, st.Type, st.CreatedAt = u.Create.Title, u.Create.Type, time.Now().UTC()
		if err := u.save(st); err != nil {
			return res, err
		}
	}
	if st.MediaID == "" {
		st.Title, st.Type = u.Create.Title, u.Create.Type
		st.CreateSentAt = time.Now().UTC()
		if err := u.save(st); err != nil { // the pending-create marker
			return res, err
		}
		m, err := u.Client.CreateMedia(ctx, u.Create)
		if err != nil {
			if answerLost(err) {
				return res, u.createUnknown(err)
			}
			u.drop(st)
			return res, err
		}
		if m.ID == "" {
			return res, errors.New("AIOZ created the media but returned no id; nothing was uploaded")
		}
		st.MediaID, st.CreateSentAt = m.ID, time.Time{}
		st.CreatedAt = time.Now().UTC()
		if err := u.save(st); err != nil {
			return res, err
		}
	}
	res.MediaID, res.Title = st.MediaID, st.Title
	if res.Resumed && st.Title != "" && st.Title != u.Create.Title {
		res.Note = joinNotes(res.Note, fmt.Sprintf("media %s keeps the title %q it was created with; this call's title %q was not applied (change it with aioz_update_media)", st.MediaID, st.Title, u.Create.Title))
	}
	for k, v := range st.Done {
		res.MD5[k] = v
	}

	name := fi.Name()
	for _, ch := range plan {
		if _, ok := st.Done[ch.Index]; ok {
			if u.OnChunk != nil {
				u.OnChunk(ChunkEvent{Chunk: ch, MD5: st.Done[ch.Index], Skipped: true}, plan, st.Done)
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, &UploadError{MediaID: st.MediaID, Done: doneList(st), Total: len(plan), Failed: -1, Err: err}
		}
		if u.OnChunk != nil {
			u.OnChunk(ChunkEvent{Chunk: ch}, plan, st.Done)
		}
		sum, err := u.Client.UploadPart(ctx, st.MediaID, f, ch, fi.Size(), name)
		if err != nil {
			if u.OnChunk != nil {
				u.OnChunk(ChunkEvent{Chunk: ch, Err: err}, plan, st.Done)
			}
			failed := ch.Index
			if ctx.Err() != nil {
				failed, err = -1, ctx.Err()
			}
			return res, &UploadError{MediaID: st.MediaID, Done: doneList(st), Total: len(plan), Failed: failed, Err: err}
		}
		st.Done[ch.Index] = sum
		res.MD5[ch.Index] = sum
		res.Sent = append(res.Sent, ch.Index)
		if err := u.save(st); err != nil {
			return res, err
		}
		if u.OnChunk != nil {
			u.OnChunk(ChunkEvent{Chunk: ch, MD5: sum}, plan, st.Done)
		}
	}
	if err := u.Client.Complete(ctx, st.MediaID); err != nil {
		ue := &UploadError{MediaID: st.MediaID, Done: doneList(st), Total: len(plan), Failed: -1,
			Err: fmt.Errorf("all chunks arrived but /complete failed: %w", err)}
		if answerLost(err) {
			ue.CompleteSent, st.CompleteSent = true, true
			_ = u.save(st)
		} else {
			ue.CompleteRefused = true
		}
		return res, ue
	}
	res.CompletedAt = time.Now().UTC()
	if u.State != nil {
		_ = u.State.Delete(st.Key)
	}
	return res, nil
}

func (u *Upload) save(st *UploadState) error {
	if u.State == nil {
		return nil
	}
	return u.State.Save(st)
}

func doneList(st *UploadState) []int {
	out := make([]int, 0, len(st.Done))
	for i := range st.Done {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}
