package dorafake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Realtime ASR — WebSocket on GET /v2/asr (spec §4.2, p001).
//
// Handshake (URL query): aue (1 pcm, 2 AAC, 3 MPEG2; default 1),
// voice_sample (48000, 44100, 32000, 16000 or 8000; default 16000; a float
// such as "16000.0" is accepted), model_type (0, 1, 2), voice_id,
// key_words (comma-separated, each 2–4 characters), e (int32, required) and
// token (required, "<AccessKey>:<urlsafe-base64 of a 20-byte HMAC-SHA1>").
// The string signed for token is not in the seed (spec §3.2), so the fake
// checks only the token's shape and the AccessKey. Failures are answered
// before the upgrade: 401 {"error":…} for token problems, 400 {"error":…}
// for parameters.
//
// Protocol: the client sends binary audio frames (16-bit mono PCM for
// aue=1; for aue 2/3 each binary frame counts as 200 ms, the documented
// chunk cadence). The session ends with a text frame "EOS" or a WebSocket
// close frame (quirk 25); the server then sends the final result and a
// close frame 1000. Any other text frame closes the session with 1003.
// The server pings every 10 s.
//
// Pacing ("1s 处理对应时长 1s 的音频数据, 超过 1s 的部分会被丢弃"): the fake
// accepts audio while accepted duration ≤ wall time since the session
// started (Options.Now) + 1 s; the excess of a frame is dropped (PCM is cut
// at a sample boundary, other formats drop whole frames).
//
// Results: the sandbox "hears" one character per whole second of accepted
// audio, cycling 一二三四五六七八九零 by the second's number, and makes
// 10-second sentences. After each frame that completes a new second, a
// partial result (isFinal false) carries the sentence so far; a sentence
// that reaches 10 s, and the last one at EOS, is sent with isFinal true and
// a closing "。". transcribedText always starts with "[sandbox] ";
// isBegin is true on a sentence's first message; piece lists the
// characters (also on partial results, as in the p001 examples);
// keyWordsType is always empty (the sandbox never hears a keyword).

const (
	rtTolerance    = time.Second
	rtSentenceSecs = 10
	rtPingEvery    = 10 * time.Second
	rtReadLimit    = 1 << 20
	rtCompressedMs = 200
)

var rtRates = map[float64]bool{48000: true, 44100: true, 32000: true, 16000: true, 8000: true}

// RealtimeSession describes one realtime ASR session, for tests.
type RealtimeSession struct {
	Params        url.Values
	AcceptedMs    int64 // audio accepted, in ms
	DroppedBytes  int64 // audio dropped by the pacing rule
	DroppedFrames int   // frames dropped entirely
	Messages      int   // result messages sent
	Ended         bool  // EOS or close received and final sent
}

type rtSession struct {
	mu sync.Mutex
	RealtimeSession
}

// RealtimeSessions returns a snapshot of the realtime sessions so far.
func (s *Server) RealtimeSessions() []RealtimeSession {
	s.mu.Lock()
	list := append([]*rtSession(nil), s.sessions...)
	s.mu.Unlock()
	out := make([]RealtimeSession, len(list))
	for i, x := range list {
		x.mu.Lock()
		out[i] = x.RealtimeSession
		out[i].Params = url.Values{}
		for k, v := range x.Params {
			out[i].Params[k] = append([]string(nil), v...)
		}
		x.mu.Unlock()
	}
	return out
}

type rtParams struct {
	aue  int
	rate int
}

// checkRealtime validates the handshake query; status is 400 or 401.
func (s *Server) checkRealtime(q url.Values) (rtParams, int, string) {
	p := rtParams{aue: 1, rate: 16000}
	token := q.Get("token")
	if token == "" {
		return p, http.StatusUnauthorized, "missing token"
	}
	i := strings.LastIndexByte(token, ':')
	if i <= 0 {
		return p, http.StatusUnauthorized, "token must be <AccessKey>:<sign>"
	}
	if token[:i] != s.opts.AccessKey {
		return p, http.StatusUnauthorized, "unknown AccessKey in token"
	}
	sig := token[i+1:]
	raw, err := base64.URLEncoding.DecodeString(sig)
	if err != nil {
		raw, err = base64.RawURLEncoding.DecodeString(sig)
	}
	if err != nil || len(raw) != 20 {
		return p, http.StatusUnauthorized, "token sign must be URL-safe base64 of an HMAC-SHA1"
	}
	e := q.Get("e")
	if e == "" {
		return p, http.StatusBadRequest, "missing e"
	}
	if _, err := strconv.ParseInt(e, 10, 32); err != nil {
		return p, http.StatusBadRequest, "e must be an int32 timestamp in seconds"
	}
	if v := q.Get("aue"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3 {
			return p, http.StatusBadRequest, "aue must be 1 (pcm), 2 (AAC) or 3 (MPEG2)"
		}
		p.aue = n
	}
	if v := q.Get("voice_sample"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !rtRates[f] {
			return p, http.StatusBadRequest, "voice_sample must be 48000, 44100, 32000, 16000 or 8000"
		}
		p.rate = int(f)
	}
	if v := q.Get("model_type"); v != "" {
		if v != "0" && v != "1" && v != "2" {
			return p, http.StatusBadRequest, "model_type must be 0, 1 or 2"
		}
	}
	if v := q.Get("key_words"); v != "" {
		for _, w := range strings.Split(v, ",") {
			if n := utf8.RuneCountInString(w); n < 2 || n > 4 {
				return p, http.StatusBadRequest, fmt.Sprintf("key_words %q must be 2 to 4 characters", w)
			}
		}
	}
	return p, 0, ""
}

func (s *Server) serveRealtime(w http.ResponseWriter, r *http.Request) {
	p, status, reason := s.checkRealtime(r.URL.Query())
	if status != 0 {
		out, _ := json.Marshal(map[string]string{"error": reason})
		s.record(r, nil, status, out, reason)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(out)
		return
	}
	if !websocket.IsWebSocketUpgrade(r) {
		out, _ := json.Marshal(map[string]string{"error": "realtime ASR needs a WebSocket upgrade"})
		s.record(r, nil, http.StatusBadRequest, out, "not a WebSocket upgrade")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(out)
		return
	}
	// The session clock starts before the handshake answer, so a client
	// cannot have sent audio (or moved a test clock) before it.
	start := s.now()
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.record(r, nil, http.StatusBadRequest, nil, "upgrade: "+err.Error())
		return
	}
	s.record(r, nil, http.StatusSwitchingProtocols, nil, "")
	sess := &rtSession{RealtimeSession: RealtimeSession{Params: r.URL.Query()}}
	s.mu.Lock()
	s.sessions = append(s.sessions, sess)
	s.mu.Unlock()
	rt := &rtState{s: s, conn: conn, sess: sess, p: p, start: start}
	rt.run()
}

type rtState struct {
	s     *Server
	conn  *websocket.Conn
	sess  *rtSession
	p     rtParams
	start time.Time

	acceptedBytes int64 // aue=1
	acceptedMs    int64 // aue 2/3
	seconds       int64 // whole seconds turned into characters
	sentence      int64 // index of the current sentence (0-based)
	inSentence    int64 // characters in the current sentence
	begun         bool  // a message of the current sentence was sent
	ended         bool
}

func (rt *rtState) run() {
	defer rt.conn.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(rtPingEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if rt.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)) != nil {
					return
				}
			}
		}
	}()
	rt.conn.SetReadLimit(rtReadLimit)
	rt.conn.SetCloseHandler(func(code int, text string) error {
		// quirk 25: a close frame ends the session like "EOS".
		rt.finish()
		return nil
	})
	for {
		typ, data, err := rt.conn.ReadMessage()
		if err != nil {
			return
		}
		switch typ {
		case websocket.BinaryMessage:
			if err := rt.audio(data); err != nil {
				return
			}
		case websocket.TextMessage:
			if strings.TrimSpace(string(data)) == "EOS" {
				rt.finish()
				// wait briefly for the client's close reply
				_ = rt.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
				for {
					if _, _, err := rt.conn.ReadMessage(); err != nil {
						return
					}
				}
			}
			msg := websocket.FormatCloseMessage(websocket.CloseUnsupportedData, "only binary audio frames and EOS are accepted")
			_ = rt.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			return
		}
	}
}

func (rt *rtState) audioMs() int64 {
	if rt.p.aue == 1 {
		return rt.acceptedBytes * 1000 / int64(2*rt.p.rate)
	}
	return rt.acceptedMs
}

// audio applies the pacing rule to one frame and sends the results due.
func (rt *rtState) audio(frame []byte) error {
	if rt.ended {
		return nil
	}
	budgetMs := rt.s.now().Sub(rt.start).Milliseconds() + rtTolerance.Milliseconds()
	var dropped int64
	var droppedFrame bool
	if rt.p.aue == 1 {
		allowed := budgetMs*int64(2*rt.p.rate)/1000 - rt.acceptedBytes
		allowed -= allowed % 2
		take := min(max(allowed, 0), int64(len(frame)))
		rt.acceptedBytes += take
		dropped = int64(len(frame)) - take
		droppedFrame = take == 0 && len(frame) > 0
	} else if rt.acceptedMs+rtCompressedMs <= budgetMs {
		rt.acceptedMs += rtCompressedMs
	} else {
		dropped, droppedFrame = int64(len(frame)), true
	}
	rt.sess.mu.Lock()
	rt.sess.AcceptedMs = rt.audioMs()
	rt.sess.DroppedBytes += dropped
	if droppedFrame {
		rt.sess.DroppedFrames++
	}
	rt.sess.mu.Unlock()

	total := rt.audioMs() / 1000
	changed := false
	for rt.seconds < total {
		rt.seconds++
		rt.inSentence++
		changed = true
		if rt.inSentence == rtSentenceSecs {
			if err := rt.send(true, rt.sentenceEndMs()); err != nil {
				return err
			}
			rt.sentence++
			rt.inSentence = 0
			rt.begun = false
			changed = false
		}
	}
	if changed {
		return rt.send(false, rt.sentenceEndMs())
	}
	return nil
}

func (rt *rtState) sentenceEndMs() int64 {
	return (rt.sentence*rtSentenceSecs + rt.inSentence) * 1000
}

// finish sends the final result of the current sentence and closes.
func (rt *rtState) finish() {
	if rt.ended {
		return
	}
	end := max(rt.audioMs(), rt.sentence*rtSentenceSecs*1000)
	_ = rt.send(true, end)
	rt.ended = true
	rt.sess.mu.Lock()
	rt.sess.Ended = true
	rt.sess.mu.Unlock()
	_ = rt.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
}

type rtMessage struct {
	IsFinal           bool            `json:"isFinal"`
	IsBegin           bool            `json:"isBegin"`
	BestTranscription rtTranscription `json:"bestTranscription"`
}

type rtTranscription struct {
	TranscribedText string      `json:"transcribedText"`
	KeyWordsType    []rtKeyWord `json:"keyWordsType"`
	Piece           []rtPiece   `json:"piece"`
	BeginTimestamp  int64       `json:"beginTimestamp"`
	EndTimestamp    int64       `json:"endTimestamp"`
}

// rtKeyWord uses the examples' startTimestamp (quirk 22).
type rtKeyWord struct {
	KeyWords       string  `json:"keyWords"`
	KeyWordsScore  float64 `json:"keyWordsScore"`
	StartTimestamp int64   `json:"startTimestamp"`
	EndTimestamp   int64   `json:"endTimestamp"`
}

type rtPiece struct {
	TranscribedText string `json:"transcribedText"`
	BeginTimestamp  int64  `json:"beginTimestamp"`
	EndTimestamp    int64  `json:"endTimestamp"`
}

var rtChars = []rune("零一二三四五六七八九")

func (rt *rtState) send(final bool, end int64) error {
	begin := rt.sentence * rtSentenceSecs * 1000
	text := "[sandbox] "
	pieces := []rtPiece{}
	for i := int64(0); i < rt.inSentence; i++ {
		sec := rt.sentence*rtSentenceSecs + i + 1 // 1-based second number
		ch := string(rtChars[sec%10])
		text += ch
		pieces = append(pieces, rtPiece{TranscribedText: ch, BeginTimestamp: (sec - 1) * 1000, EndTimestamp: sec * 1000})
	}
	switch {
	case final && rt.inSentence > 0:
		text += "。"
		pieces = append(pieces, rtPiece{TranscribedText: "。", BeginTimestamp: end, EndTimestamp: end})
	case rt.inSentence == 0:
		text = "[sandbox]" // final of an empty sentence (EOS right after a sentence ended)
	}
	isBegin := !rt.begun
	rt.begun = true
	rt.sess.mu.Lock()
	rt.sess.Messages++
	rt.sess.mu.Unlock()
	msg := rtMessage{IsFinal: final, IsBegin: isBegin, BestTranscription: rtTranscription{
		TranscribedText: text, KeyWordsType: []rtKeyWord{}, Piece: pieces, BeginTimestamp: begin, EndTimestamp: end,
	}}
	return rt.conn.WriteJSON(msg)
}
