package transport

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// addAsk adds a tool that reports progress, then asks the client with a
// URL-mode elicitation and returns the client's answer (or its error).
func addAsk(f *fixture) {
	f.srv.AddTool(mcp.NewTool("ask", mcp.WithString("tag")), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		s := server.ServerFromContext(ctx)
		_ = s.SendNotificationToClient(ctx, "notifications/progress", map[string]any{"progressToken": "ask", "progress": 1})
		tag := req.GetString("tag", "")
		res, err := s.RequestURLElicitation(ctx, server.ClientSessionFromContext(ctx), "el-"+tag, "http://127.0.0.1:1/"+tag, "open it")
		if err != nil {
			return mcp.NewToolResultError("error: " + err.Error()), nil
		}
		return mcp.NewToolResultText(tag + ":" + string(res.Action)), nil
	})
}

func textOf(t *testing.T, resp map[string]any) string {
	t.Helper()
	res, _ := resp["result"].(map[string]any)
	content, _ := res["content"].([]any)
	if len(content) == 0 {
		t.Fatalf("no content in %v", resp)
	}
	first, _ := content[0].(map[string]any)
	s, _ := first["text"].(string)
	return s
}

// A handler's elicitation/create reaches the client after the progress it
// sent before, carries a server id, and the client's answer comes back to
// that handler; two requests in flight get their own answers.
func TestServerRequestsRoundTrip(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture()
			addAsk(f)
			c := tr.dial(t, f)
			defer c.close()
			initialize(t, c, "2025-11-25")
			c.send(t, `{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"ask","arguments":{"tag":"a"}}}`)
			c.send(t, `{"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"ask","arguments":{"tag":"b"}}}`)
			reqs := map[string]map[string]any{} // tag → the elicitation request
			progressed := map[string]bool{}
			for len(reqs) < 2 {
				m := c.recv(t)
				switch m["method"] {
				case "notifications/progress":
					progressed[fmt.Sprint(len(progressed))] = true
				case "elicitation/create":
					p, _ := m["params"].(map[string]any)
					if p["mode"] != "url" || p["message"] != "open it" {
						t.Fatalf("elicitation params: %v", p)
					}
					id, ok := m["id"].(string)
					if !ok || id == "" {
						t.Fatalf("server request id %v, want a string", m["id"])
					}
					tag := fmt.Sprint(p["elicitationId"])[3:]
					if len(progressed) <= len(reqs) {
						t.Fatalf("elicitation for %s before the progress its handler sent first", tag)
					}
					reqs[tag] = m
				default:
					t.Fatalf("unexpected message before the elicitation requests: %v", m)
				}
			}
			if reqs["a"]["id"] == reqs["b"]["id"] {
				t.Fatalf("two server requests share id %v", reqs["a"]["id"])
			}
			// A response nobody waits for is dropped without harm.
			c.send(t, `{"jsonrpc":"2.0","id":"mcp-media-999","result":{"action":"accept"}}`)
			// Answer b first, then a: each goes to its own handler.
			answer := func(tag, action string) {
				id, _ := json.Marshal(reqs[tag]["id"])
				c.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"action":%q}}`, id, action))
			}
			answer("b", "decline")
			if got := textOf(t, waitID(t, c, "b", nil)); got != "b:decline" {
				t.Errorf("b got %q", got)
			}
			answer("a", "accept")
			if got := textOf(t, waitID(t, c, "a", nil)); got != "a:accept" {
				t.Errorf("a got %q", got)
			}
		})
	}
}

// A JSON-RPC error from the client reaches the handler as an error.
func TestServerRequestClientError(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture()
			addAsk(f)
			c := tr.dial(t, f)
			defer c.close()
			initialize(t, c, "2025-11-25")
			c.send(t, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"ask","arguments":{"tag":"x"}}}`)
			var req map[string]any
			for req == nil {
				if m := c.recv(t); m["method"] == "elicitation/create" {
					req = m
				}
			}
			id, _ := json.Marshal(req["id"])
			c.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"no elicitation here"}}`, id))
			got := textOf(t, waitID(t, c, "7", nil))
			if want := "error: the client answered with an error to elicitation/create: -32601 no elicitation here"; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// Cancelling the tool call ends the wait for the client's answer.
func TestServerRequestCancelled(t *testing.T) {
	f := newFixture()
	addAsk(f)
	c := newStdio(t, f, StdioOptions{})
	initialize(t, c, "2025-11-25")
	c.send(t, `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"ask","arguments":{"tag":"c"}}}`)
	for {
		if m := c.recv(t); m["method"] == "elicitation/create" {
			break
		}
	}
	c.send(t, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":9}}`)
	c.send(t, `{"jsonrpc":"2.0","id":"p","method":"ping"}`)
	waitID(t, c, "p", func(m map[string]any) {
		if fmt.Sprint(m["id"]) == "9" {
			t.Errorf("a response for the cancelled call: %v", m)
		}
	})
	// ServeStdio waits for the requests in flight when its input ends: it
	// returns only because the cancelled call stopped waiting.
	c.close()
	if err := <-c.done; err != nil {
		t.Fatal(err)
	}
}
