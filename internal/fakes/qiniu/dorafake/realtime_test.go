package dorafake

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

func rtToken(ak string) string {
	return ak + ":" + base64.URLEncoding.EncodeToString(make([]byte, 20))
}

func rtURL(srv *httptest.Server, q url.Values) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/v2/asr?" + q.Encode()
}

func rtQuery(extra ...string) url.Values {
	q := url.Values{"aue": {"1"}, "voice_sample": {"16000"}, "e": {"1700000000"}, "token": {rtToken(testAK)}}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			q.Del(extra[i])
		} else {
			q.Set(extra[i], extra[i+1])
		}
	}
	return q
}

func newRealtime(t *testing.T) (*Server, *testkit.Clock, *httptest.Server) {
	clk := testkit.NewClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	s := newTestServer(t, func(o *Options) { o.Now = clk.Now })
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, clk, srv
}

func dial(t *testing.T, u string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func readMsg(t *testing.T, c *websocket.Conn) rtMessage {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m rtMessage
	if err := c.ReadJSON(&m); err != nil {
		t.Fatalf("read: %v", err)
	}
	return m
}

// expectClose reads until the server's close frame and returns its code.
func expectClose(t *testing.T, c *websocket.Conn) int {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, data, err := c.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		t.Fatalf("unexpected message before close: %s", data)
	}
}

func pcm(ms int) []byte { return make([]byte, 16000*2*ms/1000) }

func TestRealtimeHandshake(t *testing.T) {
	s, _, srv := newRealtime(t)
	cases := []struct {
		name   string
		q      url.Values
		status int
	}{
		{"no token", rtQuery("token", ""), 401},
		{"unknown AK", rtQuery("token", rtToken("someone-else")), 401},
		{"token without AK", rtQuery("token", "abc"), 401},
		{"token not an HMAC", rtQuery("token", testAK+":c2hvcnQ="), 401},
		{"no e", rtQuery("e", ""), 400},
		{"e not int32", rtQuery("e", "99999999999"), 400},
		{"aue 4", rtQuery("aue", "4"), 400},
		{"voice_sample 22050", rtQuery("voice_sample", "22050"), 400},
		{"model_type 3", rtQuery("model_type", "3"), 400},
		{"key word too long", rtQuery("key_words", "七牛,七牛云存储服务"), 400},
	}
	for _, c := range cases {
		_, resp, err := websocket.DefaultDialer.Dial(rtURL(srv, c.q), nil)
		if err == nil || resp == nil || resp.StatusCode != c.status {
			code := 0
			if resp != nil {
				code = resp.StatusCode
			}
			t.Errorf("%s: err %v, HTTP %d, want %d", c.name, err, code, c.status)
		}
	}
	// defaults apply when aue / voice_sample are left out (quirk 24); float rate accepted
	for _, q := range []url.Values{rtQuery("aue", "", "voice_sample", ""), rtQuery("voice_sample", "16000.0", "key_words", "七牛,云存储")} {
		c := dial(t, rtURL(srv, q))
		_ = c.WriteMessage(websocket.TextMessage, []byte("EOS"))
		readMsg(t, c)
	}
	if reqs := s.Requests(); len(reqs) < len(cases) || reqs[0].Status != 401 || reqs[0].Error == "" {
		t.Errorf("handshakes not recorded: %+v", reqs[0])
	}
}

func TestRealtimePacingPartialFinalEOS(t *testing.T) {
	s, clk, srv := newRealtime(t)
	c := dial(t, rtURL(srv, rtQuery("voice_id", "v1")))

	// 3 s of audio at once at t=0: only 1 s (tolerance) is accepted
	if err := c.WriteMessage(websocket.BinaryMessage, pcm(3000)); err != nil {
		t.Fatal(err)
	}
	m := readMsg(t, c)
	if m.IsFinal || !m.IsBegin || m.BestTranscription.TranscribedText != "[sandbox] 一" || m.BestTranscription.EndTimestamp != 1000 || len(m.BestTranscription.Piece) != 1 {
		t.Fatalf("first partial: %+v", m)
	}

	// 4 s later, 2 s more in 200 ms chunks: all accepted
	clk.Add(4 * time.Second)
	for i := 0; i < 10; i++ {
		if err := c.WriteMessage(websocket.BinaryMessage, pcm(200)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"[sandbox] 一二", "[sandbox] 一二三"} {
		m = readMsg(t, c)
		if m.IsFinal || m.IsBegin || m.BestTranscription.TranscribedText != want {
			t.Fatalf("partial: %+v, want %q", m, want)
		}
	}

	_ = c.WriteMessage(websocket.TextMessage, []byte("EOS"))
	m = readMsg(t, c)
	bt := m.BestTranscription
	if !m.IsFinal || bt.TranscribedText != "[sandbox] 一二三。" || bt.BeginTimestamp != 0 || bt.EndTimestamp != 3000 || len(bt.Piece) != 4 || bt.Piece[3].TranscribedText != "。" || bt.KeyWordsType == nil {
		t.Fatalf("final: %+v", m)
	}
	if code := expectClose(t, c); code != websocket.CloseNormalClosure {
		t.Errorf("close code %d", code)
	}
	// the server may still be recording the session end; give it a moment
	var sess RealtimeSession
	for i := 0; i < 100; i++ {
		if ss := s.RealtimeSessions(); len(ss) == 1 && ss[0].Ended {
			sess = ss[0]
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if sess.AcceptedMs != 3000 || sess.DroppedBytes != int64(len(pcm(2000))) || sess.Messages != 4 || sess.Params.Get("voice_id") != "v1" {
		t.Errorf("session: %+v", sess)
	}
}

func TestRealtimeSentencesAndCloseFrame(t *testing.T) {
	_, clk, srv := newRealtime(t)
	c := dial(t, rtURL(srv, rtQuery()))
	clk.Add(time.Minute)
	for i := 0; i < 12; i++ {
		if err := c.WriteMessage(websocket.BinaryMessage, pcm(1000)); err != nil {
			t.Fatal(err)
		}
	}
	var msgs []rtMessage
	for i := 0; i < 12; i++ {
		msgs = append(msgs, readMsg(t, c))
	}
	tenth := msgs[9]
	if !tenth.IsFinal || tenth.BestTranscription.TranscribedText != "[sandbox] 一二三四五六七八九零。" || tenth.BestTranscription.EndTimestamp != 10000 {
		t.Fatalf("10 s sentence final: %+v", tenth)
	}
	eleventh := msgs[10]
	if eleventh.IsFinal || !eleventh.IsBegin || eleventh.BestTranscription.TranscribedText != "[sandbox] 一" || eleventh.BestTranscription.BeginTimestamp != 10000 {
		t.Fatalf("new sentence: %+v", eleventh)
	}
	// a WebSocket close frame ends the session like EOS (quirk 25)
	_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	m := readMsg(t, c)
	if !m.IsFinal || m.BestTranscription.TranscribedText != "[sandbox] 一二。" || m.BestTranscription.EndTimestamp != 12000 {
		t.Fatalf("final after close frame: %+v", m)
	}
}

func TestRealtimeCompressedAndBadText(t *testing.T) {
	s, _, srv := newRealtime(t)
	c := dial(t, rtURL(srv, rtQuery("aue", "2", "voice_sample", "48000")))
	for i := 0; i < 8; i++ { // 8 × 200 ms at t=0: 5 fit the 1 s tolerance
		_ = c.WriteMessage(websocket.BinaryMessage, []byte{0xFF, 0xF1, 1, 2, 3})
	}
	if m := readMsg(t, c); m.BestTranscription.TranscribedText != "[sandbox] 一" {
		t.Fatalf("partial: %+v", m)
	}
	_ = c.WriteMessage(websocket.TextMessage, []byte("hello"))
	if code := expectClose(t, c); code != websocket.CloseUnsupportedData {
		t.Errorf("close code %d, want 1003", code)
	}
	time.Sleep(50 * time.Millisecond)
	ss := s.RealtimeSessions()
	if len(ss) != 1 || ss[0].AcceptedMs != 1000 || ss[0].DroppedFrames != 3 {
		t.Errorf("session: %+v", ss)
	}
}

func TestRealtimeNotUpgrade(t *testing.T) {
	s := newTestServer(t)
	r := httptest.NewRequest("GET", "/v2/asr?"+rtQuery().Encode(), nil)
	w := httptest.NewRecorder()
	s.WebSocketHandler().ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest {
		t.Errorf("plain GET: %d", w.Code)
	}
}
