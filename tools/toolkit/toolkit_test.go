package toolkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/redact"
)

type sampleIn struct {
	Name  string   `json:"name" jsonschema:"required,minLength=1"`
	Size  int      `json:"size,omitempty" jsonschema:"minimum=50,maximum=200"`
	Ratio float64  `json:"ratio,omitempty" jsonschema:"exclusiveMinimum=0"`
	Mode  string   `json:"mode,omitempty" jsonschema:"enum=fast,enum=slow"`
	Tags  []string `json:"tags,omitempty" jsonschema:"maxItems=2"`
}

type sampleOut struct {
	Echo string `json:"echo"`
}

func sampleTool(h Handler[sampleIn, sampleOut]) Tool {
	return New(Spec{Name: "media_sample", Title: "Sample", Description: "test"}, h)
}

func run(t *Tool, env *Env, args string) (string, bool, map[string]any) {
	res := t.Run(context.Background(), env.NewCall(context.Background(), nil), json.RawMessage(args))
	sc, _ := res.StructuredContent.(map[string]any)
	return ResultText(res), res.IsError, sc
}

func testEnv() *Env {
	set := &redact.Set{}
	set.Add("very-secret-value")
	return &Env{Redact: set, Creds: &credentials.Store{Redact: set}}
}

func TestArgumentErrorsNameTheArgument(t *testing.T) {
	tool := sampleTool(func(ctx context.Context, c *Call, in sampleIn) (sampleOut, string, error) {
		return sampleOut{Echo: in.Name}, "", nil
	})
	none := New(Spec{Name: "media_none"}, func(ctx context.Context, c *Call, in struct{}) (sampleOut, string, error) {
		return sampleOut{}, "", nil
	})
	cases := []struct {
		tool *Tool
		args string
		want string
	}{
		{&tool, `{}`, "invalid argument `name`: is required"},
		{&tool, `{"name":""}`, "invalid argument `name`: must not be empty"},
		{&tool, `{"name":5}`, "invalid argument `name`: must be string, got number"},
		{&tool, `{"name":"a","size":10}`, "invalid argument `size`: must be at least 50, got 10"},
		{&tool, `{"name":"a","size":500}`, "invalid argument `size`: must be at most 200, got 500"},
		{&tool, `{"name":"a","ratio":0}`, "invalid argument `ratio`: must be greater than 0, got 0"},
		{&tool, `{"name":"a","mode":"warp"}`, "invalid argument `mode`: \"warp\" is not allowed. Fix: use one of \"fast\", \"slow\""},
		{&tool, `{"name":"a","tags":["x","y","z"]}`, "invalid argument `tags`: takes at most 2 items, got 3"},
		{&tool, `{"name":"a","colour":"red"}`, "invalid argument `colour`: is not an argument of this tool. Fix: remove it; valid arguments: mode, name, ratio, size, tags"},
		{&none, `{"x":1}`, "this tool takes no arguments"},
		{&tool, `[1,2]`, "invalid argument `arguments`: must be a JSON object"},
	}
	for _, c := range cases {
		text, isErr, _ := run(c.tool, testEnv(), c.args)
		if !isErr || !strings.Contains(text, c.want) {
			t.Errorf("%s: got %q (error=%v), want %q", c.args, text, isErr, c.want)
		}
	}
	if text, isErr, sc := run(&tool, testEnv(), `{"name":"ok"}`); isErr || sc["echo"] != "ok" || !strings.Contains(text, `"echo": "ok"`) {
		t.Errorf("valid call: %q %v %v", text, isErr, sc)
	}
}

// Nothing a handler returns reaches the agent unscrubbed, not even a panic,
// and a not-configured provider names the command.
func TestResultsErrorsAndPanicsAreScrubbed(t *testing.T) {
	env := testEnv()
	var progress []string
	env.ProgressSink = func(_, _ float64, msg string) { progress = append(progress, msg) }
	leaky := sampleTool(func(ctx context.Context, c *Call, in sampleIn) (sampleOut, string, error) {
		c.Progress(1, 2, "using very-secret-value")
		switch in.Name {
		case "text":
			return sampleOut{Echo: "very-secret-value"}, "key very-secret-value", nil
		case "error":
			return sampleOut{}, "", errors.New("provider said very-secret-value")
		case "unconfigured":
			p, _ := providers.ByID("aioz")
			return sampleOut{}, "", &credentials.NotConfiguredError{Provider: p}
		}
		panic("boom very-secret-value")
	})
	for _, name := range []string{"text", "error", "panic", "unconfigured"} {
		text, _, sc := run(&leaky, env, `{"name":"`+name+`"}`)
		b, _ := json.Marshal(sc)
		if strings.Contains(text+string(b), "very-secret-value") {
			t.Errorf("%s leaked: %s %s", name, text, b)
		}
		if name == "panic" && !strings.Contains(text, "internal error") {
			t.Errorf("panic not reported: %s", text)
		}
		if name == "unconfigured" && !strings.Contains(text, "run `mcp-media auth set aioz`") {
			t.Errorf("not configured: %s", text)
		}
	}
	if len(progress) != 4 {
		t.Fatalf("%d progress messages, want one per call (4)", len(progress))
	}
	for _, p := range progress {
		if strings.Contains(p, "very-secret-value") {
			t.Errorf("progress leaked: %s", p)
		}
	}
}

// A call whose context is cancelled with a cause (the server stopping) says
// the cause; a plain cancellation keeps the handler's own words.
func TestCutCallSaysWhy(t *testing.T) {
	stopping := errors.New("the server stopped while this call ran")
	tool := sampleTool(func(ctx context.Context, c *Call, in sampleIn) (sampleOut, string, error) {
		<-ctx.Done()
		return sampleOut{}, "", fmt.Errorf("stopped waiting: %w", ctx.Err())
	})
	for _, c := range []struct {
		name  string
		cause error
		want  string
	}{
		{"server stopping", stopping, "the server stopped while this call ran (stopped waiting: context canceled)"},
		{"plain cancel", nil, "stopped waiting: context canceled"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(c.cause)
			env := testEnv()
			res := tool.Run(ctx, env.NewCall(ctx, nil), json.RawMessage(`{"name":"x"}`))
			if got := ResultText(res); !res.IsError || got != c.want {
				t.Errorf("result %q (isError %v), want %q", got, res.IsError, c.want)
			}
		})
	}
}

func TestSandboxResultsSaySo(t *testing.T) {
	env := testEnv()
	env.Sandbox = true
	tool := sampleTool(func(ctx context.Context, c *Call, in sampleIn) (sampleOut, string, error) {
		return sampleOut{}, "done\n", nil
	})
	if text, _, _ := run(&tool, env, `{"name":"a"}`); !strings.HasSuffix(text, "no real account was touched._") {
		t.Errorf("got %q", text)
	}
}

func TestMCPDefinitionSerialises(t *testing.T) {
	tool := sampleTool(nil)
	tool.Annotations = Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true}
	b, err := json.Marshal(tool.MCP())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	ann := m["annotations"].(map[string]any)
	if ann["readOnlyHint"] != true || ann["destructiveHint"] != false || m["outputSchema"] == nil {
		t.Errorf("definition: %s", b)
	}
	in := m["inputSchema"].(map[string]any)
	if in["additionalProperties"] != false || in["type"] != "object" {
		t.Errorf("input schema must be a closed object: %v", in)
	}
}

// A secret with characters encoding/json escapes (& < > ") is still masked
// in structured content, which is scrubbed as marshalled JSON.
func TestSecretNeedingJSONEscapesIsScrubbed(t *testing.T) {
	const secret = `pw&<hunter2>"x`
	set := &redact.Set{}
	set.Add(secret)
	env := &Env{Redact: set, Creds: &credentials.Store{Redact: set}}
	tool := sampleTool(func(ctx context.Context, c *Call, in sampleIn) (sampleOut, string, error) {
		return sampleOut{Echo: "key " + secret}, "", nil
	})
	text, isErr, sc := run(&tool, env, `{"name":"a"}`)
	b, _ := json.Marshal(sc)
	if isErr || strings.Contains(text, secret) || strings.Contains(sc["echo"].(string), secret) || !strings.Contains(string(b), redact.Mask) {
		t.Errorf("secret not masked: text %q, structured %s", text, b)
	}
}
