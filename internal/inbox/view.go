package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
)

// The view: each Inbox keeps the events of the store's log in memory
// (trimmed by Max and MaxBytes) and follows the log — woken by the store
// after an append in any process, and every pollEvery in case a wake-up
// was lost — announcing each new entry to its subscribers.

// eventsLog is the store's log of received events.
const eventsLog = "inbox/events"

// pollEvery is how often the view reads the log without a wake-up.
const pollEvery = 2 * time.Second

// logEvent is an event as the log holds it: the route's hash, never its
// token, and the inbox that received it.
type logEvent struct {
	Provider   string    `json:"provider"`
	Kind       string    `json:"kind"`
	TaskID     string    `json:"task_id,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
	Payload    []byte    `json:"payload"` // bytes as received (not re-encoded JSON)
	Summary    string    `json:"summary,omitempty"`
	Route      string    `json:"route,omitempty"`
	Origin     string    `json:"origin,omitempty"`
	Imported   bool      `json:"imported,omitempty"`
}

// routeState is what the view knows of a route its events came on.
type routeState struct {
	taskID string
	final  bool // nothing more to learn: bound, stable, gone or cancelled
	hidden bool // cancelled
}

// add appends ev to the store's log and reads it (with whatever else was
// appended meanwhile) into the view.
func (b *Inbox) add(c context.Context, ev Event) (Event, error) {
	rec := logEvent{Provider: ev.Provider, Kind: ev.Kind, TaskID: ev.TaskID, ReceivedAt: b.opts.Now().UTC(),
		Payload: ev.Payload, Summary: ev.Summary, Route: ev.route, Origin: b.id}
	data, err := json.Marshal(rec)
	if err != nil {
		return ev, err
	}
	seq, err := b.store.Append(c, eventsLog, data, state.LogOptions{Max: b.logMax(len(ev.Payload)), TTL: keepFor})
	if err != nil {
		return ev, err
	}
	// Its subscribers have run when add returns (a callback is answered
	// after they ran), whichever sync read it.
	_ = b.sync(true)
	b.announce(true)
	ev.Seq, ev.ReceivedAt, ev.here = seq, rec.ReceivedAt, true
	return ev, nil
}

// logMax is how many entries the log keeps after appending one of n
// payload bytes: Max, or fewer when the newest events reach MaxBytes, so
// the store is bounded in bytes too.
func (b *Inbox) logMax(n int) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	keep, bytes := 1, n
	for i := len(b.events) - 1; i >= 0 && keep < b.opts.Max; i-- {
		bytes += len(b.events[i].Payload)
		if bytes > b.opts.MaxBytes {
			break
		}
		keep++
	}
	return keep
}

// follow syncs the view on each wake-up of the log and every pollEvery,
// until Close.
func (b *Inbox) follow() {
	wake, stop := b.store.Watch(eventsLog)
	defer stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		select {
		case <-b.done:
			return
		case <-wake:
		case <-tick.C:
		}
		if b.sync(true) == nil {
			b.announce(false)
		}
	}
}

// sync reads the log's entries after the view's last seq into the view
// and, when announce is set, queues them for the subscribers. b.syncMu is
// never held while subscribers run, so a subscriber may list.
func (b *Inbox) sync(announce bool) error {
	b.syncMu.Lock()
	defer b.syncMu.Unlock()
	c, cancel := ctx()
	defer cancel()
	b.mu.Lock()
	after := b.seq
	b.mu.Unlock()
	entries, last, err := b.store.Range(c, eventsLog, after, 0)
	if err != nil {
		return err
	}
	restarted := last < after // the log ended (expired or flushed) and began again
	if restarted {
		if entries, last, err = b.store.Range(c, eventsLog, 0, 0); err != nil {
			return err
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if restarted {
		b.events, b.bytes = nil, 0
	}
	for _, e := range entries {
		var rec logEvent
		if json.Unmarshal(e.Data, &rec) != nil || len(rec.Payload) > MaxEventBytes {
			continue
		}
		ev := Event{Seq: e.Seq, Provider: rec.Provider, Kind: rec.Kind, TaskID: rec.TaskID, ReceivedAt: rec.ReceivedAt,
			Payload: json.RawMessage(rec.Payload), Summary: rec.Summary, route: rec.Route,
			here: rec.Origin == b.id, imported: rec.Imported}
		if rs, ok := b.routes[ev.route]; ok && ev.route != "" {
			if rs.hidden {
				continue
			}
			if ev.TaskID == "" {
				ev.TaskID = rs.taskID
			}
		}
		b.events = append(b.events, ev)
		b.bytes += len(ev.Payload)
		if announce {
			b.pending = append(b.pending, ev)
		}
	}
	b.seq = last
	b.trim()
	return nil
}

// announce calls the subscribers for the queued events, in seq order. With
// wait unset it returns at once when another goroutine is announcing (that
// one also takes what is queued now).
func (b *Inbox) announce(wait bool) {
	for {
		if wait {
			b.announceMu.Lock()
		} else if !b.announceMu.TryLock() {
			return
		}
		for {
			b.mu.Lock()
			evs := b.pending
			b.pending = nil
			subs := make([]func(Event), 0, len(b.subs))
			for _, f := range b.subs {
				subs = append(subs, f)
			}
			b.mu.Unlock()
			if len(evs) == 0 {
				break
			}
			for _, ev := range evs {
				for _, f := range subs {
					f(ev)
				}
			}
		}
		b.announceMu.Unlock()
		// Queued between the last check and the unlock: take it too.
		b.mu.Lock()
		more := len(b.pending) > 0
		b.mu.Unlock()
		if !more {
			return
		}
		wait = false
	}
}

// refresh brings the view up to date before a listing, so a callback that
// landed on another replica a moment ago is listed here too, with the task
// ids bound since.
func (b *Inbox) refresh() {
	if b.sync(true) == nil {
		b.announce(false)
	}
	b.resolve()
}

// trim drops the oldest events beyond Max or MaxBytes (b.mu held).
func (b *Inbox) trim() {
	drop := 0
	for drop < len(b.events) && (len(b.events)-drop > b.opts.Max || b.bytes > b.opts.MaxBytes) {
		b.bytes -= len(b.events[drop].Payload)
		drop++
	}
	if drop > 0 {
		b.events = append([]Event(nil), b.events[drop:]...)
	}
}

// resolve gives events without a task id the one their route was bound to
// since (on any replica), and hides those of cancelled routes.
func (b *Inbox) resolve() {
	b.mu.Lock()
	if len(b.routes) > 4*b.opts.Max { // a cache: bounded
		b.routes = map[string]routeState{}
	}
	var open []string
	seen := map[string]bool{}
	for _, e := range b.events {
		if e.TaskID != "" || e.route == "" || seen[e.route] || b.routes[e.route].final {
			continue
		}
		seen[e.route] = true
		open = append(open, e.route)
	}
	b.mu.Unlock()
	if len(open) == 0 {
		return
	}
	c, cancel := ctx()
	defer cancel()
	for _, h := range open {
		var rs routeState
		r, ok, err := b.loadRoute(c, h)
		switch {
		case err != nil:
			return
		case ok:
			rs = routeState{taskID: r.TaskID, final: r.TaskID != "" || r.Stable}
		default:
			_, err := b.store.Get(c, cancelledKey(h))
			if err != nil && !errors.Is(err, state.ErrNotFound) {
				return
			}
			rs = routeState{final: true, hidden: err == nil}
		}
		b.mu.Lock()
		b.routes[h] = rs
		if rs.hidden {
			b.dropRoute(h)
		} else if rs.taskID != "" {
			for i := range b.events {
				if b.events[i].route == h && b.events[i].TaskID == "" {
					b.events[i].TaskID = rs.taskID
				}
			}
		}
		b.mu.Unlock()
	}
}
