package toolkit

import "context"

// ToolsetControl switches toolsets on and off for the MCP session of a
// call. The server implements it (internal/mcpserver) and puts it in each
// call's context (WithToolsetControl); media_toolsets calls it.
type ToolsetControl interface {
	// Toolsets lists every toolset as the session of ctx sees it.
	Toolsets(ctx context.Context) []ToolsetState
	// SetToolsets turns toolsets on and off for the session of ctx ("all"
	// in enable means every toolset) and tells the client its tool list
	// changed. It returns the names whose state changed.
	SetToolsets(ctx context.Context, enable, disable []string) (enabled, disabled []string, err error)
}

// ToolsetState is one toolset as a session sees it.
type ToolsetState struct {
	Name        string
	Description string
	Provider    string // "" for provider-independent toolsets
	Configured  bool   // the provider has credentials (true when Provider is "")
	Enabled     bool
	Tools       []string // the tools it adds, as exposed (--read-only applied)
}

type controlKey struct{}

// WithToolsetControl returns ctx carrying c.
func WithToolsetControl(ctx context.Context, c ToolsetControl) context.Context {
	return context.WithValue(ctx, controlKey{}, c)
}

// ToolsetControlFrom returns the control in ctx, or nil where the tool list
// is fixed (tests, a tool run outside the server).
func ToolsetControlFrom(ctx context.Context) ToolsetControl {
	c, _ := ctx.Value(controlKey{}).(ToolsetControl)
	return c
}
