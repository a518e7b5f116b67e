package mcpserver

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/metrics"
	"github.com/mcp-media/mcp-media/internal/reqid"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// callObserver counts and times tool calls through mcp-go's hooks (start at
// BeforeCallTool, end at AfterCallTool or OnError, matched by session and
// JSON-RPC id), logs one line per call, and counts provider errors through
// a tool-handler middleware that sees the error behind an error result.
type callObserver struct {
	m   *metrics.Metrics
	log *slog.Logger
	// provider of every registered tool: a name not in it is "unknown" in
	// labels and logs (a client may send any string as a tool name).
	provider map[string]string
	started  sync.Map // callKey → time.Time
}

// unknownTool labels calls of a name the server does not have.
const unknownTool = "unknown"

// instrument registers the tool-call hooks on hooks and returns the
// middleware option for the server; it also points the inbox gauge at
// the inbox. opts.Metrics and opts.Env.Log may be nil.
func instrument(hooks *server.Hooks, opts Options, tools map[string]toolkit.Tool) server.ServerOption {
	o := &callObserver{m: opts.Metrics, log: opts.Env.Log, provider: map[string]string{}}
	for name, t := range tools {
		o.provider[name] = t.Provider
	}
	if opts.Env.Inbox != nil {
		opts.Metrics.InboxEventsFrom(opts.Env.Inbox.Len)
		log := opts.Env.Log
		opts.Env.Inbox.SetQueryObserver(func(kind, outcome string) {
			opts.Metrics.LateQuery(kind, outcome)
			if outcome == inbox.QueryResult && log != nil {
				log.Info("a late callback's result was read from the provider instead", "kind", kind)
			}
		})
	}
	if rt, ok := opts.Env.State.(interface{ RoundTrips() int64 }); ok {
		opts.Metrics.StateRoundTripsFrom(rt.RoundTrips)
	}
	hooks.AddBeforeCallTool(o.before)
	hooks.AddAfterCallTool(o.after)
	hooks.AddOnError(o.onError)
	return server.WithToolHandlerMiddleware(o.middleware)
}

func callKey(ctx context.Context, id any) string {
	sess := ""
	if s := server.ClientSessionFromContext(ctx); s != nil {
		sess = s.SessionID()
	}
	return sess + "\x00" + fmt.Sprint(id)
}

func (o *callObserver) toolName(req *mcp.CallToolRequest) string {
	if req == nil {
		return unknownTool
	}
	if _, ok := o.provider[req.Params.Name]; ok {
		return req.Params.Name
	}
	return unknownTool
}

func (o *callObserver) before(ctx context.Context, id any, _ *mcp.CallToolRequest) {
	o.started.Store(callKey(ctx, id), time.Now())
}

func (o *callObserver) after(ctx context.Context, id any, req *mcp.CallToolRequest, result any) {
	outcome := metrics.OutcomeOK
	if r, ok := result.(*mcp.CallToolResult); ok && r != nil && r.IsError {
		outcome = metrics.OutcomeToolError
	}
	o.done(ctx, id, o.toolName(req), outcome)
}

func (o *callObserver) onError(ctx context.Context, id any, method mcp.MCPMethod, message any, _ error) {
	if method != mcp.MethodToolsCall {
		return
	}
	req, _ := message.(*mcp.CallToolRequest)
	o.done(ctx, id, o.toolName(req), metrics.OutcomeError)
}

func (o *callObserver) done(ctx context.Context, id any, tool, outcome string) {
	var d time.Duration
	if v, ok := o.started.LoadAndDelete(callKey(ctx, id)); ok {
		d = time.Since(v.(time.Time))
	}
	o.m.ToolCall(tool, outcome, d)
	if o.log == nil {
		return
	}
	attrs := []any{"tool", tool, "outcome", outcome, "duration_ms", d.Milliseconds()}
	if rid := reqid.From(ctx); rid != "" {
		attrs = append(attrs, "request_id", rid)
	}
	o.log.InfoContext(ctx, "tool call", attrs...)
}

// middleware counts the provider error behind each error result.
func (o *callObserver) middleware(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	if o.m == nil {
		return next
	}
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		tool := req.Params.Name
		ctx = toolkit.WithErrorObserver(ctx, func(err error) {
			o.m.ProviderError(errorClass(err, o.provider[tool]))
		})
		return next(ctx, req)
	}
}
