package inbox

import (
	"context"
	"errors"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
)

// Recovery: the callback that never came.
//
// Qiniu does not retry a callback (qiniu-dora.md §14: only p003 does), so
// one that reaches a receiver that is down — a replica killed mid-request,
// a laptop asleep, a proxy restarting — is gone. A one-shot kind with a
// Poller does not depend on it: Bind marks the task awaited, and while it
// is, one process sharing the store (a claim per route and round) asks the
// provider every Options.RecoverAfter; a finished task's result enters the
// inbox as its callback would have, once, so media_events and the waiters
// on every replica see it.
//
// A delivery is two-phase so that a process killed in the middle loses
// nothing: its marks (a one-shot route's used mark, an Acceptor's dedupe
// key) are first claimed as "pending" for pendingHold, the event
// appended, then the marks made final. A delivery that finds a pending
// mark gets 503 (retry later); a mark left by a dead process expires, and
// the provider's retry, or recovery, delivers the event.

// Poller asks the provider for a task's result: done with the payload the
// callback would have carried, or not done yet. ErrGone stops awaiting the
// task (the provider no longer knows it).
type Poller func(ctx context.Context, taskID string) (payload []byte, done bool, err error)

// ErrGone is what a Poller returns for a task the provider does not know.
var ErrGone = errors.New("inbox: the provider no longer knows the task")

// DefaultRecoverAfter is how long a callback may be late before the
// provider is asked.
const DefaultRecoverAfter = 2 * time.Minute

const (
	awaitedSet   = "inbox/awaited"  // hashes of bound one-shot routes with a Poller
	pendingMark  = "pending"        // inbox/used/<hash> while a delivery is under way
	finalMark    = "1"              // inbox/used/<hash> once delivered
	pendingHold  = 30 * time.Second // how long a pending mark outlives a dead process
	pollTimeout  = 30 * time.Second // one Poller call
	recoverRound = 2 * time.Minute  // one round over the awaited routes
	queriedNote  = "no callback came; queried: "
	// awaitFor bounds the asking: a task still unfinished this long after
	// its submission is left to its callback (its route still takes it).
	awaitFor = 72 * time.Hour
)

func recoverKey(h string) string { return "inbox/recover/" + h }

// Query outcomes, as SetQueryObserver reports them.
const (
	QueryResult  = "result"  // the task was done: its result entered the inbox
	QueryPending = "pending" // not done yet: asked again later
	QueryError   = "error"   // the query failed: asked again later
	QueryGone    = "gone"    // the provider no longer knows the task
)

// SetQueryObserver registers f to be told of each query made for a late
// callback: the kind and the outcome (metrics, logs). f must not block.
func (b *Inbox) SetQueryObserver(f func(kind, outcome string)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.observe = f
}

func (b *Inbox) observed(kind, outcome string) {
	b.mu.Lock()
	f := b.observe
	b.mu.Unlock()
	if f != nil {
		f(kind, outcome)
	}
}

// SetPoller registers how to ask the provider for a task of kind whose
// callback is late. Only one-shot routes are awaited.
func (b *Inbox) SetPoller(kind string, p Poller) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pollers == nil {
		b.pollers = map[string]Poller{}
	}
	b.pollers[kind] = p
}

func (b *Inbox) poller(kind string) Poller {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pollers[kind]
}

// await marks a bound route as awaited when its kind can be polled.
func (b *Inbox) await(c context.Context, h string, r route) {
	if r.OneShot && r.TaskID != "" && b.opts.RecoverAfter > 0 && b.poller(r.Kind) != nil {
		_ = b.store.Join(c, awaitedSet, h, keepFor)
	}
}

// markState reads a delivery mark (see deliver): final (delivered), or a
// delivery under way in some process.
func (b *Inbox) markState(c context.Context, key string) (final, pending bool, err error) {
	v, err := b.store.Get(c, key)
	switch {
	case errors.Is(err, state.ErrNotFound):
		return false, false, nil
	case err != nil:
		return false, false, err
	}
	return string(v) != pendingMark, string(v) == pendingMark, nil
}

// deliver's refusals.
var (
	errInflight  = errors.New("inbox: a delivery of this callback is under way")
	errDelivered = errors.New("inbox: this callback was already delivered")
	errDuplicate = errors.New("inbox: this event was already stored")
)

// mark is a key a delivery claims: a one-shot route's used mark
// (usedKey), or an Acceptor's dedupe key (seenKey, dedupe set).
type mark struct {
	key    string
	dedupe bool
}

// deliver stores ev once its marks are claimed, two-phase (see above): a
// mark already final is errDelivered, or errDuplicate for a dedupe key;
// one pending elsewhere errInflight. Store failures are errStore; on any
// failure the marks claimed here are released.
func (b *Inbox) deliver(c context.Context, marks []mark, ev Event) (Event, error) {
	var claimed []string
	release := func() {
		if len(claimed) > 0 {
			_ = b.store.Delete(c, claimed...)
		}
	}
	for _, m := range marks {
		first, err := b.store.Claim(c, m.key, []byte(pendingMark), pendingHold)
		if err != nil {
			release()
			return ev, errStore
		}
		if first {
			claimed = append(claimed, m.key)
			continue
		}
		release()
		final, _, err := b.markState(c, m.key)
		switch {
		case err != nil:
			return ev, errStore
		case !final: // pending, or gone since the claim failed
			return ev, errInflight
		case m.dedupe:
			return ev, errDuplicate
		}
		return ev, errDelivered
	}
	got, err := b.add(c, ev)
	if err != nil {
		release()
		return ev, errStore
	}
	for _, k := range claimed {
		_ = b.store.Set(c, k, []byte(finalMark), keepFor)
	}
	if ev.route != "" {
		_ = b.store.Leave(c, awaitedSet, ev.route)
	}
	return got, nil
}

// recoverLoop runs recovery rounds until Close.
func (b *Inbox) recoverLoop() {
	every := b.opts.RecoverAfter / 4
	every = min(max(every, 50*time.Millisecond), 30*time.Second)
	tick := time.NewTicker(every)
	defer tick.Stop()
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-b.done; cancel() }() // Close cuts a query under way
	for {
		select {
		case <-b.done:
			return
		case <-tick.C:
		}
		b.recoverOnce(base)
	}
}

// recoverOnce asks the provider about every awaited route whose callback
// is RecoverAfter late and that no process asked about in the last
// RecoverAfter.
func (b *Inbox) recoverOnce(base context.Context) {
	c, cancel := context.WithTimeout(base, recoverRound)
	defer cancel()
	hs, err := b.store.Members(c, awaitedSet)
	if err != nil || len(hs) == 0 {
		return
	}
	b.refresh() // once: hasResult reads the view
	now := b.opts.Now()
	for _, h := range hs {
		select {
		case <-b.done:
			return
		default:
		}
		rt, ok, err := b.loadRoute(c, h)
		if err != nil {
			return
		}
		if !ok || now.Sub(rt.Created) > awaitFor {
			_ = b.store.Leave(c, awaitedSet, h)
			continue
		}
		p := b.poller(rt.Kind)
		if p == nil || rt.TaskID == "" || now.Sub(rt.Created) < b.opts.RecoverAfter {
			continue
		}
		// One process per route and interval goes further.
		if first, err := b.store.Claim(c, recoverKey(h), []byte(b.id), b.opts.RecoverAfter); err != nil || !first {
			continue
		}
		used, inflight, err := b.markState(c, usedKey(h))
		if err != nil {
			return
		}
		if used || b.hasResult(rt) {
			_ = b.store.Leave(c, awaitedSet, h)
			continue
		}
		if inflight {
			continue
		}
		pc, pcancel := context.WithTimeout(c, pollTimeout)
		payload, done, err := p(pc, rt.TaskID)
		pcancel()
		switch {
		case errors.Is(err, ErrGone):
			b.observed(rt.Kind, QueryGone)
			_ = b.store.Leave(c, awaitedSet, h)
			continue
		case err != nil:
			b.observed(rt.Kind, QueryError)
			continue
		case !done || len(payload) > MaxEventBytes:
			b.observed(rt.Kind, QueryPending)
			continue
		}
		_, summary := b.summarize(rt.Kind, payload)
		ev := Event{Provider: rt.Provider, Kind: rt.Kind, TaskID: rt.TaskID, Payload: payload,
			Summary: queriedNote + summary, route: h}
		if _, err := b.deliver(c, []mark{{key: usedKey(h)}}, ev); err == nil {
			b.observed(rt.Kind, QueryResult)
		}
	}
}

// hasResult reports whether the view holds an event of the route's kind
// and task: one a tool added after polling itself.
func (b *Inbox) hasResult(rt route) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.events) - 1; i >= 0; i-- {
		if e := b.events[i]; e.TaskID == rt.TaskID && e.Kind == rt.Kind {
			return true
		}
	}
	return false
}
