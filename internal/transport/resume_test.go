package transport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// openGet opens the standalone stream (resuming after lastID when given) and
// returns once its priming event is in.
func (c *httpClient) openGet(t *testing.T, lastID string) {
	t.Helper()
	req := c.request("GET", "", map[string]string{"Accept": "text/event-stream"})
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET: %s", resp.Status)
	}
	primed := make(chan struct{})
	var once bool
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer resp.Body.Close()
		readSSE(resp.Body, c.msgs, func(string) {
			if !once {
				once = true
				close(primed)
			}
		}, nil)
	}()
	if lastID == "" {
		<-primed
	}
}

// Rule 13: a dropped connection is not a cancel; the result waits on the
// session and Last-Event-ID brings it.
func TestDroppedConnectionResumes(t *testing.T) {
	f := newFixture()
	c := newHTTP(t, f, HTTPOptions{})
	defer c.close()
	initialize(t, c, "2025-11-25")
	id := startWait(t, c, f, "long") // read the priming event id, then drop
	close(f.release)                 // the work finishes after the client went away
	c.openGet(t, id)
	m := waitID(t, c, "long", nil)
	res, _ := m["result"].(map[string]any)
	if res == nil || !strings.Contains(strings.Join(strings.Fields(jsonText(res)), " "), "waited") {
		t.Fatalf("resumed result: %v", m)
	}
}

func jsonText(v any) string { return string(encode(v)) }

func TestHTTPHeaderRules(t *testing.T) {
	f := newFixture()
	c := newHTTP(t, f, HTTPOptions{MaxMessage: 1 << 10})
	defer c.close()
	initialize(t, c, "2025-06-18")
	do := func(method, body string, hdr map[string]string) int {
		resp, err := http.DefaultClient.Do(c.request(method, body, hdr))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	cases := []struct {
		name         string
		method, body string
		hdr          map[string]string
		want         int
	}{
		{"text/plain body", "POST", ping, map[string]string{"Content-Type": "text/plain"}, 415},
		{"Accept without event-stream", "POST", ping, map[string]string{"Accept": "application/json"}, 406},
		{"bad protocol version", "POST", ping, map[string]string{HeaderProtocol: "1999-01-01"}, 400},
		{"too large", "POST", `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"p":"` + strings.Repeat("x", 2000) + `"}}`, nil, 413},
		{"notification only", "POST", `{"jsonrpc":"2.0","method":"notifications/initialized"}`, nil, 202},
		{"id without method", "POST", `{"jsonrpc":"2.0","id":3}`, nil, 400},
		{"PUT", "PUT", ping, nil, 405},
		{"batch on 2025-06-18", "POST", "[" + ping + "]", nil, 400},
	}
	for _, tc := range cases {
		if got := do(tc.method, tc.body, tc.hdr); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// StandaloneStream tells the GETs a drain may end (they carry no response)
// from the ones resuming a POST's stream.
func TestStandaloneStream(t *testing.T) {
	for _, c := range []struct {
		method, last string
		want         bool
	}{
		{"GET", "", true},
		{"GET", "g:7", true},
		{"GET", "not-an-event-id", true}, // served as a fresh standalone stream
		{"GET", "p3f2a:4", false},
		{"POST", "", false},
		{"DELETE", "", false},
	} {
		r := httptest.NewRequest(c.method, "/mcp", nil)
		if c.last != "" {
			r.Header.Set("Last-Event-ID", c.last)
		}
		if got := StandaloneStream(r); got != c.want {
			t.Errorf("%s with Last-Event-ID %q: %v, want %v", c.method, c.last, got, c.want)
		}
	}
}
