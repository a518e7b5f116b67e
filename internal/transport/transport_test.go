package transport

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

var transports = []struct {
	name string
	dial func(t *testing.T, f *fixture) client
}{
	{"stdio", func(t *testing.T, f *fixture) client { return newStdio(t, f, StdioOptions{}) }},
	{"sse", func(t *testing.T, f *fixture) client { return newSSE(t, f) }},
	{"http", func(t *testing.T, f *fixture) client { return newHTTP(t, f, HTTPOptions{}) }},
}

func progressOf(m map[string]any, token string) (float64, bool) {
	if m["method"] != "notifications/progress" {
		return 0, false
	}
	p, _ := m["params"].(map[string]any)
	if fmt.Sprint(p["progressToken"]) != token {
		return 0, false
	}
	v, _ := p["progress"].(float64)
	return v, true
}

// Rule 11: every progress a handler sent precedes its result, none is lost,
// none follows — 50 runs on each transport.
func TestProgressBeforeResult(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture()
			c := tr.dial(t, f)
			defer c.close()
			initialize(t, c, "2025-06-18")
			const n = 5
			for run := 0; run < 50; run++ {
				tok := fmt.Sprintf("tok-%d", run)
				var got []float64
				c.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":"call-%d","method":"tools/call","params":{"name":"progress","arguments":{"n":%d},"_meta":{"progressToken":%q}}}`, run, n, tok))
				resp := waitID(t, c, fmt.Sprintf("call-%d", run), func(m map[string]any) {
					if p, ok := progressOf(m, tok); ok {
						got = append(got, p)
					}
				})
				if resp["error"] != nil {
					t.Fatalf("run %d: %v", run, resp["error"])
				}
				if len(got) != n {
					t.Fatalf("run %d: %d progress notifications before the result, want %d: %v", run, len(got), n, got)
				}
				for i, p := range got {
					if p != float64(i+1) {
						t.Fatalf("run %d: progress out of order: %v", run, got)
					}
				}
				c.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":"ping-%d","method":"ping"}`, run))
				waitID(t, c, fmt.Sprintf("ping-%d", run), func(m map[string]any) {
					if _, ok := progressOf(m, tok); ok {
						t.Fatalf("run %d: progress after the result: %v", run, m)
					}
				})
			}
		})
	}
}

// Rule 13: after notifications/cancelled no response and no progress.
func TestCancelledRequestGetsNoResponse(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture()
			c := tr.dial(t, f)
			defer c.close()
			initialize(t, c, "2025-06-18")
			c.send(t, `{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"block","arguments":{"tag":"x"},"_meta":{"progressToken":"blk"}}}`)
			<-f.started
			c.send(t, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":41,"reason":"user"}}`)
			<-f.after // the handler saw the cancel, tried a progress and returned
			c.send(t, `{"jsonrpc":"2.0","id":"ping","method":"ping"}`)
			waitID(t, c, "ping", func(m map[string]any) {
				if fmt.Sprint(m["id"]) == "41" {
					t.Fatalf("cancelled request answered: %v", m)
				}
				if _, ok := progressOf(m, "blk"); ok {
					t.Fatalf("progress after cancel: %v", m)
				}
			})
			if hc, ok := c.(*httpClient); ok {
				hc.wg.Wait() // the POST stream of the cancelled call ended
				select {
				case m := <-hc.msgs:
					t.Fatalf("message after the cancelled call's stream: %v", m)
				default:
				}
			}
		})
	}
}

func TestProtocolErrors(t *testing.T) {
	f := newFixture()
	c := newStdio(t, f, StdioOptions{})
	defer c.close()
	initialize(t, c, "2025-06-18")
	cases := []struct {
		name, msg, id string
		code          float64
	}{
		{"prompt missing required argument", `{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"greet","arguments":{}}}`, "1", -32602},
		{"tools/call arguments not an object", `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"progress","arguments":"n=3"}}`, "2", -32602},
		{"tools/call arguments an array", `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"progress","arguments":[1]}}`, "3", -32602},
		{"id without method", `{"jsonrpc":"2.0","id":4}`, "4", -32600},
		{"wrong jsonrpc", `{"jsonrpc":"1.0","id":5,"method":"ping"}`, "5", -32600},
		{"batch on 2025-06-18", `[{"jsonrpc":"2.0","id":6,"method":"ping"}]`, "<nil>", -32600},
		{"not JSON", `{"jsonrpc":`, "<nil>", -32700},
	}
	for _, tc := range cases {
		c.send(t, tc.msg)
		m := waitID(t, c, tc.id, nil)
		e, _ := m["error"].(map[string]any)
		if e == nil || e["code"] != tc.code {
			t.Errorf("%s: %v, want error %v", tc.name, m, tc.code)
		}
	}
	c.send(t, `{"jsonrpc":"2.0","id":9,"method":"prompts/get","params":{"name":"greet","arguments":{"name":"Ada"}}}`)
	if m := waitID(t, c, "9", nil); m["error"] != nil {
		t.Errorf("prompt with its argument: %v", m)
	}
}

// Batches are part of 2025-03-26 only.
func TestBatchOn20250326(t *testing.T) {
	f := newFixture()
	c := newStdio(t, f, StdioOptions{})
	defer c.close()
	initialize(t, c, "2025-03-26")
	c.send(t, `[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"x","progress":1}}]`)
	m := c.recv(t)
	arr, _ := m["batch"].([]map[string]any)
	if len(arr) != 2 {
		t.Fatalf("batch answer: %v", m)
	}

	h := newHTTP(t, f, HTTPOptions{})
	defer h.close()
	initialize(t, h, "2025-03-26")
	h.send(t, `[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","id":"b","method":"ping"}]`)
	got := map[string]bool{}
	for len(got) < 2 { // the two answers come in either order
		got[fmt.Sprint(h.recv(t)["id"])] = true
	}
	if !got["a"] || !got["b"] {
		t.Errorf("batch answers: %v", got)
	}
}

func TestLogLevelAndSubscriptions(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			f := newFixture()
			c := tr.dial(t, f)
			defer c.close()
			initialize(t, c, "2025-11-25")
			if hc, ok := c.(*httpClient); ok {
				hc.openGet(t, "")
			}
			c.send(t, `{"jsonrpc":"2.0","id":"lvl","method":"logging/setLevel","params":{"level":"error"}}`)
			waitID(t, c, "lvl", nil)
			c.send(t, `{"jsonrpc":"2.0","id":"sub","method":"resources/subscribe","params":{"uri":"test://a"}}`)
			waitID(t, c, "sub", nil)
			f.srv.SendNotificationToAllClients("notifications/message", map[string]any{"level": "info", "data": "chatter"})
			f.srv.SendNotificationToAllClients("notifications/resources/updated", map[string]any{"uri": "test://b"})
			f.srv.SendNotificationToAllClients("notifications/message", map[string]any{"level": "error", "data": "broken"})
			f.srv.SendNotificationToAllClients("notifications/resources/updated", map[string]any{"uri": "test://a"})
			var logs, updates []string
			for len(logs)+len(updates) < 2 {
				m := c.recv(t)
				p, _ := m["params"].(map[string]any)
				switch m["method"] {
				case "notifications/message":
					logs = append(logs, fmt.Sprint(p["data"]))
				case "notifications/resources/updated":
					updates = append(updates, fmt.Sprint(p["uri"]))
				}
			}
			if strings.Join(logs, ",") != "broken" || strings.Join(updates, ",") != "test://a" {
				t.Errorf("logs %v updates %v; want only the error and only test://a", logs, updates)
			}
		})
	}
}

func TestStdioMessageCap(t *testing.T) {
	f := newFixture()
	c := newStdio(t, f, StdioOptions{MaxMessage: 1024})
	defer c.close()
	initialize(t, c, "2025-06-18")
	c.send(t, `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"`+strings.Repeat("x", 5000)+`"}}`)
	m := c.recv(t)
	e, _ := m["error"].(map[string]any)
	if e == nil || !strings.Contains(fmt.Sprint(e["message"]), "larger than 1024 bytes") {
		t.Fatalf("oversized message: %v", m)
	}
	c.send(t, `{"jsonrpc":"2.0","id":2,"method":"ping"}`)
	if m := waitID(t, c, "2", nil); m["error"] != nil {
		t.Fatal(m)
	}
}

// Rule 14: DELETE ends the session; no id is 400, an unknown one 404.
func TestSessionLifecycle(t *testing.T) {
	f := newFixture()
	c := newHTTP(t, f, HTTPOptions{})
	defer c.close()
	initialize(t, c, "2025-11-25")
	status := func(method, body string, hdr map[string]string) int {
		resp, err := http.DefaultClient.Do(c.request(method, body, hdr))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	if s := status("POST", ping, map[string]string{HeaderSession: "made-up"}); s != 404 {
		t.Errorf("made-up session: %d, want 404", s)
	}
	id := c.session
	c.session = ""
	if s := status("POST", ping, nil); s != 400 {
		t.Errorf("no session id: %d, want 400", s)
	}
	c.session = id
	if s := status("DELETE", "", nil); s != 200 {
		t.Errorf("DELETE: %d", s)
	}
	for _, m := range []string{"POST", "GET", "DELETE"} {
		if s := status(m, ping, nil); s != 404 {
			t.Errorf("%s after DELETE: %d, want 404", m, s)
		}
	}
	if n := c.h.Sessions(); n != 0 {
		t.Errorf("%d sessions left", n)
	}
}

func TestSessionCapEvictsIdle(t *testing.T) {
	f := newFixture()
	c := newHTTP(t, f, HTTPOptions{MaxSessions: 3})
	defer c.close()
	initialize(t, c, "2025-06-18")
	first := c.session
	for i := 0; i < 4; i++ {
		c.session = ""
		initialize(t, c, "2025-06-18")
	}
	if n := c.h.Sessions(); n != 3 {
		t.Errorf("%d sessions, cap 3", n)
	}
	resp, _ := http.DefaultClient.Do(c.request("POST", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, map[string]string{HeaderSession: first}))
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("evicted session: %d, want 404", resp.StatusCode)
	}
}

func TestIdleSessionsExpire(t *testing.T) {
	f := newFixture()
	c := newHTTP(t, f, HTTPOptions{SessionTTL: 40 * time.Millisecond})
	defer c.close()
	initialize(t, c, "2025-06-18")
	for c.h.Sessions() != 0 { // ends by expiry; the test's own timeout guards it
		time.Sleep(10 * time.Millisecond)
	}
	resp, _ := http.DefaultClient.Do(c.request("POST", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, nil))
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("expired session: %d, want 404", resp.StatusCode)
	}
}
