package dorafake

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

// The AK/SK of the spec's §3.1.4 vectors.
const (
	testAK = testkit.QiniuAK
	testSK = testkit.QiniuSK
)

func newTestServer(t *testing.T, mod ...func(*Options)) *Server {
	t.Helper()
	o := Options{AccessKey: testAK, SecretKey: testSK}
	for _, m := range mod {
		m(&o)
	}
	s := New(o)
	t.Cleanup(s.Close)
	return s
}

// testSign is the test's own QiniuToken signer, written from p056.
func testSign(method, path, rawQuery, host, contentType string, body []byte, sk string) string {
	data := method + " " + path
	if rawQuery != "" {
		data += "?" + rawQuery
	}
	data += "\nHost: " + host
	if contentType != "" {
		data += "\nContent-Type: " + contentType
	}
	data += "\n\n"
	if len(body) > 0 && contentType != "" && contentType != "application/octet-stream" {
		data += string(body)
	}
	m := hmac.New(sha1.New, []byte(sk))
	m.Write([]byte(data))
	return base64.URLEncoding.EncodeToString(m.Sum(nil))
}

// newReq builds a signed request; body may be nil, []byte or any JSON value.
func newReq(t *testing.T, method, target string, body any) *http.Request {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Host = "fake.dora.test"
	ct := ""
	if raw != nil {
		ct = "application/json"
		r.Header.Set("Content-Type", ct)
	}
	r.Header.Set("Authorization", "Qiniu "+testAK+":"+testSign(method, r.URL.EscapedPath(), r.URL.RawQuery, r.Host, ct, raw, testSK))
	return r
}

// serve runs r through s and decodes the JSON answer.
func serve(t *testing.T, s *Server, r *http.Request) (int, map[string]any) {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %q", r.Method, r.URL, w.Body.String())
	}
	return w.Code, m
}

func call(t *testing.T, s *Server, method, target string, body any) map[string]any {
	t.Helper()
	code, m := serve(t, s, newReq(t, method, target, body))
	if code != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d %v", method, target, code, m)
	}
	return m
}

// num reads a JSON number field.
func num(m map[string]any, key string) int {
	f, _ := m[key].(float64)
	return int(f)
}

// receiver is a callback endpoint that records bodies.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
	status int
}

func newReceiver(t *testing.T, status int) *receiver {
	rc := &receiver{status: status}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, m)
		rc.mu.Unlock()
		if r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			return
		}
		w.WriteHeader(rc.status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) got() []map[string]any {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]map[string]any(nil), rc.bodies...)
}

// makeWAV returns a PCM WAV of the given length filled with silence.
func makeWAV(rate, channels, bits, ms int) []byte {
	byteRate := rate * channels * bits / 8
	n := byteRate * ms / 1000
	var b bytes.Buffer
	b.WriteString("RIFF")
	_ = binary.Write(&b, binary.LittleEndian, uint32(36+n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(channels), uint32(rate), uint32(byteRate), uint16(channels * bits / 8), uint16(bits)} {
		_ = binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	_ = binary.Write(&b, binary.LittleEndian, uint32(n))
	b.Write(make([]byte, n))
	return b.Bytes()
}

// --- signature -------------------------------------------------------------

func TestSignSeedVectors(t *testing.T) {
	// p059: the same HMAC-SHA1 + URL-safe base64 primitive.
	if got := sign("/testhub/teststreamtitle?e=1584522520", testSK); got != "NfI2OWGCMdFDTLOfeUd-zSPVrFY=" {
		t.Errorf("p059 vector: %s", got)
	}
	if got := sign("/testhub/teststreamtitle?expire=1584522520", "12345678"); got != "zYvN7rHgJiw2QUSo_xRoBZIf1kM=" {
		t.Errorf("p059 expire vector: %s", got)
	}
}

func TestSigningStringComputedVectors(t *testing.T) {
	// spec §3.1.4 computed vectors
	cases := []struct {
		method, url, ct, body, data, auth string
	}{
		{"POST", "https://yitu-audio.qiniuapi.com/v4/lasr", "application/json", `{"audioUrl":"https://cdnfile.mp3"}`,
			"POST /v4/lasr\nHost: yitu-audio.qiniuapi.com\nContent-Type: application/json\n\n{\"audioUrl\":\"https://cdnfile.mp3\"}",
			"duKeOjDmOGHa-fK_pjV5Hfo55g8="},
		{"GET", "https://yitu-audio.qiniuapi.com/v4/lasr/4a3d3643-1712-4441-a5ae-7a5b26e3afc7", "", "",
			"GET /v4/lasr/4a3d3643-1712-4441-a5ae-7a5b26e3afc7\nHost: yitu-audio.qiniuapi.com\n\n", "zVoMITi9FgazG57Ff6prT4faTq0="},
		{"GET", "https://ap-gate-z0.qiniuapi.com/translate/v1/document/query?entryId=61446e07000000003a4b6d31703f790c", "", "",
			"GET /translate/v1/document/query?entryId=61446e07000000003a4b6d31703f790c\nHost: ap-gate-z0.qiniuapi.com\n\n", "BlhxJd3l36Z-26bIF6jMdaKiU74="},
		{"GET", "https://ap-gate-z0.qiniuapi.com/translate/v1/document/query?entryId=61446e07000000003a4b6d31703f790c", "application/json", "",
			"GET /translate/v1/document/query?entryId=61446e07000000003a4b6d31703f790c\nHost: ap-gate-z0.qiniuapi.com\nContent-Type: application/json\n\n", "--3go93yCRVlfsSLX7fs-rPFM0g="},
		{"POST", "http://yitu-audio.qiniuapi.com/v2/asr", "application/octet-stream", "xyz",
			"POST /v2/asr\nHost: yitu-audio.qiniuapi.com\nContent-Type: application/octet-stream\n\n", "3UzJsKtoZxTcHPuB_Klj1ZoeGzk="},
	}
	for _, c := range cases {
		var rd io.Reader
		if c.body != "" {
			rd = strings.NewReader(c.body)
		}
		r := httptest.NewRequest(c.method, c.url, rd)
		if c.ct != "" {
			r.Header.Set("Content-Type", c.ct)
		}
		data := signingString(r, []byte(c.body), false)
		if data != c.data {
			t.Errorf("%s %s: data %q, want %q", c.method, c.url, data, c.data)
		}
		if got := sign(data, testSK); got != c.auth {
			t.Errorf("%s %s: sign %s, want %s", c.method, c.url, got, c.auth)
		}
		r.Header.Set("Authorization", "Qiniu "+testAK+":"+c.auth)
		s := New(Options{AccessKey: testAK, SecretKey: testSK})
		if reason := s.checkAuth(r, []byte(c.body)); reason != "" {
			t.Errorf("%s %s: vector rejected: %s", c.method, c.url, reason)
		}
	}
}

func TestAuthRejections(t *testing.T) {
	s := newTestServer(t)
	body := []byte(`{"url":"http://x.test/a.docx","from":"auto","to":"en","dType":2,"bucket":"b","callback":"http://cb.test/"}`)
	paths := map[string]string{ // one path per family, with its documented 401 body
		"/v2/asr":                          `{"rtn":4304,"message":"SAAS_ANTISPAM_PERMISSION_DENIED_ERROR"`,
		"/anti_fraud/v2/img":               `{"code":9101,"message":"无权限操作"}`,
		"/translate/v1/document/translate": `{"code":401,"msg":"鉴权失败"}`,
	}
	for path, want := range paths {
		mk := func() *http.Request {
			r := httptest.NewRequest("POST", path, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			return r
		}
		tests := map[string]*http.Request{}

		r := mk() // wrong secret
		r.Header.Set("Authorization", "Qiniu "+testAK+":"+testSign("POST", path, "", r.Host, "application/json", body, "wrong-secret"))
		tests["wrong secret"] = r

		r = mk() // body modified after signing
		r.Header.Set("Authorization", "Qiniu "+testAK+":"+testSign("POST", path, "", r.Host, "application/json", []byte(`{"x":1}`), testSK))
		tests["modified body"] = r

		r = mk() // Content-Type left out of the signed string
		r.Header.Set("Authorization", "Qiniu "+testAK+":"+testSign("POST", path, "", r.Host, "", nil, testSK))
		tests["no Content-Type signed"] = r

		r = mk()
		tests["no Authorization"] = r

		r = mk()
		r.Header.Set("Authorization", "Qiniu otherAK:"+testSign("POST", path, "", r.Host, "application/json", body, testSK))
		tests["unknown AK"] = r

		r = mk()
		r.Header.Set("Authorization", "QBox "+testAK+":"+testSign("POST", path, "", r.Host, "application/json", body, testSK))
		tests["QBox scheme"] = r

		for name, r := range tests {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != http.StatusUnauthorized || !strings.HasPrefix(w.Body.String(), want) {
				t.Errorf("%s %s: HTTP %d %s, want 401 %s", path, name, w.Code, w.Body.String(), want)
			}
		}
	}
	for _, rq := range s.Requests() {
		if rq.Status == http.StatusUnauthorized && rq.Error == "" {
			t.Errorf("rejected request recorded without a reason: %+v", rq)
		}
	}
}

func TestAuthAcceptedForms(t *testing.T) {
	s := newTestServer(t)
	body := []byte(`{"type":"PORN","data":{"img":"http://x.test/a.jpg","tokenId":"u1"}}`)
	path := "/anti_fraud/v2/img"
	mk := func() *http.Request {
		r := httptest.NewRequest("POST", path, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	sig := testSign("POST", path, "", "example.com", "application/json", body, testSK)

	r := mk() // quirk 2: no space after Qiniu
	r.Header.Set("Authorization", "Qiniu"+testAK+":"+sig)
	if code, m := serve(t, s, r); code != 200 || num(m, "code") != 1100 {
		t.Errorf("no-space form: %d %v", code, m)
	}

	r = mk() // SDK style: X-Qiniu-* headers signed between Content-Type and the blank line
	r.Header.Set("X-Qiniu-Date", "20240101T000000Z")
	data := "POST " + path + "\nHost: example.com\nContent-Type: application/json\nX-Qiniu-Date: 20240101T000000Z\n\n" + string(body)
	r.Header.Set("Authorization", "Qiniu "+testAK+":"+sign(data, testSK))
	if code, m := serve(t, s, r); code != 200 || num(m, "code") != 1100 {
		t.Errorf("X-Qiniu form: %d %v", code, m)
	}
}

func TestOctetStreamBodyNotSigned(t *testing.T) {
	s := New(Options{AccessKey: testAK, SecretKey: testSK})
	r := httptest.NewRequest("POST", "/v2/asr", strings.NewReader("xyz"))
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set("Authorization", "Qiniu "+testAK+":"+testSign("POST", "/v2/asr", "", r.Host, "application/octet-stream", nil, testSK))
	if reason := s.checkAuth(r, []byte("xyz")); reason != "" {
		t.Fatalf("octet-stream body must not be signed: %s", reason)
	}
	// but the JSON API still wants JSON: 1101
	_, m := serve(t, s, r)
	if num(m, "rtn") != 1101 {
		t.Errorf("octet-stream to /v2/asr: %v", m)
	}
}

func TestRoutingAndRecording(t *testing.T) {
	s := newTestServer(t)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, newReq(t, "POST", "/nope", map[string]any{}))
	if w.Code != http.StatusNotFound {
		t.Errorf("unknown path: %d", w.Code)
	}
	w = httptest.NewRecorder()
	s.ServeHTTP(w, newReq(t, "GET", "/anti_fraud/v2/img", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET img: %d", w.Code)
	}
	call(t, s, "POST", "/anti_fraud/v2/img", map[string]any{"type": "PORN", "data": map[string]any{"img": "http://x.test/a.jpg", "tokenId": "u"}})
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("recorded %d requests", len(reqs))
	}
	last := reqs[2]
	if last.Method != "POST" || last.Path != "/anti_fraud/v2/img" || last.Status != 200 || last.Error != "" || !bytes.Contains(last.Body, []byte("tokenId")) || !bytes.Contains(last.Response, []byte(`"code":1100`)) {
		t.Errorf("recorded %+v", last)
	}
}

func TestCallbackRetriesAndClose(t *testing.T) {
	rc := newReceiver(t, http.StatusInternalServerError)
	s := newTestServer(t)
	m := call(t, s, "POST", "/anti_fraud/v2/audiostream", map[string]any{
		"type": "PORN", "callback": rc.URL + "/cb",
		"data": map[string]any{"streamType": "NORMAL", "url": "rtmp://live.test/app/reject", "tokenId": "t", "channel": "LIVE_ROOM"},
	})
	s.Advance()
	s.Flush()
	cbs := s.Callbacks()
	if len(cbs) != 12 || len(rc.got()) != 12 {
		t.Fatalf("want 12 pushes to a failing receiver (p003), got %d / %d", len(cbs), len(rc.got()))
	}
	for i, cb := range cbs {
		if cb.Attempt != i+1 || cb.Status != 500 || cb.Kind != "audiostream" || cb.ID != m["entryId"] {
			t.Errorf("attempt %d: %+v", i, cb)
		}
	}
	s.Close()
	s.Advance() // after Close nothing is delivered
	s.Flush()
	if n := len(s.Callbacks()); n != 12 {
		t.Errorf("delivered after Close: %d", n)
	}
}

func TestStepTicker(t *testing.T) {
	rc := newReceiver(t, 200)
	s := newTestServer(t, func(o *Options) { o.Step = 5 * time.Millisecond })
	m := call(t, s, "POST", "/v4/lasr", map[string]any{"audioUrl": "http://media.test/a.mp3", "callback": rc.URL})
	id := m["taskId"].(string)
	deadline := time.Now().Add(5 * time.Second)
	for {
		q := call(t, s, "GET", "/v4/lasr/"+id, nil)
		if num(q["data"].(map[string]any), "statusCode") == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("task never finished with Step > 0")
		}
		time.Sleep(time.Millisecond)
	}
	s.Flush()
	if got := rc.got(); len(got) != 1 || got[0]["taskId"] != id {
		t.Errorf("callback: %v", got)
	}
}

// sign returns urlsafe_base64_encode(hmac_sha1(data, sk)), padded.
func sign(data, sk string) string { return base64.URLEncoding.EncodeToString(mac(data, sk)) }
