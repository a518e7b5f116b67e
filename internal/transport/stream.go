package transport

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
)

// A stream is an SSE stream's event log in the state store: the events of
// one POST's requests, or a session's standalone (GET) stream. Events stay
// after the connection that carried them drops, so a client resumes with
// Last-Event-ID — through any replica when the store is shared. Each entry
// is one byte of kind and the message.
const (
	entryMessage = 'm'
	entryFinal   = 'f' // the POST's last response: a message, then the end
	entryHeader  = 'h' // a POST stream's first entry: its streamMeta
	entryPriming = 'p' // an id to resume from, no data
	entryEnd     = 'e' // the POST's requests are all answered
)

// standaloneKept is how many events a session's GET stream keeps for resumption.
const standaloneKept = 256

// streams is the store's view for one transport.
type streams struct {
	store state.Store
	ttl   time.Duration // of a log after its last event: the session TTL
}

func logName(sid, stream string) string { return "sse/" + sid + "/" + stream }

// push appends a message to a log. A store that fails loses the event; the
// error is returned for the caller to log.
func (s streams) push(log string, data json.RawMessage, keep int) error {
	return s.append(log, entryMessage, data, keep)
}

// finishedTTL is how long a POST stream stays resumable once it ended
// (the session TTL if that is shorter): long enough for a client whose
// connection dropped to come back, short enough that results — images
// among them — do not pile up in the store.
const finishedTTL = 5 * time.Minute

func (s streams) append(log string, kind byte, data []byte, keep int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	buf := make([]byte, 0, len(data)+1)
	buf = append(append(buf, kind), data...)
	ttl := s.ttl
	if (kind == entryFinal || kind == entryEnd) && finishedTTL < ttl {
		ttl = finishedTTL
	}
	_, err := s.store.Append(ctx, log, buf, state.LogOptions{Max: keep, TTL: ttl})
	return err
}

// tail is the seq of a log's last event.
func (s streams) tail(ctx context.Context, log string) int64 { return logTail(ctx, s.store, log) }

// logTail is the seq of a log's last entry (0 for none or a store error).
func logTail(ctx context.Context, st state.Store, log string) int64 {
	_, last, _ := st.Range(ctx, log, math.MaxInt64-1, 1)
	return last
}

func eventID(stream string, seq int64) string { return stream + ":" + strconv.FormatInt(seq, 10) }

// parseEventID splits a Last-Event-ID into stream id and seq.
func parseEventID(v string) (string, int64, bool) {
	i := strings.LastIndexByte(v, ':')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(v[i+1:], 10, 64)
	if err != nil || n < 0 {
		return "", 0, false
	}
	return v[:i], n, true
}

// pumpOptions are the ends of a pump besides the client's going away.
type pumpOptions struct {
	heartbeat time.Duration
	stop, end <-chan struct{} // nil never closes
	// poll, when set, runs about every pollEvery (default a second) while
	// the log is quiet, and on each recheck; it may end the log (an
	// orphaned POST stream, see sessions.go) or return true to stop the
	// pump (a newer GET stream took over).
	poll      func() bool
	pollEvery time.Duration
	recheck   <-chan struct{}
	// direct, when set, holds entries the store failed to take; they are
	// written after the log's (without ids: they cannot be resumed).
	direct *fallback
}

// pump writes the events of log after seq to w until its end entry, the
// client goes away, or a stop channel closes. It reports whether the log's
// end was written.
func (s streams) pump(w http.ResponseWriter, r *http.Request, stream, log string, seq int64, o pumpOptions) bool {
	rc := http.NewResponseController(w)
	wake, unwatch := s.store.Watch(log)
	defer unwatch()
	var tick <-chan time.Time
	if o.heartbeat > 0 {
		t := time.NewTicker(o.heartbeat)
		defer t.Stop()
		tick = t.C
	}
	every := o.pollEvery
	if every <= 0 {
		every = time.Second
	}
	poll := time.NewTicker(every)
	defer poll.Stop()
	for {
		evs, _, err := s.store.Range(r.Context(), log, seq, 256)
		if err != nil && r.Context().Err() != nil {
			return false
		}
		for _, ev := range evs {
			if len(ev.Data) == 0 {
				continue
			}
			var err error
			switch ev.Data[0] {
			case entryEnd:
				_ = rc.Flush()
				return true
			case entryHeader:
				var m streamMeta
				if json.Unmarshal(ev.Data[1:], &m) == nil && m.Prime {
					err = priming(w, stream, ev.Seq)
				}
			case entryPriming:
				err = priming(w, stream, ev.Seq)
			case entryFinal:
				if _, err := fmt.Fprintf(w, "event: message\nid: %s\ndata: %s\n\n", eventID(stream, ev.Seq), ev.Data[1:]); err != nil {
					return false
				}
				_ = rc.Flush()
				return true
			default:
				_, err = fmt.Fprintf(w, "event: message\nid: %s\ndata: %s\n\n", eventID(stream, ev.Seq), ev.Data[1:])
			}
			if err != nil {
				return false
			}
			seq = ev.Seq
		}
		wrote := len(evs) > 0
		for _, d := range o.direct.take() {
			switch d[0] {
			case entryEnd:
				_ = rc.Flush()
				return true
			case entryFinal, entryMessage:
				if _, err := fmt.Fprintf(w, "event: message\ndata: %s\n\n", d[1:]); err != nil {
					return false
				}
				if d[0] == entryFinal {
					_ = rc.Flush()
					return true
				}
				wrote = true
			}
		}
		if wrote {
			if rc.Flush() != nil {
				return false
			}
			if len(evs) == 256 {
				continue
			}
		}
		select {
		case <-o.direct.woken():
		case <-wake:
		case <-poll.C:
			if o.poll != nil && o.poll() {
				return false
			}
		case <-o.recheck:
			if o.poll != nil && o.poll() {
				return false
			}
		case <-r.Context().Done():
			return false
		case <-o.stop:
			return false
		case <-o.end:
			return false
		case <-tick:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return false
			}
		}
	}
}

// priming writes an event with an id to resume from and how long to wait
// before reconnecting.
func priming(w http.ResponseWriter, stream string, seq int64) error {
	_, err := fmt.Fprintf(w, "id: %s\nretry: %d\ndata: \n\n", eventID(stream, seq), retryMillis)
	return err
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
