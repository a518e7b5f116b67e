package testkit

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
)

// Balancer is a small load balancer in front of server replicas, for the
// multi-replica tests and benchmark: round robin by default, a replica that
// refuses the connection (it is down) skipped for the next — the request
// never reached it, so trying another is safe — and event streams copied
// unbuffered. SetRoute may pin a request to a replica. Its settings may be
// changed while it serves.
type Balancer struct {
	URL string

	srv *httptest.Server
	tr  *http.Transport

	mu       sync.Mutex
	backends []string // host:port
	next     int
	hits     []Hit
	route    func(*http.Request) int
	cut      func(*http.Request) bool
	header   http.Header
}

// SetRoute sets what picks the replica for a request; -1 (or a nil route)
// is round robin.
func (b *Balancer) SetRoute(f func(*http.Request) int) { b.mu.Lock(); b.route = f; b.mu.Unlock() }

// SetCut sets which requests are answered 502 without being passed on:
// what a client sees of a replica that died with its request.
func (b *Balancer) SetCut(f func(*http.Request) bool) { b.mu.Lock(); b.cut = f; b.mu.Unlock() }

// SetHeader sets headers added to every request passed on (a proxy that
// authenticates its clients and forwards a bearer token).
func (b *Balancer) SetHeader(h http.Header) { b.mu.Lock(); b.header = h; b.mu.Unlock() }

func (b *Balancer) settings() (func(*http.Request) int, func(*http.Request) bool, http.Header) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.route, b.cut, b.header
}

// Hit is one request the balancer passed on.
type Hit struct {
	Method, Path string
	Replica      int
}

// NewBalancer starts a balancer over the given host:port backends.
func NewBalancer(backends []string) *Balancer {
	b := &Balancer{backends: append([]string(nil), backends...),
		// A fresh connection per request: a pooled one to a killed replica
		// would fail after the request was written, and then it could not
		// be told whether the replica had read it.
		tr: &http.Transport{DisableKeepAlives: true, DisableCompression: true}}
	b.srv = httptest.NewServer(b)
	b.URL = b.srv.URL
	return b
}

// Close stops the balancer.
func (b *Balancer) Close() { b.srv.Close() }

// Hits returns the requests passed on so far.
func (b *Balancer) Hits() []Hit {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Hit(nil), b.hits...)
}

func (b *Balancer) pick(r *http.Request, route func(*http.Request) int) int {
	if route != nil {
		if i := route(r); i >= 0 {
			return i
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	i := b.next % len(b.backends)
	b.next++
	return i
}

func refused(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &op) && op.Op == "dial")
}

func (b *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		http.Error(w, "balancer: reading the body: "+err.Error(), http.StatusBadGateway)
		return
	}
	route, cut, header := b.settings()
	if cut != nil && cut(r) {
		http.Error(w, "balancer: the replica died with the request", http.StatusBadGateway)
		return
	}
	start := b.pick(r, route)
	n := len(b.backends)
	for k := 0; k < n; k++ {
		i := (start + k) % n
		out, _ := http.NewRequestWithContext(r.Context(), r.Method, "http://"+b.backends[i]+r.URL.RequestURI(), bytes.NewReader(body))
		out.Header = r.Header.Clone()
		for k, v := range header {
			out.Header[k] = v
		}
		out.Header.Set("X-Forwarded-For", r.RemoteAddr)
		resp, err := b.tr.RoundTrip(out)
		if err != nil {
			if refused(err) {
				continue // down: the next replica
			}
			http.Error(w, "balancer: replica "+b.backends[i]+": "+err.Error(), http.StatusBadGateway)
			return
		}
		b.mu.Lock()
		b.hits = append(b.hits, Hit{Method: r.Method, Path: r.URL.Path, Replica: i})
		b.mu.Unlock()
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		stream := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream")
		buf := make([]byte, 32<<10)
		for {
			m, err := resp.Body.Read(buf)
			if m > 0 {
				if _, werr := w.Write(buf[:m]); werr != nil {
					return
				}
				if stream {
					_ = http.NewResponseController(w).Flush()
				}
			}
			if err != nil {
				return // a replica killed mid-stream cuts the client's stream too
			}
		}
	}
	http.Error(w, "balancer: every replica is down", http.StatusBadGateway)
}
