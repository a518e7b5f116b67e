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
	"github.com/mcp-media/mcp-media/internal/oauth"
	"github.com/mcp-media/mcp-media/internal/transport"
)

// HTTPOptions configure the SSE and streamable HTTP listeners.
type HTTPOptions struct {
	Addr  string // host:port; default 127.0.0.1:8765
	Token string // static bearer token (MCP_MEDIA_HTTP_TOKEN), for one user
	// OAuth, when set, replaces Token: every request but the public paths
	// needs an access token it accepts, and the caller it names reaches the
	// tool handlers (oauth.CallerFrom). Either one allows a non-loopback Addr.
	OAuth *oauth.Verifier
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
		if opts.OAuth != nil && opts.Sessions.Owner == nil {
			// A session answers only to the user who started it (MCP
			// authorization: bind sessions to the user).
			opts.Sessions.Owner = func(r *http.Request) string {
				c, _ := oauth.CallerFrom(r.Context())
				return c.Subject
			}
		}
		st := eng.NewStreamable(opts.Sessions)
		mux.Handle(PathStreamable, st)
		broadcasters.Store(s, st)
		closer = func() {
			broadcasters.Delete(s)
			st.Close()
		}
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
	if opts.OAuth != nil {
		for _, p := range opts.OAuth.MetadataPaths() {
			mux.Handle(p, opts.OAuth.MetadataHandler())
		}
	}
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
	return checkBind(addr, token != "")
}

// checkBind refuses a non-loopback address unless requests are
// authenticated (the static token or OAuth).
func checkBind(addr string, authenticated bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v (use host:port, e.g. 127.0.0.1:8765)", addr, err)
	}
	if isLoopback(host) || authenticated {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s without a bearer token: set MCP_MEDIA_HTTP_TOKEN (clients then send `Authorization: Bearer <token>`), configure OAuth with --oauth-issuer and --oauth-audience, or bind 127.0.0.1", addr)
}

// ErrTokenAndOAuth refuses the static token and OAuth together.
var ErrTokenAndOAuth = errors.New("MCP_MEDIA_HTTP_TOKEN and --oauth-issuer are both set: use one — the static token for a single user, OAuth for many (unset MCP_MEDIA_HTTP_TOKEN to use OAuth)")

// ServeHTTP listens on opts.Addr and serves until ctx ends.
func ServeHTTP(ctx context.Context, s *server.MCPServer, kind string, opts HTTPOptions, ready func(addr string)) error {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:8765"
	}
	if opts.OAuth != nil && opts.Token != "" {
		return ErrTokenAndOAuth
	}
	if err := checkBind(opts.Addr, opts.Token != "" || opts.OAuth != nil); err != nil {
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

// guard enforces the Origin check and the bearer token (static, or an OAuth
// access token whose caller it puts in the request's context), then caps
// the body and the time to read it. Refusals close the connection.
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
		if opts.OAuth != nil {
			if !publicPath(r.URL.Path) {
				c, ok := authorize(w, r, opts)
				if !ok {
					return
				}
				r = r.WithContext(oauth.WithCaller(r.Context(), c))
			}
		} else if opts.Token != "" && r.URL.Path != "/healthz" && !strings.HasPrefix(r.URL.Path, "/callbacks/") {
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

// publicPath reports the paths that answer without OAuth: health and
// readiness, the callback receiver (each path holds its own token) and the
// protected resource metadata (how a client learns where to get a token).
func publicPath(p string) bool {
	return p == "/healthz" || p == "/readyz" || strings.HasPrefix(p, "/callbacks/") ||
		p == oauth.MetadataPath || strings.HasPrefix(p, oauth.MetadataPath+"/")
}

// authorize checks the request's access token; a refusal (401 with the
// metadata pointer, or 403 for a missing scope) is written and false
// returned. Neither the answer nor the log quotes the token.
func authorize(w http.ResponseWriter, r *http.Request, opts HTTPOptions) (oauth.Caller, bool) {
	v := opts.OAuth
	raw, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		w.Header().Set("WWW-Authenticate", v.Challenge(r, nil))
		refuse(w, http.StatusUnauthorized, "Unauthorized: send Authorization: Bearer <access token> from "+v.Issuer()+"; where and how: "+v.MetadataURL(r))
		return oauth.Caller{}, false
	}
	c, err := v.Verify(r.Context(), raw)
	if err == nil {
		return c, true
	}
	status, desc := http.StatusUnauthorized, "the access token is not valid"
	var e *oauth.Error
	if errors.As(err, &e) {
		status, desc = e.Status, e.Description
	}
	if opts.Log != nil {
		level := slog.LevelInfo
		if e != nil && e.Unavailable {
			level = slog.LevelWarn // the issuer's JWKS is unreachable: every new key fails
		}
		opts.Log.Log(r.Context(), level, "refused an access token", "reason", desc, "path", r.URL.Path)
	}
	w.Header().Set("WWW-Authenticate", v.Challenge(r, err))
	refuse(w, status, http.StatusText(status)+": "+desc)
	return oauth.Caller{}, false
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
