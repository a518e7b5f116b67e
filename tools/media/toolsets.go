package media

import (
	"context"
	"errors"

	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// ToolsetsTool is the name of the tool that lists and switches toolsets.
const ToolsetsTool = "media_toolsets"

// ToolsetsInput turns toolsets on or off; empty lists them.
type ToolsetsInput struct {
	Enable  []string `json:"enable,omitempty" jsonschema:"maxItems=100" jsonschema_description:"Toolsets to turn on; [\"all\"] for every tool"`
	Disable []string `json:"disable,omitempty" jsonschema:"maxItems=100" jsonschema_description:"Toolsets to turn off"`
}

// ToolsetView is one toolset as this session sees it.
type ToolsetView struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Provider    string   `json:"provider,omitempty"`
	Configured  bool     `json:"provider_configured"`
	Enabled     bool     `json:"enabled"`
	ToolCount   int      `json:"tool_count"`
	Tools       []string `json:"tools"`
}

// ToolsetsOutput is every toolset and what this call changed.
type ToolsetsOutput struct {
	Toolsets []ToolsetView `json:"toolsets"`
	Enabled  []string      `json:"enabled,omitempty"`
	Disabled []string      `json:"disabled,omitempty"`
	Exposed  int           `json:"tools_exposed"`
}

func toolsetsTool() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name: ToolsetsTool, Title: "Toolsets",
		Description: "List toolsets (purpose, tool count, on or off, provider needed) and turn them on or off for this session; the tool list then changes. No arguments: just list.",
		// Read-only: it changes what this session lists, nothing on a
		// provider or on disk; so --read-only keeps it (for read-only tools).
		Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
	}, func(ctx context.Context, c *toolkit.Call, in ToolsetsInput) (ToolsetsOutput, string, error) {
		control := toolkit.ToolsetControlFrom(ctx)
		if control == nil {
			return ToolsetsOutput{}, "", errors.New("this process has a fixed tool list; choose toolsets with --toolsets")
		}
		var out ToolsetsOutput
		if len(in.Enable) > 0 || len(in.Disable) > 0 {
			var err error
			if out.Enabled, out.Disabled, err = control.SetToolsets(ctx, in.Enable, in.Disable); err != nil {
				return ToolsetsOutput{}, "", err
			}
		}
		d := templates.Toolsets{Enabled: out.Enabled, Disabled: out.Disabled}
		exposed := map[string]bool{}
		for _, s := range control.Toolsets(ctx) {
			out.Toolsets = append(out.Toolsets, ToolsetView{Name: s.Name, Description: s.Description, Provider: s.Provider,
				Configured: s.Configured, Enabled: s.Enabled, ToolCount: len(s.Tools), Tools: s.Tools})
			d.Rows = append(d.Rows, templates.ToolsetRow{Name: s.Name, Description: s.Description, Provider: s.Provider,
				Configured: s.Configured, Tools: len(s.Tools), On: s.Enabled})
			for _, t := range s.Tools {
				exposed[t] = exposed[t] || s.Enabled
			}
		}
		for _, on := range exposed {
			if on {
				out.Exposed++
			}
		}
		d.Exposed = out.Exposed
		text, err := templates.MediaToolsets.Render(d)
		return out, text, err
	})
}
