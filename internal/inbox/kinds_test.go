package inbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestKindRenderOwnsAndLive(t *testing.T) {
	b, err := New(Options{PublicURL: "http://cb.example"})
	if err != nil {
		t.Fatal(err)
	}
	b.SetKind("hook", KindHooks{Render: func(ev Event) string { return "card " + string(ev.Payload) }})
	u, err := b.StableCallback("aioz", "hook")
	if err != nil {
		t.Fatal(err)
	}
	if !b.Owns(u) || !b.Live(u) || b.Owns("http://cb.example/elsewhere") || b.Owns("") || b.Live("http://cb.example"+PathPrefix+"nope") {
		t.Error("Owns/Live")
	}
	rec := httptest.NewRecorder()
	b.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, strings.TrimPrefix(u, "http://cb.example"), strings.NewReader(`{"ID":"a"}`)))
	if rec.Code != 200 {
		t.Fatal(rec.Code)
	}
	evs, _ := b.List(Filter{Kind: "hook"})
	if len(evs) != 1 || b.Render(evs[0]) != `card {"ID":"a"}` {
		t.Fatalf("events %v", evs)
	}
	if got := b.Render(Event{Kind: "other"}); got != "" {
		t.Errorf("Render of a kind without a renderer = %q", got)
	}
	b.Cancel(u)
	if b.Live(u) {
		t.Error("a cancelled route is live")
	}
}
