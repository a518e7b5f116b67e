package doraapi

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/dorafake"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

const (
	testAK = testkit.QiniuAK
	testSK = testkit.QiniuSK
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

// The WAV builder and temp-file writers of testkit, under their old names.
var (
	wavBytes  = testkit.WAV
	writeFile = testkit.WriteFile
	writeWAV  = testkit.WriteWAV
)

// isLimit reports whether err is a *argerr.Error (refused before sending).
func isLimit(err error) bool {
	var le *argerr.Error
	return errors.As(err, &le)
}
