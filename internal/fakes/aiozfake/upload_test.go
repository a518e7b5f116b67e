package aiozfake

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

func TestPartValidation(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "p"})
	data := []byte("0123456789")
	good := md5hex(data)
	cases := []struct {
		name   string
		cr     string
		fields []string
		msg    string
	}{
		{"no content-range", "", []string{"file", string(data), "index", "0", "hash", good}, "Content-Range header is required"},
		{"malformed content-range", "bytes=0-9/10", []string{"file", string(data), "index", "0", "hash", good}, "malformed Content-Range"},
		{"star total", "bytes 0-9/*", []string{"file", string(data), "index", "0", "hash", good}, "malformed Content-Range"},
		{"end before start", "bytes 5-4/10", []string{"file", string(data), "index", "0", "hash", good}, "before start"},
		{"end at total", "bytes 0-10/10", []string{"file", string(data) + "x", "index", "0", "hash", md5hex(append(data, 'x'))}, "less than total"},
		{"length mismatch", "bytes 0-8/10", []string{"file", string(data), "index", "0", "hash", good}, "file is 10 bytes"},
		{"missing file", "bytes 0-9/10", []string{"index", "0", "hash", good}, "file is required"},
		{"missing index", "bytes 0-9/10", []string{"file", string(data), "hash", good}, "index is required"},
		{"index not integer", "bytes 0-9/10", []string{"file", string(data), "index", "one", "hash", good}, "index must be"},
		{"negative index", "bytes 0-9/10", []string{"file", string(data), "index", "-1", "hash", good}, "index must be"},
		{"missing hash", "bytes 0-9/10", []string{"file", string(data), "index", "0"}, "hash is required"},
		{"uppercase hash", "bytes 0-9/10", []string{"file", string(data), "index", "0", "hash", strings.ToUpper(good)}, "lowercase hex"},
		{"hash mismatch", "bytes 0-9/10", []string{"file", string(data), "index", "0", "hash", md5hex([]byte("other"))}, "hash mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.partRaw(id, c.cr, "f.mp4", c.fields...)
			if r.code != 400 || !strings.Contains(r.message(), c.msg) {
				t.Fatalf("%d %s, want 400 containing %q", r.code, r.body, c.msg)
			}
		})
	}
	// not multipart
	if r := e.do("POST", "/media/"+id+"/part", "raw", "Content-Type", "application/octet-stream", "Content-Range", "bytes 0-2/3"); r.code != 400 {
		t.Fatalf("non-multipart: %d", r.code)
	}
	// unknown media
	if r := e.part("nope", data, 0, 10, 0); r.code != 404 {
		t.Fatalf("unknown media: %d", r.code)
	}
	// total must stay consistent
	if r := e.part(id, data[:5], 0, 10, 0); r.code != 200 {
		t.Fatalf("first half: %d %s", r.code, r.body)
	}
	if r := e.part(id, data[5:], 5, 11, 1); r.code != 400 || !strings.Contains(r.message(), "differs") {
		t.Fatalf("other total: %d %s", r.code, r.body)
	}
	// no state change by rejected parts: complete still misses 5-9
	r := e.do("GET", "/media/"+id+"/complete", nil)
	if r.code != 400 || !strings.Contains(r.message(), "missing byte ranges 5-9") {
		t.Fatalf("complete: %d %s", r.code, r.body)
	}
	// after complete no more parts
	e.part(id, data[5:], 5, 10, 1)
	if r := e.do("GET", "/media/"+id+"/complete", nil); r.code != 200 {
		t.Fatalf("complete: %d %s", r.code, r.body)
	}
	if r := e.part(id, data[5:], 5, 10, 1); r.code != 400 || !strings.Contains(r.message(), "not in new state") {
		t.Fatalf("part after complete: %d %s", r.code, r.body)
	}
	if r := e.do("GET", "/media/"+id+"/complete", nil); r.code != 400 {
		t.Fatalf("second complete: %d", r.code)
	}
}

func TestCompleteTiling(t *testing.T) {
	e := newEnv(t, Options{})
	data := []byte(strings.Repeat("abcdefghij", 10)) // 100 bytes
	type up struct {
		start, end int64
		index      int
	}
	cases := []struct {
		name string
		ups  []up
		code int
		msg  string
	}{
		{"nothing", nil, 400, "no parts"},
		{"gap in the middle", []up{{0, 29, 0}, {60, 99, 2}}, 400, "missing byte ranges 30-59"},
		{"gaps at both ends", []up{{10, 49, 1}}, 400, "missing byte ranges 0-9, 50-99"},
		{"overlap", []up{{0, 59, 0}, {50, 99, 1}}, 400, "overlapping byte ranges 50-59"},
		{"exact", []up{{0, 49, 0}, {50, 99, 1}}, 200, ""},
		{"out of order, 1-based", []up{{50, 99, 2}, {0, 49, 1}}, 200, ""},
		{"overwrite fixes overlap", []up{{0, 59, 0}, {50, 99, 1}, {0, 49, 0}}, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := e.create(map[string]any{"title": c.name})
			for _, u := range c.ups {
				if r := e.part(id, data[u.start:u.end+1], u.start, 100, u.index); r.code != 200 {
					t.Fatalf("part: %d %s", r.code, r.body)
				}
			}
			r := e.do("GET", "/media/"+id+"/complete", nil)
			if r.code != c.code || !strings.Contains(r.message(), c.msg) {
				t.Fatalf("%d %s, want %d containing %q", r.code, r.body, c.code, c.msg)
			}
			if c.code != 200 && e.detail(id)["status"] != "new" {
				t.Fatal("failed complete changed status")
			}
		})
	}
	if r := e.do("GET", "/media/unknown/complete", nil); r.code != 404 {
		t.Fatal(r.code)
	}
}

func TestFailNextParts(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "retry"})
	data := []byte("payload")
	e.s.FailNextParts(2)
	for i := 0; i < 2; i++ {
		if r := e.part(id, data, 0, 7, 0); r.code != 500 || r.json(t)["status"] != "error" {
			t.Fatalf("attempt %d: %d %s", i, r.code, r.body)
		}
	}
	if r := e.do("GET", "/media/"+id+"/complete", nil); r.code != 400 {
		t.Fatal("failed parts were stored")
	}
	if r := e.part(id, data, 0, 7, 0); r.code != 200 {
		t.Fatalf("third attempt: %d %s", r.code, r.body)
	}
	reqs := e.s.Requests()
	var statuses []int
	for _, r := range reqs {
		if strings.HasSuffix(r.Path, "/part") {
			statuses = append(statuses, r.Status)
		}
	}
	if fmt.Sprint(statuses) != "[500 500 200]" {
		t.Fatalf("recorded statuses %v", statuses)
	}
}

// streamPart uploads size bytes of generated data as one part without
// holding them in memory; the hash field is sent after the file.
func streamPart(t testing.TB, e *env, id string, start, size, total int64, index int) int {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		h := md5.New()
		fw, err := mw.CreateFormFile("file", "big.bin")
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		buf := make([]byte, 256<<10)
		for i := range buf {
			buf[i] = byte(i * 7)
		}
		left := size
		for left > 0 {
			n := int64(len(buf))
			if n > left {
				n = left
			}
			h.Write(buf[:n])
			if _, err := fw.Write(buf[:n]); err != nil {
				pw.CloseWithError(err)
				return
			}
			left -= n
		}
		_ = mw.WriteField("index", fmt.Sprint(index))
		_ = mw.WriteField("hash", hex.EncodeToString(h.Sum(nil)))
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", e.base+"/media/"+id+"/part", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+size-1, total))
	req.Header.Set("stream-public-key", testPub)
	req.Header.Set("stream-secret-key", testSec)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Logf("part %d: %s", index, b)
	}
	return res.StatusCode
}

func TestStrictChunks(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads ~150 MiB")
	}
	e := newEnv(t, Options{StrictChunks: true})
	id := e.create(map[string]any{"title": "strict"})
	total := int64(50*mib + 100)
	// non-last chunk below 50 MiB
	if code := streamPart(t, e, id, 0, 50*mib-1, total, 0); code != 400 {
		t.Fatalf("49.99 MiB non-last chunk: %d", code)
	}
	// exactly 50 MiB, then a small last chunk
	if code := streamPart(t, e, id, 0, 50*mib, total, 0); code != 200 {
		t.Fatalf("50 MiB chunk: %d", code)
	}
	if code := streamPart(t, e, id, 50*mib, 100, total, 1); code != 200 {
		t.Fatalf("small last chunk: %d", code)
	}
	if r := e.do("GET", "/media/"+id+"/complete", nil); r.code != 200 {
		t.Fatalf("complete %d %s", r.code, r.body)
	}
	// without StrictChunks small chunks are fine
	e2 := newEnv(t, Options{})
	id2 := e2.create(map[string]any{"title": "lenient"})
	if r := e2.part(id2, []byte("ab"), 0, 4, 0); r.code != 200 {
		t.Fatalf("lenient small chunk: %d", r.code)
	}
	// strict: small non-last chunk rejected with a message
	id3 := e.create(map[string]any{"title": "strict small"})
	if r := e.part(id3, []byte("ab"), 0, 4, 0); r.code != 400 || !strings.Contains(r.message(), "50-200 MiB") {
		t.Fatalf("strict small chunk: %d %s", r.code, r.body)
	}
}

// TestPartStreamsWithoutBuffering uploads 256 MiB and checks the process
// allocated far less than that: the chunk is hashed while streaming.
func TestPartStreamsWithoutBuffering(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 256 MiB")
	}
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "big"})
	const size = 256 * mib
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if code := streamPart(t, e, id, 0, size, size, 0); code != 200 {
		t.Fatalf("upload: %d", code)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48*mib {
		t.Fatalf("allocated %d MiB for a 256 MiB part", alloc/mib)
	}
	if r := e.do("GET", "/media/"+id+"/complete", nil); r.code != 200 {
		t.Fatalf("complete %d %s", r.code, r.body)
	}
	if reqs := e.s.Requests(); reqs[1].PartSize != size {
		t.Fatalf("PartSize %d", reqs[1].PartSize)
	}
}

func BenchmarkPartUpload64MiB(b *testing.B) {
	e := newEnv(b, Options{})
	b.SetBytes(64 * mib)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		id := e.create(map[string]any{"title": "bench"})
		if code := streamPart(b, e, id, 0, 64*mib, 64*mib, 0); code != 200 {
			b.Fatalf("upload %d", code)
		}
	}
}
