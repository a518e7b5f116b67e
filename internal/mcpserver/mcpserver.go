// Package mcpserver builds the MCP server from the tool inventory and serves
// it over stdio, SSE or streamable HTTP. HTTP listeners bind 127.0.0.1 by
// default, check Origin, and demand authentication before binding anything
// else: a static bearer token, or OAuth access tokens (internal/oauth), then
// required on every request but health, callbacks and the OAuth metadata.
package mcpserver

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/metrics"
	"github.com/mcp-media/mcp-media/internal/transport"
	"github.com/mcp-media/mcp-media/prompts"
	"github.com/mcp-media/mcp-media/resources"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools"
	"github.com/mcp-media/mcp-media/tools/media"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Version is the server version reported to clients.
var Version = "0.1.0"

// Options choose what the server exposes.
type Options struct {
	Toolsets []string // empty: defaults
	ReadOnly bool
	Env      *toolkit.Env
	// NoKeysPage never offers the local keys page (keyspage.go): for
	// network transports, whose users' browsers are not on this machine.
	NoKeysPage bool
	// Metrics records tool calls and provider errors (nil: none).
	Metrics *metrics.Metrics
}

// Build returns the MCP server and the tools it exposes.
func Build(opts Options) (*server.MCPServer, []toolkit.Tool, error) {
	inv := tools.Inventory(opts.Env)
	if opts.Env.Creds != nil {
		opts.Env.Creds.Warm() // every provider's keyring entry in parallel, not one by one
	}
	instructions := "mcp-media operates media clouds (AIOZ Stream, Qiniu, Alibaba Cloud ICE, VOD). " +
		"Only each provider's core tools are listed at first: call media_toolsets with no arguments to see every toolset " +
		"(captions, analytics, live admin, usage, cloud director, stream moderation, translation and more), then " +
		"media_toolsets {\"enable\":[\"name\"]} to add one for this session; the tool list then changes. " +
		"Keys are never passed as arguments: when a tool says a provider is not configured, tell the user to run the " +
		"`mcp-media auth set` command it names, then call media_providers. Relay the tools' markdown cards as they are."
	if opts.Env.Sandbox {
		instructions += " SANDBOX MODE: every provider is a built-in fake; results are not from a real account."
	}
	hooks := &server.Hooks{}
	var exp *exposure
	byName := map[string]toolkit.Tool{}
	for _, t := range toolkit.Flatten(inv.Toolsets, false) {
		byName[t.Name] = t
	}
	comp := &completer{env: opts.Env, tools: byName}
	s := server.NewMCPServer("mcp-media", Version,
		server.WithToolCapabilities(true),
		server.WithHooks(hooks),
		server.WithResourceCapabilities(true, false),
		server.WithPromptCapabilities(false),
		server.WithCompletions(),
		server.WithPromptCompletionProvider(comp),
		server.WithResourceCompletionProvider(comp),
		server.WithLogging(),
		server.WithRecovery(),
		server.WithInstructions(instructions),
		server.WithToolFilter(func(ctx context.Context, t []mcp.Tool) []mcp.Tool { return exp.filter(ctx, t) }),
		instrument(hooks, opts, byName), // metrics.go
	)
	// Keys typed in the local page (keyspage.go): the newly configured
	// provider's default toolsets join, as after `auth set`.
	opts.Env = withKeysPage(opts, s, func() {
		if exp != nil && len(opts.Toolsets) == 0 {
			exp.refreshBase()
		}
	})
	exp, err := newExposure(s, inv, opts)
	if err != nil {
		return nil, nil, err
	}
	// Every tool is registered; the filter shows each session its toolsets.
	for _, t := range toolkit.Flatten(inv.Toolsets, opts.ReadOnly) {
		h := t.Handler(opts.Env)
		if t.Name == media.ToolsetsTool {
			h = func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				return t.Handler(opts.Env)(toolkit.WithToolsetControl(ctx, exp), req)
			}
		}
		s.AddTool(t.MCP(), h)
	}
	hooks.AddOnUnregisterSession(func(_ context.Context, sess server.ClientSession) { exp.forget(sess.SessionID()) })
	if len(opts.Toolsets) == 0 && !opts.Env.Sandbox {
		// Keys set with `mcp-media auth set` while the server runs: the
		// default toolsets of a newly configured provider join when the agent
		// next checks media_providers (no restart, no polling of the keyring).
		hooks.AddAfterCallTool(func(ctx context.Context, _ any, req *mcp.CallToolRequest, _ any) {
			if req.Params.Name == media.ProvidersTool {
				exp.refreshBase()
			}
		})
	}
	sel := exp.baseTools()
	resources.Register(s, opts.Env)
	resources.RegisterCards(s, opts.Env, byName)
	resources.RegisterSchemas(s, byName)
	if opts.Env.Inbox != nil {
		// Announce every callback to connected clients: the events resource
		// changed, and a log line says that something arrived — never what
		// it says: callback text is third-party data, read on request with
		// media_events, not pushed into every session.
		opts.Env.Inbox.Subscribe(func(ev inbox.Event) {
			if !ev.ArrivedHere() { // the replica that received it announces it, to every replica's sessions
				return
			}
			msg := templates.MediaCallbackLog.Line(templates.CallbackNote{Provider: ev.Provider, Kind: ev.Kind, TaskID: ev.TaskID, Seq: ev.Seq})
			broadcast(s,
				transport.Note{Method: "notifications/resources/updated", Params: map[string]any{"uri": resources.EventsURI}},
				transport.Note{Method: "notifications/message", Params: map[string]any{"level": "info", "logger": "mcp-media/inbox", "data": opts.Env.Redact.String(msg)}})
		})
	}
	prompts.Register(s)
	return s, sel, nil
}

// Select resolves the toolset selection to tools of inv (see
// tools.Inventory). Each provider's credentials are looked up once.
func Select(inv toolkit.Inventory, opts Options) ([]toolkit.Tool, error) {
	configured := map[string]bool{}
	sel, err := inv.Select(toolkit.Selection{
		Names:    opts.Toolsets,
		ReadOnly: opts.ReadOnly,
		Configured: func(provider string) bool {
			ok, seen := configured[provider]
			if !seen {
				_, err := opts.Env.Creds.Load(provider)
				ok = err == nil
				configured[provider] = ok
			}
			return ok
		},
	})
	if err != nil {
		return nil, fmt.Errorf("--toolsets: %w", err)
	}
	return sel, nil
}
