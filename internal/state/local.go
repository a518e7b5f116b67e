package state

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"sync"
	"time"
)

// durablePrefixes name what Local keeps in files when it has a directory
// (values, logs and sets): what a single user's server kept on disk before
// there was a Store (the callback inbox and upload-resume records).
// Sessions and SSE logs live in memory: they end with the process anyway.
var durablePrefixes = []string{"inbox/", "upload/"}

func durable(name string) bool {
	for _, p := range durablePrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Local is the embedded Store: this process only, no dependency.
type Local struct {
	dir string // "" keeps everything in memory
	now func() time.Time

	mu       sync.Mutex
	values   map[string]value
	logs     map[string]*memLog
	sets     map[string]map[string]time.Time
	watchers map[string]map[chan struct{}]bool
}

type value struct {
	data []byte
	exp  time.Time // zero: no expiry
}

type memLog struct {
	entries []Entry
	last    int64
	exp     time.Time
	opt     LogOptions
	lines   int // lines in its file since the last compaction
}

// NewLocal returns a Local store; with a non-empty dir, inbox and upload
// state are kept in files under it and loaded again on the next start.
func NewLocal(dir string) *Local {
	l := &Local{dir: dir, now: time.Now, values: map[string]value{}, logs: map[string]*memLog{},
		sets: map[string]map[string]time.Time{}, watchers: map[string]map[chan struct{}]bool{}}
	if dir != "" {
		l.load()
	}
	return l
}

func (l *Local) expiry(ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return l.now().Add(ttl)
}

func expired(exp, now time.Time) bool { return !exp.IsZero() && !now.Before(exp) }

// Get implements Store.
func (l *Local) Get(_ context.Context, key string) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.values[key]
	if !ok || expired(v.exp, l.now()) {
		return nil, ErrNotFound
	}
	return append([]byte(nil), v.data...), nil
}

// Set implements Store.
func (l *Local) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	v := value{data: append([]byte(nil), val...), exp: l.expiry(ttl)}
	l.values[key] = v
	return l.saveValue(key, v)
}

// Claim implements Store.
func (l *Local) Claim(_ context.Context, key string, val []byte, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.values[key]; ok && !expired(v.exp, l.now()) {
		return false, nil
	}
	v := value{data: append([]byte(nil), val...), exp: l.expiry(ttl)}
	l.values[key] = v
	return true, l.saveValue(key, v)
}

// Extend implements Store.
func (l *Local) Extend(_ context.Context, key string, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.values[key]
	if !ok || expired(v.exp, l.now()) {
		return false, nil
	}
	v.exp = l.expiry(ttl)
	l.values[key] = v
	return true, l.saveValue(key, v)
}

// Release implements Store.
func (l *Local) Release(_ context.Context, key string, val []byte) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.values[key]
	if !ok || expired(v.exp, l.now()) || !bytes.Equal(v.data, val) {
		return false, nil
	}
	delete(l.values, key)
	l.removeValue(key)
	return true, nil
}

// Delete implements Store.
func (l *Local) Delete(_ context.Context, keys ...string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.values, k)
		if _, ok := l.logs[k]; ok {
			delete(l.logs, k)
			l.removeLog(k)
		}
		l.removeValue(k)
	}
	return nil
}

// Incr implements Store.
func (l *Local) Incr(_ context.Context, key string, ttl time.Duration) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.values[key]
	var n int64
	if ok && !expired(v.exp, l.now()) {
		n = decodeInt(v.data)
	} else {
		v = value{exp: l.expiry(ttl)}
	}
	n++
	v.data = encodeInt(n)
	l.values[key] = v
	return n, nil
}

// Append implements Store.
func (l *Local) Append(_ context.Context, log string, data []byte, opt LogOptions) (int64, error) {
	l.mu.Lock()
	lg := l.logs[log]
	now := l.now()
	if lg == nil || expired(lg.exp, now) {
		var last int64
		if lg != nil {
			last = lg.last // seqs never go back, even past an expiry
		}
		lg = &memLog{last: last}
		l.logs[log] = lg
	}
	lg.opt = opt
	lg.last++
	e := Entry{Seq: lg.last, Data: append([]byte(nil), data...)}
	lg.entries = append(lg.entries, e)
	if opt.Max > 0 && len(lg.entries) > opt.Max {
		lg.entries = append([]Entry(nil), lg.entries[len(lg.entries)-opt.Max:]...)
	}
	lg.exp = l.expiry(opt.TTL)
	err := l.saveAppend(log, lg, e)
	ws := l.watchers[log]
	for ch := range ws {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	l.mu.Unlock()
	return e.Seq, err
}

// Range implements Store.
func (l *Local) Range(_ context.Context, log string, after int64, limit int) ([]Entry, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lg := l.logs[log]
	if lg == nil || expired(lg.exp, l.now()) {
		return nil, 0, nil
	}
	i := sort.Search(len(lg.entries), func(i int) bool { return lg.entries[i].Seq > after })
	var out []Entry
	for ; i < len(lg.entries) && (limit <= 0 || len(out) < limit); i++ {
		e := lg.entries[i]
		out = append(out, Entry{Seq: e.Seq, Data: append([]byte(nil), e.Data...)})
	}
	return out, lg.last, nil
}

// Watch implements Store.
func (l *Local) Watch(log string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	l.mu.Lock()
	if l.watchers[log] == nil {
		l.watchers[log] = map[chan struct{}]bool{}
	}
	l.watchers[log][ch] = true
	l.mu.Unlock()
	return ch, func() {
		l.mu.Lock()
		delete(l.watchers[log], ch)
		if len(l.watchers[log]) == 0 {
			delete(l.watchers, log)
		}
		l.mu.Unlock()
	}
}

// Join implements Store.
func (l *Local) Join(_ context.Context, set, member string, ttl time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sets[set] == nil {
		l.sets[set] = map[string]time.Time{}
	}
	exp := l.expiry(ttl)
	l.sets[set][member] = exp
	return l.saveValue(memberKey(set, member), value{exp: exp})
}

// memberKey is the file key of a durable set's member (local_disk.go).
func memberKey(set, member string) string { return set + setSep + member }

// setSep joins a set and a member in a file key; neither holds it.
const setSep = "\x00member\x00"

// Leave implements Store.
func (l *Local) Leave(_ context.Context, set, member string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.sets[set], member)
	l.removeValue(memberKey(set, member))
	return nil
}

// Members implements Store.
func (l *Local) Members(_ context.Context, set string) ([]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	var out []string
	for m, exp := range l.sets[set] {
		if expired(exp, now) {
			delete(l.sets[set], m)
			l.removeValue(memberKey(set, m))
			continue
		}
		out = append(out, m)
	}
	sort.Strings(out)
	return out, nil
}

// Ping implements Store.
func (l *Local) Ping(context.Context) error { return nil }

// Shared implements Store: a Local store is this process's own.
func (l *Local) Shared() bool { return false }

// Close implements Store.
func (l *Local) Close() error { return nil }

// Sweep drops expired values, logs and set members (a server calls it now
// and then, so abandoned state does not stay in memory).
func (l *Local) Sweep() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for k, v := range l.values {
		if expired(v.exp, now) {
			delete(l.values, k)
			l.removeValue(k)
		}
	}
	for k, lg := range l.logs {
		if expired(lg.exp, now) {
			delete(l.logs, k)
			l.removeLog(k)
		}
	}
	for _, s := range l.sets {
		for m, exp := range s {
			if expired(exp, now) {
				delete(s, m)
			}
		}
	}
}
