// Package tooltest runs toolkit tools in tests the way the MCP server does
// (Tool.Run with a Call from the Env) and checks every result as a strict
// client and a careful reviewer would: structured content must match the
// tool's declared output schema, and no key, nor a value the redaction set
// had to mask, may appear in the text or the data.
package tooltest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Result is one tool call's outcome.
type Result struct {
	IsError bool
	Text    string         // the text content, joined
	Data    map[string]any // the structured content (nil when there is none)
	Images  [][]byte       // the PNG image blocks, decoded (each checked to be a PNG)
	MCP     *mcp.CallToolResult
}

// Get walks Data along path; nil when a step is missing.
func (r Result) Get(path ...string) any {
	var v any = r.Data
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// Str is the value at path as text: a string as is, nothing as "", any
// other value as its JSON. With no path it is the whole of Data as JSON.
func (r Result) Str(path ...string) string {
	v := r.Get(path...)
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Num is the number at path, 0 when it is missing or not a number.
func (r Result) Num(path ...string) float64 {
	f, _ := r.Get(path...).(float64)
	return f
}

// Runner calls tools by name and checks each result.
type Runner struct {
	Env   *toolkit.Env
	Tools map[string]toolkit.Tool
	// Secrets must never appear in a result (text or data).
	Secrets []string
	// ProgressToken, when set, is the call's MCP progress token.
	ProgressToken any
}

// NewRunner indexes the toolsets' tools by name.
func NewRunner(env *toolkit.Env, sets []toolkit.Toolset, secrets ...string) *Runner {
	r := &Runner{Env: env, Tools: map[string]toolkit.Tool{}, Secrets: secrets}
	for _, ts := range sets {
		for _, tl := range ts.Tools() {
			r.Tools[tl.Name] = tl
		}
	}
	return r
}

// Call runs a tool with args (marshalled to JSON) and checks the result.
func (r *Runner) Call(t testing.TB, ctx context.Context, name string, args any) Result {
	t.Helper()
	tl, ok := r.Tools[name]
	if !ok {
		t.Fatalf("no tool %s", name)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatalf("%s arguments: %v", name, err)
	}
	res := tl.Run(ctx, r.Env.NewCall(ctx, r.ProgressToken), raw)
	out := Result{IsError: res.IsError, Text: toolkit.ResultText(res), MCP: res}
	if m, ok := res.StructuredContent.(map[string]any); ok {
		out.Data = m
	}
	if !res.IsError {
		CheckOutput(t, tl, res.StructuredContent)
	}
	for i, c := range res.Content {
		ic, ok := c.(mcp.ImageContent)
		if !ok {
			continue
		}
		if ic.Type != "image" || ic.MIMEType != toolkit.ChartMIME {
			t.Errorf("%s: content %d is an image block of type %q, MIME %q", name, i, ic.Type, ic.MIMEType)
		}
		b, err := base64.StdEncoding.DecodeString(ic.Data)
		if err == nil {
			_, err = png.DecodeConfig(bytes.NewReader(b))
		}
		if err != nil {
			t.Errorf("%s: image block %d is not a base64 PNG: %v", name, i, err)
		}
		out.Images = append(out.Images, b)
	}
	data := out.Str()
	if strings.Contains(out.Text, redact.Mask) || strings.Contains(data, redact.Mask) {
		t.Errorf("%s produced a value that had to be masked (a secret reached the result): %s", name, out.Text)
	}
	for _, s := range r.Secrets {
		if s != "" && (strings.Contains(out.Text, s) || strings.Contains(data, s)) {
			t.Errorf("%s leaked a key into its result: %s", name, out.Text)
		}
	}
	return out
}

// OK calls a tool and fails the test on an error result.
func (r *Runner) OK(t testing.TB, name string, args any) Result {
	t.Helper()
	res := r.Call(t, context.Background(), name, args)
	if res.IsError {
		t.Fatalf("%s(%v) failed: %s", name, args, res.Text)
	}
	return res
}

// Fails calls a tool and expects an error result containing every want.
func (r *Runner) Fails(t testing.TB, name string, args any, want ...string) Result {
	t.Helper()
	res := r.Call(t, context.Background(), name, args)
	if !res.IsError {
		t.Fatalf("%s(%v) succeeded, want an error: %s", name, args, res.Text)
	}
	for _, w := range want {
		if !strings.Contains(res.Text, w) {
			t.Errorf("%s error %q lacks %q", name, res.Text, w)
		}
	}
	return res
}

// CheckOutput validates structured content against the tool's declared
// output schema, the same check the server runs in --sandbox.
func CheckOutput(t testing.TB, tl toolkit.Tool, structured any) {
	t.Helper()
	if err := tl.CheckOutput(structured); err != nil {
		b, _ := json.Marshal(structured)
		t.Errorf("%s: structuredContent does not match its output schema: %v\n%s", tl.Name, err, b)
	}
}
