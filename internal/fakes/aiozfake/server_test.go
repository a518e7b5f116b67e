package aiozfake

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/reqlog"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

const (
	testPub = testkit.AIOZPublicKey
	testSec = testkit.AIOZSecretKey
)

type env struct {
	t    testing.TB
	s    *Server
	srv  *httptest.Server
	base string
}

func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	if opts.PublicKey == "" {
		opts.PublicKey, opts.SecretKey = testPub, testSec
	}
	s := New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Close() })
	return &env{t: t, s: s, srv: srv, base: srv.URL + "/api"}
}

type resp struct {
	code   int
	body   []byte
	header http.Header
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// data returns the "data" member of a success envelope.
func (r resp) data(t testing.TB) map[string]any {
	t.Helper()
	m := r.json(t)
	if m["status"] != "success" {
		t.Fatalf("status = %v, want success; body %s", m["status"], r.body)
	}
	d, ok := m["data"].(map[string]any)
	if !ok {
		t.Fatalf("data is not an object: %s", r.body)
	}
	return d
}

func (r resp) message() string {
	var m struct{ Message string }
	_ = json.Unmarshal(r.body, &m)
	return m.Message
}

// do sends a request with both auth headers. body: nil, string/[]byte
// (raw), or any value (JSON-encoded).
func (e *env) do(method, path string, body any, hdr ...string) resp {
	e.t.Helper()
	return e.doAuth(method, path, body, true, hdr...)
}

func (e *env) doAuth(method, path string, body any, auth bool, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
		ct = "application/json"
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if auth {
		req.Header.Set("stream-public-key", testPub)
		req.Header.Set("stream-secret-key", testSec)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{res.StatusCode, b, res.Header}
}

func (e *env) create(body any) string {
	e.t.Helper()
	r := e.do("POST", "/media/create", body)
	if r.code != 200 {
		e.t.Fatalf("create: %d %s", r.code, r.body)
	}
	return r.data(e.t)["id"].(string)
}

func (e *env) detail(id string) map[string]any {
	e.t.Helper()
	r := e.do("GET", "/media/"+id, nil)
	if r.code != 200 {
		e.t.Fatalf("detail: %d %s", r.code, r.body)
	}
	return r.data(e.t)
}

// multipartBody builds a multipart body; fields with key "file" are sent as
// file parts named filename.
func multipartBody(t testing.TB, filename string, fields ...string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i] == "file" {
			fw, err := mw.CreateFormFile("file", filename)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = fw.Write([]byte(fields[i+1]))
			continue
		}
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// part uploads data as bytes start-(start+len-1)/total with index i and the
// correct MD5.
func (e *env) part(id string, data []byte, start, total int64, index int) resp {
	e.t.Helper()
	cr := fmt.Sprintf("bytes %d-%d/%d", start, start+int64(len(data))-1, total)
	return e.partRaw(id, cr, "f.mp4", "file", string(data), "index", fmt.Sprint(index), "hash", md5hex(data))
}

func (e *env) partRaw(id, contentRange, filename string, fields ...string) resp {
	e.t.Helper()
	body, ct := multipartBody(e.t, filename, fields...)
	hdr := []string{"Content-Type", ct}
	if contentRange != "" {
		hdr = append(hdr, "Content-Range", contentRange)
	}
	return e.do("POST", "/media/"+id+"/part", body, hdr...)
}

// upload creates a media, uploads data in one part and completes it.
func (e *env) upload(body any, data []byte) string {
	e.t.Helper()
	id := e.create(body)
	if r := e.part(id, data, 0, int64(len(data)), 0); r.code != 200 {
		e.t.Fatalf("part: %d %s", r.code, r.body)
	}
	if r := e.do("GET", "/media/"+id+"/complete", nil); r.code != 200 {
		e.t.Fatalf("complete: %d %s", r.code, r.body)
	}
	return id
}

func TestNewPanicsWithoutKeys(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New without keys did not panic")
		}
	}()
	New(Options{PublicKey: "only-public"})
}

func TestAuth(t *testing.T) {
	e := newEnv(t, Options{BearerToken: "tok-123"})
	id := e.create(map[string]any{"title": "a"})
	basic := func(u, p string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p))
	}
	cases := []struct {
		name string
		hdr  []string
		want int
	}{
		{"no credentials", nil, 401},
		{"both headers", []string{"stream-public-key", testPub, "stream-secret-key", testSec}, 200},
		{"public only", []string{"stream-public-key", testPub}, 401},
		{"secret only", []string{"stream-secret-key", testSec}, 401},
		{"wrong secret", []string{"stream-public-key", testPub, "stream-secret-key", "wrong-secret-xyz"}, 401},
		{"swapped", []string{"stream-public-key", testSec, "stream-secret-key", testPub}, 401},
		{"basic ok", []string{"Authorization", basic(testPub, testSec)}, 200},
		{"basic wrong", []string{"Authorization", basic(testPub, "nope-secret")}, 401},
		{"bearer ok", []string{"Authorization", "Bearer tok-123"}, 200},
		{"bearer wrong", []string{"Authorization", "Bearer tok-999"}, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.doAuth("GET", "/media/"+id, nil, false, c.hdr...)
			if r.code != c.want {
				t.Fatalf("code %d, want %d: %s", r.code, c.want, r.body)
			}
			if c.want == 401 {
				if got := strings.TrimSpace(string(r.body)); got != `{"status":"error","message":"Invalid API keys"}` {
					t.Fatalf("401 body = %s", got)
				}
				for _, secret := range []string{testPub, testSec, "wrong-secret-xyz", "nope-secret", "tok-999"} {
					if strings.Contains(string(r.body), secret) {
						t.Fatalf("body echoes a key: %s", r.body)
					}
				}
			}
		})
	}
	// every authenticated route refuses anonymous calls
	for _, rt := range []string{
		"POST /media/create", "POST /media", "GET /media/cost",
		"GET /media/{id}", "PATCH /media/{id}", "DELETE /media/{id}",
		"POST /media/{id}/part", "GET /media/{id}/complete",
		"POST /media/{id}/thumbnail", "DELETE /media/{id}/thumbnail",
		"GET /media/{id}/chapters", "POST /media/{id}/chapters/{lan}", "DELETE /media/{id}/chapters/{lan}",
		"GET /media/{id}/captions", "POST /media/{id}/captions/{lan}", "PATCH /media/{id}/captions/{lan}", "DELETE /media/{id}/captions/{lan}",
		"GET /media/{id}/transcripts", "POST /media/{id}/transcripts/{lan}", "PATCH /media/{id}/transcripts/{lan}", "DELETE /media/{id}/transcripts/{lan}",
		"GET /user/me",
		"POST /analytics/metrics/data/{metric}/{aggregation}", "POST /analytics/metrics/bucket/{metric}/{breakdown}",
		"POST /analytics/metrics/timeseries/{metric}/{interval}", "GET /analytics/data", "GET /analytics/media",
	} {
		method, pattern, _ := strings.Cut(rt, " ")
		p := strings.NewReplacer("{id}", id, "{lan}", "en", "{metric}", "play", "{aggregation}", "count",
			"{breakdown}", "country", "{interval}", "hour").Replace(pattern)
		if r := e.doAuth(method, p, nil, false); r.code != 401 {
			t.Errorf("%s %s without keys: %d", method, p, r.code)
		}
	}
	// the public route needs none
	if r := e.doAuth("GET", "/media/"+id+"/player.json", nil, false); r.code != 200 {
		t.Fatalf("player.json without keys: %d %s", r.code, r.body)
	}
}

func TestRateLimitHeadersAnd429(t *testing.T) {
	e := newEnv(t, Options{RateLimit: 3})
	for i, c := range []struct {
		path      string
		auth      bool
		code      int
		remaining string
	}{
		{"/user/me", true, 200, "2"},
		{"/user/me", false, 401, "1"},
		{"/nope", true, 404, "0"},
		{"/user/me", true, 429, "0"},
	} {
		r := e.doAuth("GET", c.path, nil, c.auth)
		if r.code != c.code {
			t.Fatalf("#%d code %d, want %d", i, r.code, c.code)
		}
		if r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Remaining") != c.remaining {
			t.Fatalf("#%d headers limit=%q remaining=%q", i, r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"))
		}
		if ra := r.header.Get("X-RateLimit-Retry-After"); ra == "" || ra == "0" {
			t.Fatalf("#%d Retry-After = %q", i, ra)
		}
		if c.code == 429 && r.json(t)["status"] != "error" {
			t.Fatalf("429 body %s", r.body)
		}
	}
}

func TestRateLimitWindowResets(t *testing.T) {
	clk := testkit.NewClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newEnv(t, Options{RateLimit: 1, Now: clk.Now})
	if r := e.do("GET", "/user/me", nil); r.code != 200 {
		t.Fatal(r.code)
	}
	if r := e.do("GET", "/user/me", nil); r.code != 429 {
		t.Fatal(r.code)
	}
	clk.Add(61 * time.Second)
	if r := e.do("GET", "/user/me", nil); r.code != 200 {
		t.Fatalf("after window: %d", r.code)
	}
}

func TestDefaultRateLimitIsHigh(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "/user/me", nil)
	if r.header.Get("X-RateLimit-Limit") != "600" {
		t.Fatalf("limit %q", r.header.Get("X-RateLimit-Limit"))
	}
}

func TestRoutingErrors(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "x"})
	cases := []struct {
		method, path string
		code         int
		allow        string
	}{
		{"GET", "/nothing", 404, ""},
		{"GET", "/media/" + id + "/unknown", 404, ""},
		{"GET", "/media/", 404, ""},
		{"PUT", "/media/" + id, 405, "GET, PATCH, DELETE"},
		{"GET", "/media", 405, "POST"},
		{"GET", "/media/create", 405, "POST"},
		{"PATCH", "/media/cost", 405, "GET"},
		{"POST", "/media/" + id + "/complete", 405, "GET"},
		{"POST", "/user/me", 405, "GET"},
		{"GET", "/analytics/metrics/data/play/count", 405, "POST"},
	}
	for _, c := range cases {
		t.Run(c.method+c.path, func(t *testing.T) {
			r := e.do(c.method, c.path, nil)
			if r.code != c.code {
				t.Fatalf("code %d, want %d: %s", r.code, c.code, r.body)
			}
			m := r.json(t)
			if m["status"] != "error" || m["message"] == "" {
				t.Fatalf("body %s", r.body)
			}
			if r.header.Get("X-RateLimit-Remaining") == "" {
				t.Fatal("missing rate-limit header")
			}
			if c.allow != "" && r.header.Get("Allow") != c.allow {
				t.Fatalf("Allow = %q, want %q", r.header.Get("Allow"), c.allow)
			}
		})
	}
	// outside /api
	res, err := http.Get(e.srv.URL + "/media/" + id)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Fatalf("without /api prefix: %d", res.StatusCode)
	}
}

func TestRequestsRecorded(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "rec"})
	data := []byte("hello world")
	e.part(id, data, 0, int64(len(data)), 7)
	e.doAuth("GET", "/user/me", nil, false)
	reqs := e.s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	if reqs[0].Method != "POST" || reqs[0].Path != "/api/media/create" || reqs[0].Status != 200 {
		t.Fatalf("req0 %+v", reqs[0])
	}
	p := reqs[1]
	if p.ContentRange != "bytes 0-10/11" || p.Index != "7" || p.Hash != md5hex(data) || p.PartSize != 11 || p.Status != 200 {
		t.Fatalf("part record %+v", p)
	}
	if p.Header.Get("stream-public-key") != testPub {
		t.Fatal("headers not recorded")
	}
	if reqs[2].Status != 401 {
		t.Fatalf("req2 status %d", reqs[2].Status)
	}
	// copies: mutating the result does not change the server's record
	reqs[0].Header.Set("X", "y")
	if e.s.Requests()[0].Header.Get("X") != "" {
		t.Fatal("Requests returned shared headers")
	}
}

func TestWebhookDelivery(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]string
		_ = json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	defer hook.Close()
	e := newEnv(t, Options{WebhookURL: hook.URL})
	id := e.upload(map[string]any{"title": "hooked", "type": "audio"}, []byte("abc"))
	e.s.Settle()
	want := []string{"file_received", "encoding_started", "partial_finished", "encoding_finished"}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("got %d deliveries: %v", len(got), got)
	}
	for i, w := range want {
		g := got[i]
		if g["type"] != w || g["media_id"] != id || g["title"] != "hooked" || g["emitted_at"] == "" || g["status"] == "" {
			t.Fatalf("delivery %d = %v", i, g)
		}
		if _, err := time.Parse(time.RFC3339, g["emitted_at"]); err != nil {
			t.Fatalf("emitted_at %q", g["emitted_at"])
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, Options{})
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			data := []byte(strings.Repeat(fmt.Sprint(i), 1000))
			id := e.upload(map[string]any{"title": fmt.Sprint("c", i)}, data)
			e.detail(id)
			e.do("POST", "/media", map[string]any{})
			e.do("POST", "/analytics/metrics/data/play/count", map[string]any{"from": 0, "to": 2000000000})
			_ = e.s.Events()
			_ = e.s.Requests()
		}(i)
	}
	wg.Wait()
	if n := len(e.s.Requests()); n != 16*6 {
		t.Fatalf("%d requests recorded", n)
	}
}

func md5hex(b []byte) string {
	h := md5.Sum(b)
	return hex.EncodeToString(h[:])
}

// A long sandbox session keeps a bounded request log: the newest
// reqlog.DefaultSize requests, not every request since start.
func TestRequestLogIsBounded(t *testing.T) {
	e := newEnv(t, Options{RateLimit: 1 << 30})
	n := reqlog.DefaultSize + 50
	for i := 0; i < n; i++ {
		e.do("GET", "/api/user/me", nil)
	}
	got := e.s.Requests()
	if len(got) != reqlog.DefaultSize {
		t.Fatalf("kept %d requests after %d, want %d", len(got), n, reqlog.DefaultSize)
	}
}
