// Command startup measures how fast a built mcp-media answers: it spawns
// the binary N times over stdio and times spawn→initialize response and
// spawn→tools/list response, reporting min/median/max. With -calls it also
// sends that many media_providers calls to the last spawn and reports their
// median latency and the server's RSS before and after (from /proc).
//
//	go build -o /tmp/mcp-media ./cmd/mcp-media
//	go run ./bench/startup -bin /tmp/mcp-media -n 20 -calls 200
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

func main() {
	bin := flag.String("bin", "mcp-media", "the built binary")
	n := flag.Int("n", 20, "spawns")
	calls := flag.Int("calls", 0, "media_providers calls on the last spawn")
	args := flag.String("args", "serve", "arguments (space-separated)")
	flag.Parse()
	var inits, lists []time.Duration
	for i := 0; i < *n; i++ {
		last := i == *n-1
		in, ls, err := spawn(*bin, strings.Fields(*args), map[bool]int{true: *calls}[last])
		if err != nil {
			fmt.Fprintln(os.Stderr, "startup:", err)
			os.Exit(1)
		}
		inits, lists = append(inits, in), append(lists, ls)
	}
	fmt.Printf("%d spawns of %s %s\n", *n, *bin, *args)
	fmt.Printf("spawn→initialize  %s\n", summary(inits))
	fmt.Printf("spawn→tools/list  %s\n", summary(lists))
}

func summary(d []time.Duration) string {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	ms := func(x time.Duration) string { return fmt.Sprintf("%.1f ms", float64(x)/1e6) }
	return fmt.Sprintf("min %s  median %s  max %s", ms(d[0]), ms(d[len(d)/2]), ms(d[len(d)-1]))
}

type conn struct {
	w  io.Writer
	r  *bufio.Reader
	id int
}

// call sends a request and waits for the response with its id.
func (c *conn) call(method string, params any) (json.RawMessage, error) {
	c.id++
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": c.id, "method": method, "params": params})
	if _, err := c.w.Write(append(msg, '\n')); err != nil {
		return nil, err
	}
	for {
		line, err := c.r.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		var resp struct {
			ID     *int            `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if json.Unmarshal(line, &resp) != nil || resp.ID == nil || *resp.ID != c.id {
			continue // a notification
		}
		if resp.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, resp.Error)
		}
		return resp.Result, nil
	}
}

func (c *conn) notify(method string) {
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method})
	c.w.Write(append(msg, '\n'))
}

func spawn(bin string, args []string, calls int) (initT, listT time.Duration, err error) {
	cmd := exec.Command(bin, args...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	c := &conn{w: stdin, r: bufio.NewReaderSize(stdout, 1<<20)}
	if _, err := c.call("initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "bench-startup", "version": "1"}}); err != nil {
		return 0, 0, err
	}
	initT = time.Since(t0)
	c.notify("notifications/initialized")
	res, err := c.call("tools/list", map[string]any{})
	if err != nil {
		return 0, 0, err
	}
	listT = time.Since(t0)
	if calls > 0 {
		var list struct{ Tools []json.RawMessage }
		json.Unmarshal(res, &list)
		rss0 := rss(cmd.Process.Pid)
		var lat []time.Duration
		for i := 0; i < calls; i++ {
			t := time.Now()
			if _, err := c.call("tools/call", map[string]any{"name": "media_providers", "arguments": map[string]any{}}); err != nil {
				return 0, 0, err
			}
			lat = append(lat, time.Since(t))
		}
		fmt.Printf("%d tools listed; %d media_providers calls: %s; server RSS %d → %d KiB\n",
			len(list.Tools), calls, summary(lat), rss0, rss(cmd.Process.Pid))
	}
	return initT, listT, nil
}

// rss is the process's resident set in KiB (0 when /proc is absent).
func rss(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			var kb int
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:")), "%d", &kb)
			return kb
		}
	}
	return 0
}
