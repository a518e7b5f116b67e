package state

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Namespace prefixes every key mcp-media writes to Redis.
const Namespace = "mcp-media:"

// Redis is the Store replicas share (github.com/redis/go-redis/v9). Logs are
// Redis Streams whose entry ids are the log's seqs, appended by one Lua
// script (counter, XADD with MAXLEN, PEXPIRE, PUBLISH) so that seqs are
// gapless and ordered whichever replica appends; one pub/sub connection
// per process carries the wake-ups to its watchers. Sets are sorted sets
// scored by each member's expiry. Keys use hash tags, so a log and its
// counter land on one slot.
type Redis struct {
	c    *redis.Client
	wake string // pub/sub channel of log wake-ups

	mu       sync.Mutex
	watchers map[string]map[chan struct{}]bool
	sub      *redis.PubSub
	stop     context.CancelFunc
	trips    atomic.Int64 // round trips: a command or a pipeline each
}

// RoundTrips is how many round trips to Redis this store has made (a
// command or a pipeline each; the pub/sub connection's pushes not counted).
func (r *Redis) RoundTrips() int64 { return r.trips.Load() }

// counter is the go-redis hook behind RoundTrips.
type counter struct{ n *atomic.Int64 }

func (c counter) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c counter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}
func (c counter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmds)
	}
}

// quiet drops go-redis's own log lines: they go straight to stderr, past
// the redaction point; every failure reaches us as an error instead.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// NewRedis connects to the Redis a redis:// URL names and checks it answers.
func NewRedis(rawURL string) (*Redis, error) {
	redis.SetLogger(quiet{})
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("--state %s: %v", redactURL(rawURL), err)
	}
	opt.DisableIdentity = true // no CLIENT SETINFO: older servers log it as an error
	r := &Redis{c: redis.NewClient(opt), wake: Namespace + "wake", watchers: map[string]map[chan struct{}]bool{}}
	r.c.AddHook(counter{n: &r.trips})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.c.Ping(ctx).Err(); err != nil {
		_ = r.c.Close()
		return nil, fmt.Errorf("--state %s: Redis does not answer: %v", redactURL(rawURL), err)
	}
	sctx, stop := context.WithCancel(context.Background())
	r.stop = stop
	r.sub = r.c.Subscribe(sctx, r.wake)
	if _, err := r.sub.Receive(ctx); err != nil {
		stop()
		_ = r.c.Close()
		return nil, fmt.Errorf("--state %s: subscribing: %v", redactURL(rawURL), err)
	}
	go r.dispatch(r.sub.Channel())
	return r, nil
}

func key(k string) string { return Namespace + "{" + k + "}" }

// Get implements Store.
func (r *Redis) Get(ctx context.Context, k string) ([]byte, error) {
	b, err := r.c.Get(ctx, key(k)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	return b, wrap(err)
}

// Set implements Store.
func (r *Redis) Set(ctx context.Context, k string, val []byte, ttl time.Duration) error {
	return wrap(r.c.Set(ctx, key(k), val, ttl).Err())
}

// Claim implements Store.
func (r *Redis) Claim(ctx context.Context, k string, val []byte, ttl time.Duration) (bool, error) {
	err := r.c.SetArgs(ctx, key(k), val, redis.SetArgs{Mode: "NX", TTL: ttl}).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return err == nil, wrap(err)
}

// Delete implements Store: values, logs and sets of those names.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	all := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		all = append(all, key(k), key(k)+":seq")
	}
	return wrap(r.c.Del(ctx, all...).Err())
}

var incrScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 and tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`)

// Incr implements Store.
func (r *Redis) Incr(ctx context.Context, k string, ttl time.Duration) (int64, error) {
	n, err := incrScript.Run(ctx, r.c, []string{key(k)}, ttl.Milliseconds()).Int64()
	return n, wrap(err)
}

// appendScript: KEYS[1] stream, KEYS[2] its seq counter; ARGV data, max,
// ttl ms, wake channel, log name.
var appendScript = redis.NewScript(`
local seq = redis.call('INCR', KEYS[2])
local max = tonumber(ARGV[2])
if max > 0 then
  redis.call('XADD', KEYS[1], 'MAXLEN', max, seq .. '-1', 'd', ARGV[1])
else
  redis.call('XADD', KEYS[1], seq .. '-1', 'd', ARGV[1])
end
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return seq`)

// Append implements Store.
func (r *Redis) Append(ctx context.Context, log string, data []byte, opt LogOptions) (int64, error) {
	k := key(log)
	seq, err := appendScript.Run(ctx, r.c, []string{k, k + ":seq"}, data, opt.Max, opt.TTL.Milliseconds(), r.wake, log).Int64()
	return seq, wrap(err)
}

// Range implements Store.
func (r *Redis) Range(ctx context.Context, log string, after int64, limit int) ([]Entry, int64, error) {
	k := key(log)
	pipe := r.c.Pipeline()
	start := strconv.FormatInt(after+1, 10) + "-0"
	var xr *redis.XMessageSliceCmd
	if limit > 0 {
		xr = pipe.XRangeN(ctx, k, start, "+", int64(limit))
	} else {
		xr = pipe.XRange(ctx, k, start, "+")
	}
	last := pipe.Get(ctx, k+":seq")
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, wrap(err)
	}
	msgs, _ := xr.Result()
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		id, _, _ := strings.Cut(m.ID, "-")
		seq, _ := strconv.ParseInt(id, 10, 64)
		d, _ := m.Values["d"].(string)
		out = append(out, Entry{Seq: seq, Data: []byte(d)})
	}
	n, _ := last.Int64()
	return out, n, nil
}

// Watch implements Store.
func (r *Redis) Watch(log string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	r.mu.Lock()
	if r.watchers[log] == nil {
		r.watchers[log] = map[chan struct{}]bool{}
	}
	r.watchers[log][ch] = true
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		delete(r.watchers[log], ch)
		if len(r.watchers[log]) == 0 {
			delete(r.watchers, log)
		}
		r.mu.Unlock()
	}
}

// dispatch wakes the local watchers of each log named on the channel.
func (r *Redis) dispatch(msgs <-chan *redis.Message) {
	for m := range msgs {
		r.mu.Lock()
		for ch := range r.watchers[m.Payload] {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
		r.mu.Unlock()
	}
}

// Extend implements Store.
func (r *Redis) Extend(ctx context.Context, k string, ttl time.Duration) (bool, error) {
	ok, err := r.c.PExpire(ctx, key(k), ttl).Result()
	return ok, wrap(err)
}

// releaseScript: KEYS[1] deleted when it holds ARGV[1].
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

// Release implements Store.
func (r *Redis) Release(ctx context.Context, k string, val []byte) (bool, error) {
	n, err := releaseScript.Run(ctx, r.c, []string{key(k)}, val).Int64()
	return n == 1, wrap(err)
}

// joinScript: KEYS[1] the set (a sorted set scored by expiry); ARGV
// member, expiry (unix ms), ttl (ms, 0 for none). The key itself expires
// with its longest-lived member, so a set nobody reads again goes too.
var joinScript = redis.NewScript(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local ttl = tonumber(ARGV[3])
if ttl == 0 then
  redis.call('PERSIST', KEYS[1])
else
  local cur = redis.call('PTTL', KEYS[1])
  if cur >= 0 and cur < ttl then
    redis.call('PEXPIRE', KEYS[1], ttl)
  elseif cur == -1 and redis.call('ZCARD', KEYS[1]) == 1 then
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
end
return 1`)

// Join implements Store.
func (r *Redis) Join(ctx context.Context, set, member string, ttl time.Duration) error {
	exp := int64(1<<52 - 1)
	if ttl > 0 {
		exp = time.Now().Add(ttl).UnixMilli()
	}
	return wrap(joinScript.Run(ctx, r.c, []string{key(set)}, member, exp, ttl.Milliseconds()).Err())
}

// Leave implements Store.
func (r *Redis) Leave(ctx context.Context, set, member string) error {
	return wrap(r.c.ZRem(ctx, key(set), member).Err())
}

// Members implements Store.
func (r *Redis) Members(ctx context.Context, set string) ([]string, error) {
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	pipe := r.c.Pipeline()
	pipe.ZRemRangeByScore(ctx, key(set), "-inf", now)
	m := pipe.ZRangeByScore(ctx, key(set), &redis.ZRangeBy{Min: "(" + now, Max: "+inf"})
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, wrap(err)
	}
	return m.Val(), nil
}

// Ping implements Store.
func (r *Redis) Ping(ctx context.Context) error { return wrap(r.c.Ping(ctx).Err()) }

// Shared implements Store.
func (r *Redis) Shared() bool { return true }

// Close implements Store.
func (r *Redis) Close() error {
	r.stop()
	_ = r.sub.Close()
	return r.c.Close()
}

// Client is the underlying client, for counting round trips in benchmarks.
func (r *Redis) Client() *redis.Client { return r.c }

func wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("shared state (Redis): %w", err)
}
