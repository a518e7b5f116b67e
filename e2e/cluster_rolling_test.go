package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

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
// session lives through it, no call fails without saying why, and the
// calls running as a replica stops finish there (its log says it drained).
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
				// One call in ten reaches the AIOZ fake: under its 600
				// requests a minute, so no call waits out a 429.
				name, args := "media_providers", map[string]any(nil)
				if (i+j)%10 == 0 {
					name, args = "aioz_list_media", map[string]any{"limit": 5}
				}
				time.Sleep(50 * time.Millisecond)
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
	for i := range c.reps {
		time.Sleep(500 * time.Millisecond)
		c.stop(i)
		if !strings.Contains(c.reps[i].stderr.String(), "drained") {
			t.Errorf("replica %d did not say it drained:\n%s", i, c.reps[i].stderr.String())
		}
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
