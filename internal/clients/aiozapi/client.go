// Package aioz speaks the AIOZ Stream REST API (shared/specs/aioz-stream.md)
// over the shared httpx stack: media, chunked uploads with resume, chapters,
// analytics, webhooks, API keys, payments and live streams. It knows
// nothing of MCP. Secrets the API hands back (a new API key's secret,
// stream keys) are registered with the redaction set as they are decoded.
package aiozapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// Config configures a Client.
type Config struct {
	BaseURL   string // e.g. https://api.aiozstream.network/api
	PublicKey string
	SecretKey string
	HTTP      *http.Client
	Redact    *redact.Set
	Log       *slog.Logger
	Retry     httpx.RetryPolicy
}

// Client is an AIOZ Stream API client.
type Client struct {
	http *httpx.Client
}

// New returns a client that sends seed 001's two auth headers on every
// request (guideline A1).
func New(cfg Config) *Client {
	if cfg.Redact == nil {
		cfg.Redact = &redact.Set{}
	}
	cfg.Redact.Add(cfg.PublicKey, cfg.SecretKey)
	pub, sec := cfg.PublicKey, cfg.SecretKey
	return &Client{http: &httpx.Client{
		Provider: "aioz",
		BaseURL:  cfg.BaseURL,
		HTTP:     cfg.HTTP,
		Redact:   cfg.Redact,
		Log:      cfg.Log,
		Retry:    cfg.Retry,
		Authorize: func(req *http.Request, _ []byte) ([]string, error) {
			req.Header.Set("stream-public-key", pub)
			req.Header.Set("stream-secret-key", sec)
			return nil, nil
		},
		DecodeError: decodeError,
		Hint:        hint,
	}}
}

// BaseURL is the API base URL the client talks to (it tells accounts and
// servers apart in upload resume keys).
func (c *Client) BaseURL() string { return c.http.BaseURL }

func decodeError(status int, body []byte) (string, string) {
	var e struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return "", e.Message
	}
	return "", ""
}

// hint is seed 000's error table, in words a person can act on.
func hint(e *httpx.APIError) string {
	switch {
	case e.Status == http.StatusUnauthorized:
		return "The AIOZ Stream keys were rejected: check them and run `mcp-media auth set aioz`"
	case e.Status == http.StatusForbidden:
		return "The key is not allowed to do this (an only_upload key can only upload); use a full_access key via `mcp-media auth set aioz`"
	case e.Status == http.StatusNotFound:
		return notFoundHint(e.Path)
	case e.Status == 0:
		return "The AIOZ Stream API may be unavailable: check the network, or MCP_MEDIA_AIOZ_URL if you set it"
	}
	return ""
}

// envelope is OA's {"status","data"} wrapper.
type envelope[T any] struct {
	Status string `json:"status"`
	Data   T      `json:"data"`
}

func seg(s string) string { return url.PathEscape(strings.TrimSpace(s)) }

func (c *Client) getData(ctx context.Context, path string, q url.Values, out any) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q}, out)
	return err
}

func (c *Client) postJSON(ctx context.Context, path string, body, out any) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: path, JSON: body}, out)
	return err
}

// notFoundHint names the listing that finds the id a 404 was about.
func notFoundHint(path string) string {
	switch {
	case strings.HasPrefix(path, "/webhooks"):
		return "Not found: check the webhook id (aioz_list_webhooks lists them)"
	case strings.HasPrefix(path, "/api_keys"):
		return "Not found: check the API key id (aioz_list_api_keys lists them)"
	case strings.Contains(path, "/streamings") || strings.HasSuffix(path, "/thumbnail") && strings.HasPrefix(path, "/live_streams") || strings.HasSuffix(path, "/video"):
		return "Not found: check the broadcast id (aioz_list_streamings lists a stream key's broadcasts)"
	case strings.HasPrefix(path, "/live_streams"):
		return "Not found: check the stream key id (aioz_list_live_stream_keys lists them)"
	case strings.HasPrefix(path, "/payment"):
		return "AIOZ did not serve this payment endpoint (seed 001 documents it, the OpenAPI does not)"
	}
	return "Not found: check the media id (aioz_list_media finds it by name)"
}
