package mcpserver

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/oauth"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/media"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// exposure decides which of the registered tools each MCP session sees.
// Every tool of every toolset is registered once (--read-only applied);
// a tool filter shows a session the tools of its enabled toolsets, and
// refuses calls to the others as unknown tools. A session starts with the
// base toolsets (--toolsets, or the defaults of the configured providers)
// and changes them with media_toolsets; a tool held by two toolsets is
// shown while either is on. An OAuth caller without the write scope sees
// only read-only tools (and media_toolsets), whatever is on.
type exposure struct {
	s       *server.MCPServer
	inv     toolkit.Inventory
	opts    Options
	homes   map[string][]string // tool name → the toolsets that hold it
	toolsOf map[string][]string // toolset → its tools (--read-only applied), sorted
	readsOf map[string][]string // toolset → its read-only tools, sorted

	mu       sync.Mutex
	base     map[string]bool            // toolsets on for a session that changed nothing
	sessions map[string]map[string]bool // session id → toolset → on or off
}

// alwaysOn holds media_toolsets: a session cannot switch itself off.
const alwaysOn = "media"

func newExposure(s *server.MCPServer, inv toolkit.Inventory, opts Options) (*exposure, error) {
	e := &exposure{s: s, inv: inv, opts: opts, homes: map[string][]string{}, toolsOf: map[string][]string{},
		readsOf: map[string][]string{}, sessions: map[string]map[string]bool{}}
	for _, ts := range inv.Toolsets {
		for _, t := range toolkit.Flatten([]toolkit.Toolset{ts}, opts.ReadOnly) {
			e.homes[t.Name] = append(e.homes[t.Name], ts.Name)
			e.toolsOf[ts.Name] = append(e.toolsOf[ts.Name], t.Name)
		}
		for _, t := range toolkit.Flatten([]toolkit.Toolset{ts}, true) {
			e.readsOf[ts.Name] = append(e.readsOf[ts.Name], t.Name)
		}
	}
	base, err := e.resolveBase()
	if err != nil {
		return nil, err
	}
	e.base = base
	return e, nil
}

// resolveBase is the set of toolsets a new session starts with.
func (e *exposure) resolveBase() (map[string]bool, error) {
	sets, err := e.inv.Resolve(toolkit.Selection{Names: e.opts.Toolsets, Configured: configuredFunc(e.opts.Env)})
	if err != nil {
		return nil, fmt.Errorf("--toolsets: %w", err)
	}
	on := map[string]bool{}
	for _, ts := range sets {
		on[ts.Name] = true
	}
	return on, nil
}

// configuredFunc reports whether a provider has credentials, looking each
// provider up once.
func configuredFunc(env *toolkit.Env) func(string) bool {
	configured := map[string]bool{}
	return func(provider string) bool {
		ok, seen := configured[provider]
		if !seen {
			_, err := env.Creds.Load(provider)
			ok = err == nil
			configured[provider] = ok
		}
		return ok
	}
}

func sessionID(ctx context.Context) string {
	if s := server.ClientSessionFromContext(ctx); s != nil {
		return s.SessionID()
	}
	return ""
}

// sessionToolsets is a session that keeps its own toolset changes (the
// transport's sessions do, in their record, so that every replica serving
// the session sees them).
type sessionToolsets interface {
	ToolsetChanges() map[string]bool
	SetToolsetChanges(map[string]bool)
}

func toolsetSession(ctx context.Context) sessionToolsets {
	ts, _ := server.ClientSessionFromContext(ctx).(sessionToolsets)
	return ts
}

// changes are a session's toolset changes (e.mu held).
func (e *exposure) changesLocked(ctx context.Context) map[string]bool {
	if ts := toolsetSession(ctx); ts != nil {
		return ts.ToolsetChanges()
	}
	return e.sessions[sessionID(ctx)]
}

// enabled is the toolset state of the calling session.
func (e *exposure) enabled(ctx context.Context) map[string]bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.overlay(e.changesLocked(ctx))
}

// overlay is the base toolsets with a session's changes (e.mu held).
func (e *exposure) overlay(changes map[string]bool) map[string]bool {
	on := make(map[string]bool, len(e.base))
	for n, v := range e.base {
		on[n] = v
	}
	for n, v := range changes {
		on[n] = v
	}
	return on
}

// visible reports which tools a toolset state shows.
func (e *exposure) visible(on map[string]bool, tool string) bool {
	for _, ts := range e.homes[tool] {
		if on[ts] {
			return true
		}
	}
	return false
}

// filter is the server's tool filter (tools/list and tools/call).
func (e *exposure) filter(ctx context.Context, tools []mcp.Tool) []mcp.Tool {
	on := e.enabled(ctx)
	readOnly := readOnlyCaller(ctx)
	out := tools[:0:0]
	for _, t := range tools {
		if e.visible(on, t.Name) && (!readOnly || readOnlyTool(t)) {
			out = append(out, t)
		}
	}
	return out
}

// readOnlyCaller reports an OAuth caller whose token lacks the write scope.
func readOnlyCaller(ctx context.Context) bool {
	c, ok := oauth.CallerFrom(ctx)
	return ok && !c.CanWrite
}

// readOnlyTool reports a tool a read-only caller may use: one annotated
// read-only, and media_toolsets (it changes only the session's own list).
func readOnlyTool(t mcp.Tool) bool {
	return t.Name == media.ToolsetsTool || (t.Annotations.ReadOnlyHint != nil && *t.Annotations.ReadOnlyHint)
}

// Toolsets implements toolkit.ToolsetControl.
func (e *exposure) Toolsets(ctx context.Context) []toolkit.ToolsetState {
	on := e.enabled(ctx)
	configured := configuredFunc(e.opts.Env)
	// A read-only caller is shown the tools it can call.
	toolsOf := e.toolsOf
	if readOnlyCaller(ctx) {
		toolsOf = e.readsOf
	}
	out := make([]toolkit.ToolsetState, 0, len(e.inv.Toolsets))
	for _, ts := range e.inv.Toolsets {
		out = append(out, toolkit.ToolsetState{Name: ts.Name, Description: ts.Description, Provider: ts.Provider,
			Configured: ts.Provider == "" || configured(ts.Provider), Enabled: on[ts.Name],
			Tools: append([]string{}, toolsOf[ts.Name]...)})
	}
	return out
}

// SetToolsets implements toolkit.ToolsetControl. When the session's tool
// list changes, the client gets notifications/tools/list_changed on the
// request's own stream, before the result.
func (e *exposure) SetToolsets(ctx context.Context, enable, disable []string) (enabled, disabled []string, err error) {
	en, err := e.expand("enable", enable)
	if err != nil {
		return nil, nil, err
	}
	dis, err := e.expand("disable", disable)
	if err != nil {
		return nil, nil, err
	}
	for _, n := range disable {
		if strings.TrimSpace(n) == alwaysOn {
			return nil, nil, &argerr.Error{Arg: "disable", Problem: "toolset media holds media_toolsets itself", Fix: "it stays on; disable other toolsets"}
		}
	}
	for _, n := range dis {
		for _, m := range en {
			if m == n && n != alwaysOn {
				return nil, nil, &argerr.Error{Arg: "disable", Problem: fmt.Sprintf("toolset %s is also in enable", n), Fix: "name it in one list only"}
			}
		}
	}
	e.mu.Lock()
	changes := map[string]bool{}
	for n, v := range e.changesLocked(ctx) {
		changes[n] = v
	}
	before := e.overlay(changes)
	for _, n := range en {
		if !before[n] {
			enabled = append(enabled, n)
		}
		changes[n] = true
	}
	for _, n := range dis {
		if n == alwaysOn {
			continue // "all" spares the toolset that can switch the others back
		}
		if before[n] {
			disabled = append(disabled, n)
		}
		changes[n] = false
	}
	after := e.overlay(changes)
	if ts := toolsetSession(ctx); ts != nil {
		e.mu.Unlock()
		ts.SetToolsetChanges(changes) // saved with the session's record
	} else {
		e.sessions[sessionID(ctx)] = changes
		e.mu.Unlock()
	}
	changed := false
	for tool := range e.homes {
		if e.visible(before, tool) != e.visible(after, tool) {
			changed = true
			break
		}
	}
	if changed {
		_ = e.s.SendNotificationToClient(ctx, mcp.MethodNotificationToolsListChanged, nil)
	}
	return enabled, disabled, nil
}

// expand checks toolset names and expands "all".
func (e *exposure) expand(arg string, names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "all" {
			return e.inv.Names(), nil
		}
		if !e.known(n) {
			return nil, &argerr.Error{Arg: arg, Problem: fmt.Sprintf("no toolset %q", n),
				Fix: "use a name media_toolsets lists: " + strings.Join(e.inv.Names(), ", ") + ", or all"}
		}
		out = append(out, n)
	}
	return out, nil
}

func (e *exposure) known(name string) bool {
	for _, ts := range e.inv.Toolsets {
		if ts.Name == name {
			return true
		}
	}
	return false
}

// forget drops a closed session's changes.
func (e *exposure) forget(sid string) {
	e.mu.Lock()
	delete(e.sessions, sid)
	e.mu.Unlock()
}

// refreshBase re-resolves the base toolsets (a provider was configured
// while the server ran). If the base grew, every session is told its tool
// list changed and a log line names the new tools.
func (e *exposure) refreshBase() {
	base, err := e.resolveBase()
	if err != nil {
		return
	}
	e.mu.Lock()
	old := e.base
	e.base = base
	e.mu.Unlock()
	var names []string
	for tool := range e.homes {
		if !e.visible(old, tool) && e.visible(base, tool) {
			names = append(names, tool)
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	e.s.SendNotificationToAllClients(mcp.MethodNotificationToolsListChanged, nil)
	msg := templates.MediaToolsAddedLog.Line(templates.ToolsAdded{Tools: names})
	e.s.SendNotificationToAllClients("notifications/message", map[string]any{"level": "info", "logger": "mcp-media/tools", "data": msg})
}

// baseTools are the tools a new session lists.
func (e *exposure) baseTools() []toolkit.Tool {
	e.mu.Lock()
	on := e.overlay(nil)
	e.mu.Unlock()
	var sets []toolkit.Toolset
	for _, ts := range e.inv.Toolsets {
		if on[ts.Name] {
			sets = append(sets, ts)
		}
	}
	return toolkit.Flatten(sets, e.opts.ReadOnly)
}
