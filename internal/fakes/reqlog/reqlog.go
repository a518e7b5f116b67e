// Package reqlog is the fakes' request log: the newest requests a fake
// received, kept in a fixed-size ring so that a long sandbox session stays
// flat in memory while tests can still read back what was sent.
package reqlog

import "sync"

// DefaultSize is how many requests a fake keeps unless told otherwise.
const DefaultSize = 4096

// Ring keeps the newest Size entries (DefaultSize when Size is 0). It is
// safe for concurrent use; set Size before the first Add.
type Ring[T any] struct {
	Size int

	mu    sync.Mutex
	buf   []T    // grows to size, then entry n sits at buf[n % size]
	total uint64 // entries ever added
}

func (r *Ring[T]) size() uint64 {
	if r.Size <= 0 {
		return DefaultSize
	}
	return uint64(r.Size)
}

// Add appends v and returns its sequence number, for Update.
func (r *Ring[T]) Add(v T) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.total
	if uint64(len(r.buf)) < r.size() {
		r.buf = append(r.buf, v)
	} else {
		r.buf[n%r.size()] = v
	}
	r.total++
	return n
}

// Update replaces entry n if the ring still holds it.
func (r *Ring[T]) Update(n uint64, v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n < r.total && r.total-n <= uint64(len(r.buf)) {
		r.buf[n%r.size()] = v
	}
}

// All returns the entries kept, oldest first, each passed through clone
// (nil: as stored).
func (r *Ring[T]) All(clone func(T) T) []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]T, 0, len(r.buf))
	for n := r.total - uint64(len(r.buf)); n < r.total; n++ {
		v := r.buf[n%r.size()]
		if clone != nil {
			v = clone(v)
		}
		out = append(out, v)
	}
	return out
}

// Total is how many entries were ever added, kept or dropped.
func (r *Ring[T]) Total() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}
