package ice

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/icefake"
	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/ossfake"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/state"
	"github.com/mcp-media/mcp-media/internal/testkit"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

const (
	testAK     = "LTAI5tToolTestKeyID"
	testSecret = "tool-test-account-secret-0123"
)

type harness struct {
	ice      *icefake.Server
	oss      *ossfake.Server
	env      *toolkit.Env
	run      *tooltest.Runner
	mu       sync.Mutex
	progress []string
}

func newHarness(t *testing.T, region, secret string) *harness {
	t.Helper()
	h := &harness{oss: ossfake.New()}
	os := httptest.NewServer(h.oss)
	t.Cleanup(os.Close)
	h.ice = icefake.New(icefake.Options{AccessKeyID: testAK, AccessKeySecret: testSecret, OSS: h.oss, OSSEndpoint: os.URL})
	is := httptest.NewServer(h.ice)
	t.Cleanup(is.Close)
	set := &redact.Set{}
	dir := t.TempDir()
	h.env = &toolkit.Env{
		Creds: &credentials.Store{Redact: set, Getenv: func(string) string { return "" },
			Sandbox: map[string]map[string]string{"aliyun": {"access_key_id": testAK, "access_key_secret": secret, "region_id": region}}},
		Redact: set, StateDir: dir, State: state.NewLocal(filepath.Join(dir, "state")),
		Getenv: func(k string) string { return map[string]string{"MCP_MEDIA_ICE_URL": is.URL}[k] },
		ProgressSink: func(p, total float64, msg string) {
			h.mu.Lock()
			h.progress = append(h.progress, msg)
			h.mu.Unlock()
		},
	}
	h.run = tooltest.NewRunner(h.env, Toolsets(h.env), testAK, testSecret)
	h.run.ProgressToken = "tok"
	return h
}

func video(t *testing.T, size int64) string {
	p := filepath.Join(t.TempDir(), "clip.mp4")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	f.Write(head)
	if _, err := io.CopyN(f, rand.Reader, size-int64(len(head))); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUploadStream(t *testing.T) {
	h := newHarness(t, "cn-shanghai", testSecret)
	path := video(t, 40<<20)
	res := h.run.OK(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path, "definition": "HD", "part_size_mib": 8})
	if res.Num("parts") != 5 || res.Num("parts_sent") != 5 || res.Get("asset_created") != true || res.Str("media_id") == "" || res.Str("file_url") == "" {
		t.Fatalf("result %s", res.Str())
	}
	if !strings.Contains(res.Text, "new asset created by ICE") || !strings.Contains(res.Text, res.Str("media_id")) {
		t.Fatalf("text %s", res.Text)
	}
	if len(h.progress) < 5 || !strings.Contains(h.progress[len(h.progress)-1], "part 5/5") {
		t.Fatalf("progress %q", h.progress)
	}
	if c := h.ice.Calls(); len(c) != 1 || c[0].Query.Get("FileExtension") != "mp4" || c[0].Query.Get("Definition") != "HD" {
		t.Fatalf("calls %+v", c)
	}
	// With an existing asset, the card says so.
	res = h.run.OK(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path, "media_id": res.Str("media_id")})
	if res.Get("asset_created") != false || !strings.Contains(res.Text, "existing asset") {
		t.Fatalf("%s", res.Text)
	}
}

// Cancel mid-upload without media_id; the rerun reuses the asset ICE
// created and sends only the missing parts — on the same server, or on
// another replica (its own state dir, so its own checkpoint dir) sharing the
// state in Redis.
func TestCancelAndResumeWithoutMediaID(t *testing.T) {
	redisEnv := func(t *testing.T, h *harness, url string) *toolkit.Env {
		st, err := state.Open(url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		env := *h.env
		env.State, env.StateDir = st, t.TempDir()
		return &env
	}
	cases := []struct {
		name string
		envs func(t *testing.T, h *harness) (first, second *toolkit.Env)
	}{
		{"same server", func(t *testing.T, h *harness) (*toolkit.Env, *toolkit.Env) { return h.env, h.env }},
		{"two replicas on Redis", func(t *testing.T, h *harness) (*toolkit.Env, *toolkit.Env) {
			url, _ := testkit.Redis(t)
			return redisEnv(t, h, url), redisEnv(t, h, url)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "cn-shanghai", testSecret)
			first, second := tc.envs(t, h)
			path := video(t, 24<<20)
			ctx, cancel := context.WithCancel(context.Background())
			first.ProgressSink = func(p, total float64, msg string) {
				if strings.Contains(msg, "part 1/3") {
					cancel()
				}
			}
			run := tooltest.NewRunner(first, []toolkit.Toolset{sequential(first)}, testAK, testSecret)
			res := run.Call(t, ctx, "aliyun_ice_upload_stream", map[string]any{"file_path": path, "part_size_mib": 8})
			if !res.IsError || !strings.Contains(res.Text, "cancelled") || !strings.Contains(res.Text, "call again") {
				t.Fatalf("%v %s", res.IsError, res.Text)
			}
			second.ProgressSink = nil
			run = tooltest.NewRunner(second, []toolkit.Toolset{sequential(second)}, testAK, testSecret)
			res = run.OK(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path, "part_size_mib": 8})
			if res.Get("resumed") != true || res.Num("parts_sent") != 2 || res.Get("asset_created") != false || !strings.Contains(res.Text, "resumed") {
				t.Fatalf("%s", res.Str())
			}
			calls := h.ice.Calls()
			if calls[1].MediaID != calls[0].MediaID {
				t.Fatal("the rerun did not reuse the media asset")
			}
			// Done: nothing is left to resume, in the store or on the
			// resuming server's disk (the first's stale file is dropped by
			// its next upload of the file: the store no longer has it).
			for _, env := range []*toolkit.Env{second} {
				cps, _ := filepath.Glob(filepath.Join(env.StateDir, "aliyun-ice", "checkpoints", "*", "*"))
				if len(cps) != 0 {
					t.Errorf("checkpoints left: %v", cps)
				}
			}
			if tc.name != "same server" {
				keys, _ := second.State.(interface{ Client() *redis.Client }).Client().Keys(context.Background(), state.Namespace+"*upload/ice*").Result()
				if len(keys) != 0 {
					t.Errorf("resume state left in Redis: %v", keys)
				}
			}
		})
	}
}

func TestErrors(t *testing.T) {
	h := newHarness(t, "cn-hangzhou", testSecret)
	path := video(t, 1<<20)
	h.run.Fails(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path}, "cn-shanghai, cn-beijing, cn-shenzhen", "cn-hangzhou")
	if len(h.ice.Calls()) != 0 {
		t.Fatal("a refused region still sent a request")
	}
	w := newHarness(t, "cn-beijing", "wrong-secret-abcdef123")
	w.run.Fails(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path}, "SignatureDoesNotMatch", "mcp-media auth set aliyun")
	w.run.Fails(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path, "user_data": "{oops"}, "`user_data`")
	w.run.Fails(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path, "hdr_type": "hdr11"}, "`hdr_type`")
	txt := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(txt, []byte("not a video"), 0o600)
	w.run.Fails(t, "aliyun_ice_upload_stream", map[string]any{"file_path": txt}, "`file_path`")
}

// With --public-url, a user_data without MessageCallback.CallbackURL gets
// the inbox's URL; one the caller gave is kept.
func TestUserDataCallbackURL(t *testing.T) {
	h := newHarness(t, "cn-shanghai", testSecret)
	ib, err := inbox.New(inbox.Options{PublicURL: "https://mcp.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	h.env.Inbox = ib
	path := video(t, 1<<20)
	first := h.run.OK(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path, "user_data": `{"Extend":{"localId":"x"}}`})
	h.run.OK(t, "aliyun_ice_upload_stream", map[string]any{"file_path": path, "user_data": `{"MessageCallback":{"CallbackURL":"https://mine.example.com/cb"}}`})
	calls := h.ice.Calls()
	var ud [2]map[string]any
	for i := range ud {
		if err := json.Unmarshal([]byte(calls[i].Query.Get("UserData")), &ud[i]); err != nil {
			t.Fatal(err)
		}
	}
	cb, _ := ud[0]["MessageCallback"].(map[string]any)["CallbackURL"].(string)
	if !strings.HasPrefix(cb, "https://mcp.example.com") || ud[0]["Extend"] == nil {
		t.Fatalf("first user data %v", ud[0])
	}
	if got := ud[1]["MessageCallback"].(map[string]any)["CallbackURL"]; got != "https://mine.example.com/cb" {
		t.Fatalf("caller's callback replaced: %v", got)
	}
	// The route is bound to the asset ICE named: a callback on it is filed
	// under that media id.
	u, _ := url.Parse(cb)
	rec := httptest.NewRecorder()
	ib.ServeHTTP(rec, httptest.NewRequest("POST", u.Path, strings.NewReader(`{"EventType":"FileUploadComplete"}`)))
	if rec.Code/100 != 2 {
		t.Fatalf("callback answered %d: %s", rec.Code, rec.Body)
	}
	ev, ok := ib.Latest(first.Str("media_id"))
	if !ok || ev.Provider != "aliyun" {
		t.Fatalf("callback not filed under media %s: %+v", first.Str("media_id"), ev)
	}
}

// sequential is the toolset with one part upload at a time, so which parts
// reached OSS before a cancellation is deterministic.
func sequential(env *toolkit.Env) toolkit.Toolset {
	t := &tools{env: env, client: toolkit.NewClient(env, "aliyun", newClient), parallel: 1}
	return toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetName, Provider: "aliyun"}, t.uploadTool())
}
