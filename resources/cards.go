package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Card resource templates: the objects an agent refers back to, each read
// as its card (markdown) and its structured JSON, through the same tool an
// agent would call.
const (
	AIOZMediaTemplate  = "mcp-media://aioz/media/{media_id}"
	PiliStreamTemplate = "mcp-media://qiniu/streams/{hub}/{stream}"
	VODVideoTemplate   = "mcp-media://vod/videos/{video_id}"
)

type card struct {
	uri, name, desc, tool string
}

var cards = []card{
	{AIOZMediaTemplate, "AIOZ Stream media", "A media's card: status, renditions and streaming links (aioz_get_media)", "aioz_get_media"},
	{PiliStreamTemplate, "Qiniu Pili stream", "A live stream's card: live or offline, ban, transcode profiles, push auth (qiniu_get_stream)", "qiniu_get_stream"},
	{VODVideoTemplate, "VOD video", "A VOD video's card: status, renditions and share state (vod_get_video)", "vod_get_video"},
}

// RegisterCards adds a resource template per card whose tool this build
// has; tools maps tool names to tools (read-only ones are enough).
func RegisterCards(s *server.MCPServer, env *toolkit.Env, tools map[string]toolkit.Tool) {
	for _, c := range cards {
		t, ok := tools[c.tool]
		if !ok {
			continue
		}
		s.AddResourceTemplate(mcp.NewResourceTemplate(c.uri, c.name,
			mcp.WithTemplateDescription(c.desc+"; the URI's variables complete (completion/complete)"),
			mcp.WithTemplateMIMEType("application/json"),
		), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			args := map[string]any{}
			for k, v := range req.Params.Arguments {
				s := templateVar(v)
				if u, err := url.PathUnescape(s); err == nil {
					s = u
				}
				args[k] = s
			}
			raw, _ := json.Marshal(args)
			res := t.Run(ctx, env.NewCall(ctx, nil), raw)
			if res.IsError {
				return nil, fmt.Errorf("%s: %s", c.tool, toolkit.ResultText(res))
			}
			b, err := json.MarshalIndent(res.StructuredContent, "", "  ")
			if err != nil {
				return nil, err
			}
			return []mcp.ResourceContents{
				mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "application/json", Text: env.Redact.String(string(b))},
				mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "text/markdown", Text: toolkit.ResultText(res)},
			}, nil
		})
	}
}

// templateVar is a URI template variable as mcp-go passes it.
func templateVar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []string:
		if len(x) > 0 {
			return x[0]
		}
	case []any:
		if len(x) > 0 {
			return fmt.Sprint(x[0])
		}
	}
	return fmt.Sprint(v)
}

// ToolSchemaTemplate serves a tool's full definition: tools/list publishes
// compact output schemas (no descriptions, no required lists); this is the
// schema results are checked against, with every field described.
const ToolSchemaTemplate = "mcp-media://tools/{tool}/schema"

// RegisterSchemas adds the tool schema template.
func RegisterSchemas(s *server.MCPServer, tools map[string]toolkit.Tool) {
	s.AddResourceTemplate(mcp.NewResourceTemplate(ToolSchemaTemplate, "Tool schema",
		mcp.WithTemplateDescription("A tool's full input and output schema, every result field described; {tool} completes"),
		mcp.WithTemplateMIMEType("application/json"),
	), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		name := templateVar(req.Params.Arguments["tool"])
		t, ok := tools[name]
		if !ok {
			return nil, fmt.Errorf("no tool %q", name)
		}
		b, err := json.MarshalIndent(map[string]any{
			"name": t.Name, "title": t.Title, "description": t.Description, "toolset": t.Toolset,
			"inputSchema": t.InputSchema, "outputSchema": t.OutputSchema,
		}, "", "  ")
		if err != nil {
			return nil, err
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "application/json", Text: string(b)}}, nil
	})
}
