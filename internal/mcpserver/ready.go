package mcpserver

import (
	"context"
	"errors"
	"strings"

	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Readiness reasons (/readyz bodies): short, and never a secret or a URL.
var (
	errStateDown    = errors.New("state store unreachable")
	errNoProvider   = errors.New("no provider configured: run mcp-media auth set <" + strings.Join(providers.IDs(), "|") + ">, or set the provider's environment variables")
	errReadyTimeout = errors.New("readiness check timed out")
)

// Readiness is the /readyz check of a server on env: the state store
// answers Ping within the check's deadline, and the sandbox is on or at
// least one provider has keys (as media_providers counts them).
func Readiness(env *toolkit.Env) func(context.Context) error {
	return func(ctx context.Context) error {
		if env.State != nil {
			if err := env.State.Ping(ctx); err != nil {
				if env.Log != nil {
					env.Log.Debug("state store ping failed", "error", err.Error())
				}
				return errStateDown
			}
		}
		if ctx.Err() != nil {
			return errReadyTimeout
		}
		if env.Sandbox {
			return nil
		}
		if env.Creds != nil {
			for _, p := range providers.All {
				if _, err := env.Creds.Load(p.ID); err == nil {
					return nil
				}
			}
		}
		return errNoProvider
	}
}
