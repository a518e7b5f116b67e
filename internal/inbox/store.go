package inbox

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
)

// Keys in the store. A route is found by the SHA-256 of its token: the
// token is the route's only credential, so whoever reads the store cannot
// post to it.
//
//	inbox/route/<hash>             the route (JSON), routeTTL+1d, stable ones kept
//	inbox/used/<hash>              claimed by a one-shot route's delivery
//	inbox/rate/<hash>/<unix min>   callbacks in that minute (2 min)
//	inbox/seen/<kind>/<key hash>   claimed by an Acceptor's dedupe key
//	inbox/cancelled/<hash>         set by Cancel: its events are hidden
//	inbox/stable/<provider>/<kind> the token of a standing address (StableCallback)
//	inbox/events                   the log of events (Max entries, fewer past MaxBytes)

func hashOf(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func routeKey(h string) string     { return "inbox/route/" + h }
func usedKey(h string) string      { return "inbox/used/" + h }
func cancelledKey(h string) string { return "inbox/cancelled/" + h }
func rateKey(h string, now time.Time) string {
	return "inbox/rate/" + h + "/" + strconv.FormatInt(now.Unix()/60, 10)
}

func seenKey(kind, key string) string        { return "inbox/seen/" + kind + "/" + hashOf(key) }
func stableKey(provider, kind string) string { return "inbox/stable/" + provider + "/" + kind }

// errStore marks a store that did not answer (503, not 400).
var errStore = errors.New("inbox: store unavailable")

func (b *Inbox) putRoute(c context.Context, h string, r route) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	ttl := time.Duration(0)
	if !r.Stable {
		// Until the route expires by its creation time (and a day more).
		if ttl = keepFor - b.opts.Now().Sub(r.Created); ttl <= 0 {
			return nil
		}
	}
	return b.store.Set(c, routeKey(h), data, ttl)
}

// loadRoute reads a route: ok false when there is none (or it is corrupt).
func (b *Inbox) loadRoute(c context.Context, h string) (route, bool, error) {
	data, err := b.store.Get(c, routeKey(h))
	if errors.Is(err, state.ErrNotFound) {
		return route{}, false, nil
	}
	if err != nil {
		return route{}, false, err
	}
	var r route
	if json.Unmarshal(data, &r) != nil {
		return route{}, false, nil
	}
	return r, true, nil
}

func (b *Inbox) getRoute(c context.Context, h string) (route, bool) {
	r, ok, err := b.loadRoute(c, h)
	return r, ok && err == nil
}

// localDir is where a Local store keeps an inbox given only File.
func localDir(file string) string { return filepath.Join(filepath.Dir(file), "state") }

// legacyRecord is one line of an earlier version's inbox.jsonl.
type legacyRecord struct {
	Token string `json:"token,omitempty"`
	Route *route `json:"route,omitempty"`
	Event *Event `json:"event,omitempty"`
}

// importFile moves an earlier version's inbox file into the store once:
// its routes (hashed) and events, then renames it *.imported.
func (b *Inbox) importFile(file string) error {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening callback inbox %s: %w", file, err)
	}
	routes := map[string]route{}
	var events []legacyRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	for sc.Scan() {
		var rec legacyRecord
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue // a torn last line after a crash is skipped
		}
		switch {
		case rec.Route != nil && rec.Token != "":
			routes[rec.Token] = *rec.Route
		case rec.Event != nil && len(rec.Event.Payload) <= MaxEventBytes:
			events = append(events, rec)
		}
	}
	f.Close()
	sort.SliceStable(events, func(i, j int) bool { return events[i].Event.Seq < events[j].Event.Seq })
	if len(events) > b.opts.Max {
		events = events[len(events)-b.opts.Max:]
	}
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	now := b.opts.Now()
	for tok, r := range routes {
		if !r.Stable && now.Sub(r.Created) > routeTTL {
			continue
		}
		h := hashOf(tok)
		if r.OneShot && r.Used {
			if _, err := b.store.Claim(c, usedKey(h), []byte("1"), keepFor); err != nil {
				return fmt.Errorf("importing callback inbox %s: %w", file, err)
			}
		}
		r.Used = false
		if r.Stable {
			if _, err := b.store.Claim(c, stableKey(r.Provider, r.Kind), []byte(tok), 0); err != nil {
				return fmt.Errorf("importing callback inbox %s: %w", file, err)
			}
		}
		if err := b.putRoute(c, h, r); err != nil {
			return fmt.Errorf("importing callback inbox %s: %w", file, err)
		}
	}
	for _, rec := range events {
		e := rec.Event
		h := ""
		if rec.Token != "" {
			h = hashOf(rec.Token)
		}
		data, err := json.Marshal(logEvent{Provider: e.Provider, Kind: e.Kind, TaskID: e.TaskID, ReceivedAt: e.ReceivedAt,
			Payload: e.Payload, Summary: e.Summary, Route: h, Imported: true})
		if err != nil {
			continue
		}
		if _, err := b.store.Append(c, eventsLog, data, state.LogOptions{Max: b.opts.Max, TTL: keepFor}); err != nil {
			return fmt.Errorf("importing callback inbox %s: %w", file, err)
		}
	}
	return os.Rename(file, file+".imported")
}
