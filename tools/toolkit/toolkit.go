// Package toolkit is the one way every mcp-media tool is declared: a Go input
// struct and output struct whose JSON schemas are generated with
// invopop/jsonschema, truthful annotations, a handler that receives decoded,
// validated arguments, and a result that carries structuredContent plus the
// text an agent relays. Every result, error and progress message passes
// through the shared redact.Set before it leaves the server.
package toolkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// Annotations are the MCP tool hints; set every one truthfully.
type Annotations struct {
	ReadOnly    bool // does not change remote or local state
	Destructive bool // may delete or overwrite user data
	Idempotent  bool // repeating the call with the same arguments has no further effect
	OpenWorld   bool // talks to a provider outside this process
}

// Spec is what a tool author writes besides the handler. The toolset and
// provider are not part of it: NewToolset stamps them.
type Spec struct {
	Name        string
	Title       string
	Description string
	Annotations Annotations
}

// Tool is a declared tool: its MCP definition and its handler.
type Tool struct {
	Spec
	// Toolset and Provider are stamped by NewToolset; Provider is "" for
	// provider-independent tools such as media_providers.
	Toolset      string
	Provider     string
	InputSchema  json.RawMessage
	OutputSchema json.RawMessage // what results are checked against
	wireOutput   json.RawMessage // what tools/list publishes (see wireOutputSchema)
	schemas      *schemas
	handle       func(ctx context.Context, c *Call, args json.RawMessage) (any, string, error)
}

// Handler is the typed body of a tool. It returns the structured result and
// the text for the agent; an empty text means "the structured result as
// indented JSON".
type Handler[In, Out any] func(ctx context.Context, c *Call, in In) (Out, string, error)

// New declares a tool. Its schemas are generated now and compiled on first
// use; a schema that cannot be compiled is a programming error caught by
// the snapshot test (Tool.Check).
func New[In, Out any](spec Spec, h Handler[In, Out]) Tool {
	in := SchemaFor[In](true)
	out := SchemaFor[Out](false)
	return Tool{
		Spec:         spec,
		InputSchema:  in,
		OutputSchema: out,
		wireOutput:   wireOutputSchema[Out](),
		schemas:      &schemas{name: spec.Name, in: in, out: out},
		handle: func(ctx context.Context, c *Call, raw json.RawMessage) (any, string, error) {
			var input In
			if err := decodeArgs(raw, &input); err != nil {
				return nil, "", err
			}
			return h(ctx, c, input)
		},
	}
}

// SchemaFor generates the JSON schema of T. Input schemas take "required"
// only from `jsonschema:"required"` tags and refuse unknown properties.
func SchemaFor[T any](input bool) json.RawMessage {
	return marshalSchema(reflectSchema[T](input), input)
}

// wireOutputSchema is T's output schema as tools/list publishes it: the
// same properties, types, formats and enums, without the "required" lists
// and the field descriptions (the result's text card says what the fields
// mean). The server checks its results against the full schema (sandbox,
// tests), which the mcp-media://tools/{name}/schema resource serves; a
// client gets a looser but true schema at a fraction of the bytes, which
// keeps the default tools/list within its budget. Input schemas keep every
// description: they are what an agent needs to call a tool right.
func wireOutputSchema[T any]() json.RawMessage {
	s := reflectSchema[T](false)
	compactOutput(s)
	return marshalSchema(s, false)
}

func reflectSchema[T any](input bool) *jsonschema.Schema {
	r := &jsonschema.Reflector{
		DoNotReference:             true,
		ExpandedStruct:             true,
		RequiredFromJSONSchemaTags: input,
		AllowAdditionalProperties:  !input,
		Anonymous:                  true,
	}
	var zero T
	s := r.Reflect(&zero)
	s.Version = ""
	s.ID = ""
	if s.Type == "" {
		s.Type = "object"
	}
	return s
}

func marshalSchema(s *jsonschema.Schema, input bool) json.RawMessage {
	if s.Properties == nil || s.Properties.Len() == 0 {
		// An empty struct: MCP still wants an object schema with properties.
		b, _ := json.Marshal(map[string]any{"type": "object", "properties": map[string]any{}, "additionalProperties": !input})
		return b
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return b
}

// compactOutput clears "required" and "description" in s and every schema
// nested in it.
func compactOutput(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	s.Required = nil
	s.Description = ""
	if s.Properties != nil {
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			compactOutput(p.Value)
		}
	}
	compactOutput(s.Items)
	compactOutput(s.AdditionalProperties)
	for _, group := range [][]*jsonschema.Schema{s.AnyOf, s.OneOf, s.AllOf} {
		for _, sub := range group {
			compactOutput(sub)
		}
	}
}

// MCP returns the tool definition for tools/list. It is built with
// NewToolWithRawSchema: mcp-go refuses a tool that has both a structured and
// a raw input schema.
func (t Tool) MCP() mcp.Tool {
	tool := mcp.NewToolWithRawSchema(t.Name, t.Description, t.InputSchema)
	tool.RawOutputSchema = t.wireOutput
	if tool.RawOutputSchema == nil {
		tool.RawOutputSchema = t.OutputSchema
	}
	tool.Annotations = mcp.ToolAnnotation{
		Title:           t.Title,
		ReadOnlyHint:    mcp.ToBoolPtr(t.Annotations.ReadOnly),
		DestructiveHint: mcp.ToBoolPtr(t.Annotations.Destructive),
		IdempotentHint:  mcp.ToBoolPtr(t.Annotations.Idempotent),
		OpenWorldHint:   mcp.ToBoolPtr(t.Annotations.OpenWorld),
	}
	return tool
}

// Run validates raw arguments, calls the handler and turns the outcome into
// a CallToolResult. Errors become results with isError set; nothing a
// handler returns, not even a panic, escapes unscrubbed.
func (t Tool) Run(ctx context.Context, c *Call, raw json.RawMessage) (res *mcp.CallToolResult) {
	defer func() {
		if p := recover(); p != nil {
			res = c.errorResult(fmt.Errorf("internal error in %s: %v; the server keeps running, please report this", t.Name, p))
		}
	}()
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		raw = json.RawMessage("{}")
	}
	s, err := t.schemas.get()
	if err != nil {
		return c.errorResult(err)
	}
	raw, err = s.prepare(raw)
	if err != nil {
		return c.errorResult(err)
	}
	out, text, err := t.handle(ctx, c, raw)
	if err != nil {
		return c.errorResult(err)
	}
	structured, err := json.Marshal(out)
	if err != nil {
		return c.errorResult(fmt.Errorf("encoding result: %w", err))
	}
	structured = c.env.Redact.Bytes(structured)
	var sc any
	if err := json.Unmarshal(structured, &sc); err != nil {
		return c.errorResult(fmt.Errorf("encoding result: %w", err))
	}
	sc = emptyCollections(sc, s.outTree)
	if c.env.Sandbox {
		// The sandbox is where newcomers and our own demo meet every tool:
		// a result that breaks its declared schema is a bug to report.
		if err := s.checkOutput(sc); err != nil {
			return c.errorResult(err)
		}
	}
	if text == "" {
		b, _ := json.MarshalIndent(sc, "", "  ")
		text = string(b)
	}
	if c.env.Sandbox {
		text = strings.TrimRight(text, "\n") + "\n\n_Sandbox result: built-in fake provider, no real account was touched._"
	}
	return &mcp.CallToolResult{
		Content:           []mcp.Content{mcp.NewTextContent(c.env.Redact.String(text))},
		StructuredContent: sc,
	}
}

// Handler returns the mcp-go handler for this tool.
func (t Tool) Handler(env *Env) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		raw, err := json.Marshal(req.GetRawArguments())
		if err != nil {
			raw = json.RawMessage("{}")
		}
		var token mcp.ProgressToken
		if req.Params.Meta != nil {
			token = req.Params.Meta.ProgressToken
		}
		return t.Run(ctx, env.newCall(ctx, token), raw), nil
	}
}

// decodeArgs decodes validated arguments. Unknown fields were already refused
// by the schema; type errors name the argument.
func decodeArgs(raw json.RawMessage, into any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &argerr.Error{Arg: te.Field, Problem: fmt.Sprintf("must be %s, got %s", jsonKind(te.Type), te.Value)}
		}
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &argerr.Error{Arg: f, Problem: "is not an argument of this tool", Fix: "remove it; see the tool's input schema"}
		}
		return &argerr.Error{Arg: "arguments", Problem: err.Error()}
	}
	return nil
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// ResultText is the text content of a result, for tests and the CLI.
func ResultText(res *mcp.CallToolResult) string {
	if res == nil {
		return ""
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}
