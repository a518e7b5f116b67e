package prompts

import (
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func TestGenerateSubtitlesPrompt(t *testing.T) {
	s := server.NewMCPServer("test", "0", server.WithPromptCapabilities(false))
	Register(s)
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	req := mcp.GetPromptRequest{}
	req.Params.Name = "generate_subtitles"
	req.Params.Arguments = map[string]string{"media_id": "Keynote", "language": "vi"}
	res, err := c.GetPrompt(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	text := res.Messages[0].Content.(mcp.TextContent).Text
	for _, want := range []string{"aioz_list_media", "aioz_wait_for_media", "mcp-media auth set qiniu", `aioz_generate_subtitles with the media id and language "vi"`, "Do not delete it without my yes", "aioz_set_default_subtitle", "media_toolsets"} {
		if !strings.Contains(text, want) {
			t.Errorf("prompt lacks %q:\n%s", want, text)
		}
	}
	req.Params.Arguments = map[string]string{}
	if _, err := c.GetPrompt(ctx, req); err == nil {
		t.Error("no media: want an error")
	}
}
