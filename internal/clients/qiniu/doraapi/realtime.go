package doraapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Realtime ASR — WebSocket /v2/asr (spec §4.2, p001).
//
// The client sends 16-bit mono PCM (aue=1) in 200 ms binary frames paced
// by a ticker at real time — the service drops audio that arrives faster
// ("1s 处理对应时长 1s 的音频数据, 超过 1s 的部分会被丢弃") — then a text frame
// "EOS" (quirk 25), and keeps reading results until the server closes.
// Results are handed to OnResult in arrival order on the reading goroutine,
// so a result is forwarded as soon as its frame is read.

// Realtime defaults.
const (
	RealtimeFrame      = 200 * time.Millisecond
	realtimeEOSTimeout = 30 * time.Second
	realtimeWriteWait  = 10 * time.Second
	realtimeReadLimit  = 1 << 20
)

// RealtimeOptions configure one session.
type RealtimeOptions struct {
	Input RealtimeInput
	// ModelType is the language model: 1 Chinese (default), 2 English,
	// 0 mixed Chinese–English.
	ModelType *int
	VoiceID   string
	// KeyWords are preferred on homophones; each 2–4 characters.
	KeyWords []string
	// MaxDuration stops sending after this much audio (0: until the input
	// ends; give one for live streams).
	MaxDuration time.Duration
	// Frame is the frame length; default RealtimeFrame (200 ms, as p001
	// prescribes).
	Frame time.Duration
	// EOSTimeout bounds the wait for the last results after EOS.
	EOSTimeout time.Duration
	// OnResult receives every result message, in order, on the reading
	// goroutine. It should return quickly.
	OnResult func(RealtimeResult)
	// OnFrame observes each audio frame as it is sent (tests, benchmarks).
	OnFrame func(seq, bytes int, at time.Time)
}

// RealtimeResult is one result message.
type RealtimeResult struct {
	Seq      int // 1-based, in arrival order
	Final    bool
	Begin    bool
	Text     string
	Start    time.Duration
	End      time.Duration
	KeyWords []KeyWord
	Pieces   []Word
	Received time.Time // when its frame was read
}

// KeyWord is a matched keyword.
type KeyWord struct {
	Word  string
	Score float64
	Start time.Duration
	End   time.Duration
}

// RealtimeTranscript is the outcome of a session.
type RealtimeTranscript struct {
	Text       string
	Sentences  []Sentence // final sentences; an unfinished last one is included
	Audio      time.Duration
	Frames     int
	Results    int
	Partials   int
	Ended      string // end_of_audio, max_duration, server_closed, cancelled
	SampleRate int
	Decoder    string // wav, pcm or ffmpeg
}

// Why a session ended.
const (
	EndedEOF       = "end_of_audio"
	EndedMax       = "max_duration"
	EndedServer    = "server_closed"
	EndedCancelled = "cancelled"
)

// CheckKeyWords applies p001's rule: each keyword 2–4 characters, sent
// comma-separated.
func CheckKeyWords(words []string) error {
	for _, w := range words {
		if n := utf8.RuneCountInString(w); n < 2 || n > 4 || strings.Contains(w, ",") {
			return &argerr.Error{Arg: "key_words", Problem: fmt.Sprintf("keyword %q: each must be 2–4 characters without commas", w)}
		}
	}
	return nil
}

// realtimeURL is the unsigned session URL.
func (c *Client) realtimeURL(rate int, o RealtimeOptions) (string, error) {
	base := strings.TrimRight(strings.TrimSpace(c.cfg.ASRWSURL), "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("invalid realtime ASR URL %q (%s)", base, envASRWS)
	}
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	case "http":
		u.Scheme = "ws"
	case "ws", "wss":
	default:
		return "", fmt.Errorf("invalid realtime ASR URL %q (%s): use wss://", base, envASRWS)
	}
	if !strings.HasSuffix(u.Path, "/v2/asr") {
		u.Path += "/v2/asr"
	}
	q := url.Values{}
	q.Set("aue", "1")
	q.Set("voice_sample", strconv.Itoa(rate))
	if o.ModelType != nil {
		q.Set("model_type", strconv.Itoa(*o.ModelType))
	}
	if o.VoiceID != "" {
		q.Set("voice_id", o.VoiceID)
	}
	if len(o.KeyWords) > 0 {
		q.Set("key_words", strings.Join(o.KeyWords, ","))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Realtime streams the input to the realtime ASR service and returns the
// transcript. Inputs that break a limit, and a missing ffmpeg, are reported
// before the connection is opened. When ctx ends the session is closed with
// a close frame and the transcript so far is returned with the error.
func (c *Client) Realtime(ctx context.Context, o RealtimeOptions) (RealtimeTranscript, error) {
	var tr RealtimeTranscript
	if err := CheckKeyWords(o.KeyWords); err != nil {
		return tr, err
	}
	if o.ModelType != nil && (*o.ModelType < 0 || *o.ModelType > 2) {
		return tr, &argerr.Error{Arg: "language", Problem: "model_type must be 0 (mixed), 1 (Chinese) or 2 (English)"}
	}
	if o.MaxDuration < 0 {
		return tr, &argerr.Error{Arg: "max_seconds", Problem: "must be positive"}
	}
	if o.Frame <= 0 {
		o.Frame = RealtimeFrame
	}
	if o.EOSTimeout <= 0 {
		o.EOSTimeout = realtimeEOSTimeout
	}
	src, err := c.openRealtime(ctx, o.Input, o.MaxDuration)
	if err != nil {
		return tr, err
	}
	defer src.Close()
	tr.SampleRate, tr.Decoder = src.rate, src.how

	raw, err := c.realtimeURL(src.rate, o)
	if err != nil {
		return tr, err
	}
	signed := c.cfg.RealtimeSign(c.creds, raw, c.cfg.Now().Add(c.cfg.RealtimeTokenTTL).Unix())
	// The token is "<AK>:<sign>": redact masks it whole once the AK is masked.
	conn, err := c.dial(ctx, signed)
	if err != nil {
		return tr, err
	}
	defer conn.Close()
	// A result is a few hundred bytes; a larger message is not one.
	conn.SetReadLimit(realtimeReadLimit)
	s := &rtSession{conn: conn, onResult: o.OnResult, readDone: make(chan struct{})}
	go s.read()

	tr.Ended, err = s.send(ctx, src, o)
	tr.Frames, tr.Audio = s.frames, time.Duration(s.sent)*time.Second/time.Duration(2*src.rate)
	if err == nil && tr.Ended != EndedServer && tr.Ended != EndedCancelled {
		err = s.finish(ctx, o.EOSTimeout)
	}
	if ctx.Err() != nil && tr.Ended != EndedServer {
		tr.Ended = EndedCancelled
		s.abort("cancelled")
		err = fmt.Errorf("realtime ASR cancelled after %.1f s of audio; the session was closed", tr.Audio.Seconds())
	} else if err != nil {
		s.abort("client error")
	}
	<-s.readDone
	if err == nil {
		err = s.closeErr()
	}
	s.acc.finish()
	tr.Sentences, tr.Text = s.acc.sentences, joinSentences(s.acc.sentences)
	tr.Results, tr.Partials = s.acc.results, s.acc.partials
	return tr, c.cfg.Redact.Error(err)
}

// dial opens the WebSocket; a refused handshake is explained like an HTTP
// error (401 → `mcp-media auth set qiniu`).
func (c *Client) dial(ctx context.Context, signed string) (*websocket.Conn, error) {
	d := c.cfg.Dialer
	if d == nil {
		d = dialerFor(c.cfg.HTTP)
	}
	conn, resp, err := d.DialContext(ctx, signed, nil)
	if err == nil {
		return conn, nil
	}
	e := &httpx.APIError{Provider: "qiniu", Method: "GET", Path: "/v2/asr (WebSocket)"}
	if resp != nil {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		e.Status = resp.StatusCode
		e.Code, e.Message = httpx.ErrorMessage(decodeError, resp.StatusCode, body)
	} else {
		var ne net.Error
		switch {
		case ctx.Err() != nil:
			e.Message = "cancelled"
		case errors.As(err, &ne) && ne.Timeout():
			e.Message = "timed out opening the session"
		default:
			e.Message = "cannot open the session: " + err.Error()
		}
	}
	e.Hint = hinter(envASRWS)(e)
	return nil, c.cfg.Redact.Error(e)
}

// dialerFor is the default realtime dialer: a 15 s handshake timeout and,
// when the configured HTTP client's transport is an *http.Transport, its
// proxy, TLS settings and dial function (else those of
// http.DefaultTransport).
func dialerFor(hc *http.Client) *websocket.Dialer {
	d := &websocket.Dialer{HandshakeTimeout: 15 * time.Second, Proxy: http.ProxyFromEnvironment}
	var rt http.RoundTripper = http.DefaultTransport
	if hc != nil && hc.Transport != nil {
		rt = hc.Transport
	}
	if tr, ok := rt.(*http.Transport); ok {
		d.Proxy = tr.Proxy
		if tr.TLSClientConfig != nil {
			d.TLSClientConfig = tr.TLSClientConfig.Clone()
		}
		if tr.DialContext != nil {
			d.NetDialContext = tr.DialContext
		}
	}
	return d
}

type rtSession struct {
	conn     *websocket.Conn
	onResult func(RealtimeResult)
	readDone chan struct{}
	readErr  error // set before readDone closes
	acc      rtAccumulator
	sent     int64
	frames   int
	eosSent  bool
	aborted  sync.Once
}

// read delivers results in order until the connection ends.
func (s *rtSession) read() {
	defer close(s.readDone)
	for {
		typ, data, err := s.conn.ReadMessage()
		if err != nil {
			s.readErr = err
			return
		}
		at := time.Now()
		if typ != websocket.TextMessage {
			continue
		}
		r, ok := parseRealtime(data, at)
		if !ok {
			continue
		}
		s.acc.results++
		r.Seq = s.acc.results
		s.acc.add(r)
		if s.onResult != nil {
			s.onResult(r)
		}
	}
}

// send streams the frames, paced by a ticker started at the first frame:
// frame k leaves at start + k×Frame, so pacing does not drift however long
// each write takes.
func (s *rtSession) send(ctx context.Context, src *pcmSource, o RealtimeOptions) (string, error) {
	rate := int64(src.rate)
	frameBytes := int(rate*2*int64(o.Frame)/int64(time.Second)) &^ 1
	var maxBytes int64
	if o.MaxDuration > 0 {
		maxBytes = (rate * 2 * int64(o.MaxDuration) / int64(time.Second)) &^ 1
	}
	buf := make([]byte, frameBytes)
	var ticker *time.Ticker
	defer func() {
		if ticker != nil {
			ticker.Stop()
		}
	}()
	for {
		n, rerr := io.ReadFull(src, buf)
		n &^= 1
		if maxBytes > 0 && s.sent+int64(n) > maxBytes {
			n = int(maxBytes - s.sent)
		}
		if n > 0 {
			if ticker == nil {
				ticker = time.NewTicker(o.Frame)
			} else {
				select {
				case <-ctx.Done():
					return EndedCancelled, nil
				case <-s.readDone:
					return EndedServer, nil
				case <-ticker.C:
				}
			}
			_ = s.conn.SetWriteDeadline(time.Now().Add(realtimeWriteWait))
			if err := s.conn.WriteMessage(websocket.BinaryMessage, buf[:n]); err != nil {
				select {
				case <-s.readDone:
					return EndedServer, nil
				default:
				}
				return "", fmt.Errorf("sending audio to Qiniu failed: %w", err)
			}
			s.sent += int64(n)
			s.frames++
			if o.OnFrame != nil {
				o.OnFrame(s.frames, n, time.Now())
			}
		}
		switch {
		case maxBytes > 0 && s.sent >= maxBytes:
			return EndedMax, nil
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			if s.frames == 0 {
				arg := "path"
				if o.Input.URL != "" {
					arg = "url"
				}
				return "", &argerr.Error{Arg: arg, Problem: "the input holds no audio"}
			}
			return EndedEOF, nil
		case rerr != nil:
			return "", rerr
		}
		if ctx.Err() != nil {
			return EndedCancelled, nil
		}
	}
}

// finish sends EOS and waits until the server has sent its last results
// and closed (or the wait times out).
func (s *rtSession) finish(ctx context.Context, wait time.Duration) error {
	_ = s.conn.SetWriteDeadline(time.Now().Add(realtimeWriteWait))
	if err := s.conn.WriteMessage(websocket.TextMessage, []byte("EOS")); err != nil {
		select {
		case <-s.readDone:
			return nil
		default:
		}
		return fmt.Errorf("sending EOS to Qiniu failed: %w", err)
	}
	s.eosSent = true
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-s.readDone:
		return nil
	case <-ctx.Done():
		return nil // the caller reports the cancellation
	case <-t.C:
		s.abort("timeout")
		return fmt.Errorf("the realtime session was not ended by Qiniu within %s of EOS; the results so far are kept", wait)
	}
}

// abort closes the session cleanly: a close frame, a short wait for the
// server's reply, then the connection. Only the first call does anything
// (finish's timeout is followed by the caller's error path).
func (s *rtSession) abort(reason string) {
	s.aborted.Do(func() {
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, reason)
		_ = s.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		t := time.NewTimer(2 * time.Second)
		defer t.Stop()
		select {
		case <-s.readDone:
		case <-t.C:
			_ = s.conn.Close()
		}
	})
}

// closeErr explains how the server ended the session, if badly.
func (s *rtSession) closeErr() error {
	var ce *websocket.CloseError
	switch {
	case s.readErr == nil:
		return nil
	case errors.As(s.readErr, &ce):
		if ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseNoStatusReceived {
			return nil
		}
		msg := fmt.Sprintf("Qiniu closed the realtime session with code %d", ce.Code)
		if ce.Text != "" {
			msg += ": " + ce.Text
		}
		return errors.New(msg)
	case s.eosSent && (errors.Is(s.readErr, io.EOF) || errors.Is(s.readErr, io.ErrUnexpectedEOF)):
		return nil
	case errors.Is(s.readErr, net.ErrClosed):
		return nil // closed by us after a timeout or cancellation
	}
	return fmt.Errorf("the realtime session broke: %v", s.readErr)
}

type rtWire struct {
	IsFinal bool `json:"isFinal"`
	IsBegin bool `json:"isBegin"`
	Best    *struct {
		Text  string  `json:"transcribedText"`
		Begin float64 `json:"beginTimestamp"`
		End   float64 `json:"endTimestamp"`
		Keys  []struct {
			Word  string   `json:"keyWords"`
			Score float64  `json:"keyWordsScore"`
			Begin *float64 `json:"beginTimestamp"`
			Start *float64 `json:"startTimestamp"` // quirk 22: the examples' name
			End   float64  `json:"endTimestamp"`
		} `json:"keyWordsType"`
		Piece []struct {
			Text  string  `json:"transcribedText"`
			Begin float64 `json:"beginTimestamp"`
			End   float64 `json:"endTimestamp"`
		} `json:"piece"`
	} `json:"bestTranscription"`
}

func fms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func parseRealtime(data []byte, at time.Time) (RealtimeResult, bool) {
	var w rtWire
	if json.Unmarshal(data, &w) != nil || w.Best == nil {
		return RealtimeResult{}, false
	}
	r := RealtimeResult{Final: w.IsFinal, Begin: w.IsBegin, Text: w.Best.Text, Start: fms(w.Best.Begin), End: fms(w.Best.End), Received: at}
	for _, k := range w.Best.Keys {
		if k.Word == "" {
			continue
		}
		kw := KeyWord{Word: k.Word, Score: k.Score, End: fms(k.End)}
		if k.Begin != nil {
			kw.Start = fms(*k.Begin)
		} else if k.Start != nil {
			kw.Start = fms(*k.Start)
		}
		r.KeyWords = append(r.KeyWords, kw)
	}
	if len(w.Best.Piece) > 0 {
		r.Pieces = make([]Word, len(w.Best.Piece))
		for i, p := range w.Best.Piece {
			r.Pieces[i] = Word{Text: p.Text, Start: fms(p.Begin), End: fms(p.End)}
		}
	}
	return r, true
}

// rtAccumulator keeps the final sentences and the latest partial only, so a
// long session holds one entry per sentence.
type rtAccumulator struct {
	sentences []Sentence
	partial   *Sentence
	results   int
	partials  int
}

func (a *rtAccumulator) add(r RealtimeResult) {
	s := Sentence{Text: r.Text, Start: r.Start, End: r.End}
	if !r.Final {
		a.partials++
		a.partial = &s
		return
	}
	a.partial = nil
	// A zero-length final without pieces carries no speech (it closes a
	// sentence that had already ended).
	if r.End <= r.Start && len(r.Pieces) == 0 {
		return
	}
	if strings.TrimSpace(r.Text) == "" {
		return
	}
	s.Words = r.Pieces
	a.sentences = append(a.sentences, s)
}

func (a *rtAccumulator) finish() {
	if a.partial != nil && strings.TrimSpace(a.partial.Text) != "" {
		a.sentences = append(a.sentences, *a.partial)
	}
	a.partial = nil
}

// joinSentences concatenates sentences, with a space between them unless
// both sides are Chinese.
func joinSentences(ss []Sentence) string {
	var b strings.Builder
	for _, s := range ss {
		t := strings.TrimSpace(s.Text)
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(t)
			if !(isCJK(last) && isCJK(first)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t)
	}
	return b.String()
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || strings.ContainsRune("。，！？；：、“”‘’（）《》", r)
}
