package doraapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// openURL decodes an agent's URL without letting ffmpeg reach addresses the
// server must not: http(s) is fetched here, through httpx.FetchClient
// (every hop, redirects included, dialled only to public addresses), and
// piped to ffmpeg, which may then open nothing but its stdin — so an HLS
// playlist cannot send it to a second, unchecked host. rtmp(s) and srt are
// dialled by ffmpeg itself, to the address checked here (the host pinned to
// it, so a second DNS answer cannot differ) with only that protocol's stack
// allowed. Refusals and failures say nothing of what listens where.
func (c *Client) openURL(ctx context.Context, raw string, maxDur time.Duration) (*pcmSource, error) {
	const why = "transcribing a URL"
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &argerr.Error{Arg: "url", Problem: "is not a URL"}
	}
	shown := redact.URL(raw)
	refused := &argerr.Error{Arg: "url", Problem: shown + ": " + httpx.ErrAddressRefused.Error(),
		Fix: "give a public URL; for a test server on this machine start the server with --allow-private-urls"}
	if _, err := exec.LookPath(c.cfg.FFmpeg); err != nil {
		return nil, &FFmpegMissingError{Program: c.cfg.FFmpeg, Why: why}
	}
	unreachable := &argerr.Error{Arg: "url", Problem: shown + " could not be fetched (no answer, or the connection failed)", Fix: "check that the URL is public and reachable"}
	ip, err := httpx.CheckHost(ctx, u.Hostname(), c.cfg.AllowPrivateURLs)
	if errors.Is(err, httpx.ErrAddressRefused) {
		return nil, refused
	} else if err != nil {
		return nil, unreachable
	}
	switch strings.ToLower(u.Scheme) {
	case "rtmp", "rtmps", "srt":
		pinned := *u
		host := ip.String()
		if ip.Is6() {
			host = "[" + host + "]"
		}
		if p := u.Port(); p != "" {
			host = net.JoinHostPort(ip.String(), p)
		}
		pinned.Host = host
		whitelist := map[string]string{"rtmp": "rtmp,tcp", "rtmps": "rtmps,tls,tcp", "srt": "srt,udp"}[strings.ToLower(u.Scheme)]
		return c.ffmpegPCM(ctx, ffmpegInput{arg: pinned.String(), whitelist: whitelist, shown: raw}, maxDur, why)
	}
	fctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(fctx, http.MethodGet, raw, nil)
	if err != nil {
		cancel()
		return nil, &argerr.Error{Arg: "url", Problem: "is not a usable URL"}
	}
	req.Header.Set("User-Agent", httpx.UserAgent)
	resp, err := httpx.FetchClient(c.cfg.AllowPrivateURLs).Do(req)
	if err != nil {
		cancel()
		if errors.Is(err, httpx.ErrAddressRefused) {
			return nil, refused // a redirect, or DNS that changed its answer
		}
		return nil, unreachable
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		cancel()
		return nil, &argerr.Error{Arg: "url", Problem: fmt.Sprintf("%s answered HTTP %d", shown, resp.StatusCode), Fix: "give a URL that serves the audio or video"}
	}
	body := newIdleReader(resp.Body, ffmpegRWTimeout, cancel)
	return c.ffmpegPCM(ctx, ffmpegInput{arg: "pipe:0", stdin: body, whitelist: "pipe", shown: raw,
		close: func() { cancel(); resp.Body.Close(); body.stop() }}, maxDur, why)
}

// idleReader cancels the fetch when no byte arrives for d, so a source that
// stalls after its headers ends the decode instead of blocking it.
type idleReader struct {
	r    io.Reader
	d    time.Duration
	t    *time.Timer
	once sync.Once
}

func newIdleReader(r io.Reader, d time.Duration, onIdle func()) *idleReader {
	return &idleReader{r: r, d: d, t: time.AfterFunc(d, onIdle)}
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 {
		ir.t.Reset(ir.d)
	}
	return n, err
}

func (ir *idleReader) stop() { ir.once.Do(func() { ir.t.Stop() }) }
