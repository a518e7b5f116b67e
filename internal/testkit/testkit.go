// Package testkit holds what the tests of several packages share: the
// sample keys, a settable clock, a WAV builder and a callback receiver.
//
// It is imported only by tests (_test.go files); no program code may use it.
package testkit

import (
	"sync"
	"time"
)

// The Qiniu sample key pair of the Pili push-auth page, which the Qiniu
// specs' signature vectors (and so the Qiniu tests) use.
const (
	QiniuAK = "7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII"
	QiniuSK = "312ae9gd2BrCfpTdF4U8aIg9Puh62K4eEGY72Ea_"
)

// The AIOZ Stream key pair the AIOZ tests use (made up; AIOZ documents
// none).
const (
	AIOZPublicKey = "pk_live_0123456789abcdef"
	AIOZSecretKey = "sk_live_fedcba9876543210"
)

// Clock is a settable clock, safe for concurrent use. Its Now method fits
// every Options.Now (func() time.Time) of the fakes and clients.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
