// Package prompts offers the MCP prompts: ready-made task descriptions an
// agent (or its user) can pick, each pointing at the tools that do the work.
package prompts

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Register adds the prompts to s.
func Register(s *server.MCPServer) {
	registerTasks(s)
	s.AddPrompt(mcp.NewPrompt("upload_video",
		mcp.WithPromptDescription("Upload a local video to AIOZ Stream and share its links"),
		mcp.WithArgument("file_path", mcp.RequiredArgument(), mcp.ArgumentDescription("Absolute path of the video")),
		mcp.WithArgument("title", mcp.ArgumentDescription("Title (default: file name)")),
	), func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		path := req.Params.Arguments["file_path"]
		if path == "" {
			return nil, fmt.Errorf("argument file_path is required")
		}
		title := req.Params.Arguments["title"]
		text := fmt.Sprintf("Upload %q to AIOZ Stream with aioz_upload_media", path)
		if title != "" {
			text += fmt.Sprintf(" titled %q", title)
		}
		text += ". Show me each progress card and the Upload Complete card as they are, then call aioz_wait_for_media and give me the HLS and MP4 links."
		return mcp.NewGetPromptResult("Upload a video", []mcp.PromptMessage{mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text))}), nil
	})
	s.AddPrompt(mcp.NewPrompt("analytics_report",
		mcp.WithPromptDescription("Weekly AIOZ Stream analytics report"),
		mcp.WithArgument("range", mcp.ArgumentDescription("Time range, e.g. 'last 7 days' (default)")),
	), func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		r := req.Params.Arguments["range"]
		if r == "" {
			r = "last 7 days"
		}
		text := fmt.Sprintf("Run aioz_analytics_report for video with from=%q and summarise watch time, views and the top countries and devices.", r)
		return mcp.NewGetPromptResult("Analytics report", []mcp.PromptMessage{mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text))}), nil
	})
	generateSubtitles(s)
}
