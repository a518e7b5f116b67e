// Package vodapi speaks the VOD service API of seed 002
// (shared/specs/vod.md) over the shared httpx stack: videos (V1–V11),
// traffic statistics and CSV exports (V12–V17), the storage upload that
// V1 needs, and the two callbacks. It knows nothing of MCP.
//
// Every answer is the {"errcode","msg"} envelope: errcode 1000 is success,
// anything else is an *Error whatever the HTTP status. HTTP 5xx and
// transport faults go through httpx's retry policy (idempotent GETs only).
package vodapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// OK is the success errcode.
const OK = 1000

// Config configures a Client.
type Config struct {
	BaseURL    string // required: the service has no default host
	StorageURL string // storage service; "" means BaseURL
	Token      string
	// AuthHeader, when set, carries the raw token instead of
	// "Authorization: Bearer <token>" (MCP_MEDIA_VOD_AUTH_HEADER).
	AuthHeader string
	HTTP       *http.Client
	Redact     *redact.Set
	Log        *slog.Logger
	Retry      httpx.RetryPolicy
}

// Client is a VOD service client.
type Client struct {
	api     *httpx.Client
	storage *httpx.Client
}

// ErrNoBaseURL is returned by New when no base URL is configured.
var ErrNoBaseURL = errors.New("the VOD service has no default host and no base URL is configured: run `mcp-media auth set vod` (it asks for base_url) or set MCP_MEDIA_VOD_URL")

// New returns a client that sends the token on every request.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.BaseURL) == "" {
		return nil, ErrNoBaseURL
	}
	if cfg.Redact == nil {
		cfg.Redact = &redact.Set{}
	}
	cfg.Redact.Add(cfg.Token)
	token, header := cfg.Token, strings.TrimSpace(cfg.AuthHeader)
	auth := func(req *http.Request, _ []byte) ([]string, error) {
		if header != "" && !strings.EqualFold(header, "Authorization") {
			req.Header.Set(header, token)
			return nil, nil
		}
		req.Header.Set("Authorization", "Bearer "+token)
		return nil, nil
	}
	mk := func(base string) *httpx.Client {
		return &httpx.Client{Provider: "vod", BaseURL: strings.TrimRight(base, "/"), HTTP: cfg.HTTP, Redact: cfg.Redact,
			Log: cfg.Log, Retry: cfg.Retry, Authorize: auth, DecodeError: decodeError, Hint: hint}
	}
	storage := cfg.StorageURL
	if strings.TrimSpace(storage) == "" {
		storage = cfg.BaseURL
	}
	return &Client{api: mk(cfg.BaseURL), storage: mk(storage)}, nil
}

// Envelope is the common answer.
type Envelope struct {
	ErrCode int    `json:"errcode"`
	Msg     string `json:"msg"`
}

func (e Envelope) envelope() Envelope { return e }

type enveloped interface{ envelope() Envelope }

// Error is an answer whose errcode is not 1000.
type Error struct {
	Method, Path string
	Code         int    // the provider's errcode
	Msg          string // the provider's msg (Chinese as sent)
	English      string // translation of the code (spec §5)
	Hint         string // what to do
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "vod %s %s: error %d", e.Method, e.Path, e.Code)
	if e.English != "" {
		b.WriteString(" " + e.English)
	}
	if e.Msg != "" && e.Msg != e.English {
		fmt.Fprintf(&b, " (provider message: %s)", e.Msg)
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

// CodeOf is the VOD errcode carried by err, or 0.
func CodeOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// AccessDenied is 3108's hint.
const AccessDenied = "access denied: the token was refused; run `mcp-media auth set vod`"

func decodeError(_ int, body []byte) (string, string) {
	var e Envelope
	if json.Unmarshal(body, &e) == nil && e.ErrCode != 0 {
		return fmt.Sprint(e.ErrCode), strings.TrimSpace(Translate(e.ErrCode) + " " + e.Msg)
	}
	return "", ""
}

func hint(e *httpx.APIError) string {
	switch {
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || e.Code == "3108":
		return AccessDenied
	case e.Status == 0:
		return "The VOD service may be unreachable: check MCP_MEDIA_VOD_URL (or the base_url given to `mcp-media auth set vod`)"
	}
	return ""
}

// check turns a non-1000 envelope into an *Error (scrubbed).
func (c *Client) check(method, path string, env Envelope) error {
	if env.ErrCode == OK {
		return nil
	}
	e := &Error{Method: method, Path: path, Code: env.ErrCode, Msg: env.Msg, English: Translate(env.ErrCode), Hint: Hint(env.ErrCode)}
	if e.English == "" {
		e.English = "unknown error code"
	}
	return c.api.Redact.Error(e)
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out enveloped) error {
	if _, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, out); err != nil {
		return err
	}
	return c.check(http.MethodGet, path, out.envelope())
}

func (c *Client) post(ctx context.Context, path string, q url.Values, body any, out enveloped) error {
	if body == nil {
		body = struct{}{}
	}
	if _, err := c.api.Do(ctx, httpx.Request{Method: http.MethodPost, Path: path, Query: q, JSON: body}, out); err != nil {
		return err
	}
	return c.check(http.MethodPost, path, out.envelope())
}
