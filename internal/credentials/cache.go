package credentials

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/providers"
)

// ChangeFileName is the file, in the state dir, that `auth set` and `auth
// delete` rewrite after every change to the keyring. A server compares its
// content on each load: a new content drops the cached keyring reads, so a
// change made from another process applies on the next call.
const ChangeFileName = "keyring-changes"

// DefaultTTL bounds how long a keyring read is reused when nothing says it
// changed (it catches changes made without the CLI, e.g. in seahorse, and a
// keyring unlocked meanwhile).
const DefaultTTL = 30 * time.Second

// cached is one provider's keyring read.
type cached struct {
	fields map[string]string
	err    error
	stamp  string // the change file's content when read
	at     time.Time
}

// cachedKeyring returns provider id's keyring fields, reading the keyring at
// most once per TTL while the change file says nothing changed. Concurrent
// callers share one read.
func (s *Store) cachedKeyring(id string) (map[string]string, error) {
	stamp := readStamp(s.ChangeFile)
	now := s.clock()
	ttl := s.TTL
	if ttl == 0 {
		ttl = DefaultTTL
	}
	s.cacheMu.Lock()
	if s.readMu == nil {
		s.readMu = map[string]*sync.Mutex{}
	}
	mu := s.readMu[id]
	if mu == nil {
		mu = &sync.Mutex{}
		s.readMu[id] = mu
	}
	s.cacheMu.Unlock()
	// One read per provider at a time; different providers in parallel.
	mu.Lock()
	defer mu.Unlock()
	s.cacheMu.Lock()
	c, ok := s.cache[id]
	s.cacheMu.Unlock()
	if ok && c.stamp == stamp && now.Sub(c.at) < ttl && !now.Before(c.at) {
		return c.fields, c.err
	}
	fields, err := s.fromKeyring(id)
	s.cacheMu.Lock()
	if s.cache == nil {
		s.cache = map[string]cached{}
	}
	s.cache[id] = cached{fields: fields, err: err, stamp: stamp, at: now}
	s.cacheMu.Unlock()
	return fields, err
}

// Warm reads the keyring for every provider at once (start-up: the
// selection then finds them cached instead of reading one after another).
func (s *Store) Warm() {
	if s.Sandbox != nil || s.Keyring == nil {
		return
	}
	var wg sync.WaitGroup
	for _, p := range providers.All {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			_, _ = s.cachedKeyring(id)
		}(p.ID)
	}
	wg.Wait()
}

// forget drops the cached read of provider id (after this process changed
// it) and tells other processes.
func (s *Store) forget(id string) {
	s.cacheMu.Lock()
	delete(s.cache, id)
	s.cacheMu.Unlock()
	if s.ChangeFile != "" {
		_ = BumpChanges(s.ChangeFile)
	}
}

func (s *Store) clock() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// readStamp returns the change file's content ("" when absent or unset).
func readStamp(file string) string {
	if file == "" {
		return ""
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	return string(b)
}

// BumpChanges rewrites the change file with a content it never had before
// (a time and a random nonce), atomically, creating its directory.
func BumpChanges(file string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	tmp, err := os.CreateTemp(filepath.Dir(file), ChangeFileName+".*")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(tmp, "%s %s\n", strconv.FormatInt(time.Now().UnixNano(), 10), hex.EncodeToString(nonce))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
