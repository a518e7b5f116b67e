package vod

import (
	"context"
	"fmt"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Ways a wait ended.
const (
	ByCallback = "callback"
	ByPolling  = "polling"
)

// waitSpec says what a wait is for.
type waitSpec struct {
	videoID string
	kind    string                     // the callback event type that ends it
	match   func(vodapi.Callback) bool // is this callback ours?
	done    func(vodapi.Video) bool    // is the video where we want it?
	label   string                     // for progress messages
	timeout time.Duration
}

// waitOutcome is how a wait ended.
type waitOutcome struct {
	Video  vodapi.Video
	Done   bool
	By     string // ByCallback or ByPolling; "" when it timed out
	Waited time.Duration
}

// wait blocks until w.done holds. With a reachable inbox the service's
// callback ends it (a V3 read confirms), and V3 is still read now and then
// in case the callback address is not registered; without one, V3 is
// polled. Progress goes out on every check.
func (t *tools) wait(ctx context.Context, c *toolkit.Call, client *vodapi.Client, w waitSpec) (waitOutcome, error) {
	start := t.now()
	signal := make(chan struct{}, 1)
	useInbox := t.env.Inbox.Enabled()
	every := t.pollEvery
	if useInbox {
		unsub := t.env.Inbox.Subscribe(func(ev inbox.Event) {
			if t.ours(ev, w) {
				select {
				case signal <- struct{}{}:
				default:
				}
			}
		})
		defer unsub()
		if t.alreadyArrived(w) {
			signal <- struct{}{}
		}
	}
	deadline := time.NewTimer(w.timeout)
	defer deadline.Stop()
	tick := time.NewTicker(every)
	defer tick.Stop()
	var out waitOutcome
	check := func(by string) (bool, error) {
		v, err := client.GetVideo(ctx, w.videoID)
		if err != nil {
			return false, err
		}
		out.Video = v
		out.Waited = t.now().Sub(start).Round(time.Millisecond)
		if w.done(v) {
			out.Done, out.By = true, by
			return true, nil
		}
		c.Progress(out.Waited.Seconds(), w.timeout.Seconds(), templates.VODWaitProgress.Line(templates.VODWait{Label: w.label, VideoID: w.videoID,
			Status: vodapi.VideoStatusName(v.Status), Renditions: renditionSummary(v)}))
		return false, nil
	}
	if ok, err := check(ByPolling); ok || err != nil {
		return out, err
	}
	for {
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-deadline.C:
			return out, nil
		case <-signal:
			if ok, err := check(ByCallback); ok || err != nil {
				return out, err
			}
		case <-tick.C:
			if ok, err := check(ByPolling); ok || err != nil {
				return out, err
			}
			if useInbox && every < t.fallbackPoll {
				// The callback should end the wait; V3 is read less and
				// less often, in case the address is not registered.
				every = min(2*every, t.fallbackPoll)
				tick.Reset(every)
			}
		}
	}
}

func (t *tools) ours(ev inbox.Event, w waitSpec) bool {
	if ev.Provider != "vod" || ev.Kind != w.kind {
		return false
	}
	cb, err := vodapi.ParseCallback(ev.Payload, w.kind)
	return err == nil && cb.VideoID == w.videoID && (w.match == nil || w.match(cb))
}

// alreadyArrived looks for the callback among stored events (it may have
// come before the wait began).
func (t *tools) alreadyArrived(w waitSpec) bool {
	var after int64
	for i := 0; i < 50; i++ {
		evs, more := t.env.Inbox.List(inbox.Filter{Provider: "vod", Kind: w.kind, AfterSeq: after, Limit: 100})
		for _, ev := range evs {
			if t.ours(ev, w) {
				return true
			}
			after = ev.Seq
		}
		if !more {
			return false
		}
	}
	return false
}

func renditionSummary(v vodapi.Video) string {
	if len(v.PlaySet) == 0 {
		return "no renditions"
	}
	s := ""
	for i, p := range v.PlaySet {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %s %.0f%%", p.Resolution, vodapi.PlaySetStatusName(p.Status), 100*p.TransProgress)
	}
	return s
}

// WaitInput are the wait options of upload and transcode.
type WaitInput struct {
	Wait           bool `json:"wait,omitempty" jsonschema_description:"Wait until it is ready (by callback when the inbox is reachable, else by polling), with progress"`
	TimeoutSeconds int  `json:"wait_timeout_seconds,omitempty" jsonschema:"minimum=1,maximum=3600,default=600"`
}

// WaitReport says how a wait went.
type WaitReport struct {
	Waited   bool    `json:"waited"`
	Ready    bool    `json:"ready"`
	By       string  `json:"by,omitempty" jsonschema:"enum=callback,enum=polling" jsonschema_description:"What told us it was ready"`
	Seconds  float64 `json:"seconds"`
	TimedOut bool    `json:"timed_out"`
}

func report(o waitOutcome) WaitReport {
	return WaitReport{Waited: true, Ready: o.Done, By: o.By, Seconds: o.Waited.Seconds(), TimedOut: !o.Done}
}
