// Package pili speaks the Qiniu live streaming cloud (直播云, "Pili")
// management API — hubs, domains, streams and /statd usage on
// pili.qiniuapi.com — and the cloud director (云导播) management API on
// pili-caster.qiniuapi.com, over the shared httpx stack. Every request is
// signed with the Qiniu request signature of qiniuauth (spec
// shared/specs/qiniu-pili.md §2.1). It knows nothing of MCP.
package piliapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// Default hosts (spec §1).
const (
	DefaultPiliURL   = "https://pili.qiniuapi.com"
	DefaultCasterURL = "https://pili-caster.qiniuapi.com"
)

// Content types. Every GET example of the docs sends the form type with no
// body; POSTs send JSON; the caster DELETE/GET/stop examples send none
// (spec §2.1, quirk 9). Content-Type is part of the signed string, so the
// client signs exactly what it sends.
const (
	ctForm = "application/x-www-form-urlencoded"
	ctJSON = "application/json"
)

// CodeStreamExists is Qiniu's non-standard HTTP status for "stream already
// exists" (spec §4.3.1).
const CodeStreamExists = 614

// Config configures a Client.
type Config struct {
	PiliURL   string // default DefaultPiliURL
	CasterURL string // default DefaultCasterURL
	AccessKey string
	SecretKey string
	HTTP      *http.Client
	Redact    *redact.Set
	Log       *slog.Logger
	Retry     httpx.RetryPolicy
}

// Client is a Pili and cloud director management API client.
type Client struct {
	pili   *httpx.Client
	caster *httpx.Client
}

// New returns a client. The keys are registered for redaction, and so is
// every Authorization token it produces and every key it reads back.
func New(cfg Config) *Client {
	if cfg.Redact == nil {
		cfg.Redact = &redact.Set{}
	}
	if cfg.PiliURL == "" {
		cfg.PiliURL = DefaultPiliURL
	}
	if cfg.CasterURL == "" {
		cfg.CasterURL = DefaultCasterURL
	}
	// The AccessKey is an identifier Qiniu puts in every management token
	// and in expiry_sk push URLs, not a secret (PRODUCT.md §3): it is not
	// masked, the signatures attached to it are, and so is the SecretKey.
	cfg.Redact.Add(cfg.SecretKey)
	cfg.Redact.AddIdentifier(cfg.AccessKey)
	creds := qiniuauth.Credentials{AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey}
	authorize := creds.Authorizer()
	mk := func(base string) *httpx.Client {
		return &httpx.Client{
			Provider: "qiniu", BaseURL: base, HTTP: cfg.HTTP, Redact: cfg.Redact, Log: cfg.Log, Retry: cfg.Retry,
			Authorize: authorize, DecodeError: decodeError, Hint: hint,
		}
	}
	return &Client{pili: mk(cfg.PiliURL), caster: mk(cfg.CasterURL)}
}

// decodeError reads Qiniu's {"error": "..."} body (spec §4.0); some Qiniu
// services also send a numeric "code". The provider code kept is that code,
// or else the HTTP status (Qiniu's own 6xx statuses such as 614 are codes).
func decodeError(status int, body []byte) (string, string) {
	var e struct {
		Code  json.Number `json:"code"`
		Error string      `json:"error"`
	}
	code := strconv.Itoa(status)
	if json.Unmarshal(body, &e) != nil {
		return code, ""
	}
	if e.Code != "" {
		code = e.Code.String()
	}
	return code, e.Error
}

// hint says what a person can do about an error.
func hint(e *httpx.APIError) string {
	switch {
	case e.Status == http.StatusUnauthorized:
		return qiniuauth.AuthHint
	case e.Status == http.StatusForbidden:
		return "The Qiniu keys are not allowed to do this (an IAM sub-account needs a policy granting it); use the account's keys via `mcp-media auth set qiniu`"
	case e.Status == http.StatusNotFound:
		return "Not found: check the hub name, the stream title, the domain or the caster id"
	case e.Status == CodeStreamExists:
		return "The stream already exists; read it instead of creating it"
	case e.Status == 0:
		return "Qiniu may be unreachable: check the network, or MCP_MEDIA_QINIU_PILI_URL / MCP_MEDIA_QINIU_CASTER_URL if you set them"
	}
	return ""
}

// secret registers keys read from Qiniu's answers (stream publish keys,
// play anti-leech keys, caster static keys) for redaction, where they are
// decoded, so no caller can forget it.
func (c *Client) secret(v ...string) { c.pili.Redact.Add(v...) }

// IsNotFound reports a 404 (unknown hub, stream, domain or caster).
func IsNotFound(err error) bool { return httpx.StatusOf(err) == http.StatusNotFound }

// IsStreamExists reports Qiniu's 614 "stream already exists".
func IsStreamExists(err error) bool { return httpx.StatusOf(err) == CodeStreamExists }

// seg escapes one path segment (a hub name, a domain, a caster id).
func seg(s string) string { return url.PathEscape(s) }

// hubPath is /v2/hubs/<hub>.
func hubPath(hub string) string { return "/v2/hubs/" + seg(hub) }

// streamPath is /v2/hubs/<hub>/streams/<base64url(title)> (spec §5).
func streamPath(hub, title string) string {
	return hubPath(hub) + "/streams/" + qiniuauth.EncodeStreamTitle(title)
}

// need checks name/value pairs and names the first empty value in an
// *argerr.Error; it is returned before anything is sent.
func need(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return argerr.New(pairs[i], "is empty", "")
		}
	}
	return nil
}

// get sends a signed GET with the form Content-Type and no body.
func (c *Client) get(ctx context.Context, h *httpx.Client, path string, q url.Values, out any) error {
	ct := ctForm
	if h == c.caster {
		ct = ""
	}
	_, err := h.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: q, ContentType: ct}, out)
	return err
}

// post sends a signed POST with a JSON body. readOnly marks POSTs that only
// read (batch live status) as safe to retry.
func (c *Client) post(ctx context.Context, h *httpx.Client, path string, body, out any, readOnly bool) error {
	_, err := h.Do(ctx, httpx.Request{Method: http.MethodPost, Path: path, JSON: body, Idempotent: readOnly}, out)
	return err
}

// FlexInt decodes a JSON number or a numeric string (the stats example
// shows integers as strings, spec quirk 10).
type FlexInt int64

// UnmarshalJSON accepts 12, "12", 12.0 and null.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = FlexInt(n)
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil // a placeholder the docs left in; read as zero
	}
	*f = FlexInt(int64(x))
	return nil
}
