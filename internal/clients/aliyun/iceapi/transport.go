package iceapi

import (
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// transport is the project's HTTP stack under both SDKs: httpx's transport
// (connect/TLS/header timeouts), httpx's user agent, one log line per
// request (method, host, path, status, duration — never headers, query or
// body), and counters the upload uses to tell sent parts from resumed ones.
type transport struct {
	base http.RoundTripper
	log  *slog.Logger
	obs  *observer
}

// observer counts OSS UploadPart requests that succeeded, and runs
// beforeParts once, as the first UploadPart request leaves.
type observer struct {
	partsOK     atomic.Int64
	beforeParts func()
	once        sync.Once
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", httpx.UserAgent)
	part := req.Method == http.MethodPut && req.URL.Query().Has("partNumber") && req.URL.Query().Has("uploadId")
	if t.obs != nil && part && t.obs.beforeParts != nil {
		t.obs.once.Do(t.obs.beforeParts)
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if t.obs != nil && err == nil && status == http.StatusOK && part {
		t.obs.partsOK.Add(1)
	}
	if t.log != nil {
		t.log.Debug("aliyun request", "method", req.Method, "host", req.URL.Host, "path", req.URL.Path,
			"status", status, "ms", time.Since(start).Milliseconds())
	}
	return resp, err
}

// sharedHTTP wraps the server's client (or httpx's default) in transport.
func sharedHTTP(hc *http.Client, log *slog.Logger) *http.Client {
	if hc == nil {
		hc = httpx.DefaultHTTPClient()
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	if t, ok := base.(*transport); ok {
		base = t.base
	}
	return &http.Client{Transport: &transport{base: base, log: log}, Timeout: hc.Timeout, CheckRedirect: hc.CheckRedirect}
}

// withObserver is c with a fresh part counter.
func withObserver(c *http.Client) (*http.Client, *observer) {
	t := c.Transport.(*transport)
	o := &observer{}
	cp := *c
	cp.Transport = &transport{base: t.base, log: t.log, obs: o}
	return &cp, o
}

// daraHTTP adapts an *http.Client to darabonba's dara.HttpClient (its own
// transport argument is ignored: ours is httpx's).
type daraHTTP struct{ c *http.Client }

func (d daraHTTP) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return d.c.Do(req)
}
