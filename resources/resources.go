// Package resources exposes read-only MCP resources: provider status and
// the response templates agents are expected to relay.
package resources

import (
	"context"
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Resource URIs.
const (
	ProvidersURI = "mcp-media://providers"
	EventsURI    = "mcp-media://events"
)

// Register adds the resources to s.
func Register(s *server.MCPServer, env *toolkit.Env) {
	s.AddResource(mcp.NewResource(ProvidersURI, "Provider status",
		mcp.WithResourceDescription("Which providers are configured and where their keys come from (never a key)"),
		mcp.WithMIMEType("application/json"),
	), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		b, err := json.MarshalIndent(map[string]any{"sandbox": env.Sandbox, "providers": env.Creds.StatusAll()}, "", "  ")
		if err != nil {
			return nil, err
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{URI: ProvidersURI, MIMEType: "application/json", Text: env.Redact.String(string(b))}}, nil
	})
	if env.Inbox != nil {
		s.AddResource(mcp.NewResource(EventsURI, "Callback inbox",
			mcp.WithResourceDescription("The latest results providers delivered by callback; updated notifications are sent when one arrives"),
			mcp.WithMIMEType("application/json"),
		), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			evs, _ := env.Inbox.List(inbox.Filter{Limit: 100, AfterSeq: latestFloor(env.Inbox)})
			b, err := json.MarshalIndent(map[string]any{"callbacks_enabled": env.Inbox.Enabled(), "events": evs}, "", "  ")
			if err != nil {
				return nil, err
			}
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: EventsURI, MIMEType: "application/json", Text: env.Redact.String(string(b))}}, nil
		})
	}
	for _, name := range templates.Names() {
		uri := "mcp-media://templates/" + name
		s.AddResource(mcp.NewResource(uri, "Template "+name,
			mcp.WithResourceDescription("Go text/template source of a response card"),
			mcp.WithMIMEType("text/markdown"),
		), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			src, err := templates.Source(name)
			if err != nil {
				return nil, err
			}
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: "text/markdown", Text: src}}, nil
		})
	}
}

// latestFloor is the seq below the newest 100 events.
func latestFloor(b *inbox.Inbox) int64 {
	all, _ := b.List(inbox.Filter{Limit: 1 << 30})
	if len(all) <= 100 {
		return 0
	}
	return all[len(all)-101].Seq
}
