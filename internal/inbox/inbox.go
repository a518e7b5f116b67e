// Package inbox receives provider callbacks (long ASR, audio and stream
// censors, translation, later AIOZ webhooks) so results that only arrive by
// callback still reach the agent. Each task gets an unguessable callback
// path; a received event is validated, stored (bounded, durable across
// restarts in a JSON-lines file), and announced to subscribers.
package inbox

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// PathPrefix is where callbacks arrive on the HTTP listener.
const PathPrefix = "/callbacks/"

// Event is one received callback.
type Event struct {
	Seq        int64           `json:"seq"`
	Provider   string          `json:"provider"`
	Kind       string          `json:"kind" jsonschema_description:"e.g. asr_long, censor_audio, censor_audio_stream, censor_video_stream, censor_voice, translate"`
	TaskID     string          `json:"task_id,omitempty"`
	ReceivedAt time.Time       `json:"received_at"`
	Payload    json.RawMessage `json:"payload"`
	Summary    string          `json:"summary,omitempty"`
}

// Summarizer turns a payload into one line for listings (and may extract
// the task id when the callback names it).
type Summarizer func(payload json.RawMessage) (taskID, summary string)

// Options configure an Inbox.
type Options struct {
	// PublicURL is the base URL the provider can reach (--public-url); empty
	// means callbacks are unavailable and tools must poll.
	PublicURL string
	// File keeps events across restarts; empty keeps them in memory only.
	File string
	// Max bounds the stored events (oldest dropped); default 1000.
	Max int
	Now func() time.Time
}

// Inbox stores callbacks.
type Inbox struct {
	opts    Options
	mu      sync.Mutex
	events  []Event
	seq     int64
	routes  map[string]route // token → where it belongs
	summary map[string]Summarizer
	kinds   map[string]KindHooks // kinds.go
	subs    map[int]func(Event)
	nextSub int
	// appended counts lines written since the file was last compacted.
	appended int
}

type route struct {
	Provider string    `json:"provider"`
	Kind     string    `json:"kind"`
	TaskID   string    `json:"task_id,omitempty"`
	Created  time.Time `json:"created"`
}

// record is one line of the durable file: a route or an event.
type record struct {
	Token string `json:"token,omitempty"`
	Route *route `json:"route,omitempty"`
	Event *Event `json:"event,omitempty"`
}

// New opens an inbox, loading earlier events and routes from opts.File.
func New(opts Options) (*Inbox, error) {
	if opts.Max == 0 {
		opts.Max = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	b := &Inbox{opts: opts, routes: map[string]route{}, summary: map[string]Summarizer{}, subs: map[int]func(Event){}}
	if opts.File != "" {
		if err := b.load(); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Enabled reports whether providers can reach the inbox.
func (b *Inbox) Enabled() bool { return b != nil && b.opts.PublicURL != "" }

// SetSummarizer registers how payloads of one kind are summarised.
func (b *Inbox) SetSummarizer(kind string, s Summarizer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.summary[kind] = s
}

// ErrNoPublicURL is returned by NewCallback when no --public-url is set.
var ErrNoPublicURL = errors.New("no callback address: start the server with --public-url (an address the provider can reach, forwarded to --callback-addr) to receive results by callback; polling is used instead where the API allows it")

// NewCallback returns a fresh, unguessable callback URL for one task.
// Bind the task id once the provider has answered the submission.
func (b *Inbox) NewCallback(provider, kind string) (string, error) {
	if !b.Enabled() {
		return "", ErrNoPublicURL
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(raw)
	r := route{Provider: provider, Kind: kind, Created: b.opts.Now().UTC()}
	b.mu.Lock()
	b.routes[tok] = r
	b.mu.Unlock()
	b.persist(record{Token: tok, Route: &r})
	return b.opts.PublicURL + PathPrefix + tok, nil
}

// Bind records the task id of a callback URL made by NewCallback.
func (b *Inbox) Bind(callbackURL, taskID string) {
	tok := tokenOf(callbackURL)
	b.mu.Lock()
	r, ok := b.routes[tok]
	if ok {
		r.TaskID = taskID
		b.routes[tok] = r
	}
	b.mu.Unlock()
	if ok {
		b.persist(record{Token: tok, Route: &r})
	}
}

func tokenOf(u string) string {
	if i := strings.LastIndex(u, PathPrefix); i >= 0 {
		return u[i+len(PathPrefix):]
	}
	return u
}

// ServeHTTP receives a callback: POST /callbacks/<token> with a JSON body.
// Unknown tokens get 404, bodies that are not JSON objects 400.
func (b *Inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "callbacks are POST", http.StatusMethodNotAllowed)
		return
	}
	tok := strings.TrimPrefix(r.URL.Path, PathPrefix)
	b.mu.Lock()
	rt, ok := b.routes[tok]
	b.mu.Unlock()
	if !ok || tok == "" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		http.Error(w, "reading body", http.StatusBadRequest)
		return
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		http.Error(w, "callback body must be a JSON object", http.StatusBadRequest)
		return
	}
	b.Add(rt.Provider, rt.Kind, rt.TaskID, body)
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"code":0,"message":"ok"}`)
}

// Add stores an event (from a callback, or from a poll that found a result)
// and notifies subscribers.
func (b *Inbox) Add(provider, kind, taskID string, payload []byte) Event {
	b.mu.Lock()
	sum := b.summary[kind]
	b.mu.Unlock()
	summary := ""
	if sum != nil {
		id, s := sum(payload)
		if taskID == "" {
			taskID = id
		}
		summary = s
	}
	b.mu.Lock()
	if dup, ok := b.duplicateLocked(kind, payload); ok {
		b.mu.Unlock()
		return dup
	}
	b.seq++
	ev := Event{Seq: b.seq, Provider: provider, Kind: kind, TaskID: taskID, ReceivedAt: b.opts.Now().UTC(),
		Payload: append(json.RawMessage(nil), payload...), Summary: summary}
	b.events = append(b.events, ev)
	if len(b.events) > b.opts.Max {
		b.events = append([]Event(nil), b.events[len(b.events)-b.opts.Max:]...)
	}
	subs := make([]func(Event), 0, len(b.subs))
	for _, f := range b.subs {
		subs = append(subs, f)
	}
	b.mu.Unlock()
	b.persist(record{Event: &ev})
	for _, f := range subs {
		f(ev)
	}
	return ev
}

// Subscribe calls f for each new event; the returned func unsubscribes.
func (b *Inbox) Subscribe(f func(Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.nextSub
	b.nextSub++
	b.subs[id] = f
	return func() {
		b.mu.Lock()
		delete(b.subs, id)
		b.mu.Unlock()
	}
}

// Filter selects events.
type Filter struct {
	TaskID   string
	Provider string
	Kind     string
	AfterSeq int64 // only events with a larger seq
	Limit    int   // default 20
}

// List returns matching events, oldest first, and whether more follow.
func (b *Inbox) List(f Filter) ([]Event, bool) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Event
	more := false
	for _, e := range b.events {
		if e.Seq <= f.AfterSeq || (f.TaskID != "" && e.TaskID != f.TaskID) ||
			(f.Provider != "" && e.Provider != f.Provider) || (f.Kind != "" && e.Kind != f.Kind) {
			continue
		}
		if len(out) == f.Limit {
			more = true
			break
		}
		out = append(out, e)
	}
	return out, more
}

// Latest returns the newest event for a task, if any.
func (b *Inbox) Latest(taskID string) (Event, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.events) - 1; i >= 0; i-- {
		if b.events[i].TaskID == taskID {
			return b.events[i], true
		}
	}
	return Event{}, false
}

func (b *Inbox) persist(rec record) {
	if b.opts.File == "" {
		return
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(b.opts.File), 0o700); err != nil {
		return
	}
	f, err := os.OpenFile(b.opts.File, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	_, _ = f.Write(append(line, '\n'))
	_ = f.Close()
	// Rewrite the file once it holds many more lines than it keeps, so a
	// long-running server's inbox stays bounded on disk too.
	b.appended++
	if b.appended > 2*b.opts.Max {
		b.pruneRoutes()
		_ = b.compact()
		b.appended = 0
	}
}

// routeTTL is how long a task's callback path stays valid.
const routeTTL = 30 * 24 * time.Hour

// pruneRoutes forgets callback paths older than routeTTL (b.mu held).
func (b *Inbox) pruneRoutes() {
	cutoff := b.opts.Now().Add(-routeTTL)
	for tok, r := range b.routes {
		if !r.Created.IsZero() && r.Created.Before(cutoff) {
			delete(b.routes, tok)
		}
	}
}

func (b *Inbox) load() error {
	f, err := os.Open(b.opts.File)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening callback inbox %s: %w", b.opts.File, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	for sc.Scan() {
		var rec record
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue // a torn last line after a crash is skipped
		}
		switch {
		case rec.Route != nil:
			b.routes[rec.Token] = *rec.Route
		case rec.Event != nil:
			b.events = append(b.events, *rec.Event)
			if rec.Event.Seq > b.seq {
				b.seq = rec.Event.Seq
			}
		}
	}
	sort.Slice(b.events, func(i, j int) bool { return b.events[i].Seq < b.events[j].Seq })
	if len(b.events) > b.opts.Max {
		b.events = b.events[len(b.events)-b.opts.Max:]
	}
	b.pruneRoutes()
	return b.compact()
}

// compact rewrites the file with the kept events and routes, so it stays
// bounded across restarts.
func (b *Inbox) compact() error {
	tmp := b.opts.File + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil // keep the old file; compaction is best effort
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for tok, r := range b.routes {
		r := r
		_ = enc.Encode(record{Token: tok, Route: &r})
	}
	for i := range b.events {
		_ = enc.Encode(record{Event: &b.events[i]})
	}
	if err := w.Flush(); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil
	}
	f.Close()
	return os.Rename(tmp, b.opts.File)
}
