package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

// sandboxCluster runs n replicas on one set of sandbox fakes.
func sandboxCluster(t *testing.T, n int) *cluster {
	le := newLeakEnv(t)
	c := newCluster(t, n, func(int) []string { return le.env(t, le.creds) })
	c.le = le
	return c
}

func callTool(ctx context.Context, cs *mcp.ClientSession, name string, args map[string]any) (*mcp.CallToolResult, error) {
	return cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
}

func mustCall(t *testing.T, ctx context.Context, cs *mcp.ClientSession, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := callTool(ctx, cs, name, args)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error: %s", name, resultText(res))
	}
	return res
}

func structured(t *testing.T, res *mcp.CallToolResult, v any) {
	t.Helper()
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("structured content: %v (%s)", err, b)
	}
}

// A session started on one replica goes on through the others after that
// replica is SIGKILLed: the session lives in Redis, not in a process.
func TestClusterSessionSurvivesKill(t *testing.T) {
	c := sandboxCluster(t, 3)
	c.route(-1, -1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cc := c.connect(ctx, nil)
	mustCall(t, ctx, cc.cs, "media_toolsets", map[string]any{"enable": []string{"aioz_analytics"}})
	creator := -1
	for _, h := range c.lb.Hits() {
		if h.Method == "POST" && h.Path == "/mcp" {
			creator = h.Replica
			break
		}
	}
	if creator < 0 {
		t.Fatal("the balancer saw no initialize")
	}
	c.kill(creator)
	before := len(c.lb.Hits())
	for i := 0; i < 4; i++ {
		mustCall(t, ctx, cc.cs, "media_providers", nil)
	}
	tools, err := cc.cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list after the kill: %v", err)
	}
	found := false
	for _, tl := range tools.Tools {
		found = found || strings.HasPrefix(tl.Name, "aioz_") && strings.Contains(tl.Name, "analytics")
	}
	if !found {
		t.Error("the toolset enabled through the killed replica is gone from tools/list: the session's toolsets were not shared")
	}
	served := map[int]bool{}
	for _, h := range c.lb.Hits()[before:] {
		if h.Replica == creator {
			t.Errorf("a request went to the killed replica %d", creator)
		}
		served[h.Replica] = true
	}
	if len(served) < 2 {
		t.Errorf("after the kill the session was served by %v; want both survivors", served)
	}
}

// A long transcription's callback lands on replica 0; the client's event
// stream is held by replica 1 and is told the events resource changed;
// media_events on replica 2 lists the result.
func TestClusterCallbackReachesEveryReplica(t *testing.T) {
	c := sandboxCluster(t, 3)
	c.route(0, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	updated := make(chan string, 16)
	cc := c.connect(ctx, &mcp.ClientOptions{ResourceUpdatedHandler: func(_ context.Context, r *mcp.ResourceUpdatedNotificationRequest) {
		updated <- r.Params.URI
	}})
	if err := cc.cs.Subscribe(ctx, &mcp.SubscribeParams{URI: "mcp-media://events"}); err != nil {
		t.Fatalf("resources/subscribe: %v", err)
	}
	mustCall(t, ctx, cc.cs, "media_toolsets", map[string]any{"enable": []string{"qiniu_asr"}})
	res := mustCall(t, ctx, cc.cs, "qiniu_transcribe_long", map[string]any{"url": "https://example.com/e2e-meeting.mp3", "wait": false})
	var sub struct {
		TaskID string `json:"task_id"`
	}
	structured(t, res, &sub)
	select {
	case uri := <-updated:
		if uri != "mcp-media://events" {
			t.Errorf("resources/updated for %q", uri)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no resources/updated reached the client within 60s")
	}
	cc.pin.Store(2)
	var out struct {
		Events []struct {
			TaskID string `json:"task_id"`
			Kind   string `json:"kind"`
		} `json:"events"`
	}
	before := len(c.lb.Hits())
	structured(t, mustCall(t, ctx, cc.cs, "media_events", map[string]any{"task_id": sub.TaskID}), &out)
	if len(out.Events) == 0 || out.Events[0].Kind != "asr_long" {
		t.Fatalf("media_events on replica 2 for task %s: %+v", sub.TaskID, out.Events)
	}
	// The callback's own hit may be recorded late: the replica answers the
	// provider after announcing the event.
	hits := c.lb.Hits()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); hits = c.lb.Hits() {
		if slices.ContainsFunc(hits, func(h testkit.Hit) bool { return strings.HasPrefix(h.Path, "/callbacks/") }) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var cbOn, streamOn, eventsOn []int
	for i, h := range hits {
		switch {
		case strings.HasPrefix(h.Path, "/callbacks/"):
			cbOn = append(cbOn, h.Replica)
		case h.Method == "GET":
			streamOn = append(streamOn, h.Replica)
		case i >= before && h.Method == "POST":
			eventsOn = append(eventsOn, h.Replica)
		}
	}
	if fmt.Sprint(cbOn) != "[0]" || len(streamOn) == 0 || streamOn[0] != 1 || fmt.Sprint(eventsOn) != "[2]" {
		t.Errorf("callbacks on %v, streams on %v, media_events on %v; want [0], [1…], [2]", cbOn, streamOn, eventsOn)
	}
}

// A callback lost to a replica that died with it (Qiniu does not retry)
// still reaches media_events on every replica: the replicas ask Qiniu for
// the task once its callback is --callback-query-after late.
func TestClusterLostCallbackIsQueried(t *testing.T) {
	c := sandboxCluster(t, 3)
	c.route(0, 1)
	var cut atomic.Int32
	c.lb.SetCut(func(r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/callbacks/") {
			cut.Add(1)
			return true
		}
		return false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cc := c.connect(ctx, nil)
	mustCall(t, ctx, cc.cs, "media_toolsets", map[string]any{"enable": []string{"qiniu_asr"}})
	var sub struct {
		TaskID string `json:"task_id"`
	}
	structured(t, mustCall(t, ctx, cc.cs, "qiniu_transcribe_long", map[string]any{"url": "https://example.com/lost.mp3", "wait": false}), &sub)
	cc.pin.Store(2)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var out struct {
			Events []struct {
				Summary string `json:"summary"`
			} `json:"events"`
		}
		structured(t, mustCall(t, ctx, cc.cs, "media_events", map[string]any{"task_id": sub.TaskID}), &out)
		if len(out.Events) == 1 {
			if !strings.HasPrefix(out.Events[0].Summary, "no callback came; queried: transcription done") {
				t.Errorf("summary %q", out.Events[0].Summary)
			}
			break
		}
		if len(out.Events) > 1 || time.Now().After(deadline) {
			t.Fatalf("task %s: %d events after 30 s (%d callbacks cut)", sub.TaskID, len(out.Events), cut.Load())
		}
		time.Sleep(250 * time.Millisecond)
	}
	if cut.Load() == 0 {
		t.Error("no callback was cut: the test lost nothing")
	}
}

// clearFailure reports whether a failed call said what happened: the
// server's answer for a request whose replica died, or the balancer's 502
// for one whose replica died before answering at all (what nginx or any
// load balancer says then).
func clearFailure(err error, res *mcp.CallToolResult) bool {
	msg := ""
	if err != nil {
		msg = err.Error()
	} else if res != nil {
		msg = resultText(res)
	}
	for _, s := range []string{"replica running this request stopped", "the server stopped while this call ran", "every replica is down", "Service Unavailable", "Bad Gateway"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// 200 sessions calling tools for five seconds over three replicas, one
// replica SIGKILLed and restarted during the run: every callback reaches the inbox, and every call either
// succeeds or fails saying why.
func TestClusterChurn(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 200-session cluster run takes about a minute")
	}
	c := sandboxCluster(t, 3)
	c.route(-1, -1)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	const sessions, asr = 200, 20
	var ok, failed, unclear atomic.Int64
	var mu sync.Mutex
	var tasks []string
	var problems []string
	var wg sync.WaitGroup
	start, stop := make(chan struct{}), make(chan struct{})
	for i := 0; i < sessions; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			// A replica killed during initialize fails it like any call:
			// clearly, and the client tries again.
			var cc *clusterClient
			for cc == nil {
				var err error
				if cc, err = c.dial(ctx, nil, c.token); err != nil {
					if !clearFailure(err, nil) || ctx.Err() != nil {
						unclear.Add(1)
						mu.Lock()
						problems = append(problems, "initialize: "+err.Error())
						mu.Unlock()
						return
					}
					failed.Add(1)
				}
			}
			enabled, submitted := false, false // a call that failed clearly is made again
			for j := 0; ; j++ {
				if j >= 3 {
					select {
					case <-stop:
						return
					default:
					}
				}
				name, args := "media_providers", map[string]any(nil)
				switch {
				case i < asr && !enabled:
					name, args = "media_toolsets", map[string]any{"enable": []string{"qiniu_asr"}}
				case i < asr && !submitted:
					name, args = "qiniu_transcribe_long", map[string]any{"url": fmt.Sprintf("https://example.com/churn-%d.mp3", i), "wait": false}
				case j%2 == 1:
					name, args = "aioz_list_media", map[string]any{"limit": 5}
				}
				res, err := callTool(ctx, cc.cs, name, args)
				switch {
				case err == nil && !res.IsError:
					ok.Add(1)
					enabled = enabled || name == "media_toolsets"
					if name == "qiniu_transcribe_long" {
						submitted = true
						var sub struct {
							TaskID string `json:"task_id"`
						}
						b, _ := json.Marshal(res.StructuredContent)
						_ = json.Unmarshal(b, &sub)
						mu.Lock()
						tasks = append(tasks, sub.TaskID)
						mu.Unlock()
					}
				case clearFailure(err, res):
					failed.Add(1)
				default:
					unclear.Add(1)
					mu.Lock()
					problems = append(problems, fmt.Sprintf("%s: %v %s", name, err, func() string {
						if res != nil {
							return resultText(res)
						}
						return ""
					}()))
					mu.Unlock()
				}
			}
		}(i)
	}
	close(start)
	time.Sleep(1500 * time.Millisecond)
	c.kill(2)
	time.Sleep(1500 * time.Millisecond)
	c.start(2)
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()
	t.Logf("calls: %d ok, %d failed clearly, %d unclear; %d transcriptions submitted", ok.Load(), failed.Load(), unclear.Load(), len(tasks))
	for _, p := range problems {
		t.Errorf("a call failed without saying why: %.300s", p)
	}
	if total := ok.Load() + failed.Load() + unclear.Load(); ok.Load() < total*8/10 {
		t.Errorf("only %d of %d calls succeeded", ok.Load(), total)
	}
	killedServed := 0
	for _, h := range c.lb.Hits() {
		if h.Replica == 2 {
			killedServed++
		}
	}
	if killedServed == 0 {
		t.Error("the killed replica served nothing: the churn did not exercise it")
	}
	// Every submitted task's callback is in the inbox, seen from any replica.
	cc := c.connect(ctx, nil)
	deadline := time.Now().Add(90 * time.Second)
	queried := 0
	for _, id := range tasks {
		for {
			var out struct {
				Events []struct {
					TaskID  string `json:"task_id"`
					Summary string `json:"summary"`
				} `json:"events"`
			}
			res, err := callTool(ctx, cc.cs, "media_events", map[string]any{"task_id": id})
			if err == nil && !res.IsError {
				structured(t, res, &out)
				if len(out.Events) > 1 {
					t.Errorf("task %s has %d events, want its one result", id, len(out.Events))
				}
				if len(out.Events) > 0 {
					if strings.HasPrefix(out.Events[0].Summary, "no callback came") {
						queried++
					}
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the callback of task %s never reached the inbox", id)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	t.Logf("%d of %d results came by callback; queried because their callback was lost: %d", len(tasks)-queried, len(tasks), queried)
	auditRedis(t, c.redis, c.secretsOf(c.le))
}

// An AIOZ upload whose replica is SIGKILLed mid-part resumes through
// another replica, sending only the parts the dead one had not finished:
// the upload's state is in Redis, saved after every part.
func TestClusterUploadResumesOnAnotherReplica(t *testing.T) {
	const chunk = 50 * mib
	fake, url, pub, sec, started, unblock := blockingAIOZ(t, chunk, 1)
	le := newLeakEnv(t)
	c := newCluster(t, 3, func(int) []string {
		return append(le.env(t, le.creds), "AIOZ_STREAM_PUBLIC_KEY="+pub, "AIOZ_STREAM_SECRET_KEY="+sec, "MCP_MEDIA_AIOZ_URL="+url+"/api")
	})
	c.route(-1, -1)
	video := c.filesDir + "/cluster-clip.mp4"
	writeVideo(t, video, 120*mib)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cc := c.connect(ctx, nil)
	args := map[string]any{"file_path": video, "title": "cluster resume", "chunk_size_mib": 50}
	cc.pin.Store(0)
	first := doomedCall(ctx, cc, "aioz_upload_media", args)
	select {
	case <-started:
	case err := <-first:
		t.Fatalf("the upload ended before part 1: %v", err)
	case <-ctx.Done():
		t.Fatal("part 1 never started")
	}
	c.kill(0)
	unblock()
	firstRun := len(fake.Requests())
	resumeElsewhere(t, ctx, cc, first, "aioz_upload_media", args)
	checkResumed(t, fake.Requests(), firstRun, chunk)
	secrets := c.secretsOf(le)
	secrets["the AIOZ public key"], secrets["the AIOZ secret key"] = pub, sec
	auditRedis(t, c.redis, secrets)
}
