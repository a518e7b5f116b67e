package transport

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"strings"
	"testing"
)

var seeds = []string{
	`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
	`{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"progress","arguments":{"n":2},"_meta":{"progressToken":1}}}`,
	`{"jsonrpc":"2.0","id":2,"method":"prompts/get","params":{"name":"greet","arguments":{"name":"a"}}}`,
	`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`,
	`{"jsonrpc":"2.0","id":3,"method":"resources/subscribe","params":{"uri":"test://a"}}`,
	`{"jsonrpc":"2.0","id":4,"method":"logging/setLevel","params":{"level":"debug"}}`,
	`[{"jsonrpc":"2.0","id":5,"method":"ping"}]`,
	`{"jsonrpc":"2.0","id":6,"result":{}}`,
}

var junk = []string{`null`, `[]`, `{}`, `"s"`, `-1`, `1e309`, `{"a":[`, `true`, `"\u0000"`, strings.Repeat("[", 50)}

// mutate returns a random variant of a seed message.
func mutate(r *rand.Rand) string {
	s := []byte(seeds[r.Intn(len(seeds))])
	switch r.Intn(5) {
	case 0: // truncate
		s = s[:r.Intn(len(s))]
	case 1: // flip a byte
		s[r.Intn(len(s))] = byte(r.Intn(128))
	case 2: // replace a value with junk
		var m map[string]any
		if json.Unmarshal(s, &m) == nil {
			keys := []string{"id", "method", "params", "jsonrpc", "result"}
			var v any
			_ = json.Unmarshal([]byte(junk[r.Intn(len(junk))]), &v)
			m[keys[r.Intn(len(keys))]] = v
			s, _ = json.Marshal(m)
		}
	case 3:
		s = []byte(junk[r.Intn(len(junk))])
	}
	return strings.ReplaceAll(string(s), "\n", " ")
}

// Thousands of malformed and valid messages: the server never crashes,
// and every well-formed request we number still gets exactly one answer.
func TestFuzzStdio(t *testing.T) {
	f := newFixture()
	c := newStdio(t, f, StdioOptions{})
	defer c.close()
	initialize(t, c, "2025-03-26")
	r := rand.New(rand.NewSource(1))
	const n = 3000
	go func() {
		for i := 0; i < n; i++ {
			c.send(t, mutate(r))
			if i%100 == 0 {
				c.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":"probe-%d","method":"ping"}`, i))
			}
		}
		c.send(t, `{"jsonrpc":"2.0","id":"final","method":"ping"}`)
	}()
	seen := map[string]int{}
	waitID(t, c, "final", func(m map[string]any) {
		if id, ok := m["id"].(string); ok && strings.HasPrefix(id, "probe-") {
			seen[id]++
		}
	})
	for i := 0; i < n; i += 100 {
		if k := seen[fmt.Sprintf("probe-%d", i)]; k != 1 {
			t.Errorf("probe-%d answered %d times", i, k)
		}
	}
}

func TestFuzzHTTP(t *testing.T) {
	f := newFixture()
	c := newHTTP(t, f, HTTPOptions{})
	defer c.close()
	initialize(t, c, "2025-03-26")
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 1500; i++ {
		resp, err := http.DefaultClient.Do(c.request("POST", mutate(r), nil))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // a stream's work goes on without its reader
		if resp.StatusCode >= 500 {
			t.Fatalf("message %d: %s", i, resp.Status)
		}
	}
	c.send(t, `{"jsonrpc":"2.0","id":"final","method":"ping"}`)
	waitID(t, c, "final", nil)
}

// FuzzClassify: go test -fuzz FuzzClassify ./internal/transport
func FuzzClassify(f *testing.F) {
	for _, s := range append(seeds, junk...) {
		f.Add([]byte(s))
	}
	e := NewEngine(newFixture().srv)
	f.Fuzz(func(t *testing.T, b []byte) {
		env, k, perr := classify(b)
		if k == kindInvalid && perr == nil {
			t.Fatal("invalid message without an error")
		}
		if k == kindRequest {
			_ = e.validate(env)
		}
	})
}
