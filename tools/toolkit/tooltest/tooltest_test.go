package tooltest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/invopop/jsonschema"

	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// badOut declares a schema its values never meet.
type badOut map[string]int

func (badOut) JSONSchema() *jsonschema.Schema {
	props := jsonschema.NewProperties()
	props.Set("said", &jsonschema.Schema{Type: "string"})
	return &jsonschema.Schema{Type: "object", Properties: props, Required: []string{"said"}}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs  []string
	fatal bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	panic(r)
}

// run calls f with a recorder and returns what it recorded.
func run(t *testing.T, f func(tb testing.TB)) (rec *recorder) {
	rec = &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil && p != any(rec) {
			panic(p)
		}
	}()
	f(rec)
	return rec
}

type echoIn struct {
	Say string `json:"say" jsonschema:"required"`
}

type echoOut struct {
	Said  string `json:"said"`
	Count int    `json:"count"`
}

func runner(out func(in echoIn) any) *Runner {
	set := &redact.Set{}
	set.Add("hunter2-secret-value")
	env := &toolkit.Env{Redact: set}
	spec := toolkit.Spec{Name: "echo", Title: "Echo", Description: "Echo the argument.", Annotations: toolkit.Annotations{ReadOnly: true}}
	tl := toolkit.New(spec, func(_ context.Context, _ *toolkit.Call, in echoIn) (echoOut, string, error) {
		o := out(in)
		if e, ok := o.(error); ok {
			return echoOut{}, "", e
		}
		return o.(echoOut), "said " + in.Say, nil
	})
	// A second tool whose structured content breaks its own schema.
	bad := toolkit.New(toolkit.Spec{Name: "bad", Title: "Bad", Description: "Breaks its schema.", Annotations: toolkit.Annotations{ReadOnly: true}},
		func(_ context.Context, _ *toolkit.Call, _ echoIn) (badOut, string, error) {
			return badOut{"n": 1}, "n", nil
		})
	return NewRunner(env, []toolkit.Toolset{toolkit.NewToolset(toolkit.ToolsetSpec{Name: "t"}, tl, bad)}, "plain-key-123")
}

func TestRunnerChecksEveryResult(t *testing.T) {
	echo := func(in echoIn) any { return echoOut{Said: in.Say, Count: 2} }
	cases := []struct {
		name    string
		tool    string
		say     string
		out     func(echoIn) any
		wantErr string // "" = the call passes every check
	}{
		{"clean result", "echo", "hello", echo, ""},
		{"configured secret in the text", "echo", "plain-key-123", echo, "leaked a key"},
		{"value the redaction set masked", "echo", "hunter2-secret-value", echo, "had to be masked"},
		{"output schema broken", "bad", "x", echo, "does not match its output schema"},
		{"tool error is not schema-checked", "echo", "x", func(echoIn) any { return fmt.Errorf("boom") }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runner(c.out)
			rec := run(t, func(tb testing.TB) { r.Call(tb, context.Background(), c.tool, echoIn{Say: c.say}) })
			got := strings.Join(rec.errs, "\n")
			if c.wantErr == "" && got != "" {
				t.Errorf("unexpected failure: %s", got)
			}
			if c.wantErr != "" && !strings.Contains(got, c.wantErr) {
				t.Errorf("failures %q, want one containing %q", got, c.wantErr)
			}
		})
	}
}

func TestOKAndFails(t *testing.T) {
	r := runner(func(in echoIn) any { return echoOut{Said: in.Say, Count: 2} })
	res := r.OK(t, "echo", echoIn{Say: "hi"})
	if res.IsError || res.Str("said") != "hi" || res.Num("count") != 2 || res.Get("missing", "x") != nil || !strings.HasPrefix(res.Text, "said hi") {
		t.Errorf("result: %+v", res)
	}
	if s := res.Str("count"); s != "2" {
		t.Errorf("Str of a number = %q, want its JSON", s)
	}
	// OK on an error result and Fails on a success both fail the test.
	if rec := run(t, func(tb testing.TB) { r.Fails(tb, "echo", echoIn{Say: "hi"}) }); !rec.fatal {
		t.Error("Fails accepted a success")
	}
	if rec := run(t, func(tb testing.TB) { r.OK(tb, "echo", map[string]any{}) }); !rec.fatal {
		t.Error("OK accepted an error result")
	}
	// Fails checks the wanted fragments: the missing argument is named.
	if rec := run(t, func(tb testing.TB) { r.Fails(tb, "echo", map[string]any{}, "say", "no-such-fragment") }); len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "no-such-fragment") {
		t.Errorf("Fails: %v", rec.errs)
	}
	if rec := run(t, func(tb testing.TB) { r.Call(tb, context.Background(), "nope", nil) }); !rec.fatal {
		t.Error("an unknown tool did not fail the test")
	}
}
