// Package media holds the provider-independent tools: which providers are
// configured and how to configure the others, and the callback inbox.
package media

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// ProvidersInput takes no arguments.
type ProvidersInput struct{}

// ProvidersOutput lists every provider's status; never a key.
type ProvidersOutput struct {
	Providers []credentials.Status `json:"providers"`
	Sandbox   bool                 `json:"sandbox" jsonschema_description:"True when the providers are the built-in fakes"`
}

// Toolset returns the media toolset.
func Toolset(env *toolkit.Env) toolkit.Toolset {
	return toolkit.Toolset{
		Name:        "media",
		Description: "Provider status and configuration help",
		Default:     true,
		Tools: []toolkit.Tool{
			toolkit.New(toolkit.Spec{
				Name:        "media_providers",
				Title:       "Media providers",
				Description: "Which media clouds are configured (keyring, environment or sandbox) and the command that configures the others. Never shows a key.",
				Toolset:     "media",
				Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
			}, func(ctx context.Context, c *toolkit.Call, _ ProvidersInput) (ProvidersOutput, string, error) {
				st := env.Creds.StatusAll()
				var b strings.Builder
				if env.Sandbox {
					b.WriteString("Sandbox mode: every provider is a built-in fake; nothing reaches a real account.\n\n")
				}
				b.WriteString("| Provider | Configured | Source |\n|---|---|---|\n")
				for _, s := range st {
					conf, src := "no", "—"
					if s.Configured {
						conf, src = "yes", string(s.Source)
					}
					fmt.Fprintf(&b, "| %s (`%s`) | %s | %s |\n", s.Name, s.Provider, conf, src)
				}
				for _, s := range st {
					if !s.Configured {
						fmt.Fprintf(&b, "\n- %s", s.Note)
					}
				}
				return ProvidersOutput{Providers: st, Sandbox: env.Sandbox}, b.String(), nil
			}),
			eventsTool(env),
		},
	}
}
