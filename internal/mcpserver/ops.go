package mcpserver

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mcp-media/mcp-media/internal/metrics"
	"github.com/mcp-media/mcp-media/internal/reqid"
	"github.com/mcp-media/mcp-media/internal/transport"
)

// Paths of the operations endpoints.
const (
	PathHealth  = "/healthz" // liveness: the process answers
	PathReady   = "/readyz"  // readiness: the state store answers and a provider is configured
	PathMetrics = "/metrics" // Prometheus, behind the same guard as MCP
)

// DefaultShutdownTimeout is how long in-flight requests get to finish on
// SIGTERM before their connections are closed.
const DefaultShutdownTimeout = 25 * time.Second

// ops is the outer layer of the HTTP listener: /readyz (in front of the
// guard, so it needs no token), a request id on every request, one log line
// and one counter increment per request, and the drain on shutdown.
type ops struct {
	log     *slog.Logger
	metrics *metrics.Metrics
	ready   func(context.Context) error

	draining   atomic.Bool
	drainCtx   context.Context // ends when the drain starts: event streams close
	startDrain context.CancelFunc
	active     atomic.Int64 // requests in flight, but for closable event streams
	streams    atomic.Int64 // standalone GET event streams, closed on drain
	lastReady  atomic.Int32 // 0 unknown, 1 ready, 2 not ready: log changes only
}

func newOps(opts HTTPOptions) *ops {
	ctx, cancel := context.WithCancel(context.Background())
	return &ops{log: opts.Log, metrics: opts.Metrics, ready: opts.Ready, drainCtx: ctx, startDrain: cancel}
}

// withOps mounts /metrics and puts the guard, then the ops layer, in front
// of mux.
func withOps(mux *http.ServeMux, opts HTTPOptions) http.Handler {
	o := opts.ops
	if o == nil {
		o = newOps(opts)
	}
	if opts.Metrics != nil {
		mux.Handle(PathMetrics, opts.Metrics.Handler())
	}
	return o.wrap(guard(mux, opts))
}

// routeClass is a path's label in metrics: a fixed set, never the path.
func routeClass(path string) string {
	switch {
	case path == PathStreamable:
		return "mcp"
	case path == PathSSE:
		return "sse"
	case path == PathMessage:
		return "message"
	case strings.HasPrefix(path, "/callbacks/"):
		return "callbacks"
	case path == PathHealth:
		return "healthz"
	case path == PathReady:
		return "readyz"
	case path == PathMetrics:
		return "metrics"
	}
	return "other"
}

// maxLoggedPath clips paths a client made up.
const maxLoggedPath = 128

// logPath is the path as logged: no query string, and no callback token
// (each callback path is a credential for its task).
func logPath(path string) string {
	if strings.HasPrefix(path, "/callbacks/") {
		return "/callbacks/…"
	}
	if len(path) > maxLoggedPath {
		return path[:maxLoggedPath] + "…"
	}
	return path
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and the deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (o *ops) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := reqid.Or(r.Header.Get(reqid.Header))
		w.Header().Set(reqid.Header, id)
		ctx := reqid.With(r.Context(), id)
		// A standalone event stream, opened or resumed, carries no result
		// of its own: on drain it closes and the client reconnects to
		// another replica. POST streams resumed with Last-Event-ID may
		// carry a result in flight, and the SSE transport's stream carries
		// every result: they stay until the shutdown deadline.
		counter := &o.active
		if r.URL.Path == PathStreamable && transport.StandaloneStream(r) {
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			stop := context.AfterFunc(o.drainCtx, cancel)
			defer stop()
			defer cancel()
			counter = &o.streams
		}
		// Probes and scrapes are not work a drain waits for (nor counts).
		if probe := r.URL.Path == PathHealth || r.URL.Path == PathReady || r.URL.Path == PathMetrics; !probe {
			counter.Add(1)
			defer counter.Add(-1)
		}
		sw := &statusWriter{ResponseWriter: w}
		if r.URL.Path == PathReady {
			o.readyz(sw, r.WithContext(ctx))
		} else {
			next.ServeHTTP(sw, r.WithContext(ctx))
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := routeClass(r.URL.Path)
		o.metrics.HTTPRequest(route, sw.status)
		o.logRequest(r, route, sw, id, time.Since(start))
	})
}

func (o *ops) logRequest(r *http.Request, route string, sw *statusWriter, id string, d time.Duration) {
	if o.log == nil {
		return
	}
	level := slog.LevelInfo
	if route == "healthz" || route == "readyz" || route == "metrics" {
		level = slog.LevelDebug // probes and scrapes every few seconds
	}
	attrs := []any{"method", r.Method, "path", logPath(r.URL.Path), "status", sw.status,
		"duration_ms", d.Milliseconds(), "request_id", id}
	sess := r.Header.Get(transport.HeaderSession)
	if sess == "" {
		sess = sw.Header().Get(transport.HeaderSession) // initialize hands it out
	}
	if sess != "" && reqid.Valid(sess) {
		attrs = append(attrs, "session", sess)
	}
	o.log.Log(r.Context(), level, "http request", attrs...)
}

// readyTimeout bounds one readiness check.
const readyTimeout = time.Second

// readyz answers 200 "ready", or 503 with a short reason that names no
// secret: "draining" from the start of a shutdown, else the check's error.
func (o *ops) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if o.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "draining\n")
		return
	}
	var err error
	if o.ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		err = o.ready(ctx)
		cancel()
	}
	o.noteReadiness(err)
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, err.Error()+"\n")
		return
	}
	_, _ = io.WriteString(w, "ready\n")
}

// noteReadiness logs when readiness changes, not on every probe.
func (o *ops) noteReadiness(err error) {
	state := int32(1)
	if err != nil {
		state = 2
	}
	if o.lastReady.Swap(state) == state || o.log == nil {
		return
	}
	if err != nil {
		o.log.Warn("not ready: /readyz answers 503", "reason", err.Error())
		return
	}
	o.log.Info("ready: /readyz answers 200")
}

// shutdown drains srv: /readyz says "draining" and standalone event
// streams close; after delay (load balancers polling /readyz take the
// replica out meanwhile) the listener stops accepting, and in-flight
// requests get timeout to finish before their connections are closed.
func (o *ops) shutdown(srv *http.Server, delay, timeout time.Duration) {
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	o.draining.Store(true)
	streams := o.streams.Load()
	o.startDrain()
	if delay > 0 {
		if o.log != nil {
			o.log.Info("shutting down: /readyz answers draining; still accepting during the drain delay",
				"drain_delay", delay.String(), "event_streams_closed", streams)
		}
		time.Sleep(delay)
		streams = 0
	}
	n := o.active.Load()
	if o.log != nil {
		o.log.Info("shutting down: /readyz answers draining, new connections are refused",
			"in_flight", n, "event_streams_closed", streams, "timeout", timeout.String())
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		left := o.active.Load() + o.streams.Load()
		_ = srv.Close()
		if o.log != nil {
			o.log.Warn(fmt.Sprintf("shutdown deadline passed with %d requests still running; their connections are closed", left),
				"still_running", left, "timeout", timeout.String())
		}
		return
	}
	if o.log != nil {
		o.log.Info(fmt.Sprintf("drained %d requests", n), "drained", n, "duration_ms", time.Since(start).Milliseconds())
	}
}

// CheckMetricsAddr refuses a --metrics-addr without an explicit host: the
// listener has no authentication, so where it binds must be a choice.
func CheckMetricsAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return fmt.Errorf("--metrics-addr %q: give host:port, e.g. 127.0.0.1:9464 (this machine only) or 0.0.0.0:9464 (no authentication: exposes tool names and counts, never keys or arguments)", addr)
	}
	return nil
}

// serveMetrics starts the separate metrics listener when one is asked for
// and returns what stops it (after the drain, so the drain can be watched).
func serveMetrics(opts HTTPOptions) (func(), error) {
	if opts.MetricsAddr == "" || opts.Metrics == nil {
		return func() {}, nil
	}
	if err := CheckMetricsAddr(opts.MetricsAddr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: listening on %s: %w", opts.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle(PathMetrics, opts.Metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 90 * time.Second, MaxHeaderBytes: 16 << 10}
	go func() { _ = srv.Serve(ln) }()
	if opts.Log != nil {
		opts.Log.Info("serving metrics without authentication", "addr", ln.Addr().String(), "path", PathMetrics)
	}
	return func() { _ = srv.Close() }, nil
}
