package mcpserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/metrics"
	"github.com/mcp-media/mcp-media/internal/transport"
)

// HTTPOptions configure the SSE and streamable HTTP listeners.
type HTTPOptions struct {
	Addr  string // host:port; default 127.0.0.1:8765
	Token string // bearer token; required when Addr is not loopback
	// AllowedOrigins are extra Origin values accepted besides loopback ones
	// (scheme://host[:port]).
	AllowedOrigins []string
	Log            *slog.Logger
	// Extra mounts more handlers on the same listener (the callback inbox).
	Extra map[string]http.Handler
	// BodyLimit caps every request body, checked after authentication
	// (default transport.DefaultMaxMessage).
	BodyLimit int64
	// MaxConns caps concurrent connections (default 1024).
	MaxConns int
	// Sessions tunes session expiry and cap on the streamable transport.
	Sessions transport.HTTPOptions
	// Operations (ops.go). Ready is the /readyz check (nil: always ready;
	// see Readiness). Metrics, when set, are served at /metrics behind the
	// guard and count HTTP requests; MetricsAddr serves them also on a
	// listener of their own, without authentication. ShutdownTimeout bounds
	// the drain of in-flight requests on shutdown (default
	// DefaultShutdownTimeout); DrainDelay keeps accepting that long after
	// /readyz turned to draining, for load balancers that poll it.
	Ready           func(context.Context) error
	Metrics         *metrics.Metrics
	MetricsAddr     string
	ShutdownTimeout time.Duration
	DrainDelay      time.Duration
	ops             *ops // set by ServeHTTP (or a test) before Handler
}

// Paths on the HTTP listener.
const (
	PathStreamable = "/mcp"
	PathSSE        = "/sse"
	PathMessage    = "/message"
)

// ServeStdio serves s on standard input and output until EOF or ctx ends
// (internal/transport's loop: progress before results, cancellation, a
// message size cap).
func ServeStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, log *slog.Logger) error {
	return transport.NewEngine(s).ServeStdio(ctx, in, out, transport.StdioOptions{})
}

// Handler returns the HTTP handler for transport "sse" or "http" with the
// Origin and bearer-token guard in front. The returned close function ends
// the transport's sessions.
func Handler(s *server.MCPServer, kind string, opts HTTPOptions, baseURL string) (http.Handler, func(), error) {
	mux := http.NewServeMux()
	eng := transport.NewEngine(s)
	closer := func() {}
	switch kind {
	case "http":
		st := eng.NewStreamable(opts.Sessions)
		mux.Handle(PathStreamable, st)
		closer = st.Close
		opts.Metrics.SessionsFrom(st.Sessions)
	case "sse":
		sse := eng.NewSSE(baseURL, PathMessage, opts.Sessions)
		own := sameOriginOnly(opts)
		mux.Handle(PathSSE, own(sse.StreamHandler()))
		mux.Handle(PathMessage, own(sse.MessageHandler()))
	default:
		return nil, nil, fmt.Errorf("unknown transport %q: use stdio, sse or http", kind)
	}
	for p, h := range opts.Extra {
		mux.Handle(p, h)
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return withOps(mux, opts), closer, nil
}

// sameOriginOnly refuses browser requests to the SSE endpoints from any
// origin but the server's own or one given with --allow-origin.
func sameOriginOnly(opts HTTPOptions) func(http.Handler) http.Handler {
	allowed := allowedOrigins(opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !transport.SameOrigin(r, allowed) {
				refuse(w, http.StatusForbidden, "Forbidden: the SSE transport accepts only its own origin (or one given with --allow-origin)")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func allowedOrigins(opts HTTPOptions) map[string]bool {
	allowed := map[string]bool{}
	for _, o := range opts.AllowedOrigins {
		allowed[strings.TrimRight(strings.ToLower(o), "/")] = true
	}
	return allowed
}

// refuse answers an error and closes the connection after it.
func refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Connection", "close")
	http.Error(w, msg, status)
}

// CheckBind refuses a non-loopback address without a token.
func CheckBind(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v (use host:port, e.g. 127.0.0.1:8765)", addr, err)
	}
	if isLoopback(host) || token != "" {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s without a bearer token: set MCP_MEDIA_HTTP_TOKEN (clients then send `Authorization: Bearer <token>`), or bind 127.0.0.1", addr)
}

// ServeHTTP listens on opts.Addr and serves until ctx ends.
func ServeHTTP(ctx context.Context, s *server.MCPServer, kind string, opts HTTPOptions, ready func(addr string)) error {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:8765"
	}
	if err := CheckBind(opts.Addr, opts.Token); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", opts.Addr, err)
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 1024
	}
	ln = limitListener(ln, opts.MaxConns)
	base := "http://" + ln.Addr().String()
	if opts.ops == nil {
		opts.ops = newOps(opts)
	}
	h, closeSessions, err := Handler(s, kind, opts, base)
	if err != nil {
		ln.Close()
		return err
	}
	defer closeSessions() // after the drain: it cancels what still runs
	stopMetrics, err := serveMetrics(opts)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	served := make(chan struct{})
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		select {
		case <-ctx.Done():
			opts.ops.shutdown(srv, opts.DrainDelay, opts.ShutdownTimeout)
		case <-served:
		}
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	err = srv.Serve(ln)
	close(served)
	<-drained // Serve returns as the drain starts; wait for its end
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// requestReadTime bounds reading one request's body; the transports lift it
// once the body is in.
const requestReadTime = 30 * time.Second

// guard enforces the Origin check and the bearer token, then caps the body
// and the time to read it. Refusals close the connection.
func guard(next http.Handler, opts HTTPOptions) http.Handler {
	allowed := allowedOrigins(opts)
	limit := opts.BodyLimit
	if limit <= 0 {
		limit = transport.DefaultMaxMessage
	}
	want := sha256.Sum256([]byte(opts.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !originOK(origin, allowed) {
			if opts.Log != nil {
				opts.Log.Warn("refused request from a foreign Origin", "origin", origin, "path", r.URL.Path)
			}
			refuse(w, http.StatusForbidden, "Forbidden: Origin "+origin+" is not allowed (only loopback origins, or those given with --allow-origin)")
			return
		}
		if opts.Token != "" && r.URL.Path != "/healthz" && !strings.HasPrefix(r.URL.Path, "/callbacks/") {
			got, ok := bearerToken(r.Header.Get("Authorization"))
			// Digests of equal length: the comparison time says nothing
			// about the token's length.
			sum := sha256.Sum256([]byte(got))
			if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="mcp-media"`)
				refuse(w, http.StatusUnauthorized, "Unauthorized: send Authorization: Bearer <MCP_MEDIA_HTTP_TOKEN>")
				return
			}
		}
		if r.ContentLength > limit {
			refuse(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request Entity Too Large: a request body is at most %d bytes", limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(requestReadTime))
		next.ServeHTTP(w, r)
	})
}

func originOK(origin string, allowed map[string]bool) bool {
	o := strings.TrimRight(strings.ToLower(origin), "/")
	if allowed[o] {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	return isLoopback(u.Hostname())
}

func isLoopback(host string) bool {
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
