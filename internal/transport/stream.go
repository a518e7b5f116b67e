package transport

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// stream is one SSE stream's event log: the events of a POST's requests, or
// the session's standalone (GET) stream. Events stay after the connection
// that carried them drops, so a client can resume with Last-Event-ID.
type stream struct {
	id   string
	keep int // events retained; 0 keeps all (a POST stream ends by itself)

	mu     sync.Mutex
	events []event
	first  int // seq of events[0]
	next   int // seq of the next event
	done   bool
	wake   chan struct{}
}

type event struct {
	seq  int
	data json.RawMessage // nil: the priming event (id only)
}

func newStream(id string, keep int) *stream {
	return &stream{id: id, keep: keep, first: 1, next: 1, wake: make(chan struct{})}
}

func (st *stream) push(data json.RawMessage) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done {
		return
	}
	st.events = append(st.events, event{seq: st.next, data: data})
	st.next++
	if st.keep > 0 && len(st.events) > st.keep {
		drop := len(st.events) - st.keep
		st.events = append([]event(nil), st.events[drop:]...)
		st.first = st.events[0].seq
	}
	close(st.wake)
	st.wake = make(chan struct{})
}

// finish marks the log complete: readers return once they have it all.
func (st *stream) finish() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.done {
		st.done = true
		close(st.wake)
		st.wake = make(chan struct{})
	}
}

// since returns the events after seq, whether the log is complete, and a
// channel closed at the next change.
func (st *stream) since(seq int) ([]event, bool, <-chan struct{}) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []event
	for _, ev := range st.events {
		if ev.seq > seq {
			out = append(out, ev)
		}
	}
	return out, st.done, st.wake
}

// tail is the seq of the last event pushed.
func (st *stream) tail() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.next - 1
}

func (st *stream) eventID(seq int) string { return st.id + ":" + strconv.Itoa(seq) }

// parseEventID splits a Last-Event-ID into stream id and seq.
func parseEventID(v string) (string, int, bool) {
	i := strings.LastIndexByte(v, ':')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(v[i+1:])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return v[:i], n, true
}

// pump writes st's events after seq to w until the log is complete, the
// client goes away, or stop closes. It reports whether the whole log was
// written. A nil stop never closes.
func pump(w http.ResponseWriter, r *http.Request, st *stream, seq int, heartbeat time.Duration, stop, end <-chan struct{}) bool {
	rc := http.NewResponseController(w)
	var tick <-chan time.Time
	if heartbeat > 0 {
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		tick = t.C
	}
	for {
		evs, done, wake := st.since(seq)
		for _, ev := range evs {
			var err error
			if ev.data == nil {
				// The priming event: an id to resume from, and how long
				// to wait before reconnecting.
				_, err = fmt.Fprintf(w, "id: %s\nretry: %d\ndata: \n\n", st.eventID(ev.seq), retryMillis)
			} else {
				_, err = fmt.Fprintf(w, "event: message\nid: %s\ndata: %s\n\n", st.eventID(ev.seq), ev.data)
			}
			if err != nil {
				return false
			}
			seq = ev.seq
		}
		if len(evs) > 0 {
			if rc.Flush() != nil {
				return false
			}
		}
		if done {
			return true
		}
		select {
		case <-wake:
		case <-r.Context().Done():
			return false
		case <-stop:
			return false
		case <-end:
			return false
		case <-tick:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return false
			}
		}
	}
}

// retryMillis is the reconnection delay announced on priming events.
const retryMillis = 1000

// clearReadDeadline lifts the per-request read deadline the HTTP server set
// for reading headers and body: past it, a long stream's connection would be
// taken for dead.
func clearReadDeadline(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
}

// startSSE writes the headers of an event-stream response.
func startSSE(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_ = http.NewResponseController(w).Flush()
}
