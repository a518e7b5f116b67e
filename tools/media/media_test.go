package media

import (
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

func runner(env *toolkit.Env, secrets ...string) *tooltest.Runner {
	return tooltest.NewRunner(env, []toolkit.Toolset{Toolset(env)}, secrets...)
}

func TestProvidersShowSourceNeverKeys(t *testing.T) {
	set := &redact.Set{}
	env := &toolkit.Env{Redact: set, Creds: &credentials.Store{Redact: set, Getenv: func(k string) string {
		return map[string]string{"AIOZ_STREAM_PUBLIC_KEY": "pub-visible-nowhere", "AIOZ_STREAM_SECRET_KEY": "sec-visible-nowhere"}[k]
	}}}
	// The runner fails the test if either key, or a masked value, shows.
	r := runner(env, "pub-visible-nowhere", "sec-visible-nowhere").OK(t, "media_providers", map[string]any{})
	for _, want := range []string{"| AIOZ Stream (`aioz`) | yes | environment |", "run `mcp-media auth set qiniu`"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
}

func TestEventsWithoutPublicURLSaySo(t *testing.T) {
	set := &redact.Set{}
	ib, err := inbox.New(inbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	env := &toolkit.Env{Redact: set, Creds: &credentials.Store{Redact: set}, Inbox: ib}
	run := runner(env)
	r := run.OK(t, "media_events", map[string]any{"task_id": "t1"})
	if r.Get("callbacks_enabled") != false || !strings.Contains(r.Text, "--public-url") {
		t.Errorf("got %v %s", r.Data, r.Text)
	}
	ib.Add("qiniu", "translate", "t1", []byte(`{"code":200}`))
	ib.Add("qiniu", "translate", "t2", []byte(`{"code":200}`))
	r = run.OK(t, "media_events", map[string]any{"task_id": "t1"})
	if evs, _ := r.Get("events").([]any); len(evs) != 1 {
		t.Errorf("filter by task: %v", r.Get("events"))
	}
	r = run.OK(t, "media_events", map[string]any{"limit": 1})
	if r.Get("more") != true || r.Num("next_seq") != 1 {
		t.Errorf("paging: %v", r.Data)
	}
}
