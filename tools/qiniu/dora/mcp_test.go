package dora

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// mcpSession runs one tool on an in-process MCP server and collects the
// progress notifications the client receives, in order.
type mcpSession struct {
	c      *client.Client
	mu     sync.Mutex
	msgs   []string
	onNote func(msg string, at time.Time)
}

func newMCPSession(tb testing.TB, tool toolkit.Tool, env *toolkit.Env) *mcpSession {
	tb.Helper()
	s := server.NewMCPServer("test", "1", server.WithToolCapabilities(false), server.WithLogging())
	s.AddTool(tool.MCP(), tool.Handler(env))
	c, err := client.NewInProcessClient(s)
	if err != nil {
		tb.Fatal(err)
	}
	ms := &mcpSession{c: c}
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method != "notifications/progress" {
			return
		}
		at := time.Now()
		msg, _ := n.Params.AdditionalFields["message"].(string)
		if ms.onNote != nil {
			ms.onNote(msg, at)
			return
		}
		ms.mu.Lock()
		ms.msgs = append(ms.msgs, msg)
		ms.mu.Unlock()
	})
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		tb.Fatal(err)
	}
	return ms
}

func (ms *mcpSession) call(ctx context.Context, name string, args map[string]any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	req.Params.Meta = &mcp.Meta{ProgressToken: "p1"}
	return ms.c.CallTool(ctx, req)
}

// Partial results reach an MCP client as progress notifications, in order.
func TestRealtimeProgressOverMCP(t *testing.T) {
	h := newHarness(t)
	h.env.ProgressSink = nil
	ms := newMCPSession(t, h.byName["qiniu_transcribe_realtime"], h.env)
	p := writeFile(t, "a.wav", wavBytes(16000, 1, 3200*time.Millisecond))
	res, err := ms.call(context.Background(), "qiniu_transcribe_realtime", map[string]any{"path": p})
	if err != nil || res.IsError {
		t.Fatalf("%v %s", err, toolkit.ResultText(res))
	}
	want := []string{"partial 00:00:01.0: [sandbox] 一", "partial 00:00:02.0: [sandbox] 一二", "partial 00:00:03.0: [sandbox] 一二三", "final 00:00:03.2: [sandbox] 一二三。"}
	// Notifications and the result travel separately: the last notification
	// may land just after the result.
	var got []string
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ms.mu.Lock()
		got = append([]string(nil), ms.msgs...)
		ms.mu.Unlock()
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("notifications = %q", got)
	}
}

// burstServer is a realtime ASR server that sends n partial results, one
// every gap, each carrying the time it was written, then a final after
// EOS.
func burstServer(tb testing.TB, n int, gap time.Duration) string {
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		eos := make(chan struct{})
		go func() {
			for {
				typ, data, err := conn.ReadMessage()
				if err != nil {
					return
				}
				if typ == websocket.TextMessage && string(data) == "EOS" {
					close(eos)
					return
				}
			}
		}()
		tick := time.NewTicker(gap)
		defer tick.Stop()
		for i := 0; i < n; i++ {
			<-tick.C
			msg := fmt.Sprintf(`{"isFinal":false,"isBegin":%t,"bestTranscription":{"transcribedText":"t%d","beginTimestamp":0,"endTimestamp":%d,"piece":[]}}`,
				i == 0, time.Now().UnixNano(), i)
			if conn.WriteMessage(websocket.TextMessage, []byte(msg)) != nil {
				return
			}
		}
		<-eos
		_ = conn.WriteMessage(websocket.TextMessage, []byte(`{"isFinal":true,"isBegin":false,"bestTranscription":{"transcribedText":"done","beginTimestamp":0,"endTimestamp":1,"piece":[]}}`))
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		time.Sleep(100 * time.Millisecond)
	}))
	tb.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func sentAt(msg string) (int64, bool) {
	i := strings.LastIndex(msg, ": t")
	if i < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(msg[i+3:], 10, 64)
	return n, err == nil
}

func report(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		b.Fatal("no notifications measured")
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "µs-median")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "µs-p99")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkRealtimeProgressLatency measures, through an in-process MCP
// client, the time from a result frame being written by the ASR server to
// the progress notification reaching the client — an upper bound on what
// the server adds (loopback WebSocket, decoding, redaction, mcp-go's
// notification queue). One op is one result.
func BenchmarkRealtimeProgressLatency(b *testing.B) {
	h := newHarness(b)
	h.env.ProgressSink = nil
	h.vars["MCP_MEDIA_QINIU_ASR_WS_URL"] = burstServer(b, b.N, time.Millisecond)
	ms := newMCPSession(b, h.byName["qiniu_transcribe_realtime"], h.env)
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	ms.onNote = func(msg string, at time.Time) {
		if t0, ok := sentAt(msg); ok {
			mu.Lock()
			lat = append(lat, at.Sub(time.Unix(0, t0)))
			mu.Unlock()
		}
	}
	p := writeFile(b, "a.wav", wavBytes(16000, 1, 200*time.Millisecond))
	b.ResetTimer()
	res, err := ms.call(context.Background(), "qiniu_transcribe_realtime", map[string]any{"path": p})
	b.StopTimer()
	if err != nil || res.IsError {
		b.Fatalf("%v %s", err, toolkit.ResultText(res))
	}
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	report(b, lat)
}

// BenchmarkRealtimeResultToProgress measures the server's own share: from
// the client reading a result frame to toolkit's Progress handing the
// message on (ProgressSink), excluding the MCP transport.
func BenchmarkRealtimeResultToProgress(b *testing.B) {
	h := newHarness(b)
	h.vars["MCP_MEDIA_QINIU_ASR_WS_URL"] = burstServer(b, b.N, time.Millisecond)
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	var received sync.Map // seq → frame read time
	h.env.ProgressSink = func(p, total float64, msg string) {
		now := time.Now()
		if at, ok := received.Load(int(p)); ok {
			mu.Lock()
			lat = append(lat, now.Sub(at.(time.Time)))
			mu.Unlock()
		}
	}
	client, err := h.tools.client.Get()
	if err != nil {
		b.Fatal(err)
	}
	call := h.env.NewCall(context.Background(), nil)
	p := writeFile(b, "a.wav", wavBytes(16000, 1, 200*time.Millisecond))
	b.ResetTimer()
	_, err = client.Realtime(context.Background(), doraapi.RealtimeOptions{Input: doraapi.RealtimeInput{Path: p},
		OnResult: func(r doraapi.RealtimeResult) {
			received.Store(r.Seq, r.Received)
			call.Progress(float64(r.Seq), 0, progressLine(r))
		}})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	report(b, lat)
}

// TestRealtimeSoakMemory streams DORA_SOAK_SECONDS of audio (default: the
// test is skipped) through the tool against the fake and logs the heap.
func TestRealtimeSoakMemory(t *testing.T) {
	secs, _ := strconv.Atoi(os.Getenv("DORA_SOAK_SECONDS"))
	if secs <= 0 {
		t.Skip("set DORA_SOAK_SECONDS to run")
	}
	h := newHarness(t)
	n := 0
	h.env.ProgressSink = func(float64, float64, string) { n++ }
	p := writeFile(t, "soak.pcm", make([]byte, secs*32000))
	stop := make(chan struct{})
	var peak uint64
	var samples []uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(10 * time.Second)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				samples = append(samples, m.HeapInuse)
				if m.HeapInuse > peak {
					peak = m.HeapInuse
				}
			}
		}
	}()
	start := time.Now()
	r := h.mustCall("qiniu_transcribe_realtime", map[string]any{"path": p, "max_seconds": secs})
	close(stop)
	wg.Wait()
	s := h.fake.RealtimeSessions()[0]
	t.Logf("soak: %v wall, audio %v s, %d results, %d progress, dropped %d bytes; heap in use sampled every 10 s: %v; peak %d KiB",
		time.Since(start).Round(time.Second), r.Get("audio_seconds"), int(r.Get("results").(float64)), n, s.DroppedBytes, samples, peak/1024)
	if s.DroppedBytes != 0 {
		t.Errorf("the fake dropped %d bytes: audio was sent faster than real time", s.DroppedBytes)
	}
	if peak > 32<<20 { // measured 2.3–2.4 MiB for 10 minutes
		t.Errorf("heap in use peaked at %d KiB: memory grows with the session length", peak/1024)
	}
}
