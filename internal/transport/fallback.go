package transport

import "sync"

// fallback carries the messages of a POST stream whose append to the state
// store failed (Redis down mid-call) straight to the connection serving the
// stream in this process. They cannot be resumed with Last-Event-ID, but
// while the client stays connected it gets its result instead of waiting
// for an event that was never stored.
type fallback struct {
	mu   sync.Mutex
	q    [][]byte // entry kind, then the message
	wake chan struct{}
}

func newFallback() *fallback { return &fallback{wake: make(chan struct{}, 1)} }

// put queues an entry and wakes the pump.
func (f *fallback) put(kind byte, data []byte) {
	f.mu.Lock()
	f.q = append(f.q, append([]byte{kind}, data...))
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take returns the queued entries, oldest first.
func (f *fallback) take() [][]byte {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.q
	f.q = nil
	return q
}

// woken is the channel that receives after a put (nil for no fallback:
// never).
func (f *fallback) woken() <-chan struct{} {
	if f == nil {
		return nil
	}
	return f.wake
}
