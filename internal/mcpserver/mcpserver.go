// Package mcpserver builds the MCP server from the tool inventory and serves
// it over stdio, SSE or streamable HTTP. HTTP listeners bind 127.0.0.1 by
// default, check Origin, and demand a bearer token before binding anything
// else; the token is then required on every request.
package mcpserver

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/prompts"
	"github.com/mcp-media/mcp-media/resources"
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
}

// Build returns the MCP server and the tools it exposes.
func Build(opts Options) (*server.MCPServer, []toolkit.Tool, error) {
	inv := tools.Inventory(opts.Env)
	if opts.Env.Creds != nil {
		opts.Env.Creds.Warm() // every provider's keyring entry in parallel, not one by one
	}
	sel, err := Select(inv, opts)
	if err != nil {
		return nil, nil, err
	}
	instructions := "mcp-media operates media clouds (AIOZ Stream, Qiniu, Alibaba Cloud ICE, VOD). Keys are never passed as arguments: " +
		"when a tool says a provider is not configured, tell the user to run the `mcp-media auth set` command it names. " +
		"Relay the tools' markdown cards as they are."
	if opts.Env.Sandbox {
		instructions += " SANDBOX MODE: every provider is a built-in fake; results are not from a real account."
	}
	hooks := &server.Hooks{}
	s := server.NewMCPServer("mcp-media", Version,
		server.WithToolCapabilities(true),
		server.WithHooks(hooks),
		server.WithResourceCapabilities(true, false),
		server.WithPromptCapabilities(false),
		server.WithLogging(),
		server.WithRecovery(),
		server.WithInstructions(instructions),
	)
	for _, t := range sel {
		s.AddTool(t.MCP(), t.Handler(opts.Env))
	}
	if len(opts.Toolsets) == 0 && !opts.Env.Sandbox {
		// Keys set with `mcp-media auth set` while the server runs: the
		// default toolsets of a newly configured provider join when the agent
		// next checks media_providers (no restart, no polling of the keyring).
		adder := &toolAdder{s: s, inv: inv, opts: opts, known: map[string]bool{}}
		for _, t := range sel {
			adder.known[t.Name] = true
		}
		hooks.AddAfterCallTool(func(ctx context.Context, _ any, req *mcp.CallToolRequest, _ any) {
			if req.Params.Name == media.ProvidersTool {
				adder.addNewlyConfigured()
			}
		})
	}
	resources.Register(s, opts.Env)
	if opts.Env.Inbox != nil {
		// Announce every callback to connected clients: the events resource
		// changed, and a log line says that something arrived — never what
		// it says: callback text is third-party data, read on request with
		// media_events, not pushed into every session.
		opts.Env.Inbox.Subscribe(func(ev inbox.Event) {
			s.SendNotificationToAllClients("notifications/resources/updated", map[string]any{"uri": resources.EventsURI})
			msg := fmt.Sprintf("callback received: %s %s task %s (seq %d); read it with media_events", ev.Provider, ev.Kind, ev.TaskID, ev.Seq)
			s.SendNotificationToAllClients("notifications/message", map[string]any{"level": "info", "logger": "mcp-media/inbox", "data": opts.Env.Redact.String(msg)})
		})
	}
	prompts.Register(s)
	return s, sel, nil
}

// toolAdder adds the default tools of providers configured after start.
type toolAdder struct {
	s     *server.MCPServer
	inv   toolkit.Inventory // built once: tools.Inventory compiles every schema
	opts  Options
	mu    sync.Mutex
	known map[string]bool // tool names already registered
}

// addNewlyConfigured registers the tools the selection now yields that the
// server does not have yet; mcp-go then sends notifications/tools/list_changed
// to every session, and a log line names what arrived.
func (a *toolAdder) addNewlyConfigured() {
	sel, err := Select(a.inv, a.opts)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var add []server.ServerTool
	var names []string
	for _, t := range sel {
		if !a.known[t.Name] {
			a.known[t.Name] = true
			add = append(add, server.ServerTool{Tool: t.MCP(), Handler: t.Handler(a.opts.Env)})
			names = append(names, t.Name)
		}
	}
	if len(add) == 0 {
		return
	}
	a.s.AddTools(add...)
	msg := fmt.Sprintf("%d tools added for newly configured providers: %s", len(names), strings.Join(names, ", "))
	a.s.SendNotificationToAllClients("notifications/message", map[string]any{"level": "info", "logger": "mcp-media/tools", "data": msg})
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
