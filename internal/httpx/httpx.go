// Package httpx is the one HTTP client stack every provider client uses:
// base URL joining, authentication hooks, timeouts, retries with backoff for
// idempotent requests only, context cancellation, a user agent, and errors
// that name the provider, the operation and what to do — with every secret
// scrubbed by the shared redact.Set before the error leaves the package.
package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mcp-media/mcp-media/internal/redact"
)

// UserAgent is sent on every request.
var UserAgent = "mcp-media/0.1 (+https://github.com/mcp-media/mcp-media)"

// Authorizer adds credentials to a request just before it is sent (and again
// before each retry). It returns any value derived from a secret (a signature,
// a token) so the client can register it for redaction.
type Authorizer func(req *http.Request, body []byte) (derived []string, err error)

// Client talks to one provider API.
type Client struct {
	// Provider is the provider id used in error messages ("aioz", "qiniu").
	Provider string
	// BaseURL is joined with each request path; its own path is kept.
	BaseURL string
	// HTTP is the underlying client; nil means a client with sane timeouts.
	HTTP *http.Client
	// Authorize signs each attempt; nil sends no credentials.
	Authorize Authorizer
	// Redact scrubs secrets from errors and logs. Required.
	Redact *redact.Set
	// Retry is the retry policy; the zero value means DefaultRetry.
	Retry RetryPolicy
	// DecodeError turns a non-2xx body into the provider's code and message.
	DecodeError func(status int, body []byte) (code, message string)
	// Hint adds what a person should do about an error (for example the
	// exact `mcp-media auth set` command on 401). Rate limits and 5xx get a
	// shared hint when it returns "".
	Hint func(e *APIError) string
	// Log receives one line per attempt (method, path, status, duration);
	// never headers or bodies. Nil discards.
	Log *slog.Logger
}

// RetryPolicy says how often and how patiently idempotent requests are retried.
type RetryPolicy struct {
	Attempts int           // total attempts including the first; 0 → 4
	Base     time.Duration // first backoff; 0 → 200ms
	Max      time.Duration // cap for one backoff; 0 → 5s
}

// DefaultRetry is used when a client sets no policy.
var DefaultRetry = RetryPolicy{Attempts: 4, Base: 200 * time.Millisecond, Max: 5 * time.Second}

// Request describes one API call.
type Request struct {
	Method string
	Path   string // joined to BaseURL, e.g. "/media/create"
	Query  url.Values
	Header http.Header
	// JSON, when not nil, is marshalled as the body with Content-Type
	// application/json.
	JSON any
	// Body is a fixed body (used with ContentType).
	Body        []byte
	ContentType string
	// Stream, when set, produces a fresh body for each attempt (for large
	// uploads that must not be held in memory). ContentLength must be set.
	Stream        func() (io.ReadCloser, error)
	ContentLength int64
	// Sink, when set, receives a 2xx body as a stream instead of it being
	// read into memory (CSV exports of any size). An error from Sink fails
	// the call without a retry: part of the body may already be consumed.
	Sink func(h http.Header, body io.Reader) error
	// Idempotent marks a non-GET request as safe to retry (for example a
	// chunk upload that overwrites its own index).
	Idempotent bool
	// Timeout bounds the whole call including retries; 0 means 2 minutes.
	Timeout time.Duration
}

// Response is what a successful call returns besides the decoded body.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// APIError is a non-2xx answer or a transport failure, in words a person can
// act on. Its message never contains a secret.
type APIError struct {
	Provider string
	Method   string
	Path     string
	Status   int    // HTTP status; 0 for transport failures
	Code     string // provider's own error code, when it sent one
	Message  string // provider's message, or the transport failure
	Hint     string // what to do about it
	Attempts int
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s: ", e.Provider, e.Method, e.Path)
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Code != "" && e.Code != strconv.Itoa(e.Status) {
			fmt.Fprintf(&b, " (provider code %s)", e.Code)
		}
		if e.Message != "" {
			b.WriteString(": " + e.Message)
		}
	} else {
		b.WriteString(e.Message)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

// StatusOf returns the HTTP status carried by err, or 0.
func StatusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// DefaultHTTPClient has connect, TLS and response-header timeouts but no
// overall deadline: large uploads are bounded by the request's context.
func DefaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.ResponseHeaderTimeout = 90 * time.Second
	// Keep a warm connection per concurrent call: with 8 idle per host, 50
	// concurrent sessions re-dialled ~27% of their calls, 200–500 ~51%.
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 64
	tr.IdleConnTimeout = 90 * time.Second
	tr.ForceAttemptHTTP2 = true // HTTP/2 where the provider offers it
	// Large buffers keep chunk uploads near disk and hashing speed.
	tr.WriteBufferSize = 256 << 10
	tr.ReadBufferSize = 64 << 10
	return &http.Client{Transport: tr}
}

var defaultHTTP = DefaultHTTPClient()

// CloseIdleConnections drops the shared client's keep-alive connections
// (stress runs use it to tell leaked goroutines from idle sockets).
func CloseIdleConnections() { defaultHTTP.CloseIdleConnections() }

// Do sends req, retrying where safe, and decodes a 2xx JSON body into out
// (when out is not nil).
func (c *Client) Do(ctx context.Context, req Request, out any) (*Response, error) {
	timeout := req.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	body, ctype := req.Body, req.ContentType
	if req.JSON != nil {
		b, err := json.Marshal(req.JSON)
		if err != nil {
			return nil, c.Redact.Error(fmt.Errorf("%s: encoding request for %s: %w", c.Provider, req.Path, err))
		}
		body, ctype = b, "application/json"
	}
	policy := c.Retry
	if policy.Attempts == 0 {
		policy = DefaultRetry
	}
	retryable := req.Idempotent || req.Method == http.MethodGet || req.Method == http.MethodHead ||
		req.Method == http.MethodPut || req.Method == http.MethodDelete
	attempts := 1
	if retryable {
		attempts = policy.Attempts
	}

	var lastErr *APIError
	for attempt := 1; attempt <= attempts; attempt++ {
		resp, apiErr, wait := c.once(ctx, req, body, ctype)
		if apiErr == nil {
			if out != nil && len(resp.Body) > 0 {
				if err := json.Unmarshal(resp.Body, out); err != nil {
					return resp, c.Redact.Error(&APIError{Provider: c.Provider, Method: req.Method, Path: req.Path,
						Status: resp.Status, Message: "unexpected response body: " + err.Error(), Attempts: attempt})
				}
			}
			return resp, nil
		}
		apiErr.Attempts = attempt
		if req.Method == http.MethodDelete && apiErr.Status == http.StatusNotFound && lastErr != nil && transient(lastErr) {
			// The earlier attempt's answer was lost, not its effect: the
			// thing is gone, which is what was asked.
			return &Response{Status: http.StatusNotFound}, nil
		}
		lastErr = apiErr
		if !retryable || !transient(apiErr) || attempt == attempts || ctx.Err() != nil {
			break
		}
		if wait == 0 {
			wait = backoff(policy, attempt)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	if ctx.Err() != nil && lastErr.Status == 0 {
		if errors.Is(ctx.Err(), context.Canceled) {
			lastErr.Message = "cancelled"
		} else {
			lastErr.Message = fmt.Sprintf("timed out after %s", timeout)
		}
	}
	if c.Hint != nil && lastErr.Hint == "" {
		lastErr.Hint = c.Hint(lastErr)
	}
	if lastErr.Hint == "" {
		lastErr.Hint = sharedHint(lastErr)
	}
	return nil, c.Redact.Error(lastErr)
}

// sharedHint says what to do about the failures every provider shares, when
// the provider's Hint has nothing more specific: a rate limit, or a server
// error (500–599 only: Qiniu's own 6xx statuses are answers, not failures).
func sharedHint(e *APIError) string {
	switch {
	case e.Status == http.StatusTooManyRequests:
		return "Rate limit reached; wait a little and try again"
	case e.Status >= 500 && e.Status < 600:
		return "The " + e.Provider + " service had a server error; try again shortly"
	}
	return ""
}

func (c *Client) once(ctx context.Context, req Request, body []byte, ctype string) (*Response, *APIError, time.Duration) {
	fail := func(status int, msg string) *APIError {
		return &APIError{Provider: c.Provider, Method: req.Method, Path: req.Path, Status: status, Message: msg}
	}
	u, err := c.url(req)
	if err != nil {
		return nil, fail(0, err.Error()), 0
	}
	var rdr io.Reader
	var closer io.Closer
	if req.Stream != nil {
		rc, err := req.Stream()
		if err != nil {
			return nil, fail(0, "opening request body: "+err.Error()), 0
		}
		rdr, closer = rc, rc
	} else if body != nil {
		rdr = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(traced(ctx), req.Method, u, rdr)
	if err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, fail(0, err.Error()), 0
	}
	if req.Stream != nil {
		hr.ContentLength = req.ContentLength
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	if ctype != "" {
		hr.Header.Set("Content-Type", ctype)
	}
	hr.Header.Set("User-Agent", UserAgent)
	if hr.Header.Get("Accept") == "" {
		hr.Header.Set("Accept", "application/json")
	}
	if c.Authorize != nil {
		derived, err := c.Authorize(hr, body)
		if err != nil {
			if closer != nil {
				closer.Close()
			}
			return nil, fail(0, "signing request: "+err.Error()), 0
		}
		c.Redact.Add(derived...)
	}
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	hc = sameOriginOnly(hc)
	start := time.Now()
	resp, err := hc.Do(hr)
	if err != nil && errors.Is(err, ErrRedirect) && resp != nil {
		// Not transient: asking again gets the same redirect.
		c.log(req, resp.StatusCode, start)
		return nil, fail(resp.StatusCode, ErrRedirect.Error()), 0
	}
	if err != nil {
		c.log(req, 0, start)
		msg := err.Error()
		var ue *url.Error
		if errors.As(err, &ue) {
			msg = ue.Err.Error()
		}
		return nil, fail(0, fmt.Sprintf("cannot reach %s: %s", hr.URL.Host, msg)), 0
	}
	defer resp.Body.Close()
	if req.Sink != nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		err := req.Sink(resp.Header, resp.Body)
		c.log(req, resp.StatusCode, start)
		if err != nil {
			var ae *APIError
			if errors.As(err, &ae) {
				return nil, ae, 0
			}
			return nil, fail(resp.StatusCode, "reading response: "+err.Error()), 0
		}
		return &Response{Status: resp.StatusCode, Header: resp.Header}, nil, 0
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	c.log(req, resp.StatusCode, start)
	if err != nil {
		return nil, fail(0, "reading response: "+err.Error()), 0
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil, 0
	}
	e := fail(resp.StatusCode, "")
	e.Code, e.Message = ErrorMessage(c.DecodeError, resp.StatusCode, data)
	return nil, e, retryAfter(resp.StatusCode, resp.Header)
}

// ErrorMessage is the code and message of a non-2xx answer: what decode
// (may be nil) finds in the body, else the body itself cut to 300 bytes,
// else the status text. Anything that reads a provider's error answer
// outside Do (a WebSocket handshake) uses it too.
func ErrorMessage(decode func(status int, body []byte) (code, message string), status int, body []byte) (code, message string) {
	if decode != nil {
		code, message = decode(status, body)
	}
	if message == "" {
		message = strings.TrimSpace(string(body))
		if message == "" {
			message = http.StatusText(status)
		}
	}
	return clip(code, 100), clip(message, MaxErrorText)
}

// MaxErrorText is how much of a provider's error text an error repeats: a
// provider (or whatever answers in its place) may echo a whole request.
const MaxErrorText = 300

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// ErrRedirect is why a redirect to another origin is not followed.
var ErrRedirect = errors.New("the provider redirected to another scheme, host or port; not followed, so no credentials leave for it")

// sameOriginOnly returns hc (shallow-copied: the transport is shared) with a
// redirect policy that refuses any hop changing scheme, host or port:
// providers authenticate with custom headers (AIOZ's secret key), which
// net/http forwards on redirects, so a hop elsewhere would carry them.
func sameOriginOnly(hc *http.Client) *http.Client {
	cp := *hc
	prev := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && !SameOrigin(via[0].URL, req.URL) {
			return ErrRedirect
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if prev != nil {
			return prev(req, via)
		}
		return nil
	}
	return &cp
}

// SameOrigin reports whether a and b share scheme, host and port (default
// ports made explicit).
func SameOrigin(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		switch strings.ToLower(u.Scheme) {
		case "https", "wss":
			return "443"
		}
		return "80"
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// url joins the base URL and the request path. Path segments that carry
// user data must already be escaped by the caller (url.PathEscape).
func (c *Client) url(req Request) (string, error) {
	base, err := url.Parse(c.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return "", fmt.Errorf("invalid base URL %q for %s", c.BaseURL, c.Provider)
	}
	u, err := url.Parse(strings.TrimRight(c.BaseURL, "/") + "/" + strings.TrimLeft(req.Path, "/"))
	if err != nil {
		return "", fmt.Errorf("invalid request path %q: %v", req.Path, err)
	}
	if len(req.Query) > 0 {
		u.RawQuery = req.Query.Encode()
	}
	return u.String(), nil
}

func (c *Client) log(req Request, status int, start time.Time) {
	if c.Log == nil {
		return
	}
	c.Log.Debug("provider request", "provider", c.Provider, "method", req.Method, "path", req.Path,
		"status", status, "ms", time.Since(start).Milliseconds())
}

func transient(e *APIError) bool {
	switch {
	case e.Status == 0:
		return true
	case e.Status == http.StatusTooManyRequests, e.Status == http.StatusRequestTimeout:
		return true
	case e.Status >= 500 && e.Status < 600:
		// Qiniu uses 6xx for its own errors (612, 614): never transient.
		return e.Status != http.StatusNotImplemented
	}
	return false
}

func backoff(p RetryPolicy, attempt int) time.Duration {
	base, max := p.Base, p.Max
	if base == 0 {
		base = DefaultRetry.Base
	}
	if max == 0 {
		max = DefaultRetry.Max
	}
	d := base << (attempt - 1)
	if d > max || d <= 0 {
		d = max
	}
	// Full jitter in [d/2, d).
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// retryAfter honours Retry-After, and AIOZ's X-RateLimit-Retry-After only
// when the answer is a rate limit (429 or no requests left) — AIOZ sends it
// on every response as the time until the window resets. Capped at 30 s so
// a misbehaving server cannot park a tool call.
func retryAfter(status int, h http.Header) time.Duration {
	keys := []string{"Retry-After"}
	if status == http.StatusTooManyRequests || strings.TrimSpace(h.Get("X-RateLimit-Remaining")) == "0" {
		keys = append(keys, "X-RateLimit-Retry-After")
	}
	for _, k := range keys {
		if v := h.Get(k); v != "" {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
				d := time.Duration(n) * time.Second
				if d > 30*time.Second {
					d = 30 * time.Second
				}
				return d
			}
		}
	}
	return 0
}
