package doraapi

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/dorafake"
	"github.com/mcp-media/mcp-media/internal/redact"
)

const (
	testAK = "7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII"
	testSK = "312ae9gd2BrCfpTdF4U8aIg9Puh62K4eEGY72Ea_"
)

// receiver collects callbacks the fake delivers.
type receiver struct {
	mu     sync.Mutex
	bodies map[string][][]byte // path → bodies
	srv    *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{bodies: map[string][][]byte{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies[req.URL.Path] = append(r.bodies[req.URL.Path], b)
		r.mu.Unlock()
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) url(p string) string { return r.srv.URL + p }

func (r *receiver) got(p string) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies[p]...)
}

// serveBytes serves b at p on a loopback server (the fake fetches
// loopback media URLs to measure them).
func serveBytes(t *testing.T, p string, b []byte) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != p {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + p
}

type env struct {
	fake   *dorafake.Server
	srv    *httptest.Server
	client *Client
	red    *redact.Set
}

func newEnv(t *testing.T, mod ...func(*Config)) *env {
	t.Helper()
	fake := dorafake.New(dorafake.Options{AccessKey: testAK, SecretKey: testSK})
	t.Cleanup(fake.Close)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	red := &redact.Set{}
	cfg := Config{
		ASRURL: srv.URL, CensorURL: srv.URL, TranslateURL: srv.URL,
		ASRWSURL:  "ws" + strings.TrimPrefix(srv.URL, "http"),
		AccessKey: testAK, SecretKey: testSK, Redact: red,
		AllowPrivateURLs: true, // media URLs in these tests are loopback servers
	}
	for _, m := range mod {
		m(&cfg)
	}
	return &env{fake: fake, srv: srv, client: New(cfg), red: red}
}

// wavBytes builds a RIFF/WAVE file holding a quiet 440 Hz tone.
func wavBytes(rate, channels, bits int, d time.Duration) []byte {
	frames := int(int64(rate) * int64(d) / int64(time.Second))
	bps := bits / 8
	data := make([]byte, frames*channels*bps)
	for i := 0; i < frames; i++ {
		v := math.Sin(2 * math.Pi * 440 * float64(i) / float64(rate))
		for c := 0; c < channels; c++ {
			off := (i*channels + c) * bps
			if bits == 16 {
				binary.LittleEndian.PutUint16(data[off:], uint16(int16(v*3000)))
			} else {
				data[off] = byte(128 + int(v*40))
			}
		}
	}
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+len(data)))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate*channels*bps))
	binary.LittleEndian.PutUint16(h[32:], uint16(channels*bps))
	binary.LittleEndian.PutUint16(h[34:], uint16(bits))
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(len(data)))
	return append(h, data...)
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeWAV(t *testing.T, rate, channels, bits int, d time.Duration) string {
	return writeFile(t, "clip.wav", wavBytes(rate, channels, bits, d))
}

// isLimit reports whether err is a *LimitError (refused before sending).
func isLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}
