package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
)

// Server-to-client requests across replicas. A tool's elicitation goes out
// on the stream of the request that runs it, in the replica running it;
// the client's answer is a new POST, which a balancer may send to any
// replica. A replica that receives an answer to a request it did not send
// appends it to the session's reply log in the store; the replica waiting
// for it follows that log. Request ids carry the sending replica
// ("mcp-media-<replica>-<n>"), so two replicas serving one session never
// send the same id.

// replyLog is a session's log of forwarded answers.
func replyLog(sid string) string { return "rpc/" + sid }

// Forwarded answers are few and short-lived: a request waits for its
// answer at most as long as the tool that sent it runs.
const (
	replyKept = 64
	replyTTL  = 10 * time.Minute
)

// relay is how a Conn of a shared session reaches answers that arrived at
// another replica.
type relay struct {
	store state.Store
	log   string
}

// forward appends an answer no request here waits for, when its id is one
// this server could have sent.
func (r *relay) forward(env envelope, raw json.RawMessage) {
	var id string
	if json.Unmarshal(env.ID, &id) != nil || !strings.HasPrefix(id, reqIDPrefix) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = r.store.Append(ctx, r.log, raw, state.LogOptions{Max: replyKept, TTL: replyTTL})
}

// await returns a channel that receives the answer to key (a quoted id)
// if it arrives at another replica, until ctx ends. It reads the log's
// tail before returning, so an answer forwarded after the request was
// sent is not missed.
func (r *relay) await(ctx context.Context, key string) <-chan reply {
	ch := make(chan reply, 1)
	after := logTail(ctx, r.store, r.log)
	go func() {
		wake, stop := r.store.Watch(r.log)
		defer stop()
		tick := time.NewTicker(time.Second) // a lost wake-up
		defer tick.Stop()
		for {
			evs, _, err := r.store.Range(ctx, r.log, after, replyKept)
			if err == nil {
				for _, ev := range evs {
					after = ev.Seq
					env, k, _ := classify(ev.Data)
					if k == kindResponse && string(bytes.TrimSpace(env.ID)) == key {
						ch <- reply{result: env.Result, err: env.Error}
						return
					}
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-tick.C:
			}
		}
	}()
	return ch
}
