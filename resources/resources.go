// Package resources exposes read-only MCP resources: provider status and
// the response templates agents are expected to relay.
package resources

import (
	"context"
	"encoding/json"
	"time"

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
			// Summaries only, each cut short: a payload is fetched one at
			// a time with media_events seq.
			type row struct {
				Seq        int64     `json:"seq"`
				Provider   string    `json:"provider"`
				Kind       string    `json:"kind"`
				TaskID     string    `json:"task_id,omitempty"`
				ReceivedAt time.Time `json:"received_at"`
				Summary    string    `json:"summary,omitempty"`
				Bytes      int       `json:"payload_bytes"`
			}
			rows := make([]row, 0, len(evs))
			for _, e := range evs {
				rows = append(rows, row{e.Seq, e.Provider, e.Kind, inbox.Clip(e.TaskID, 256), e.ReceivedAt, inbox.Clip(e.Summary, 200), len(e.Payload)})
			}
			b, err := json.MarshalIndent(map[string]any{"callbacks_enabled": env.Inbox.Enabled(), "notice": inbox.DataNotice + " Read one payload with media_events seq.", "events": rows}, "", "  ")
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
