package e2e

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestDynamicToolsetsOverStreamableHTTP runs the built binary with every
// provider configured (the sandbox) and its default toolsets, and drives it
// with the official Go SDK client: the default tools/list is at most 20
// tools and 24 KB; media_toolsets {"enable":["all"]} makes the client hear
// notifications/tools/list_changed on the same connection, and the list
// then equals `mcp-media tools --toolsets all`.
func TestDynamicToolsetsOverStreamableHTTP(t *testing.T) {
	want := catalogue(t)
	addr := freeAddr(t)
	_, stderr := startServer(t, cleanEnv(), "serve", "--sandbox", "--transport", "http", "--addr", addr)
	waitHTTP(t, addr, stderr)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	changed := make(chan struct{}, 8)
	c := mcp.NewClient(&mcp.Implementation{Name: "mcp-media-e2e-toolsets", Version: "1"}, &mcp.ClientOptions{
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) { changed <- struct{}{} },
	})
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: "http://" + addr + "/mcp"}, nil)
	if err != nil {
		t.Fatalf("initialize: %v\n%s", err, stderr.String())
	}
	defer cs.Close()
	list := func() ([]string, int) {
		t.Helper()
		res, err := cs.ListTools(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(res)
		var names []string
		for _, tl := range res.Tools {
			names = append(names, tl.Name)
		}
		return names, len(b)
	}
	def, size := list()
	t.Logf("default tools/list: %d tools, %d bytes", len(def), size)
	if len(def) > 20 || size > 24*1024 || !slices.Contains(def, "media_toolsets") {
		t.Errorf("default tools/list: %d tools, %d bytes: %v", len(def), size, def)
	}
	if cs.InitializeResult().Instructions == "" || !strings.Contains(cs.InitializeResult().Instructions, "media_toolsets") {
		t.Errorf("instructions do not say how to find more tools: %q", cs.InitializeResult().Instructions)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "media_toolsets", Arguments: map[string]any{"enable": []string{"all"}}})
	if err != nil || res.IsError {
		t.Fatalf("media_toolsets: %v %+v", err, res)
	}
	select {
	case <-changed:
	case <-ctx.Done():
		t.Fatal("no notifications/tools/list_changed after media_toolsets enabled everything")
	}
	all, _ := list()
	var wantNames []string
	for _, w := range want {
		wantNames = append(wantNames, w.Name)
	}
	slices.Sort(all)
	slices.Sort(wantNames)
	if !slices.Equal(all, wantNames) {
		t.Errorf("after enable all: %d tools, `tools --toolsets all`: %d", len(all), len(wantNames))
	}
}
