package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/dorafake"
	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/pilifake"
	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/sandbox"
)

// leakEnv is the fake set-up: the sandbox's fakes with its keys; for
// configured providers whose endpoints the sandbox does not serve, a
// pilifake or dorafake with the same keys, or a local fake that answers 502;
// every endpoint behind a recording proxy.
type leakEnv struct {
	creds     map[string]map[string]string // provider → field → value
	extra     map[string]string            // other secrets set in the environment
	endpoints map[string]string            // MCP_MEDIA_* → value (URLs through proxies)
	rec       *authRecorder
	sb        *sandbox.Sandbox
}

func newLeakEnv(t *testing.T) *leakEnv {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{Step: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	le := &leakEnv{
		creds: map[string]map[string]string{}, endpoints: map[string]string{}, rec: &authRecorder{}, sb: sb,
		// The hub push key mcp-media signs push URLs with is a secret too.
		extra: map[string]string{"MCP_MEDIA_QINIU_PUBLISH_KEY": "e2e-publish-key-" + randHex(12)},
	}
	for p, f := range sb.Creds {
		le.creds[p] = map[string]string{}
		for k, v := range f {
			le.creds[p][k] = v
		}
	}
	direct := map[string]string{}
	for k, v := range sb.Env {
		direct[k] = v
	}
	missing := func(keys ...string) bool {
		for _, k := range keys {
			if direct[k] == "" {
				return true
			}
		}
		return false
	}
	setMissing := func(url string, keys ...string) {
		for _, k := range keys {
			if direct[k] == "" {
				direct[k] = url
			}
		}
	}
	if _, ok := le.creds["qiniu"]; !ok {
		le.creds["qiniu"] = map[string]string{"access_key": "e2e-qiniu-ak-" + randHex(12), "secret_key": "e2e-qiniu-sk-" + randHex(16)}
	}
	q := le.creds["qiniu"]
	if keys := []string{"MCP_MEDIA_QINIU_PILI_URL", "MCP_MEDIA_QINIU_CASTER_URL"}; missing(keys...) {
		pili := httptest.NewServer(pilifake.New(pilifake.Options{AccessKey: q["access_key"], SecretKey: q["secret_key"], Hubs: []string{"e2e-hub"}}))
		t.Cleanup(pili.Close)
		setMissing(pili.URL, keys...)
		if direct["MCP_MEDIA_QINIU_HUB"] == "" {
			direct["MCP_MEDIA_QINIU_HUB"] = "e2e-hub"
		}
	}
	if keys := []string{"MCP_MEDIA_QINIU_ASR_URL", "MCP_MEDIA_QINIU_CENSOR_URL", "MCP_MEDIA_QINIU_TRANSLATE_URL", "MCP_MEDIA_QINIU_ASR_WS_URL"}; missing(keys...) {
		df := dorafake.New(dorafake.Options{AccessKey: q["access_key"], SecretKey: q["secret_key"], Step: 50 * time.Millisecond})
		dora := httptest.NewServer(df)
		t.Cleanup(func() { dora.Close(); df.Close() })
		if direct["MCP_MEDIA_QINIU_ASR_WS_URL"] == "" {
			direct["MCP_MEDIA_QINIU_ASR_WS_URL"] = "ws" + strings.TrimPrefix(dora.URL, "http")
		}
		setMissing(dora.URL, keys...)
	}
	// Any other endpoint of a configured provider: a local dead end.
	var deadEnd *httptest.Server
	for _, p := range providers.All {
		if _, ok := le.creds[p.ID]; !ok {
			continue
		}
		for _, e := range p.Endpoints {
			if direct[e.Env] == "" {
				if deadEnd == nil {
					deadEnd = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						http.Error(w, "no fake for this endpoint in the e2e leak test", http.StatusBadGateway)
					}))
					t.Cleanup(deadEnd.Close)
				}
				direct[e.Env] = deadEnd.URL
			}
		}
	}
	for k, v := range direct {
		if strings.HasSuffix(k, "_URL") && (strings.HasPrefix(v, "http") || strings.HasPrefix(v, "ws")) {
			le.endpoints[k] = recordingProxy(t, v, le.rec)
		} else {
			le.endpoints[k] = v
		}
	}
	// Never send configured keys anywhere but a local fake.
	for _, p := range providers.All {
		if _, ok := le.creds[p.ID]; !ok {
			continue
		}
		for _, e := range p.Endpoints {
			u, err := url.Parse(le.endpoints[e.Env])
			if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
				t.Fatalf("provider %s has keys configured but %s=%q is not a local fake: refusing to run", p.ID, e.Env, le.endpoints[e.Env])
			}
		}
	}
	return le
}

// env returns the server environment with creds (field → first env name).
func (le *leakEnv) env(t *testing.T, creds map[string]map[string]string) []string {
	extra := []string{"MCP_MEDIA_LOG_LEVEL=debug", "MCP_MEDIA_STATE_DIR=" + t.TempDir()}
	for k, v := range le.endpoints {
		extra = append(extra, k+"="+v)
	}
	for k, v := range le.extra {
		extra = append(extra, k+"="+v)
	}
	for _, p := range providers.All {
		f, ok := creds[p.ID]
		if !ok {
			continue
		}
		for _, field := range p.Fields {
			if v, ok := f[field.Name]; ok && len(field.Env) > 0 {
				extra = append(extra, field.Env[0]+"="+v)
			}
		}
	}
	return cleanEnv(extra...)
}

func (le *leakEnv) secrets(creds map[string]map[string]string, label string) map[string]string {
	out := map[string]string{}
	for _, p := range providers.All {
		secret := map[string]bool{}
		for _, f := range p.RedactedFields() { // not identifiers such as the Qiniu AccessKey
			secret[f] = true
		}
		for k, v := range creds[p.ID] {
			if secret[k] {
				out[fmt.Sprintf("%s %s.%s", label, p.ID, k)] = v
			}
		}
	}
	return out
}

// session runs one stdio server with env over mcp.CommandTransport,
// replays calls.json and returns the outcomes, the notifications and the
// server's stderr (complete: the server has exited).
func stdioSession(t *testing.T, env []string, cf callsFile, vars map[string]any, opt replayOptions) ([]outcome, []string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// A callback receiver on loopback, so results that only come by
	// callback reach the inbox as they would in production.
	cb := freeAddr(t)
	cmd := exec.Command(binPath, "serve", "--toolsets", "all", "--callback-addr", cb, "--public-url", "http://"+cb)
	cmd.Env = env
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	n := &notes{}
	c := mcp.NewClient(&mcp.Implementation{Name: "mcp-media-leak-test", Version: "1"}, n.options())
	cs, err := c.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("stdio initialize: %v\nstderr:\n%s", err, stderr.String())
	}
	if err := cs.SetLoggingLevel(ctx, &mcp.SetLoggingLevelParams{Level: "debug"}); err != nil {
		t.Errorf("logging/setLevel debug: %v", err)
	}
	list, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	if opt.Schemas == nil && !opt.Lenient {
		opt.Schemas = outputSchemas(t, list.Tools)
	}
	listed := map[string]bool{}
	for _, tl := range list.Tools {
		listed[tl.Name] = true
	}
	if !opt.Lenient {
		for _, tl := range catalogue(t) {
			if !listed[tl.Name] {
				t.Errorf("%s is in the sandbox's catalogue but not listed with keys from the environment: its calls are not leak-tested", tl.Name)
			}
		}
	}
	if opt.Only == nil {
		opt.Only = listed
	}
	outs := replay(ctx, cs, cf, vars, opt)
	cs.Close()
	return outs, n.all(), stderr.String()
}

// TestNoSecretLeaks configures known keys in the environment, points every
// provider at an in-process fake that accepts them, and calls every entry
// of calls.json (valid and invalid) over stdio with debug logging; then
// again with wrong keys (→ 401 from the fakes). No tool result, progress or
// log notification, stderr line, `auth status` or `tools --json` output may
// contain a secret, an encoding of one, or any credential value the fakes
// received.
func TestNoSecretLeaks(t *testing.T) {
	cf := loadCalls(t)
	le := newLeakEnv(t)
	var corpus []corpusItem
	add := func(where, text string) { corpus = append(corpus, corpusItem{where, text}) }
	collect := func(run string, outs []outcome, notes []string, stderr string) {
		for _, o := range outs {
			b, _ := json.Marshal(o.Structured)
			add(run+" "+o.label()+" text", o.Text)
			add(run+" "+o.label()+" structuredContent", string(b))
			if o.Err != nil {
				add(run+" "+o.label()+" protocol error", o.Err.Error())
			}
		}
		for i, n := range notes {
			add(fmt.Sprintf("%s notification %d", run, i), n)
		}
		add(run+" server stderr", stderr)
	}

	// 1. Right keys: every call behaves as in the sandbox.
	env := le.env(t, le.creds)
	vars := makeFixtures(t, t.TempDir(), cf.Files)
	outs, notes, stderr := stdioSession(t, env, cf, vars, replayOptions{})
	report(t, outs)
	collect("right-keys", outs, notes, stderr)
	if len(notes) == 0 {
		t.Error("no progress or log notification was received: the leak check of notifications is vacuous")
	}
	if !strings.Contains(stderr, "level=") {
		t.Errorf("MCP_MEDIA_LOG_LEVEL=debug produced no log lines on stderr:\n%.500s", stderr)
	}
	for _, args := range [][]string{
		{"auth", "status", "--json"},
		{"auth", "status"},
		{"tools", "--toolsets", "all", "--json"},
		{"call", "media_providers", "--json"},
		{"call", "aioz_list_media", "--args", `{"limit":5}`, "--json"},
	} {
		o, e, err := runBin(t, env, nil, args...)
		if err != nil {
			t.Errorf("mcp-media %s: %v\n%s", strings.Join(args, " "), err, e)
		}
		add("right-keys `mcp-media "+strings.Join(args, " ")+"` stdout", string(o))
		add("right-keys `mcp-media "+strings.Join(args, " ")+"` stderr", string(e))
		if args[0] == "auth" && args[len(args)-1] == "--json" {
			var st []struct {
				Provider, Source string
				Configured       bool
			}
			if err := json.Unmarshal(o, &st); err != nil {
				t.Errorf("auth status --json: %v", err)
			}
			for _, s := range st {
				if _, ok := le.creds[s.Provider]; ok && (!s.Configured || s.Source != "environment") {
					t.Errorf("auth status: %s configured=%v source=%q, want configured from the environment", s.Provider, s.Configured, s.Source)
				}
			}
		}
	}

	// 2. Wrong keys: the fakes answer 401; the errors say so, without keys.
	wrong := map[string]map[string]string{}
	for p, f := range le.creds {
		wrong[p] = map[string]string{}
		for k, v := range f {
			wrong[p][k] = v
		}
		for _, k := range mustProvider(t, p).SecretFields() {
			wrong[p][k] = "wrong-" + p + "-" + k + "-" + randHex(12)
		}
	}
	wenv := le.env(t, wrong)
	wvars := makeFixtures(t, t.TempDir(), cf.Files)
	wouts, wnotes, wstderr := stdioSession(t, wenv, cf, wvars, replayOptions{Lenient: true})
	collect("wrong-keys", wouts, wnotes, wstderr)
	rejected := map[string]int{}
	for _, o := range wouts {
		if o.Spec.Error != "" || o.Spec.Tool == "media_providers" {
			continue
		}
		p, _, _ := strings.Cut(o.Spec.Tool, "_")
		// VOD answers a wrong token with 3108 访问拒绝, shown as "access
		// denied: the token was refused".
		if o.IsError && (strings.Contains(o.Text, "rejected") || strings.Contains(o.Text, "401") || strings.Contains(o.Text, "access denied")) {
			rejected[p]++
		}
		if p == "aioz" && !o.IsError {
			t.Errorf("wrong keys: %s succeeded: %.200s", o.label(), o.Text)
		}
	}
	tested := map[string]bool{}
	for _, o := range wouts {
		if p, _, _ := strings.Cut(o.Spec.Tool, "_"); le.creds[p] != nil {
			tested[p] = true
		}
	}
	for p := range tested {
		if rejected[p] == 0 {
			t.Errorf("wrong keys: no %s tool reported its keys as rejected (401)", p)
		}
	}
	if o, e, err := runBin(t, wenv, nil, "call", "aioz_list_media", "--json"); err == nil {
		t.Errorf("wrong keys: `mcp-media call aioz_list_media` exited 0:\n%s", o)
	} else {
		add("wrong-keys `mcp-media call aioz_list_media` stdout", string(o))
		add("wrong-keys `mcp-media call aioz_list_media` stderr", string(e))
	}

	// 3. Look for every secret and every credential value the fakes saw.
	secrets := le.secrets(le.creds, "configured")
	for k, v := range le.extra {
		secrets[k] = v
	}
	for k, v := range le.secrets(wrong, "wrong") {
		secrets[k] = v
	}
	// Besides the proxies, what the fakes themselves recorded.
	var received []http.Header
	for _, r := range le.sb.AIOZ.Requests() {
		received = append(received, r.Header)
	}
	if le.sb.Pili != nil {
		for _, r := range le.sb.Pili.Requests() {
			received = append(received, r.Header)
		}
	}
	if le.sb.Dora != nil {
		for _, r := range le.sb.Dora.Requests() {
			received = append(received, r.Header)
		}
	}
	for _, h := range received {
		for name, vs := range h {
			if credName.MatchString(name) {
				le.rec.mu.Lock()
				if le.rec.values == nil {
					le.rec.values = map[string]bool{}
				}
				for _, v := range vs {
					le.rec.add(v)
				}
				le.rec.mu.Unlock()
			}
		}
	}
	// The STS credentials the ICE fake minted (via the OSS fake) are
	// secrets the server only ever held in memory.
	if le.sb.OSS != nil {
		minted := le.sb.OSS.Minted()
		if len(minted) == 0 {
			t.Error("no STS credential was minted: aliyun_ice_upload_stream was not leak-tested")
		}
		for i, c := range minted {
			secrets[fmt.Sprintf("STS AccessKeyId #%d", i)] = c.AccessKeyID
			secrets[fmt.Sprintf("STS AccessKeySecret #%d", i)] = c.AccessKeySecret
			secrets[fmt.Sprintf("STS SecurityToken #%d", i)] = c.SecurityToken
		}
	}
	// The API key secrets and stream keys the AIOZ fake handed out (its own
	// record of what it returned) must appear nowhere either.
	if le.sb.AIOZ != nil {
		minted := le.sb.AIOZ.Minted()
		if len(minted) < 2 {
			t.Errorf("the AIOZ fake minted %d secrets: aioz_create_api_key and aioz_create_live_stream_key were not leak-tested", len(minted))
		}
		for i, m := range minted {
			secrets[fmt.Sprintf("AIOZ minted secret #%d", i)] = m
		}
	}
	recorded := le.rec.list()
	if len(recorded) == 0 {
		t.Fatal("the fakes recorded no credential header: the test did not exercise authentication")
	}
	for i, v := range recorded {
		secrets[fmt.Sprintf("credential value #%d the fakes received", i)] = v
	}
	// Identifiers (the Qiniu AccessKey) are no secret: Qiniu puts them in
	// every token and expiry_sk push URLs carry them. The fakes saw them as
	// the "AK" of "AK:signature"; the signatures are still scanned for.
	for _, c := range []map[string]map[string]string{le.creds, wrong} {
		for _, p := range providers.All {
			for _, f := range p.Fields {
				if !f.Identifier || c[p.ID][f.Name] == "" {
					continue
				}
				// A recorded "Qiniu AK:sign" keeps only its other parts.
				id := c[p.ID][f.Name]
				for k, v := range secrets {
					if !strings.Contains(v, id) {
						continue
					}
					delete(secrets, k)
					for i, part := range strings.Split(v, id) {
						if part = strings.Trim(part, ": "); len(part) >= 8 {
							secrets[fmt.Sprintf("%s without %s.%s (part %d)", k, p.ID, f.Name, i)] = part
						}
					}
				}
			}
		}
	}
	scan(t, corpus, secrets)
	t.Logf("scanned %d outputs for %d secrets and received credential values", len(corpus), len(secrets))
}

func mustProvider(t *testing.T, id string) providers.Provider {
	p, ok := providers.ByID(id)
	if !ok {
		t.Fatalf("unknown provider %q", id)
	}
	return p
}
