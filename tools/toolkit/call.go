package toolkit

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/chart"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/state"
)

// Env is what every tool handler may use: credentials, the redaction set,
// the environment (endpoint overrides), the HTTP client and a state dir.
type Env struct {
	Creds    *credentials.Store
	Redact   *redact.Set
	Getenv   func(string) string
	HTTP     *http.Client // nil: the httpx default
	StateDir string       // per-user state (upload resume files)
	// State is what outlives a request and, with --state redis://…, is
	// shared by replicas: the inbox, upload-resume records, sessions.
	State    state.Store
	Sandbox  bool         // true when the providers are the built-in fakes
	NoCharts bool         // --no-charts: results carry no image blocks (see Call.Chart)
	Log      *slog.Logger // already scrubbing (see redact.Handler)
	// Inbox receives provider callbacks; Inbox.Enabled() is false when no
	// --public-url was given (tools then poll where the API allows it).
	Inbox *inbox.Inbox
	// Files confines path arguments (--files-root); nil is unconfined, as
	// on stdio without --files-root. See Call.ReadPath.
	Files *fileroot.Policy
	// AllowPrivateURLs lets URLs the server itself fetches for an agent
	// reach loopback and private addresses (--allow-private-urls; always in
	// the sandbox, whose fakes listen on loopback).
	AllowPrivateURLs bool

	// KeysPage, when set, opens the one-time local keys page that a tool of
	// an unconfigured provider offers to clients with URL-mode elicitation
	// (see keyspage.go). Nil: never offered (sandbox, network transports).
	KeysPage KeysPageOpener

	// ProgressSink, when set, receives progress instead of MCP notifications
	// (the `call` command prints them).
	ProgressSink func(progress, total float64, message string)
}

// Call is one tool invocation.
type Call struct {
	ctx   context.Context
	env   *Env
	token mcp.ProgressToken
	mu    sync.Mutex
	chart *chart.Chart // see Call.Chart
}

func (e *Env) newCall(ctx context.Context, token mcp.ProgressToken) *Call {
	return &Call{ctx: ctx, env: e, token: token}
}

// NewCall builds a Call outside an MCP request (tests, the CLI).
func (e *Env) NewCall(ctx context.Context, token any) *Call { return e.newCall(ctx, token) }

// Progress sends one progress notification (scrubbed). It is a no-op when
// the request carried no progress token.
func (c *Call) Progress(progress, total float64, message string) {
	message = c.env.Redact.String(message)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.env.ProgressSink != nil {
		c.env.ProgressSink(progress, total, message)
		return
	}
	if c.token == nil {
		return
	}
	srv := server.ServerFromContext(c.ctx)
	if srv == nil {
		return
	}
	params := map[string]any{"progressToken": c.token, "progress": progress, "message": message}
	if total > 0 {
		params["total"] = total
	}
	// mcp-go drops a notification when the session's queue is full; wait a
	// little for a slow client rather than lose a progress step.
	for i := 0; i < 50; i++ {
		err := srv.SendNotificationToClient(c.ctx, "notifications/progress", params)
		if !errors.Is(err, server.ErrNotificationChannelBlocked) || c.ctx.Err() != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	if c.env.Log != nil {
		c.env.Log.Warn("a progress notification was dropped: the client is not reading notifications")
	}
}

func (c *Call) errorResult(err error) *mcp.CallToolResult {
	observeError(c.ctx, err)
	msg := err.Error()
	var nc *credentials.NotConfiguredError
	if errors.As(err, &nc) {
		msg = nc.Error()
	}
	// A call cut for a reason (the server stopping: transport.ErrStopping)
	// says the reason, not only the "context canceled" it led to.
	if cause := context.Cause(c.ctx); cause != nil && !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
		msg = cause.Error() + " (" + msg + ")"
	}
	if c.env.Log != nil {
		c.env.Log.Info("tool error", "error", msg)
	}
	return mcp.NewToolResultError(c.env.Redact.String(msg))
}
