package aiozapi

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"runtime"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

func TestPlan(t *testing.T) {
	cases := []struct {
		size, chunk int64
		want        []Chunk
	}{
		{120 * MiB, 50 * MiB, []Chunk{{0, 0, 52428799}, {1, 52428800, 104857599}, {2, 104857600, 125829119}}},
		{104857600, 52428800, []Chunk{{0, 0, 52428799}, {1, 52428800, 104857599}}}, // seed 001's example
		{10, 50 * MiB, []Chunk{{0, 0, 9}}},
		{0, 50 * MiB, nil},
	}
	for _, c := range cases {
		got := Plan(c.size, c.chunk)
		if len(got) != len(c.want) {
			t.Fatalf("Plan(%d,%d) = %v", c.size, c.chunk, got)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Plan(%d,%d)[%d] = %+v, want %+v", c.size, c.chunk, i, got[i], c.want[i])
			}
		}
	}
	if cr := (Chunk{0, 0, 52428799}).ContentRange(104857600); cr != "bytes 0-52428799/104857600" {
		t.Errorf("Content-Range %q", cr)
	}
}

// The part body is a valid multipart form in seed 001's field order (file,
// index, hash), its declared length is exact, and the hash is the chunk's MD5
// — on every attempt (a retry re-reads the chunk).
func TestPartBody(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 5000)
	ch := Chunk{Index: 3, Start: 1000, End: 60999}
	b, err := newPartBody(bytes.NewReader(data), ch, "clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(data[1000:61000])
	for attempt := 0; attempt < 2; attempt++ {
		rc, _ := b.open()
		raw, _ := io.ReadAll(rc)
		if int64(len(raw)) != b.length {
			t.Fatalf("declared %d bytes, sent %d", b.length, len(raw))
		}
		_, params, _ := mime.ParseMediaType(b.contentType)
		mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
		var order []string
		fields := map[string]string{}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			v, _ := io.ReadAll(p)
			order = append(order, p.FormName())
			fields[p.FormName()] = string(v)
		}
		if got := order; len(got) != 3 || got[0] != "file" || got[1] != "index" || got[2] != "hash" {
			t.Errorf("field order %v", got)
		}
		if fields["file"] != string(data[1000:61000]) || fields["index"] != "3" || fields["hash"] != hex.EncodeToString(sum[:]) {
			t.Errorf("attempt %d: index %q hash %q", attempt, fields["index"], fields["hash"])
		}
		if b.sum() != hex.EncodeToString(sum[:]) {
			t.Errorf("sum() = %s", b.sum())
		}
	}
}

// An abandoned body (a retry, a cancellation) stops its read-ahead.
func TestPartBodyCloseStopsReadAhead(t *testing.T) {
	data := make([]byte, 20<<20)
	b, _ := newPartBody(bytes.NewReader(data), Chunk{Index: 0, Start: 0, End: int64(len(data)) - 1}, "x.mp4")
	before := runtime.NumGoroutine()
	rc, _ := b.open()
	buf := make([]byte, 1000)
	if _, err := io.ReadFull(rc, buf); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	for i := 0; i < 100 && runtime.NumGoroutine() > before; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("read-ahead goroutine still running (%d > %d)", n, before)
	}
	if _, err := io.ReadAll(rc); err == nil {
		t.Error("reading a closed body must fail, not send a truncated chunk")
	}
}

func TestStateStoreRoundTrip(t *testing.T) {
	for _, be := range testkit.Stores() {
		t.Run(be.Name, func(t *testing.T) {
			store := be.Open(t)
			s := &StateStore{Store: store}
			st := &UploadState{Key: "abc", MediaID: "m1", Done: map[int]string{0: "x"}}
			if err := s.Save(st); err != nil {
				t.Fatal(err)
			}
			got, err := s.Load("abc")
			if err != nil || got == nil || got.MediaID != "m1" || got.Done[0] != "x" {
				t.Fatalf("load: %+v %v", got, err)
			}
			if got, _ := s.Load("other"); got != nil {
				t.Error("unknown key must load nothing")
			}
			ctx := context.Background()
			for key, raw := range map[string]string{"bad": "{torn", "moved": `{"key":"elsewhere"}`} {
				store.Set(ctx, "upload/aioz/"+key, []byte(raw), time.Hour)
				if got, err := s.Load(key); got != nil || err != nil {
					t.Errorf("a corrupt state must be discarded, got %+v %v", got, err)
				}
				if _, err := store.Get(ctx, "upload/aioz/"+key); err == nil {
					t.Errorf("corrupt state %s kept", key)
				}
			}
			if err := s.Delete("abc"); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Load("abc"); got != nil {
				t.Error("deleted state loads")
			}
		})
	}
}
