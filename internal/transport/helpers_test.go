package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// fixture is the server the transport tests drive.
type fixture struct {
	srv     *server.MCPServer
	started chan string   // a "block" call started (its tag)
	release chan struct{} // closing it ends "wait" calls
	after   chan string   // a "block" call saw its cancellation
	causes  chan error    // the cause of a cancelled "wait" call's context
}

func newFixture() *fixture {
	f := &fixture{started: make(chan string, 16), release: make(chan struct{}), after: make(chan string, 16), causes: make(chan error, 16)}
	s := server.NewMCPServer("fixture", "1", server.WithToolCapabilities(true),
		server.WithResourceCapabilities(true, false), server.WithPromptCapabilities(false), server.WithLogging())
	s.AddTool(mcp.NewTool("progress", mcp.WithNumber("n")), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		n := req.GetInt("n", 3)
		var tok any
		if req.Params.Meta != nil {
			tok = req.Params.Meta.ProgressToken
		}
		for i := 1; i <= n; i++ {
			_ = server.ServerFromContext(ctx).SendNotificationToClient(ctx, "notifications/progress",
				map[string]any{"progressToken": tok, "progress": i, "total": n})
		}
		return mcp.NewToolResultText("done"), nil
	})
	s.AddTool(mcp.NewTool("block", mcp.WithString("tag")), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		tag := req.GetString("tag", "")
		var tok any
		if req.Params.Meta != nil {
			tok = req.Params.Meta.ProgressToken
		}
		f.started <- tag
		<-ctx.Done()
		// Work that notices its cancellation late still tries to report.
		_ = server.ServerFromContext(ctx).SendNotificationToClient(ctx, "notifications/progress",
			map[string]any{"progressToken": tok, "progress": 99})
		f.after <- tag
		return mcp.NewToolResultText("finished anyway"), nil
	})
	s.AddTool(mcp.NewTool("wait"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		f.started <- "wait"
		select {
		case <-f.release:
			return mcp.NewToolResultText("waited"), nil
		case <-ctx.Done():
			select {
			case f.causes <- context.Cause(ctx):
			default:
			}
			return nil, ctx.Err()
		}
	})
	s.AddPrompt(mcp.NewPrompt("greet", mcp.WithArgument("name", mcp.RequiredArgument())),
		func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			return mcp.NewGetPromptResult("hi", []mcp.PromptMessage{mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent("hi "+req.Params.Arguments["name"]))}), nil
		})
	for _, uri := range []string{"test://a", "test://b"} {
		s.AddResource(mcp.NewResource(uri, uri), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, Text: "x"}}, nil
		})
	}
	f.srv = s
	return f
}

// client speaks raw JSON-RPC over one transport; recv returns messages in
// wire order (for streamable HTTP: merged from the POST and GET streams).
type client interface {
	send(t *testing.T, msg string)
	recv(t *testing.T) map[string]any
	close()
}

const initMsg = `{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"%s","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

func initialize(t *testing.T, c client, version string) {
	t.Helper()
	c.send(t, fmt.Sprintf(initMsg, version))
	resp := waitID(t, c, "init", nil)
	if resp["error"] != nil {
		t.Fatalf("initialize: %v", resp["error"])
	}
	c.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
}

// waitID reads until the response with id; the messages before it go to seen.
func waitID(t *testing.T, c client, id string, seen func(map[string]any)) map[string]any {
	t.Helper()
	for {
		m := c.recv(t)
		if _, isReq := m["method"]; !isReq && fmt.Sprint(m["id"]) == id {
			return m
		}
		if seen != nil {
			seen(m)
		}
	}
}

func recvTimeout(t *testing.T, ch <-chan map[string]any) map[string]any {
	t.Helper()
	select {
	case m, ok := <-ch:
		if !ok {
			t.Fatal("stream closed")
		}
		return m
	case <-time.After(20 * time.Second): // a deadlock guard, not a timing assertion
		t.Fatal("no message within 20s")
		return nil
	}
}

// stdioClient runs ServeStdio on pipes.
type stdioClient struct {
	in   *io.PipeWriter
	msgs chan map[string]any
	done chan error
}

func newStdio(t *testing.T, f *fixture, opts StdioOptions) *stdioClient {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &stdioClient{in: inW, msgs: make(chan map[string]any, 1024), done: make(chan error, 1)}
	go func() {
		c.done <- NewEngine(f.srv).ServeStdio(context.Background(), inR, outW, opts)
		outW.Close()
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				var arr []map[string]any
				if json.Unmarshal(sc.Bytes(), &arr) == nil {
					m = map[string]any{"batch": arr}
				}
			}
			c.msgs <- m
		}
		close(c.msgs)
	}()
	return c
}

func (c *stdioClient) send(t *testing.T, msg string) {
	if _, err := io.WriteString(c.in, msg+"\n"); err != nil {
		t.Fatal(err)
	}
}
func (c *stdioClient) recv(t *testing.T) map[string]any { return recvTimeout(t, c.msgs) }
func (c *stdioClient) close()                           { c.in.Close() }

// readSSE sends each event's data of an SSE body to msgs; ids collects event ids.
func readSSE(body io.Reader, msgs chan<- map[string]any, ids func(string), endpoint func(string)) {
	sc := bufio.NewScanner(body)
	sc.Buffer(nil, 1<<20)
	var ev, data, id string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ids != nil && id != "" {
				ids(id)
			}
			if ev == "endpoint" && endpoint != nil {
				endpoint(data)
			} else if strings.TrimSpace(data) != "" {
				var m map[string]any
				_ = json.Unmarshal([]byte(data), &m)
				msgs <- m
			}
			ev, data, id = "", "", ""
		case strings.HasPrefix(line, "event:"):
			ev = strings.TrimSpace(line[6:])
		case strings.HasPrefix(line, "data:"):
			data += strings.TrimPrefix(line[5:], " ")
		case strings.HasPrefix(line, "id:"):
			id = strings.TrimSpace(line[3:])
		}
	}
}

// sseClient drives the legacy SSE transport.
type sseClient struct {
	ts       *httptest.Server
	msgs     chan map[string]any
	endpoint string
	resp     *http.Response
}

func newSSE(t *testing.T, f *fixture) *sseClient {
	mux := http.NewServeMux()
	sse := NewEngine(f.srv).NewSSE("", "/message", HTTPOptions{})
	mux.Handle("/sse", sse.StreamHandler())
	mux.Handle("/message", sse.MessageHandler())
	ts := httptest.NewServer(mux)
	c := &sseClient{ts: ts, msgs: make(chan map[string]any, 1024)}
	resp, err := http.Get(ts.URL + "/sse")
	if err != nil {
		t.Fatal(err)
	}
	c.resp = resp
	got := make(chan string, 1)
	go readSSE(resp.Body, c.msgs, nil, func(e string) { got <- e })
	c.endpoint = <-got
	return c
}

func (c *sseClient) send(t *testing.T, msg string) {
	resp, err := http.Post(c.ts.URL+c.endpoint, "application/json", strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST %s: %s", c.endpoint, resp.Status)
	}
}
func (c *sseClient) recv(t *testing.T) map[string]any { return recvTimeout(t, c.msgs) }
func (c *sseClient) close()                           { c.resp.Body.Close(); c.ts.Close() }

// httpClient drives the streamable HTTP transport.
type httpClient struct {
	ts      *httptest.Server
	h       *Streamable
	session string
	msgs    chan map[string]any
	mu      sync.Mutex
	ids     []string
	wg      sync.WaitGroup
}

func newHTTP(t *testing.T, f *fixture, opts HTTPOptions) *httpClient {
	h := NewEngine(f.srv).NewStreamable(opts)
	ts := httptest.NewServer(h)
	return &httpClient{ts: ts, h: h, msgs: make(chan map[string]any, 1024)}
}

func (c *httpClient) request(method, body string, hdr map[string]string) *http.Request {
	req, _ := http.NewRequest(method, c.ts.URL, bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if c.session != "" {
		req.Header.Set(HeaderSession, c.session)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return req
}

func (c *httpClient) send(t *testing.T, msg string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(c.request("POST", msg, nil))
	if err != nil {
		t.Fatal(err)
	}
	if id := resp.Header.Get(HeaderSession); id != "" {
		c.session = id
	}
	c.consume(resp)
}

// consume reads a response's messages into msgs (in the background for a stream).
func (c *httpClient) consume(resp *http.Response) {
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			defer resp.Body.Close()
			readSSE(resp.Body, c.msgs, func(id string) { c.mu.Lock(); c.ids = append(c.ids, id); c.mu.Unlock() }, nil)
		}()
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if len(bytes.TrimSpace(b)) > 0 {
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			c.msgs <- m
		}
	}
}

func (c *httpClient) recv(t *testing.T) map[string]any { return recvTimeout(t, c.msgs) }
func (c *httpClient) close()                           { c.h.Close(); c.ts.Close() }
