// Command replicas measures the hosted mode: calls per second and latency
// percentiles of MCP tool calls through a round-robin balancer, for one
// replica with the embedded state store, one replica on Redis, and three
// replicas on Redis, side by side in one run, and the Redis commands each
// tool call costs (round trips counted by each replica, commands by Redis). Replicas are real `mcp-media serve --transport http`
// processes on the sandbox's fakes (started in this process).
//
//	go run ./bench/replicas -sessions 50 -calls 20 [-idle 100 -idle-compare /path/to/older/mcp-media]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/redis/go-redis/v9"

	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/sandbox"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

func main() {
	sessions := flag.Int("sessions", 50, "concurrent MCP sessions")
	calls := flag.Int("calls", 20, "tool calls per session (media_providers and aioz_list_media, alternating)")
	idleStreams := flag.Int("idle", 100, "then: sessions that hold a GET stream open and do nothing, over 3 replicas on Redis (0: skip)")
	idleFor := flag.Duration("idle-for", 30*time.Second, "how long the idle streams are measured")
	idleCompare := flag.String("idle-compare", "", "another mcp-media binary (e.g. an older build) to measure idle the same way, in the same run")
	flag.Parse()

	dir, err := os.MkdirTemp("", "mcp-media-bench-replicas-")
	check(err)
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "mcp-media")
	build := exec.Command("go", "build", "-o", bin, "./cmd/mcp-media")
	build.Stderr = os.Stderr
	check(build.Run())

	sb, err := sandbox.Start(sandbox.Options{Step: 50 * time.Millisecond, AIOZRateLimit: 1 << 20})
	check(err)
	defer sb.Close()
	env := sandboxEnv(sb)
	redisURL, killRedis, err := testkit.StartRedis(dir)
	check(err)
	defer killRedis()
	rc := redis.NewClient(mustParse(redisURL))
	defer rc.Close()

	fmt.Printf("%d sessions × %d calls, through a round-robin balancer (a new connection per request)\n\n", *sessions, *calls)
	fmt.Println("| setup | calls/s | p50 | p99 | errors | Redis round trips per call | Redis commands per call |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, setup := range []struct {
		name  string
		n     int
		state string
	}{{"1 replica, embedded state", 1, "local"}, {"1 replica, Redis", 1, redisURL}, {"3 replicas, Redis", 3, redisURL}} {
		r := run(bin, env, dir, setup.n, setup.state, *sessions, *calls, rc)
		trips, cmds := "—", "—"
		if setup.state != "local" {
			trips = fmt.Sprintf("%.1f", float64(r.trips)/float64(r.calls))
			cmds = fmt.Sprintf("%.1f", float64(r.commands)/float64(r.calls))
		}
		fmt.Printf("| %s | %.0f | %s | %s | %d | %s | %s |\n", setup.name, r.rate, ms(r.p50), ms(r.p99), r.errors, trips, cmds)
	}
	if *idleStreams > 0 {
		fmt.Printf("\nIdle: %d sessions over 3 replicas on Redis, each holding its GET stream open, measured for %s (heartbeats and inbox polls included)\n\n", *idleStreams, *idleFor)
		fmt.Println("| binary | Redis round trips/s | per stream per minute | Redis commands/s |")
		fmt.Println("|---|---|---|---|")
		bins := []string{bin}
		if *idleCompare != "" {
			bins = append(bins, *idleCompare)
		}
		for _, b := range bins {
			trips, cmds := idle(b, env, dir, redisURL, *idleStreams, *idleFor, rc)
			name := "this tree"
			if b != bin {
				name = b
			}
			fmt.Printf("| %s | %.1f | %.1f | %.1f |\n", name, trips, 60*trips/float64(*idleStreams), cmds)
		}
	}
}

// idle opens streams sessions through a balancer over 3 replicas, each
// holding its standalone GET stream, and measures what the replicas ask of
// Redis per second while nothing happens.
func idle(bin string, env []string, dir, stateURL string, streams int, d time.Duration, rc *redis.Client) (trips, cmds float64) {
	token := newToken()
	addrs, stop := replicas(bin, env, dir, 3, stateURL, token)
	defer stop()
	lb := testkit.NewBalancer(addrs)
	defer lb.Close()
	auth := "Bearer " + token
	send := func(method, body, sid string) *http.Response {
		req, _ := http.NewRequest(method, lb.URL+"/mcp", strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Accept", "application/json, text/event-stream")
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
		}
		if sid != "" {
			req.Header.Set("Mcp-Session-Id", sid)
			req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		}
		resp, err := http.DefaultClient.Do(req)
		check(err)
		return resp
	}
	var bodies []io.Closer
	defer func() {
		for _, b := range bodies {
			b.Close()
		}
	}()
	for i := 0; i < streams; i++ {
		resp := send(http.MethodPost, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench-idle","version":"1"}}}`, "")
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		sid := resp.Header.Get("Mcp-Session-Id")
		send(http.MethodPost, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, sid).Body.Close()
		get := send(http.MethodGet, "", sid)
		if get.StatusCode != http.StatusOK {
			check(fmt.Errorf("GET stream: %s", get.Status))
		}
		bodies = append(bodies, get.Body)
	}
	time.Sleep(2 * time.Second) // the streams' first reads are done
	c0, t0 := commands(rc), roundTrips(addrs, token)
	time.Sleep(d)
	c1, t1 := commands(rc), roundTrips(addrs, token)
	// The metrics scrapes themselves are HTTP, not Redis; INFO adds one
	// command each.
	return float64(t1-t0) / d.Seconds(), float64(c1-c0-1) / d.Seconds()
}

type result struct {
	rate          float64
	p50, p99      time.Duration
	errors, calls int
	commands      int64 // Redis INFO total_commands_processed, scripts' inner commands included
	trips         int64 // round trips the replicas made (mcp_media_state_round_trips_total)
}

// replicas starts n `serve --transport http` replicas on stateURL and
// returns their addresses and what stops them.
func replicas(bin string, env []string, dir string, n int, stateURL, token string) ([]string, func()) {
	var addrs []string
	var procs []*exec.Cmd
	for i := 0; i < n; i++ {
		addr := freeAddr()
		cmd := exec.Command(bin, "serve", "--transport", "http", "--addr", addr, "--state", stateURL)
		cmd.Env = append(append([]string{}, env...), "MCP_MEDIA_HTTP_TOKEN="+token,
			"MCP_MEDIA_STATE_DIR="+filepath.Join(dir, fmt.Sprintf("state-%d-%d-%d", n, i, time.Now().UnixNano())))
		check(cmd.Start())
		procs = append(procs, cmd)
		addrs = append(addrs, addr)
	}
	for _, a := range addrs {
		waitListening(a)
	}
	return addrs, func() {
		for _, p := range procs {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	}
}

func newToken() string { return "bench-token-" + strconv.FormatInt(time.Now().UnixNano(), 36) }

func run(bin string, env []string, dir string, n int, stateURL string, sessions, calls int, rc *redis.Client) result {
	token := newToken()
	addrs, stop := replicas(bin, env, dir, n, stateURL, token)
	defer stop()
	lb := testkit.NewBalancer(addrs)
	defer lb.Close()

	before, tripsBefore := commands(rc), roundTrips(addrs, token)
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for s := 0; s < sessions; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			tr, err := transport.NewStreamableHTTP(lb.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
			if err != nil {
				mu.Lock()
				errs += calls
				mu.Unlock()
				return
			}
			c := client.NewClient(tr)
			defer c.Close()
			if err := c.Start(ctx); err != nil {
				mu.Lock()
				errs += calls
				mu.Unlock()
				return
			}
			init := mcp.InitializeRequest{}
			init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
			init.Params.ClientInfo = mcp.Implementation{Name: "bench-replicas", Version: "1"}
			if _, err := c.Initialize(ctx, init); err != nil {
				mu.Lock()
				errs += calls
				mu.Unlock()
				return
			}
			for i := 0; i < calls; i++ {
				req := mcp.CallToolRequest{}
				req.Params.Name = "media_providers"
				if i%2 == 1 {
					req.Params.Name = "aioz_list_media"
					req.Params.Arguments = map[string]any{"limit": 5}
				}
				t0 := time.Now()
				res, err := c.CallTool(ctx, req)
				d := time.Since(t0)
				mu.Lock()
				if err != nil || res.IsError {
					errs++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	after, tripsAfter := commands(rc), roundTrips(addrs, token)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := result{errors: errs, calls: sessions * calls, commands: after - before, trips: tripsAfter - tripsBefore}
	if len(lat) > 0 {
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	r.rate = float64(len(lat)) / elapsed.Seconds()
	return r
}

// commands is the Redis server's count of commands processed (INFO stats;
// the INFO itself adds one).
func commands(rc *redis.Client) int64 {
	s, err := rc.Info(context.Background(), "stats").Result()
	check(err)
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_commands_processed:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

// roundTrips sums mcp_media_state_round_trips_total over the replicas.
func roundTrips(addrs []string, token string) int64 {
	var n int64
	for _, a := range addrs {
		req, _ := http.NewRequest(http.MethodGet, "http://"+a+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		check(err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "mcp_media_state_round_trips_total "); ok {
				f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
				n += int64(f)
			}
		}
	}
	return n
}

// sandboxEnv is the environment that points a replica at the sandbox's
// fakes with their keys (no keyring, no --sandbox: each replica would
// start its own fakes).
func sandboxEnv(sb *sandbox.Sandbox) []string {
	env := []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/mcp-media-bench-bus", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range sb.Env {
		env = append(env, k+"="+v)
	}
	for _, p := range providers.All {
		f, ok := sb.Creds[p.ID]
		if !ok {
			continue
		}
		for _, field := range p.Fields {
			if v, ok := f[field.Name]; ok && len(field.Env) > 0 {
				env = append(env, field.Env[0]+"="+v)
			}
		}
	}
	return env
}

func waitListening(addr string) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	check(fmt.Errorf("replica on %s did not start", addr))
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer ln.Close()
	return ln.Addr().String()
}

func mustParse(u string) *redis.Options {
	o, err := redis.ParseURL(u)
	check(err)
	return o
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/replicas:", err)
		os.Exit(1)
	}
}
