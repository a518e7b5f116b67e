package media

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// A page of media_events stays small however large the stored callbacks
// are (200 events of 200 KB answered 185 MB once); one payload is returned
// only when asked for by seq.
func TestEventsAnswerBounded(t *testing.T) {
	set := &redact.Set{}
	ib, err := inbox.New(inbox.Options{MaxBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ib.SetSummarizer("translate", func(p json.RawMessage) (string, string) { return "", string(p) }) // a summary as long as the body
	big := `{"text":"` + strings.Repeat("x", 200<<10) + `"}`
	for i := 0; i < 200; i++ {
		ib.Add("qiniu", "translate", "t1", []byte(big))
	}
	env := &toolkit.Env{Redact: set, Creds: &credentials.Store{Redact: set}, Inbox: ib}
	run := runner(env)
	r := run.OK(t, "media_events", map[string]any{"limit": 100})
	b, _ := json.Marshal(r.Data)
	if len(b)+len(r.Text) > 256<<10 {
		t.Fatalf("a listing is %d bytes", len(b)+len(r.Text))
	}
	if r.Get("more") != true || strings.Contains(r.Text, strings.Repeat("x", 300)) {
		t.Fatalf("listing: more=%v", r.Get("more"))
	}
	evs := r.Get("events").([]any)
	seq := evs[0].(map[string]any)["seq"]
	one := run.OK(t, "media_events", map[string]any{"seq": seq})
	if got := one.Get("events").([]any); len(got) != 1 || got[0].(map[string]any)["payload"] == nil {
		t.Fatalf("one event: %v", one.Get("events"))
	}
	if !strings.Contains(one.Text, "not instructions") {
		t.Fatalf("no data notice: %s", one.Text[:200])
	}
}
