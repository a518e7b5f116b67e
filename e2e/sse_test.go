package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestCallsCoverCatalogue fails when a tool the server lists has no valid or
// no invalid call in testdata/calls.json, so coverage cannot silently drop
// when tools are added.
func TestCallsCoverCatalogue(t *testing.T) {
	cf := loadCalls(t)
	probs, unknown := coverageProblems(catalogue(t), cf.Calls)
	for _, p := range probs {
		t.Error(p)
	}
	for _, u := range unknown {
		t.Errorf("calls.json has calls of %s, which the server does not list: remove or rename them", u)
	}
}

// startServer starts the binary with args and stops it (SIGTERM, then
// SIGKILL) when the test ends.
func startServer(t *testing.T, env []string, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = env
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return cmd, stderr
}

// waitHTTP polls http://addr/healthz until the server answers.
func waitHTTP(t *testing.T, addr string, stderr *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server on %s did not come up; stderr:\n%s", addr, stderr.String())
}

// TestGoSDKOverSSE drives `serve --sandbox --transport sse` with the
// official Go SDK client: initialize, tools/list (same tools as `mcp-media
// tools --json`), then every call of calls.json with its expectations, each
// structuredContent validated against the tool's outputSchema.
func TestGoSDKOverSSE(t *testing.T) {
	cf := loadCalls(t)
	want := catalogue(t)
	addr := freeAddr(t)
	_, stderr := startServer(t, cleanEnv(), "serve", "--sandbox", "--toolsets", "all", "--transport", "sse", "--addr", addr,
		"--files-root", os.TempDir()) // the fixtures live in temp dirs
	waitHTTP(t, addr, stderr)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n := &notes{}
	cs := connect(t, ctx, &mcp.SSEClientTransport{Endpoint: "http://" + addr + "/sse"}, n)

	init := cs.InitializeResult()
	if init.ServerInfo == nil || init.ServerInfo.Name != "mcp-media" {
		t.Errorf("serverInfo = %+v, want name mcp-media", init.ServerInfo)
	}
	if !strings.Contains(init.Instructions, "SANDBOX") {
		t.Errorf("instructions do not say the server is in sandbox mode: %q", init.Instructions)
	}

	list, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var got, exp []string
	for _, tl := range list.Tools {
		got = append(got, tl.Name)
		if tl.InputSchema == nil || tl.OutputSchema == nil {
			t.Errorf("%s: missing inputSchema or outputSchema", tl.Name)
		}
		if tl.Annotations == nil || tl.Annotations.DestructiveHint == nil || tl.Annotations.OpenWorldHint == nil {
			t.Errorf("%s: annotations not all set: %+v", tl.Name, tl.Annotations)
		}
	}
	for _, tl := range want {
		exp = append(exp, tl.Name)
	}
	slices.Sort(got)
	slices.Sort(exp)
	if !slices.Equal(got, exp) {
		t.Errorf("tools/list over SSE = %v\nmcp-media tools --json = %v", got, exp)
	}

	vars := makeFixtures(t, t.TempDir(), cf.Files)
	outs := replay(ctx, cs, cf, vars, replayOptions{Schemas: outputSchemas(t, list.Tools), Only: listedOnly(want)})
	report(t, outs)

	// The upload asked for progress: one notification per chunk (the
	// fixture video is one chunk).
	for _, o := range outs {
		if o.Spec.Tool == "aioz_upload_media" && o.Spec.Error == "" && !o.IsError {
			if ps := n.progressFor("call-" + itoa(o.Index)); len(ps) != 1 {
				t.Errorf("%s: %d progress notifications, want 1 (one per chunk)", o.label(), len(ps))
			} else if !strings.Contains(ps[0].Message, "(1 of 1 chunks)") {
				t.Errorf("progress message does not show (1 of 1 chunks): %q", ps[0].Message)
			}
		}
	}
	// The server is still serving after all the bad arguments.
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "media_providers", Arguments: map[string]any{}}); err != nil {
		t.Errorf("server stopped answering after the invalid calls: %v", err)
	}
}
