package inbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestKindDedupeAndRender(t *testing.T) {
	b, err := New(Options{PublicURL: "http://cb.example"})
	if err != nil {
		t.Fatal(err)
	}
	b.SetKind("hook", KindHooks{
		Dedupe: func(p json.RawMessage) string {
			var v struct{ ID string }
			_ = json.Unmarshal(p, &v)
			return v.ID
		},
		Render: func(ev Event) string { return "card " + string(ev.Payload) },
	})
	u, err := b.NewCallback("aioz", "hook")
	if err != nil {
		t.Fatal(err)
	}
	if !b.Owns(u) || b.Owns("http://cb.example/elsewhere") || b.Owns("") {
		t.Error("Owns")
	}
	post := func(body string) int {
		rec := httptest.NewRecorder()
		b.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, strings.TrimPrefix(u, "http://cb.example"), strings.NewReader(body)))
		return rec.Code
	}
	if post(`{"ID":"a"}`) != 200 || post(`{"ID":"a"}`) != 200 || post(`{"ID":"b"}`) != 200 || post(`{}`) != 200 {
		t.Fatal("deliveries refused")
	}
	evs, _ := b.List(Filter{Kind: "hook"})
	if len(evs) != 3 {
		t.Fatalf("%d events, want 3 (the replay of a dropped, the one without identity kept)", len(evs))
	}
	if got := b.Render(evs[0]); got != `card {"ID":"a"}` {
		t.Errorf("Render = %q", got)
	}
	if got := b.Render(Event{Kind: "other"}); got != "" {
		t.Errorf("Render of a kind without a renderer = %q", got)
	}
}
