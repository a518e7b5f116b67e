package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

// A cluster is what a team runs: several `mcp-media serve --transport http`
// replicas sharing one Redis (--state), behind a load balancer, all on the
// sandbox's fakes; providers call back through the balancer.
type cluster struct {
	t        *testing.T
	redis    string
	killRed  func()
	lb       *testkit.Balancer
	token    string
	filesDir string
	reps     []*replica
	env      func(i int) []string
	// flags are the replicas' extra flags; with --oauth-issuer among them
	// clients send the issuer's tokens instead of the shared
	// MCP_MEDIA_HTTP_TOKEN.
	flags []string
	// le is the fake set-up of sandboxCluster (nil for others).
	le *leakEnv
}

type replica struct {
	addr   string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	exited chan struct{}
}

// header names the test's routing: a request with it goes to that replica.
const pinHeader = "X-Test-Replica"

// newCluster starts n replicas. env(i) is replica i's environment (each
// gets its own state dir: only Redis is shared).
func newCluster(t *testing.T, n int, env func(i int) []string, flags ...string) *cluster {
	t.Helper()
	c := &cluster{t: t, token: "e2e-cluster-token-" + randHex(12), filesDir: t.TempDir(), env: env, flags: flags}
	c.redis, c.killRed = testkit.Redis(t)
	addrs := make([]string, n)
	for i := range addrs {
		addrs[i] = freeAddr(t)
	}
	c.lb = testkit.NewBalancer(addrs)
	t.Cleanup(c.lb.Close)
	c.reps = make([]*replica, n)
	for i := range addrs {
		c.reps[i] = &replica{addr: addrs[i]}
		c.start(i)
	}
	t.Cleanup(func() {
		for i := range c.reps {
			c.kill(i)
		}
	})
	return c
}

// start (re)starts replica i on its address and waits until it serves.
func (c *cluster) start(i int) {
	c.t.Helper()
	r := c.reps[i]
	cmd := exec.Command(binPath, "serve", "--transport", "http", "--addr", r.addr, "--public-url", c.lb.URL,
		"--allow-private-urls", "--files-root", c.filesDir,
		// A callback that hit a replica as it was killed is lost (Qiniu does
		// not retry): the replicas ask Qiniu after 3 s instead of 2 min.
		"--callback-query-after", "3s")
	cmd.Args = append(cmd.Args, c.flags...)
	cmd.Env = append(c.env(i), "MCP_MEDIA_STATE_URL="+c.redis)
	if !slices.Contains(c.flags, "--oauth-issuer") {
		cmd.Env = append(cmd.Env, "MCP_MEDIA_HTTP_TOKEN="+c.token)
	}
	r.stderr = &lockedBuffer{}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	r.cmd, r.exited = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(r.exited)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(r.stderr.String(), "serving") {
		select {
		case <-r.exited:
			c.t.Fatalf("replica %d exited at start:\n%s", i, r.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("replica %d did not start within 30s:\n%s", i, r.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill SIGKILLs replica i: no clean-up of any kind in the process.
func (c *cluster) kill(i int) {
	r := c.reps[i]
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.exited
	r.cmd = nil
}

// client is an MCP client through the balancer. pin, when >= 0, sends its
// POSTs to that replica (see cluster.route).
type clusterClient struct {
	cs  *mcp.ClientSession
	pin atomic.Int32
}

type pinning struct {
	cc   *clusterClient
	next http.RoundTripper
}

func (p pinning) RoundTrip(r *http.Request) (*http.Response, error) {
	if n := p.cc.pin.Load(); n >= 0 && r.Method == http.MethodPost {
		r = r.Clone(r.Context())
		r.Header.Set(pinHeader, string(rune('0'+n)))
	}
	return p.next.RoundTrip(r)
}

func (c *cluster) connect(ctx context.Context, opts *mcp.ClientOptions) *clusterClient {
	c.t.Helper()
	return c.connectAs(ctx, opts, c.token)
}

// connectAs is connect with a bearer token of the caller's own.
func (c *cluster) connectAs(ctx context.Context, opts *mcp.ClientOptions, token string) *clusterClient {
	c.t.Helper()
	cc, err := c.dial(ctx, opts, token)
	if err != nil {
		c.t.Fatalf("MCP initialize through the balancer: %v", err)
	}
	return cc
}

// dial initializes a session through the balancer (safe off the test's
// goroutine: it reports instead of failing the test).
func (c *cluster) dial(ctx context.Context, opts *mcp.ClientOptions, token string) (*clusterClient, error) {
	cc := &clusterClient{}
	cc.pin.Store(-1)
	hc := &http.Client{Transport: pinning{cc: cc, next: bearer{token: token, next: http.DefaultTransport}}}
	tr := &mcp.StreamableClientTransport{Endpoint: c.lb.URL + "/mcp", HTTPClient: hc}
	cl := mcp.NewClient(&mcp.Implementation{Name: "mcp-media-e2e-cluster", Version: "1"}, opts)
	cs, err := cl.Connect(ctx, tr, nil)
	if err != nil {
		return nil, err
	}
	c.t.Cleanup(func() { cs.Close() })
	cc.cs = cs
	return cc, nil
}

// route is the balancer's routing for the tests: pinned requests go where
// the header says, callbacks to replica callbacksTo, GET streams to
// replica streamsTo (either -1: round robin), everything else round robin.
func (c *cluster) route(callbacksTo, streamsTo int) {
	c.lb.SetRoute(func(r *http.Request) int {
		if v := r.Header.Get(pinHeader); len(v) == 1 && v[0] >= '0' && int(v[0]-'0') < len(c.reps) {
			return int(v[0] - '0')
		}
		if strings.HasPrefix(r.URL.Path, "/callbacks/") {
			return callbacksTo
		}
		if r.Method == http.MethodGet {
			return streamsTo
		}
		return -1
	})
}

// doomedCall runs a tool call through the client's pinned replica, which
// the test is about to kill: the channel gets nil when the call failed
// saying why (clearFailure), else what is wrong with its outcome.
func doomedCall(ctx context.Context, cc *clusterClient, tool string, args map[string]any) <-chan error {
	done := make(chan error, 1)
	go func() {
		res, err := callTool(ctx, cc.cs, tool, args)
		switch {
		case err == nil && !res.IsError:
			err = fmt.Errorf("%s on the killed replica succeeded: %s", tool, resultText(res))
		case !clearFailure(err, res):
			text := ""
			if res != nil {
				text = resultText(res)
			}
			err = fmt.Errorf("%s on the killed replica failed without saying why: %v %s", tool, err, text)
		default:
			err = nil
		}
		done <- err
	}()
	return done
}

// resumeElsewhere waits for the doomed call's answer, then makes the call
// again through replica 1 and checks that it reports a resumed upload.
func resumeElsewhere(t *testing.T, ctx context.Context, cc *clusterClient, first <-chan error, tool string, args map[string]any) {
	t.Helper()
	select {
	case err := <-first:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the call on the killed replica was never answered")
	}
	cc.pin.Store(1)
	res := mustCall(t, ctx, cc.cs, tool, args)
	var out struct {
		Resumed bool `json:"resumed"`
	}
	structured(t, res, &out)
	if !out.Resumed {
		t.Errorf("%s through replica 1 did not resume: %s", tool, resultText(res))
	}
}
