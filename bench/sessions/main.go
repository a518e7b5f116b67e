// Command sessions is a bounded stress run of the streamable HTTP transport:
// many concurrent MCP sessions against the sandbox, each initialising and
// calling tools, reporting errors, latency percentiles and whether
// goroutines return to their starting level afterwards (no leaks), and the
// re-dial rate: connections dialled to the fake providers per provider
// request (0% when every call finds a warm connection).
//
//	go run ./bench/sessions -sessions 50 -calls 20
//	go run ./bench/sessions -sessions 200 -idle-per-host 8   # the old pool size
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/mcpserver"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/sandbox"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func main() {
	sessions := flag.Int("sessions", 50, "concurrent MCP sessions")
	calls := flag.Int("calls", 20, "tool calls per session")
	idle := flag.Int("idle-per-host", 0, "idle connections kept per provider host (0: httpx's default)")
	flag.Parse()
	if *idle > 0 {
		httpx.SetMaxIdleConnsPerHost(*idle)
	}

	// The AIOZ fake enforces 600 requests/minute like a real account would;
	// a stress run raises it so it measures the server, not the 429 backoff.
	sb, err := sandbox.Start(sandbox.Options{Step: 50 * time.Millisecond, AIOZRateLimit: 1 << 20})
	check(err)
	defer sb.Close()
	set := &redact.Set{}
	env := &toolkit.Env{Redact: set, Getenv: sb.Getenv, Sandbox: true, StateDir: os.TempDir(),
		Creds: &credentials.Store{Redact: set, Sandbox: sb.Creds}}
	s, _, err := mcpserver.Build(mcpserver.Options{Toolsets: []string{"all"}, Env: env})
	check(err)
	h, closeSessions, err := mcpserver.Handler(s, "http", mcpserver.HTTPOptions{}, "")
	check(err)
	defer closeSessions()
	srv := httptest.NewServer(h)
	defer srv.Close()

	runtime.GC()
	before := runtime.NumGoroutine()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      []string
		wg        sync.WaitGroup
	)
	dialled0, requests0 := httpx.ConnStats()
	start := time.Now()
	for i := 0; i < *sessions; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lat, e := session(srv.URL+mcpserver.PathStreamable, *calls, i)
			mu.Lock()
			latencies = append(latencies, lat...)
			errs = append(errs, e...)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	dialled, requests := httpx.ConnStats()
	dialled, requests = dialled-dialled0, requests-requests0
	srv.CloseClientConnections()
	httpx.CloseIdleConnections() // keep-alive sockets to the fakes are not leaks
	var after int
	for i := 0; i < 50; i++ {
		runtime.GC()
		if after = runtime.NumGoroutine(); after <= before+2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[int(p*float64(len(latencies)-1))]
	}
	fmt.Printf("%d sessions x %d calls over streamable HTTP in %s: %d calls, %d errors\n", *sessions, *calls, elapsed.Round(time.Millisecond), len(latencies), len(errs))
	fmt.Printf("latency p50 %s  p90 %s  p99 %s  max %s\n", pct(.5), pct(.9), pct(.99), pct(1))
	rate := 0.0
	if requests > 0 {
		rate = 100 * float64(dialled) / float64(requests)
	}
	fmt.Printf("provider connections: %d dialled for %d requests (re-dial rate %.1f%%)\n", dialled, requests, rate)
	fmt.Printf("goroutines: %d before, %d after\n", before, after)
	if after > before+2 && os.Getenv("SESSIONS_DUMP") != "" {
		_ = pprof.Lookup("goroutine").WriteTo(os.Stdout, 1)
	}
	for i, e := range errs {
		if i == 5 {
			break
		}
		fmt.Println("error:", e)
	}
	if len(errs) > 0 || after > before+2 {
		os.Exit(1)
	}
}

// session initialises one client and alternates a local tool with calls
// that reach the fake providers.
func session(url string, calls, n int) ([]time.Duration, []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := client.NewStreamableHttpClient(url)
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		return nil, []string{err.Error()}
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: fmt.Sprintf("stress-%d", n), Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return nil, []string{err.Error()}
	}
	plan := []struct {
		name string
		args map[string]any
	}{
		{"media_providers", map[string]any{}},
		{"aioz_list_media", map[string]any{"limit": 5}},
		{"qiniu_list_streams", map[string]any{}},
		{"aioz_get_metric", map[string]any{"metric": "view", "aggregation": "count", "from": "last 7 days"}},
	}
	var lat []time.Duration
	var errs []string
	for i := 0; i < calls; i++ {
		p := plan[i%len(plan)]
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = p.name, p.args
		t0 := time.Now()
		res, err := c.CallTool(ctx, req)
		lat = append(lat, time.Since(t0))
		switch {
		case err != nil:
			errs = append(errs, fmt.Sprintf("%s: %v", p.name, err))
		case res.IsError:
			errs = append(errs, fmt.Sprintf("%s: %s", p.name, toolkit.ResultText(res)))
		}
	}
	return lat, errs
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "sessions:", err)
		os.Exit(1)
	}
}
