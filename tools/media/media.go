// Package media holds the provider-independent tools: which providers are
// configured and how to configure the others, the callback inbox, and the
// toolsets switch (media_toolsets).
package media

import (
	"context"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// ProvidersInput takes no arguments.
type ProvidersInput struct{}

// ProvidersOutput lists every provider's status; never a key.
type ProvidersOutput struct {
	Providers []credentials.Status `json:"providers"`
	Sandbox   bool                 `json:"sandbox" jsonschema_description:"True when the providers are the built-in fakes"`
}

// ProvidersTool is the name of the provider status tool. The server adds a
// newly configured provider's default tools after each call to it.
const ProvidersTool = "media_providers"

// Toolset returns the media toolset.
func Toolset(env *toolkit.Env) toolkit.Toolset {
	return toolkit.NewToolset(toolkit.ToolsetSpec{
		Name:        "media",
		Description: "Provider status and setup, the callback inbox, and switching toolsets",
		Default:     true,
	},
		toolkit.New(toolkit.Spec{
			Name:        ProvidersTool,
			Title:       "Media providers",
			Description: "Which media clouds are configured (keyring, environment or sandbox) and the command that configures the others. Never shows a key.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, func(ctx context.Context, c *toolkit.Call, _ ProvidersInput) (ProvidersOutput, string, error) {
			out := ProvidersOutput{Providers: env.Creds.StatusAll(), Sandbox: env.Sandbox}
			d := templates.Providers{Sandbox: out.Sandbox}
			for _, s := range out.Providers {
				d.Providers = append(d.Providers, templates.ProviderRow{Provider: s.Provider, Name: s.Name, Configured: s.Configured,
					Source: string(s.Source), Note: s.Note})
			}
			text, err := templates.MediaProviders.Render(d)
			return out, text, err
		}),
		eventsTool(env),
		toolsetsTool(),
	)
}
