package media

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func run(t *testing.T, env *toolkit.Env, name, args string) (string, map[string]any, bool) {
	t.Helper()
	for _, tool := range Toolset(env).Tools {
		if tool.Name == name {
			res := tool.Run(context.Background(), env.NewCall(context.Background(), nil), json.RawMessage(args))
			sc, _ := res.StructuredContent.(map[string]any)
			return toolkit.ResultText(res), sc, res.IsError
		}
	}
	t.Fatalf("no tool %s", name)
	return "", nil, false
}

func TestProvidersShowSourceNeverKeys(t *testing.T) {
	set := &redact.Set{}
	env := &toolkit.Env{Redact: set, Creds: &credentials.Store{Redact: set, Getenv: func(k string) string {
		return map[string]string{"AIOZ_STREAM_PUBLIC_KEY": "pub-visible-nowhere", "AIOZ_STREAM_SECRET_KEY": "sec-visible-nowhere"}[k]
	}}}
	text, sc, isErr := run(t, env, "media_providers", `{}`)
	b, _ := json.Marshal(sc)
	if isErr || strings.Contains(text+string(b), "visible-nowhere") {
		t.Fatalf("error=%v or a key shown: %s %s", isErr, text, b)
	}
	for _, want := range []string{"| AIOZ Stream (`aioz`) | yes | environment |", "run `mcp-media auth set qiniu`"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestEventsWithoutPublicURLSaySo(t *testing.T) {
	set := &redact.Set{}
	ib, _ := inbox.New(inbox.Options{})
	env := &toolkit.Env{Redact: set, Creds: &credentials.Store{Redact: set}, Inbox: ib}
	text, sc, isErr := run(t, env, "media_events", `{"task_id":"t1"}`)
	if isErr || sc["callbacks_enabled"] != false || !strings.Contains(text, "--public-url") {
		t.Errorf("got %v %v %s", isErr, sc, text)
	}
	ib.Add("qiniu", "translate", "t1", []byte(`{"code":200}`))
	ib.Add("qiniu", "translate", "t2", []byte(`{"code":200}`))
	_, sc, _ = run(t, env, "media_events", `{"task_id":"t1"}`)
	if evs := sc["events"].([]any); len(evs) != 1 {
		t.Errorf("filter by task: %v", evs)
	}
	_, sc, _ = run(t, env, "media_events", `{"limit":1}`)
	if sc["more"] != true || sc["next_seq"] != float64(1) {
		t.Errorf("paging: %v", sc)
	}
}
