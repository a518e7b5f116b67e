package e2e

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

var drainedRe = regexp.MustCompile(`drained (\d+) requests`)

// stop SIGTERMs replica i, as a service manager does in a rolling
// deployment, and waits for it to drain and exit.
func (c *cluster) stop(i int) {
	c.t.Helper()
	r := c.reps[i]
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(40 * time.Second): // past the 25 s default drain
		c.t.Fatalf("replica %d did not exit after SIGTERM:\n%s", i, r.stderr.String())
	}
	if code := r.cmd.ProcessState.ExitCode(); code != 0 {
		c.t.Errorf("replica %d exited %d after SIGTERM:\n%s", i, code, r.stderr.String())
	}
	r.cmd = nil
}

// A rolling deployment: each replica in turn is stopped with SIGTERM and
// started again while 30 sessions call tools through the balancer. Every
// session lives through it, no call fails without saying why, and a long
// call running on the replica as it stops (a waited-for transcription)
// finishes there with its result: the replica drains before it exits.
func TestClusterRollingRestart(t *testing.T) {
	c := sandboxCluster(t, 3)
	c.route(-1, -1)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const sessions = 30
	clients := make([]*clusterClient, sessions)
	for i := range clients {
		clients[i] = c.connect(ctx, nil)
	}
	var ok, failed atomic.Int64
	var mu sync.Mutex
	var problems []string
	var wg sync.WaitGroup
	stopCalls := make(chan struct{})
	for i, cc := range clients {
		wg.Add(1)
		go func(i int, cc *clusterClient) {
			defer wg.Done()
			for j := 0; ; j++ {
				select {
				case <-stopCalls:
					return
				default:
				}
				// About 15 calls a second reach the AIOZ fake, under its 600
				// requests a minute for the run: no call waits out a 429.
				name, args := "media_providers", map[string]any(nil)
				if (i+j)%20 == 0 {
					name, args = "aioz_list_media", map[string]any{"limit": 5}
				}
				time.Sleep(100 * time.Millisecond)
				res, err := callTool(ctx, cc.cs, name, args)
				switch {
				case err == nil && !res.IsError:
					ok.Add(1)
				case clearFailure(err, res):
					if failed.Add(1) <= 3 {
						t.Logf("clear failure: %v %s", err, func() string {
							if res != nil {
								return resultText(res)
							}
							return ""
						}())
					}
				default:
					mu.Lock()
					problems = append(problems, fmt.Sprintf("session %d, %s: %v %s", i, name, err, func() string {
						if res != nil {
							return resultText(res)
						}
						return ""
					}()))
					mu.Unlock()
				}
			}
		}(i, cc)
	}
	running := make(chan struct{}, 64)
	long := c.connect(ctx, &mcp.ClientOptions{ProgressNotificationHandler: func(context.Context, *mcp.ProgressNotificationClientRequest) {
		select {
		case running <- struct{}{}:
		default:
		}
	}})
	mustCall(t, ctx, long.cs, "media_toolsets", map[string]any{"enable": []string{"qiniu_asr"}})
	for i := range c.reps {
		time.Sleep(500 * time.Millisecond)
		long.pin.Store(int32(i))
		finished := make(chan error, 1)
		go func() {
			params := &mcp.CallToolParams{Name: "qiniu_transcribe_long", Arguments: map[string]any{"url": fmt.Sprintf("https://example.com/rolling-%d.mp3", i), "wait": true}}
			params.SetProgressToken(fmt.Sprintf("rolling-%d", i))
			res, err := long.cs.CallTool(ctx, params)
			if err == nil && res.IsError {
				err = fmt.Errorf("tool error: %s", resultText(res))
			}
			finished <- err
		}()
		for len(running) > 0 { // progress of an earlier call
			<-running
		}
		select {
		case <-running: // its first progress: it runs on replica i
		case <-time.After(30 * time.Second):
			t.Fatalf("the long call on replica %d reported no progress", i)
		}
		c.stop(i)
		if err := <-finished; err != nil {
			t.Errorf("the transcription running on replica %d as it stopped: %v", i, err)
		}
		// It drained the transcription (and whatever else was running).
		if m := drainedRe.FindStringSubmatch(c.reps[i].stderr.String()); m == nil || m[1] == "0" {
			t.Errorf("replica %d did not say it drained its running calls:\n%s", i, c.reps[i].stderr.String())
		}
		long.pin.Store(-1)
		c.start(i)
	}
	time.Sleep(500 * time.Millisecond)
	close(stopCalls)
	wg.Wait()
	total := ok.Load() + failed.Load() + int64(len(problems))
	t.Logf("rolling restart of 3 replicas: %d calls, %d ok, %d failed clearly, %d unclear", total, ok.Load(), failed.Load(), len(problems))
	for _, p := range problems {
		t.Errorf("a call failed without saying why: %.300s", p)
	}
	if failed.Load()*100 > total {
		t.Errorf("%d of %d calls failed in a graceful rolling restart, want at most 1%%", failed.Load(), total)
	}
	// Every session lives through it: each goes on, wherever it lands.
	for i, cc := range clients {
		if res, err := callTool(ctx, cc.cs, "media_providers", nil); err != nil || res.IsError {
			t.Errorf("session %d after the rolling restart: %v", i, err)
		}
	}
}
