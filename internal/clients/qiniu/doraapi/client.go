// Package dora speaks Qiniu Dora (智能多媒体服务) — speech recognition
// (short, long and realtime over WebSocket), content moderation (the Shumei
// image, audio-file and video-stream censors, the smart audio stream censor
// and the Yitu live voice censor) and document translation — over the shared
// httpx stack, signing every HTTP request with the Qiniu request signature of
// qiniuauth (shared/specs/qiniu-dora.md §3). It knows nothing of MCP.
//
// The four hosts of the spec map to four base URLs (Config): yitu-audio
// (short ASR, long ASR and the Yitu live voice censor), the realtime ASR
// WebSocket host, censor-open (every Shumei API and the audio stream censor)
// and ap-gate-z0 (translation).
//
// Tolerances for the docs' contradictions (spec §2) are marked "quirk N" in
// the code. Limits that the docs state are checked before anything is sent;
// those errors are *argerr.Error, naming the argument.
package doraapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// Documented hosts (spec §1, §5). Short ASR is documented on plain http and
// long ASR on https of the same yitu-audio host; the client uses https for
// both so that signatures never travel in clear text.
const (
	DefaultASRURL       = "https://yitu-audio.qiniuapi.com"
	DefaultASRWSURL     = "wss://ap-open-ws.service-z0.qiniuapp.com"
	DefaultCensorURL    = "https://censor-open.qiniuapi.com"
	DefaultTranslateURL = "https://ap-gate-z0.qiniuapi.com"
)

// Endpoint override variables, named in error hints.
const (
	envASR       = "MCP_MEDIA_QINIU_ASR_URL"
	envASRWS     = "MCP_MEDIA_QINIU_ASR_WS_URL"
	envCensor    = "MCP_MEDIA_QINIU_CENSOR_URL"
	envTranslate = "MCP_MEDIA_QINIU_TRANSLATE_URL"
)

// RealtimeSigner returns the realtime ASR URL with its `e` and `token`
// parameters appended (they must come last). The string signed for `token`
// is not in the seed (spec §3.2); the default is the Qiniu download-token
// construction qiniuauth.SignURLWithExpiry.
type RealtimeSigner func(creds qiniuauth.Credentials, rawURL string, e int64) string

// Config configures a Client.
type Config struct {
	ASRURL       string // yitu-audio: short/long ASR, Yitu live voice censor; default DefaultASRURL
	ASRWSURL     string // realtime ASR WebSocket; default DefaultASRWSURL
	CensorURL    string // censor-open: Shumei censors, audio stream censor; default DefaultCensorURL
	TranslateURL string // ap-gate-z0: translation; default DefaultTranslateURL
	AccessKey    string
	SecretKey    string
	HTTP         *http.Client
	// Dialer opens realtime sessions; nil means a dialer with a 15 s
	// handshake timeout that uses the proxy, TLS settings and dial function
	// of HTTP's transport when it is an *http.Transport (else the proxy
	// environment).
	Dialer *websocket.Dialer
	// AllowPrivateURLs lets URLs an agent gives (realtime input) reach
	// loopback and private addresses (--allow-private-urls; the sandbox,
	// whose fakes are on loopback). Metadata addresses stay refused.
	AllowPrivateURLs bool
	Redact           *redact.Set
	Log              *slog.Logger
	Retry            httpx.RetryPolicy
	// FFmpeg and FFprobe are the programs used to decode and measure media
	// the client cannot read itself; default "ffmpeg" and "ffprobe" on PATH.
	FFmpeg, FFprobe string
	// Now is the clock for realtime tokens; default time.Now.
	Now func() time.Time
	// RealtimeSign signs the realtime URL; default qiniuauth's
	// SignURLWithExpiry.
	RealtimeSign RealtimeSigner
	// RealtimeTokenTTL is how far in the future the realtime `e` lies;
	// default 60 s (it works whether the service reads e as an expiry or as
	// a request time with some skew allowed).
	RealtimeTokenTTL time.Duration
}

// Client is a Qiniu Dora client. It is safe for concurrent use.
type Client struct {
	cfg       Config
	creds     qiniuauth.Credentials
	yitu      *httpx.Client
	censor    *httpx.Client
	translate *httpx.Client
}

// New returns a client. The keys, and every signature made with them, are
// registered with cfg.Redact.
func New(cfg Config) *Client {
	if cfg.Redact == nil {
		cfg.Redact = &redact.Set{}
	}
	if cfg.ASRURL == "" {
		cfg.ASRURL = DefaultASRURL
	}
	if cfg.ASRWSURL == "" {
		cfg.ASRWSURL = DefaultASRWSURL
	}
	if cfg.CensorURL == "" {
		cfg.CensorURL = DefaultCensorURL
	}
	if cfg.TranslateURL == "" {
		cfg.TranslateURL = DefaultTranslateURL
	}
	if cfg.FFmpeg == "" {
		cfg.FFmpeg = "ffmpeg"
	}
	if cfg.FFprobe == "" {
		cfg.FFprobe = "ffprobe"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RealtimeSign == nil {
		cfg.RealtimeSign = func(c qiniuauth.Credentials, u string, e int64) string { return c.SignURLWithExpiry(u, e) }
	}
	if cfg.RealtimeTokenTTL == 0 {
		cfg.RealtimeTokenTTL = time.Minute
	}
	// The AccessKey is an identifier Qiniu puts in every management token
	// and in expiry_sk push URLs, not a secret (PRODUCT.md §3): it is not
	// masked, the signatures attached to it are, and so is the SecretKey.
	cfg.Redact.Add(cfg.SecretKey)
	cfg.Redact.AddIdentifier(cfg.AccessKey)
	creds := qiniuauth.Credentials{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey}
	authorize := creds.Authorizer()
	mk := func(base, env string) *httpx.Client {
		return &httpx.Client{
			Provider: "qiniu", BaseURL: base, HTTP: cfg.HTTP, Redact: cfg.Redact, Log: cfg.Log, Retry: cfg.Retry,
			Authorize: authorize, DecodeError: decodeError, Hint: hinter(env),
		}
	}
	return &Client{
		cfg: cfg, creds: creds,
		yitu:      mk(cfg.ASRURL, envASR),
		censor:    mk(cfg.CensorURL, envCensor),
		translate: mk(cfg.TranslateURL, envTranslate),
	}
}

// decodeError reads any of the three envelopes of spec quirk 10 from a
// non-2xx answer: Yitu {rtn, message}, Shumei {code, message}, translation
// {code, msg}. The provider code kept is rtn or code, else the HTTP status.
func decodeError(status int, body []byte) (string, string) {
	var e struct {
		Rtn     *json.Number `json:"rtn"`
		Code    *json.Number `json:"code"`
		Message string       `json:"message"`
		Msg     string       `json:"msg"`
		Error   string       `json:"error"`
	}
	code := strconv.Itoa(status)
	if decodeLenient(body, &e) != nil {
		return code, ""
	}
	switch {
	case e.Rtn != nil:
		code = e.Rtn.String()
	case e.Code != nil:
		code = e.Code.String()
	}
	msg := e.Message
	if msg == "" {
		msg = e.Msg
	}
	if msg == "" {
		msg = e.Error
	}
	return code, msg
}

func hinter(env string) func(e *httpx.APIError) string {
	return func(e *httpx.APIError) string {
		switch {
		case e.Status == http.StatusUnauthorized:
			return qiniuauth.AuthHint
		case e.Status == http.StatusForbidden:
			return "Qiniu refused the request (403: the account may be in arrears, or the keys may not be allowed to use this API); check the Qiniu console, and the keys with `mcp-media auth set qiniu`"
		case e.Status == http.StatusNotFound:
			return "Not found: check the task id, or " + env + " if you set it"
		case e.Status == http.StatusRequestEntityTooLarge:
			return "The request is too large for Qiniu; use a smaller file"
		case e.Status == 0:
			return "Qiniu may be unreachable: check the network, or " + env + " if you set it"
		}
		return ""
	}
}

// do sends one request and decodes the 2xx body leniently into out.
func (c *Client) do(ctx context.Context, hc *httpx.Client, req httpx.Request, out any) error {
	resp, err := hc.Do(ctx, req, nil)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := decodeLenient(resp.Body, out); err != nil {
		return c.cfg.Redact.Error(&httpx.APIError{Provider: "qiniu", Method: req.Method, Path: req.Path, Status: resp.Status,
			Message: "unexpected response body: " + err.Error()})
	}
	return nil
}

var (
	trailingComma = regexp.MustCompile(`,(\s*[}\]])`)
	curlyQuotes   = strings.NewReplacer("\u201c", `"`, "\u201d", `"`)
)

// decodeLenient decodes JSON, and on failure retries with the two defects
// the docs' examples show: trailing commas (quirk 7) and curly quotes
// (quirk 65). An empty body decodes to nothing.
func decodeLenient(body []byte, out any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return errors.New("empty body")
	}
	err := json.Unmarshal(body, out)
	if err == nil {
		return nil
	}
	fixed := trailingComma.ReplaceAll([]byte(curlyQuotes.Replace(string(body))), []byte("$1"))
	if json.Unmarshal(fixed, out) == nil {
		return nil
	}
	return err
}

// flexInt is an integer that may arrive as a JSON number or a numeric
// string (quirk 12, 32: the docs mix both for times and sample rates).
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = flexInt(i)
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*f = flexInt(v)
	return nil
}
