package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/mcp-media/mcp-media/internal/state"
)

// auditRedis checks what the replicas left in Redis: every key is in
// mcp-media's namespace and expires (standing callback routes excepted:
// they are meant to last), and no value holds any of secrets (labels →
// values: the keys the replicas were given, the bearer token).
func auditRedis(t *testing.T, url string, secrets map[string]string) {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	ctx := context.Background()
	keys, err := rc.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("the replicas left nothing in Redis: the audit would prove nothing")
	}
	vanished := 0
	for _, k := range keys {
		if !strings.HasPrefix(k, state.Namespace) {
			t.Errorf("key %q is outside the %q namespace", k, state.Namespace)
		}
		var vals []string
		switch typ := rc.Type(ctx, k).Val(); typ {
		case "string":
			vals = []string{rc.Get(ctx, k).Val()}
		case "stream":
			for _, m := range rc.XRange(ctx, k, "-", "+").Val() {
				b, _ := json.Marshal(m.Values)
				vals = append(vals, string(b))
			}
		case "zset":
			vals = rc.ZRange(ctx, k, 0, -1).Val()
		case "none":
			// The replicas are still running: a short claim can expire
			// or be released between KEYS and TYPE. Gone is what the
			// audit asks of a key, so there is nothing left to check.
			vanished++
			continue
		default:
			t.Errorf("key %q is a %s, which the store does not write", k, typ)
		}
		for label, secret := range secrets {
			for _, v := range vals {
				if len(secret) >= 8 && strings.Contains(v, secret) {
					t.Errorf("key %q holds %s", k, label)
				}
			}
		}
		stable := strings.Contains(k, "inbox/route/") && strings.Contains(strings.Join(vals, ""), `"stable":true`)
		ttl := rc.PTTL(ctx, k).Val()
		if ttl == -2 { // gone since TYPE: it expired, as it should
			vanished++
			continue
		}
		if ttl < 0 && !stable {
			t.Errorf("key %q never expires (PTTL %v)", k, ttl)
		}
	}
	if vanished == len(keys) {
		t.Fatal("every key vanished before it was read: the audit would prove nothing")
	}
	t.Logf("audited %d Redis keys (%d expired while being read)", len(keys)-vanished, vanished)
}

// secretsOf is what a cluster's replicas must never write to Redis.
func (c *cluster) secretsOf(le *leakEnv) map[string]string {
	s := map[string]string{"the MCP bearer token": c.token}
	if le != nil {
		for k, v := range le.secrets(le.creds, "sandbox key") {
			s[k] = v
		}
	}
	return s
}
