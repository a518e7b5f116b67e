package mcpserver

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

// BenchmarkToolCall measures the server's own per-call overhead: an
// in-process client calling media_providers (no provider I/O), through
// argument validation, the handler, redaction and result encoding.
//
//	go test -bench ToolCall -benchmem ./internal/mcpserver/
func BenchmarkToolCall(b *testing.B) {
	t := &testing.T{}
	env := newEnv(t, filepath.Join(b.TempDir(), "inbox.jsonl"))
	s, _, err := Build(Options{Toolsets: []string{"media"}, Env: env})
	if err != nil {
		b.Fatal(err)
	}
	c := connectB(b, s)
	req := mcp.CallToolRequest{}
	req.Params.Name = "media_providers"
	req.Params.Arguments = map[string]any{}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := c.CallTool(ctx, req)
		if err != nil || res.IsError {
			b.Fatal(err)
		}
	}
}
