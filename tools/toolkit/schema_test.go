package toolkit

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/providers"
)

type rendition struct {
	Resolution string `json:"resolution" jsonschema:"required"`
	Type       string `json:"type,omitempty" jsonschema:"enum=hls,enum=dash,default=hls"`
}

type defaultsIn struct {
	Limit     int         `json:"limit,omitempty" jsonschema:"minimum=1,default=25"`
	Order     string      `json:"order,omitempty" jsonschema:"default=desc"`
	Wait      bool        `json:"wait,omitempty" jsonschema:"default=true"`
	Qualities []rendition `json:"qualities,omitempty"`
	Nested    *struct {
		Mode string `json:"mode,omitempty" jsonschema:"default=fast"`
	} `json:"nested,omitempty"`
}

// The handler sees every declared default, at the top level and inside
// nested objects and array items, and what the caller gave wins.
func TestDefaultsAreAppliedBeforeDecoding(t *testing.T) {
	var got defaultsIn
	tool := New(Spec{Name: "media_defaults", Title: "D", Description: "d"}, func(_ context.Context, _ *Call, in defaultsIn) (sampleOut, string, error) {
		got = in
		return sampleOut{}, "ok", nil
	})
	cases := []struct {
		args  string
		check func(defaultsIn) bool
	}{
		{`{}`, func(in defaultsIn) bool {
			return in.Limit == 25 && in.Order == "desc" && in.Wait && in.Qualities == nil && in.Nested == nil
		}},
		{`{"limit":3,"order":"asc","wait":false}`, func(in defaultsIn) bool { return in.Limit == 3 && in.Order == "asc" && !in.Wait }},
		{`{"qualities":[{"resolution":"720p"},{"resolution":"1080p","type":"dash"}]}`, func(in defaultsIn) bool {
			return len(in.Qualities) == 2 && in.Qualities[0].Type == "hls" && in.Qualities[1].Type == "dash"
		}},
		{`{"nested":{}}`, func(in defaultsIn) bool { return in.Nested != nil && in.Nested.Mode == "fast" }},
	}
	for _, c := range cases {
		got = defaultsIn{}
		if text, isErr, _ := run(&tool, testEnv(), c.args); isErr {
			t.Fatalf("%s: %s", c.args, text)
		}
		if !c.check(got) {
			t.Errorf("%s: handler got %+v", c.args, got)
		}
	}
	// A default never hides a bad value the caller sent.
	if text, isErr, _ := run(&tool, testEnv(), `{"limit":0}`); !isErr || !strings.Contains(text, "`limit`: must be at least 1") {
		t.Errorf("limit 0: %q", text)
	}
}

type listOut struct {
	Items  []string          `json:"items"`
	Counts map[string]int    `json:"counts"`
	Rows   []row             `json:"rows"`
	Groups map[string][]int  `json:"groups"`
	Opt    []string          `json:"opt,omitempty"`
	Named  map[string]string `json:"named,omitempty"`
}

type row struct {
	Tags []string `json:"tags"`
}

// Nil slices and maps reach the client as [] and {}, never null, however
// deep, so a handler never has to remember nonNil; omitempty ones stay out.
func TestNilCollectionsBecomeEmpty(t *testing.T) {
	tool := New(Spec{Name: "media_lists", Title: "L", Description: "l"}, func(_ context.Context, _ *Call, _ struct{}) (listOut, string, error) {
		return listOut{Rows: []row{{}}, Groups: map[string][]int{"a": nil}}, "", nil
	})
	env := testEnv()
	env.Sandbox = true // also validates the output against its schema
	text, isErr, sc := run(&tool, env, `{}`)
	if isErr {
		t.Fatal(text)
	}
	b, _ := json.Marshal(sc)
	want := `{"counts":{},"groups":{"a":[]},"items":[],"rows":[{"tags":[]}]}`
	if string(b) != want {
		t.Errorf("structured content\n got %s\nwant %s", b, want)
	}
	if strings.Contains(text, "null") {
		t.Errorf("text shows null: %s", text)
	}
}

// In the sandbox a result that breaks its own declared output schema is an
// error result naming the tool, not a silently invalid answer.
func TestSandboxValidatesOutputs(t *testing.T) {
	tool := New(Spec{Name: "media_bad", Title: "B", Description: "b"}, func(_ context.Context, _ *Call, _ struct{}) (sampleOut, string, error) {
		return sampleOut{Echo: "x"}, "fine", nil
	})
	// Tighten the compiled output schema so the handler's value breaks it.
	tool.schemas.out = json.RawMessage(`{"type":"object","properties":{"echo":{"type":"integer"}}}`)
	env := testEnv()
	if _, isErr, _ := run(&tool, env, `{}`); isErr {
		t.Error("outside the sandbox outputs are not validated at run time")
	}
	tool2 := tool
	tool2.schemas = &schemas{name: "media_bad", in: tool.InputSchema, out: tool.schemas.out}
	env.Sandbox = true
	text, isErr, _ := run(&tool2, env, `{}`)
	if !isErr || !strings.Contains(text, "media_bad") || !strings.Contains(text, "output schema") {
		t.Errorf("sandbox: %q (error=%v)", text, isErr)
	}
}

// NewToolset stamps its name and provider on every tool and marks a
// provider's tools openWorld; an unknown provider is refused.
func TestToolsetStampsItsTools(t *testing.T) {
	a := New(Spec{Name: "aioz_a", Title: "A", Description: "a", Annotations: Annotations{ReadOnly: true}}, func(context.Context, *Call, struct{}) (sampleOut, string, error) { return sampleOut{}, "", nil })
	ts := NewToolset(ToolsetSpec{Name: "aioz_things", Provider: "aioz", Default: true}, a)
	got := ts.Tools()[0]
	if got.Toolset != "aioz_things" || got.Provider != "aioz" || !got.Annotations.OpenWorld || !got.Annotations.ReadOnly {
		t.Errorf("stamped tool: %+v", got)
	}
	local := NewToolset(ToolsetSpec{Name: "media"}, a).Tools()[0]
	if local.Provider != "" || local.Annotations.OpenWorld {
		t.Errorf("a provider-independent toolset must not mark openWorld: %+v", local.Annotations)
	}
	defer func() {
		if recover() == nil {
			t.Error("an unknown provider id was accepted")
		}
	}()
	NewToolset(ToolsetSpec{Name: "x", Provider: "nosuch"}, a)
}

// A Client builds from the keys configured at call time, with the
// provider's endpoint overrides, and names `auth set` when there are none.
func TestClientBindsKeysAtCallTime(t *testing.T) {
	env := testEnv()
	vars := map[string]string{}
	env.Getenv = func(k string) string { return vars[k] }
	env.Creds.Getenv = env.Getenv
	type built struct{ pub, base string }
	c := NewClient(env, "aioz", func(b Binding) built { return built{b.Key("public_key"), b.Endpoint("api")} })
	if _, err := c.Get(); err == nil || !strings.Contains(err.Error(), "mcp-media auth set aioz") {
		t.Fatalf("no keys: %v", err)
	}
	vars["AIOZ_STREAM_PUBLIC_KEY"], vars["AIOZ_STREAM_SECRET_KEY"] = "pub-1", "sec-1"
	vars["MCP_MEDIA_AIOZ_URL"] = "http://127.0.0.1:9/api"
	got, err := c.Get()
	if err != nil || got.pub != "pub-1" || got.base != "http://127.0.0.1:9/api" {
		t.Fatalf("got %+v, %v", got, err)
	}
	vars["AIOZ_STREAM_PUBLIC_KEY"] = "pub-2"
	vars["MCP_MEDIA_AIOZ_URL"] = ""
	p, _ := providers.ByID("aioz")
	if got, _ := c.Get(); got.pub != "pub-2" || got.base != p.Endpoint("api", nil) {
		t.Errorf("a key changed after the first call was not picked up: %+v", got)
	}
}
