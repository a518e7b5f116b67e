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
}

// Paths on the HTTP listener.
const (
	PathStreamable = "/mcp"
	PathSSE        = "/sse"
	PathMessage    = "/message"
)

// ServeStdio serves s on standard input and output until EOF or ctx ends.
func ServeStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, log *slog.Logger) error {
	stdio := server.NewStdioServer(s)
	if log != nil {
		stdio.SetErrorLogger(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	}
	return stdio.Listen(ctx, in, out)
}

// Handler returns the HTTP handler for transport "sse" or "http" with the
// Origin and bearer-token guard in front.
func Handler(s *server.MCPServer, transport string, opts HTTPOptions, baseURL string) (http.Handler, error) {
	mux := http.NewServeMux()
	switch transport {
	case "http":
		mux.Handle(PathStreamable, server.NewStreamableHTTPServer(s, server.WithEndpointPath(PathStreamable),
			server.WithHeartbeatInterval(25*time.Second)))
	case "sse":
		sse := server.NewSSEServer(s, server.WithBaseURL(baseURL), server.WithSSEEndpoint(PathSSE),
			server.WithMessageEndpoint(PathMessage), server.WithKeepAlive(true))
		mux.Handle(PathSSE, sse.SSEHandler())
		mux.Handle(PathMessage, sse.MessageHandler())
	default:
		return nil, fmt.Errorf("unknown transport %q: use stdio, sse or http", transport)
	}
	for p, h := range opts.Extra {
		mux.Handle(p, h)
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return guard(mux, opts), nil
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
func ServeHTTP(ctx context.Context, s *server.MCPServer, transport string, opts HTTPOptions, ready func(addr string)) error {
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
	base := "http://" + ln.Addr().String()
	h, err := Handler(s, transport, opts, base)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// guard enforces the Origin check and the bearer token.
func guard(next http.Handler, opts HTTPOptions) http.Handler {
	allowed := map[string]bool{}
	for _, o := range opts.AllowedOrigins {
		allowed[strings.TrimRight(strings.ToLower(o), "/")] = true
	}
	want := sha256.Sum256([]byte(opts.Token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !originOK(origin, allowed) {
			if opts.Log != nil {
				opts.Log.Warn("refused request from a foreign Origin", "origin", origin, "path", r.URL.Path)
			}
			http.Error(w, "Forbidden: Origin "+origin+" is not allowed (only loopback origins, or those given with --allow-origin)", http.StatusForbidden)
			return
		}
		if opts.Token != "" && r.URL.Path != "/healthz" && !strings.HasPrefix(r.URL.Path, "/callbacks/") {
			got, ok := bearerToken(r.Header.Get("Authorization"))
			// Digests of equal length: the comparison time says nothing
			// about the token's length.
			sum := sha256.Sum256([]byte(got))
			if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="mcp-media"`)
				http.Error(w, "Unauthorized: send Authorization: Bearer <MCP_MEDIA_HTTP_TOKEN>", http.StatusUnauthorized)
				return
			}
		}
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
