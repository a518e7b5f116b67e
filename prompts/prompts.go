// Package prompts offers the MCP prompts: ready-made task descriptions an
// agent (or its user) can pick, each pointing at the tools that do the work.
package prompts

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// argSpec is one prompt argument.
type argSpec struct {
	name, description string
	required          bool
}

// spec declares one prompt: what prompts/list shows, and text, which builds
// the single user message (or says which argument is missing).
type spec struct {
	name, title, description string
	args                     []argSpec
	text                     func(mcp.GetPromptRequest) (string, error)
}

func (p spec) prompt() mcp.Prompt {
	opts := []mcp.PromptOption{mcp.WithPromptDescription(p.description)}
	for _, a := range p.args {
		aopts := []mcp.ArgumentOption{mcp.ArgumentDescription(a.description)}
		if a.required {
			aopts = []mcp.ArgumentOption{mcp.RequiredArgument(), mcp.ArgumentDescription(a.description)}
		}
		opts = append(opts, mcp.WithArgument(a.name, aopts...))
	}
	return mcp.NewPrompt(p.name, opts...)
}

func (p spec) handle(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	text, err := p.text(req)
	if err != nil {
		return nil, err
	}
	return user(p.title, text), nil
}

// others are the short prompts, registered after the whole-task ones.
var others = []spec{
	{
		name: "upload_video", title: "Upload a video",
		description: "Upload a local video to AIOZ Stream and share its links",
		args: []argSpec{
			{"file_path", "Absolute path of the video", true},
			{"title", "Title (default: file name)", false},
		},
		text: textUploadVideo,
	},
	{
		name: "analytics_report", title: "Analytics report",
		description: "Weekly AIOZ Stream analytics report",
		args: []argSpec{
			{"range", "Time range, e.g. 'last 7 days' (default)", false},
		},
		text: textAnalyticsReport,
	},
	generateSubtitles,
}

// Register adds the prompts to s.
func Register(s *server.MCPServer) {
	for _, list := range [][]spec{tasks, others} {
		for _, p := range list {
			s.AddPrompt(p.prompt(), p.handle)
		}
	}
}

func textUploadVideo(req mcp.GetPromptRequest) (string, error) {
	path := req.Params.Arguments["file_path"]
	if path == "" {
		return "", fmt.Errorf("argument file_path is required")
	}
	title := req.Params.Arguments["title"]
	text := fmt.Sprintf("Upload %q to AIOZ Stream with aioz_upload_media", path)
	if title != "" {
		text += fmt.Sprintf(" titled %q", title)
	}
	text += ". Show me each progress card and the Upload Complete card as they are, then call aioz_wait_for_media and give me the HLS and MP4 links."
	return text, nil
}

func textAnalyticsReport(req mcp.GetPromptRequest) (string, error) {
	r := req.Params.Arguments["range"]
	if r == "" {
		r = "last 7 days"
	}
	return fmt.Sprintf("Run aioz_analytics_report for video with from=%q and summarise watch time, views and the top countries and devices.", r), nil
}
