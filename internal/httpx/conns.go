package httpx

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// Connection counters over every request this package sends. Stress runs
// report the re-dial rate (dials per request) from them.
var connsDialled, connsRequests atomic.Uint64

// ConnStats returns how many connections were dialled and how many
// requests got a connection, since the process started. A dial started for
// one request may end up serving another (the transport hands the first
// free connection to whoever waits), so dials are counted where they
// complete, not from GotConn's Reused flag.
func ConnStats() (dialled, requests uint64) { return connsDialled.Load(), connsRequests.Load() }

var connTrace = &httptrace.ClientTrace{
	ConnectDone: func(_, _ string, err error) {
		if err == nil {
			connsDialled.Add(1)
		}
	},
	GotConn: func(httptrace.GotConnInfo) { connsRequests.Add(1) },
}

// traced counts the connection the request gets.
func traced(ctx context.Context) context.Context { return httptrace.WithClientTrace(ctx, connTrace) }

// SetMaxIdleConnsPerHost changes the shared client's idle pool per host
// (bench/sessions uses it to compare pool sizes in one run). It drops the
// idle connections.
func SetMaxIdleConnsPerHost(n int) {
	if tr, ok := defaultHTTP.Transport.(*http.Transport); ok {
		tr.CloseIdleConnections()
		tr.MaxIdleConnsPerHost = n
	}
}
