package doraapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mcp-media/mcp-media/internal/argerr"
)

// recorder is a minimal realtime ASR server that timestamps every audio
// frame on arrival, answers each frame with a partial result, and after
// EOS sends a final result and closes — to measure the client's pacing
// where it matters, at the receiving end.
type recorder struct {
	mu        sync.Mutex
	frames    []time.Time
	sizes     []int
	eos       bool
	closeCode int
	query     url.Values
	srv       *httptest.Server
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{closeCode: -1}
	up := websocket.Upgrader{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		conn, err := up.Upgrade(w, req, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		r.mu.Lock()
		r.query = req.URL.Query()
		r.mu.Unlock()
		conn.SetCloseHandler(func(code int, text string) error {
			r.mu.Lock()
			r.closeCode = code
			r.mu.Unlock()
			_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
			return nil
		})
		n := 0
		for {
			typ, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			if typ == websocket.BinaryMessage {
				r.mu.Lock()
				r.frames = append(r.frames, time.Now())
				r.sizes = append(r.sizes, len(data))
				r.mu.Unlock()
				n++
				_ = conn.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(
					`{"isFinal":false,"isBegin":%t,"bestTranscription":{"transcribedText":"p%d","beginTimestamp":0,"endTimestamp":%d,"piece":[]}}`, n == 1, n, n*200)))
				continue
			}
			if string(data) == "EOS" {
				r.mu.Lock()
				r.eos = true
				r.mu.Unlock()
				_ = conn.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(
					`{"isFinal":true,"isBegin":false,"bestTranscription":{"transcribedText":"final","beginTimestamp":0,"endTimestamp":%d,"keyWordsType":[{"keyWords":"七牛","keyWordsScore":0.9,"startTimestamp":10,"endTimestamp":20}],"piece":[{"transcribedText":"f","beginTimestamp":0,"endTimestamp":10}]}}`, n*200)))
				_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
				for {
					if _, _, err := conn.ReadMessage(); err != nil {
						return
					}
				}
			}
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) wsURL() string { return "ws" + strings.TrimPrefix(r.srv.URL, "http") }

func (r *recorder) snapshot() ([]time.Time, []int, bool, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.frames...), append([]int(nil), r.sizes...), r.eos, r.closeCode
}

// The session sends 200 ms frames at real-time pace (±10%, measured over
// 3.8 s at the receiver), never ahead of real time, then EOS.
func TestRealtimePacing(t *testing.T) {
	rec := newRecorder(t)
	e := newEnv(t, func(c *Config) { c.ASRWSURL = rec.wsURL() })
	p := writeWAV(t, 16000, 1, 16, 4*time.Second)
	var mu sync.Mutex
	var results []RealtimeResult
	tr, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: p},
		OnResult: func(r RealtimeResult) { mu.Lock(); results = append(results, r); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	frames, sizes, eos, _ := rec.snapshot()
	if len(frames) != 20 || !eos {
		t.Fatalf("frames = %d, eos = %v", len(frames), eos)
	}
	for i, n := range sizes {
		if n != 6400 {
			t.Errorf("frame %d is %d bytes, want 6400 (200 ms at 16 kHz)", i, n)
		}
	}
	span := frames[len(frames)-1].Sub(frames[0])
	want := 19 * RealtimeFrame
	dev := float64(span-want) / float64(want)
	t.Logf("pacing: 20 frames over %v (nominal %v, deviation %+.2f%%)", span, want, 100*dev)
	if dev < -0.10 || dev > 0.10 {
		t.Errorf("span %v deviates %.1f%% from %v", span, 100*dev, want)
	}
	var worst time.Duration
	for k, at := range frames {
		nominal := time.Duration(k) * RealtimeFrame
		got := at.Sub(frames[0])
		if got < nominal-20*time.Millisecond {
			t.Errorf("frame %d arrived %v after the first, ahead of real time (%v)", k, got, nominal)
		}
		if d := got - nominal; d > worst {
			worst = d
		}
	}
	t.Logf("pacing: worst lag behind schedule %v", worst)
	if tr.Frames != 20 || tr.Audio != 4*time.Second || tr.Ended != EndedEOF || tr.Decoder != "wav" {
		t.Errorf("transcript = %+v", tr)
	}
	// results arrive in order, partials then the final.
	mu.Lock()
	defer mu.Unlock()
	if len(results) != 21 || !results[20].Final {
		t.Fatalf("%d results", len(results))
	}
	for i, r := range results[:20] {
		if r.Seq != i+1 || r.Text != fmt.Sprintf("p%d", i+1) || r.Final {
			t.Errorf("result %d = %+v", i, r)
		}
	}
	if kw := results[20].KeyWords; len(kw) != 1 || kw[0].Start != 10*time.Millisecond {
		t.Errorf("keywords (startTimestamp, quirk 22) = %+v", kw)
	}
	if tr.Text != "final" || tr.Partials != 20 || tr.Results != 21 {
		t.Errorf("transcript = %+v", tr)
	}
}

// Against the fake: no audio is dropped by its pacing rule, partials come
// in order, EOS ends the session with the final result.
func TestRealtimeAgainstFake(t *testing.T) {
	e := newEnv(t)
	p := writeWAV(t, 16000, 1, 16, 3400*time.Millisecond)
	zh := 1
	var texts []string
	var finals []bool
	tr, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: p}, ModelType: &zh, KeyWords: []string{"七牛"},
		OnResult: func(r RealtimeResult) { texts = append(texts, r.Text); finals = append(finals, r.Final) }})
	if err != nil {
		t.Fatal(err)
	}
	sess := e.fake.RealtimeSessions()
	if len(sess) != 1 {
		t.Fatalf("sessions = %d", len(sess))
	}
	s := sess[0]
	if s.AcceptedMs != 3400 || s.DroppedBytes != 0 || s.DroppedFrames != 0 || !s.Ended {
		t.Errorf("fake session = %+v", s)
	}
	if s.Params.Get("aue") != "1" || s.Params.Get("voice_sample") != "16000" || s.Params.Get("model_type") != "1" || s.Params.Get("key_words") != "七牛" {
		t.Errorf("params = %v", s.Params)
	}
	want := []string{"[sandbox] 一", "[sandbox] 一二", "[sandbox] 一二三", "[sandbox] 一二三。"}
	if strings.Join(texts, "|") != strings.Join(want, "|") || !finals[3] || finals[2] {
		t.Errorf("results = %q %v", texts, finals)
	}
	if tr.Text != "[sandbox] 一二三。" || len(tr.Sentences) != 1 || tr.Sentences[0].End != 3400*time.Millisecond {
		t.Errorf("transcript = %+v", tr)
	}
}

// The e/token parameters come last; token is AK:sign of the URL with e
// (the download-token construction, spec §3.2).
func TestRealtimeToken(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Now = func() time.Time { return time.Unix(1700000000, 0) }
	})
	p := writeWAV(t, 8000, 1, 16, 200*time.Millisecond)
	if _, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: p}}); err != nil {
		t.Fatal(err)
	}
	reqs := e.fake.Requests()
	q := reqs[0].RawQuery
	i := strings.Index(q, "&token=")
	if i < 0 || !strings.HasSuffix(q[:i], "&e=1700000060") {
		t.Fatalf("query = %s", q)
	}
	signed := "ws://" + reqs[0].Host + reqs[0].Path + "?" + q[:i]
	m := hmac.New(sha1.New, []byte(testSK))
	m.Write([]byte(signed))
	if want := testAK + ":" + base64.URLEncoding.EncodeToString(m.Sum(nil)); q[i+len("&token="):] != want {
		t.Errorf("token = %s, want %s", q[i+7:], want)
	}
	if !e.red.Contains(q[i+7:]) {
		t.Error("the token is not registered for redaction")
	}
}

// Cancelling ends the session promptly with a close frame and keeps the
// transcript so far. The bounds hold under load: at least one frame went
// out, and Realtime returned within 1 s of the cancellation.
func TestRealtimeCancelClosesCleanly(t *testing.T) {
	rec := newRecorder(t)
	e := newEnv(t, func(c *Config) { c.ASRWSURL = rec.wsURL() })
	p := writeWAV(t, 16000, 1, 16, 5*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var cancelledAt time.Time
	first := make(chan struct{})
	var once sync.Once
	go func() {
		<-first
		time.Sleep(600 * time.Millisecond)
		mu.Lock()
		cancelledAt = time.Now()
		mu.Unlock()
		cancel()
	}()
	tr, err := e.client.Realtime(ctx, RealtimeOptions{Input: RealtimeInput{Path: p},
		OnResult: func(RealtimeResult) { once.Do(func() { close(first) }) }})
	returned := time.Now()
	if err == nil || !strings.Contains(err.Error(), "cancelled") || tr.Ended != EndedCancelled {
		t.Fatalf("err = %v, ended = %q", err, tr.Ended)
	}
	mu.Lock()
	took := returned.Sub(cancelledAt)
	mu.Unlock()
	if took > time.Second {
		t.Errorf("Realtime returned %v after the cancellation", took)
	}
	deadline := time.Now().Add(2 * time.Second)
	var frames []time.Time
	var eos bool
	code := -1
	for time.Now().Before(deadline) {
		frames, _, eos, code = rec.snapshot()
		if code != -1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if eos || code != websocket.CloseNormalClosure || len(frames) < 1 || len(frames) >= 25 {
		t.Errorf("frames %d, eos %v, close code %d", len(frames), eos, code)
	}
	if tr.Partials == 0 || tr.Text == "" {
		t.Errorf("the transcript so far is lost: %+v", tr)
	}
}

// A message larger than the read limit breaks the session instead of
// being buffered.
func TestRealtimeReadLimit(t *testing.T) {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		conn, err := up.Upgrade(w, req, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
		big := `{"isFinal":true,"bestTranscription":{"transcribedText":"` + strings.Repeat("a", 2<<20) + `","beginTimestamp":0,"endTimestamp":200}}`
		_ = conn.WriteMessage(websocket.TextMessage, []byte(big))
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	e := newEnv(t, func(c *Config) { c.ASRWSURL = "ws" + strings.TrimPrefix(srv.URL, "http") })
	tr, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: writeWAV(t, 16000, 1, 16, 600*time.Millisecond)}})
	if err == nil || tr.Results != 0 {
		t.Fatalf("a 2 MB message was accepted: err %v, results %d", err, tr.Results)
	}
	if !strings.Contains(err.Error(), "read limit") {
		t.Errorf("err = %v", err)
	}
}

// The default dialer uses the configured HTTP client's proxy setting.
func TestRealtimeDialerHonoursHTTPTransport(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	tr := &http.Transport{Proxy: func(r *http.Request) (*url.URL, error) {
		mu.Lock()
		asked = append(asked, r.URL.Host)
		mu.Unlock()
		return nil, nil
	}}
	e := newEnv(t, func(c *Config) { c.HTTP = &http.Client{Transport: tr} })
	if _, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: writeWAV(t, 16000, 1, 16, 200*time.Millisecond)}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) == 0 {
		t.Error("the transport's Proxy function was not consulted for the WebSocket")
	}
	tr.TLSClientConfig = &tls.Config{ServerName: "asr.example"}
	if d := dialerFor(&http.Client{Transport: tr}); d.TLSClientConfig == nil || d.TLSClientConfig.ServerName != "asr.example" || d.HandshakeTimeout == 0 {
		t.Errorf("dialer = %+v", d)
	}
}

// A URL input that decodes to no audio blames `url`, not `path`.
func TestRealtimeEmptyURLInputBlamesURL(t *testing.T) {
	needFFmpeg(t)
	u := serveBytes(t, "/empty.wav", wavBytes(16000, 1, 16, 0))
	e := newEnv(t)
	_, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{URL: u}})
	var le *argerr.Error
	if !errors.As(err, &le) || le.Arg != "url" || !strings.Contains(err.Error(), "invalid argument `url`: the input holds no audio") {
		t.Fatalf("err = %v", err)
	}
}

// An error about a URL input shows the URL without its query.
func TestRealtimeURLErrorHidesURLQuery(t *testing.T) {
	needFFmpeg(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusForbidden) }))
	t.Cleanup(srv.Close)
	e := newEnv(t)
	_, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{URL: srv.URL + "/live.flv?token=mysecrettoken123&e=1"}})
	if err == nil || !strings.Contains(err.Error(), "HTTP 403") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "mysecrettoken123") {
		t.Errorf("the URL's token reached the error: %v", err)
	}
	if !strings.Contains(err.Error(), srv.URL+"/live.flv?…") {
		t.Errorf("the URL is not shown in its display form: %v", err)
	}
}

// A URL that stalls after its headers ends the decode after ffmpeg's
// rw_timeout instead of blocking the session.
func TestRealtimeStalledURLTimesOut(t *testing.T) {
	needFFmpeg(t)
	old := ffmpegRWTimeout
	ffmpegRWTimeout = time.Second
	t.Cleanup(func() { ffmpegRWTimeout = old })
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/x-flv")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) })
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, err := e.client.Realtime(ctx, RealtimeOptions{Input: RealtimeInput{URL: srv.URL + "/live.flv"}, MaxDuration: 10 * time.Second})
	if err == nil || ctx.Err() != nil || time.Since(start) > 10*time.Second {
		t.Fatalf("after %v: err = %v (ctx %v)", time.Since(start), err, ctx.Err())
	}
}

func needFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ffmpeg is not installed, but CI must run this test: .ci/run installs the Debian package ffmpeg")
		}
		t.Skip("ffmpeg is not installed (apt-get install ffmpeg)")
	}
}

func TestRealtimeMaxDuration(t *testing.T) {
	rec := newRecorder(t)
	e := newEnv(t, func(c *Config) { c.ASRWSURL = rec.wsURL() })
	p := writeWAV(t, 16000, 1, 16, 3*time.Second)
	tr, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: p}, MaxDuration: 700 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	frames, sizes, eos, _ := rec.snapshot()
	if tr.Ended != EndedMax || tr.Audio != 700*time.Millisecond || len(frames) != 4 || sizes[3] != 3200 || !eos {
		t.Errorf("ended %q audio %v frames %d sizes %v eos %v", tr.Ended, tr.Audio, len(frames), sizes, eos)
	}
}

func TestRealtimeLimitsRefusedBeforeSending(t *testing.T) {
	cases := []struct {
		name string
		opts func(t *testing.T) RealtimeOptions
		cfg  func(*Config)
		want string
	}{
		{"invalid sample rate", func(t *testing.T) RealtimeOptions {
			return RealtimeOptions{Input: RealtimeInput{Path: writeFile(t, "a.pcm", make([]byte, 6400)), SampleRate: 22050}}
		}, nil, "22050 Hz"},
		{"unsupported format", func(t *testing.T) RealtimeOptions {
			return RealtimeOptions{Input: RealtimeInput{Path: writeFile(t, "a.mp3", []byte("%PDF-1.4 not audio"))}}
		}, nil, "PDF"},
		{"ffmpeg missing", func(t *testing.T) RealtimeOptions {
			return RealtimeOptions{Input: RealtimeInput{URL: "https://live.example/hub/stream.m3u8"}}
		}, func(c *Config) { c.FFmpeg = "ffmpeg-not-installed-here" }, "package `ffmpeg`"},
		{"WAV needing conversion without ffmpeg", func(t *testing.T) RealtimeOptions {
			return RealtimeOptions{Input: RealtimeInput{Path: writeWAV(t, 22050, 2, 16, time.Second)}}
		}, func(c *Config) { c.FFmpeg = "ffmpeg-not-installed-here" }, "`ffmpeg`"},
		{"bad keyword", func(t *testing.T) RealtimeOptions {
			return RealtimeOptions{Input: RealtimeInput{Path: writeWAV(t, 16000, 1, 16, time.Second)}, KeyWords: []string{"七"}}
		}, nil, "2–4 characters"},
		{"unsupported URL scheme", func(t *testing.T) RealtimeOptions {
			return RealtimeOptions{Input: RealtimeInput{URL: "file:///etc/passwd"}}
		}, nil, "not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mods := []func(*Config){}
			if c.cfg != nil {
				mods = append(mods, c.cfg)
			}
			e := newEnv(t, mods...)
			_, err := e.client.Realtime(context.Background(), c.opts(t))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if n := len(e.fake.Requests()); n != 0 {
				t.Errorf("%d requests were sent", n)
			}
		})
	}
	var fe *FFmpegMissingError
	e := newEnv(t, func(c *Config) { c.FFmpeg = "ffmpeg-not-installed-here" })
	_, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{URL: "rtmp://live.example/hub/s"}})
	if !errors.As(err, &fe) {
		t.Errorf("err = %T %v", err, err)
	}
}

func TestRealtimeWrongKeyNamesAuthSet(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AccessKey = "someone-elses-access-key" })
	_, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: writeWAV(t, 16000, 1, 16, time.Second)}})
	if err == nil || !strings.Contains(err.Error(), "mcp-media auth set qiniu") || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v", err)
	}
}

func TestRealtimeDecodesWithFFmpeg(t *testing.T) {
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ffmpeg is not installed, but CI must run this test: .ci/run installs the Debian package ffmpeg")
		}
		t.Skip("ffmpeg is not installed (apt-get install ffmpeg)")
	}
	dir := t.TempDir()
	mp3 := filepath.Join(dir, "tone.mp3")
	if out, err := exec.Command(ff, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1.2:sample_rate=44100", "-ac", "2", mp3).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	e := newEnv(t)
	tr, err := e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: mp3}})
	if err != nil {
		t.Fatal(err)
	}
	s := e.fake.RealtimeSessions()[0]
	if tr.Decoder != "ffmpeg" || tr.SampleRate != 16000 || s.Params.Get("voice_sample") != "16000" || s.DroppedBytes != 0 {
		t.Errorf("transcript %+v session %+v", tr, s)
	}
	if tr.Audio < 1150*time.Millisecond || tr.Audio > 1300*time.Millisecond {
		t.Errorf("audio = %v", tr.Audio)
	}
	// A corrupt file fails with ffmpeg's own explanation.
	bad := writeFile(t, "bad.mp4", append([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'}, make([]byte, 64)...))
	_, err = e.client.Realtime(context.Background(), RealtimeOptions{Input: RealtimeInput{Path: bad}})
	if err == nil || !strings.Contains(err.Error(), "ffmpeg could not decode") {
		t.Errorf("err = %v", err)
	}
}
