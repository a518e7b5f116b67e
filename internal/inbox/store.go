package inbox

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

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
	b.appendedBytes += len(line) + 1
	if b.appended > 2*b.opts.Max || b.appendedBytes > b.opts.MaxBytes {
		b.pruneRoutes()
		_ = b.compact()
		b.appended, b.appendedBytes = 0, 0
	}
}

// pruneRoutes forgets callback paths older than routeTTL (b.mu held).
func (b *Inbox) pruneRoutes() {
	cutoff := b.opts.Now().Add(-routeTTL)
	for tok, r := range b.routes {
		if !r.Stable && !r.Created.IsZero() && r.Created.Before(cutoff) {
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
			if len(rec.Event.Payload) > MaxEventBytes {
				continue
			}
			rec.Event.route = rec.Token
			b.events = append(b.events, *rec.Event)
			if rec.Event.Seq > b.seq {
				b.seq = rec.Event.Seq
			}
		}
	}
	sort.Slice(b.events, func(i, j int) bool { return b.events[i].Seq < b.events[j].Seq })
	for _, e := range b.events {
		b.bytes += len(e.Payload)
	}
	b.trim()
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
		_ = enc.Encode(record{Token: b.events[i].route, Event: &b.events[i]})
	}
	if err := w.Flush(); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil
	}
	f.Close()
	return os.Rename(tmp, b.opts.File)
}
