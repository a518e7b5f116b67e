package aiozfake

import (
	"fmt"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

func eventTypes(evs []WebhookEvent, id string) []string {
	var out []string
	for _, ev := range evs {
		if ev.MediaID == id {
			s := ev.Type + ":" + ev.Status
			if ev.Quality != "" {
				s += ":" + ev.Quality
			}
			out = append(out, s)
		}
	}
	return out
}

func TestTranscodeStepZero(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.upload(map[string]any{"title": "zero"}, []byte("data"))
	if got := fmt.Sprint(eventTypes(e.s.Events(), id)); got != "[file_received:new encoding_started:transcoding]" {
		t.Fatalf("events after complete: %s", got)
	}
	// list does not advance
	if d := e.do("POST", "/media", map[string]any{}).data(t); d["media"].([]any)[0].(map[string]any)["status"] != "transcoding" {
		t.Fatal("list after complete")
	}
	d := e.detail(id)
	if d["status"] != "transcoding" || fmt.Sprint(qualityNames(d)) != "[1080p:transcoding 720p:transcoding 360p:transcoding]" {
		t.Fatalf("first detail: %v", d)
	}
	want := "[file_received:new encoding_started:transcoding partial_finished:transcoding:1080p partial_finished:transcoding:720p partial_finished:transcoding:360p encoding_finished:done]"
	if got := fmt.Sprint(eventTypes(e.s.Events(), id)); got != want {
		t.Fatalf("events after first detail: %s", got)
	}
	if d := e.detail(id); d["status"] != "done" || d["duration"].(float64) <= 0 {
		t.Fatalf("second detail: %v", d)
	}
	for _, ev := range e.s.Events() {
		if ev.Title != "zero" || ev.Time.IsZero() {
			t.Fatalf("event %+v", ev)
		}
	}
}

func TestTranscodeSettle(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.upload(map[string]any{"title": "s", "type": "audio"}, []byte("data"))
	e.s.Settle()
	if d := e.detail(id); d["status"] != "done" {
		t.Fatalf("after Settle: %v", d["status"])
	}
}

func TestTranscodeFail(t *testing.T) {
	e := newEnv(t, Options{FailTranscode: true})
	id := e.upload(map[string]any{"title": "f"}, []byte("data"))
	e.s.Settle()
	d := e.detail(id)
	if d["status"] != "fail" || d["assets"].(map[string]any)["hls_url"] != "" {
		t.Fatalf("%v", d)
	}
	if fmt.Sprint(qualityNames(d)) != "[1080p:done 720p:done 360p:fail]" {
		t.Fatalf("qualities %v", qualityNames(d))
	}
	want := "[file_received:new encoding_started:transcoding partial_finished:transcoding:1080p partial_finished:transcoding:720p encoding_failed:fail]"
	if got := fmt.Sprint(eventTypes(e.s.Events(), id)); got != want {
		t.Fatalf("events %s", got)
	}
}

func TestTranscodeStepClock(t *testing.T) {
	clk := testkit.NewClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, Options{Step: time.Hour, Now: clk.Now}) // timers never fire during the test
	id := e.upload(map[string]any{"title": "clock", "qualities": []any{
		map[string]any{"resolution": "720p"}, map[string]any{"resolution": "360p"}}}, []byte("data"))
	t0 := clk.Now()
	steps := []struct {
		status string
		events int
	}{
		{"transcoding", 2}, // right after complete
		{"transcoding", 3}, // +1h: 720p done
		{"transcoding", 4}, // +2h: 360p done
		{"done", 5},        // +3h: encoding_finished
	}
	for i, st := range steps {
		if i > 0 {
			clk.Add(time.Hour)
		}
		if d := e.detail(id); d["status"] != st.status {
			t.Fatalf("step %d: status %v, want %s", i, d["status"], st.status)
		}
		if n := len(e.s.Events()); n != st.events {
			t.Fatalf("step %d: %d events, want %d", i, n, st.events)
		}
	}
	evs := e.s.Events()
	for i, want := range []time.Duration{0, 0, time.Hour, 2 * time.Hour, 3 * time.Hour} {
		if !evs[i].Time.Equal(t0.Add(want)) {
			t.Fatalf("event %d at %v, want %v", i, evs[i].Time, t0.Add(want))
		}
	}
}

func TestTranscodeStepTimer(t *testing.T) {
	e := newEnv(t, Options{Step: 5 * time.Millisecond})
	id := e.upload(map[string]any{"title": "timer", "type": "audio"}, []byte("data"))
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		evs := eventTypes(e.s.Events(), id)
		if len(evs) == 4 {
			if evs[3] != "encoding_finished:done" {
				t.Fatalf("%v", evs)
			}
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("transcode did not finish by timer: %v", eventTypes(e.s.Events(), id))
}

func TestDeleteCancelsTranscode(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.upload(map[string]any{"title": "gone"}, []byte("data"))
	e.do("DELETE", "/media/"+id, nil)
	e.s.Settle()
	if n := len(eventTypes(e.s.Events(), id)); n != 2 {
		t.Fatalf("%d events after delete", n)
	}
}
