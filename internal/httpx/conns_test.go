package httpx

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

func TestDefaultTransportKeepsConnectionsWarm(t *testing.T) {
	tr := DefaultHTTPClient().Transport.(*http.Transport)
	if tr.MaxIdleConnsPerHost < 64 || tr.MaxIdleConns < tr.MaxIdleConnsPerHost || !tr.ForceAttemptHTTP2 {
		t.Errorf("idle per host %d, idle %d, HTTP/2 %v", tr.MaxIdleConnsPerHost, tr.MaxIdleConns, tr.ForceAttemptHTTP2)
	}
}

// 64 concurrent callers, ten rounds: after the first round every call
// reuses a kept-alive connection (8 idle per host re-dialled most of them),
// and ConnStats counts the dials the server accepted.
func TestConcurrentCallsReuseConnections(t *testing.T) {
	var accepted atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepted.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := testClient(srv.URL)
	c.HTTP = DefaultHTTPClient()
	defer c.HTTP.CloseIdleConnections()
	dialled0, requests0 := ConnStats()
	const callers, rounds = 64, 10
	start := make(chan struct{})
	var wg sync.WaitGroup
	for r := 0; r < rounds; r++ {
		for i := 0; i < callers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"}, nil); err != nil {
					t.Error(err)
				}
			}()
		}
		if r == 0 {
			close(start)
		}
		wg.Wait()
	}
	dialled, requests := ConnStats()
	dialled, requests = dialled-dialled0, requests-requests0
	if requests != callers*rounds {
		t.Errorf("counted %d requests, want %d", requests, callers*rounds)
	}
	if n := accepted.Load(); n > callers {
		t.Errorf("the server accepted %d connections for %d concurrent callers: idle ones were dropped", n, callers)
	}
	if int64(dialled) != accepted.Load() {
		t.Errorf("ConnStats says %d dials, the server accepted %d connections", dialled, accepted.Load())
	}
}
