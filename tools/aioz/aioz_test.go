package aioz

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/state"
	"github.com/mcp-media/mcp-media/internal/testkit"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

const (
	testPub = testkit.AIOZPublicKey
	testSec = testkit.AIOZSecretKey
)

type harness struct {
	fake     *aiozfake.Server
	srv      *httptest.Server
	env      *toolkit.Env
	run      *tooltest.Runner
	mu       sync.Mutex
	progress []string
}

func newHarness(t *testing.T, opts aiozfake.Options) *harness {
	t.Helper()
	opts.PublicKey, opts.SecretKey = testPub, testSec
	h := &harness{fake: aiozfake.New(opts)}
	h.srv = httptest.NewServer(h.fake)
	t.Cleanup(func() { h.srv.Close(); h.fake.Close() })
	set := &redact.Set{}
	base := h.srv.URL + "/api"
	dir := t.TempDir()
	h.env = &toolkit.Env{
		Creds:    &credentials.Store{Redact: set, Getenv: func(string) string { return "" }, Sandbox: map[string]map[string]string{"aioz": {"public_key": testPub, "secret_key": testSec}}},
		Redact:   set,
		Getenv:   func(k string) string { return map[string]string{"MCP_MEDIA_AIOZ_URL": base}[k] },
		StateDir: dir,
		State:    state.NewLocal(filepath.Join(dir, "state")),
		ProgressSink: func(p, total float64, msg string) {
			h.mu.Lock()
			h.progress = append(h.progress, msg)
			h.mu.Unlock()
		},
	}
	h.run = tooltest.NewRunner(h.env, Toolsets(h.env), testPub, testSec)
	h.run.ProgressToken = "tok"
	return h
}

// replica is another server on the same AIOZ fake whose state is st: a
// second replica behind a load balancer when st is a Redis store.
func (h *harness) replica(t *testing.T, st state.Store) *harness {
	t.Helper()
	env := *h.env
	env.State = st
	r := &harness{fake: h.fake, srv: h.srv, env: &env}
	r.run = tooltest.NewRunner(r.env, Toolsets(r.env), testPub, testSec)
	r.run.ProgressToken = "tok"
	return r
}

// call runs a tool as the server does, with a progress token, and checks
// the result (output schema, no key); see tooltest.Runner.Call.
func (h *harness) call(t *testing.T, ctx context.Context, name string, args any) *mcp.CallToolResult {
	t.Helper()
	return h.run.Call(t, ctx, name, args).MCP
}

func structured(t *testing.T, res *mcp.CallToolResult, into any) {
	t.Helper()
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}

// writeVideo writes an MP4-shaped file of size bytes with varied content.
func writeVideo(t *testing.T, size int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clip.mp4")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	f.Write(head)
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i*7 + i>>8)
	}
	left := size - int64(len(head))
	for n := int64(0); left > 0; n++ {
		chunk := min(left, int64(len(buf)))
		buf[0] = byte(n)
		f.Write(buf[:chunk])
		left -= chunk
	}
	return path
}

func md5Range(t *testing.T, path string, start, end int64) string {
	f, _ := os.Open(path)
	defer f.Close()
	h := md5.New()
	io.Copy(h, io.NewSectionReader(f, start, end-start+1))
	return hex.EncodeToString(h.Sum(nil))
}

// The acceptance: 120 MiB with 50 MiB chunks → create, three parts
// with the right Content-Range, index and MD5, then complete, in that order,
// with seed 001's auth headers; one progress notification per chunk; the
// final text is the Upload Complete template.
func TestUploadSendsCreatePartsCompleteInOrder(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	size := int64(120 * aiozapi.MiB)
	path := writeVideo(t, size)
	res := h.call(t, context.Background(), "aioz_upload_media", map[string]any{"file_path": path, "title": "Demo clip", "chunk_size_mib": 50})
	if res.IsError {
		t.Fatalf("upload failed: %s", toolkit.ResultText(res))
	}
	var out UploadOutput
	structured(t, res, &out)

	var seq []string
	parts := 0
	for _, r := range h.fake.Requests() {
		if r.Header.Get("stream-public-key") != testPub || r.Header.Get("stream-secret-key") != testSec {
			t.Errorf("%s %s lacks seed 001's auth headers", r.Method, r.Path)
		}
		switch {
		case strings.HasSuffix(r.Path, "/media/create"):
			seq = append(seq, "create")
		case strings.HasSuffix(r.Path, "/part"):
			i := parts
			parts++
			seq = append(seq, "part")
			start := int64(i) * 50 * aiozapi.MiB
			end := min(size, start+50*aiozapi.MiB) - 1
			if want := fmt.Sprintf("bytes %d-%d/%d", start, end, size); r.ContentRange != want {
				t.Errorf("part %d Content-Range %q, want %q", i, r.ContentRange, want)
			}
			if r.Index != fmt.Sprint(i) {
				t.Errorf("part %d index %q", i, r.Index)
			}
			if want := md5Range(t, path, start, end); r.Hash != want {
				t.Errorf("part %d hash %q, want %q", i, r.Hash, want)
			}
		case strings.HasSuffix(r.Path, "/complete"):
			seq = append(seq, "complete")
		}
	}
	if got := strings.Join(seq, ","); got != "create,part,part,part,complete" {
		t.Errorf("request order %s", got)
	}
	if len(h.progress) != 3 {
		t.Errorf("%d progress notifications, want one per chunk (3)", len(h.progress))
	}
	if len(h.progress) == 3 && !strings.Contains(h.progress[2], "100% (3 of 3 chunks)") {
		t.Errorf("last progress card: %s", h.progress[2])
	}
	want, _ := templates.AIOZUploadComplete.Render(templates.MediaEvent{MediaID: out.MediaID, Title: "Demo clip", Type: "video", Timestamp: templates.Timestamp(mustTime(t, out.UploadedAt))})
	if got := toolkit.ResultText(res); got != want {
		t.Errorf("final text is not the Upload Complete template:\n%s\nwant\n%s", got, want)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// A chunk that keeps failing stops the upload before /complete, and a second
// call re-sends only the chunks that are missing — on the same server, or on
// another replica sharing the state in Redis.
func TestUploadFailureThenResumeSendsOnlyMissingChunks(t *testing.T) {
	redisStore := func(t *testing.T, url string) state.Store {
		st, err := state.Open(url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	cases := []struct {
		name string
		// servers returns the one that fails and the one that resumes.
		servers func(t *testing.T, h *harness) (first, second *harness)
	}{
		{"same server", func(t *testing.T, h *harness) (*harness, *harness) { return h, h }},
		{"two replicas on Redis", func(t *testing.T, h *harness) (*harness, *harness) {
			url, _ := testkit.Redis(t)
			return h.replica(t, redisStore(t, url)), h.replica(t, redisStore(t, url))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, aiozfake.Options{})
			first, second := tc.servers(t, h)
			path := writeVideo(t, 120*aiozapi.MiB)
			args := map[string]any{"file_path": path, "chunk_size_mib": 50}

			// Let chunk 0 through, then fail chunk 1 on every retry.
			var once sync.Once
			first.env.ProgressSink = func(p, total float64, msg string) { once.Do(func() { h.fake.FailNextParts(100) }) }
			res := first.call(t, context.Background(), "aioz_upload_media", args)
			if !res.IsError {
				t.Fatal("upload should have failed")
			}
			text := toolkit.ResultText(res)
			for _, want := range []string{"after 1 of 3 chunks", "chunk 1", "NOT called", "resume"} {
				if !strings.Contains(text, want) {
					t.Errorf("error %q lacks %q", text, want)
				}
			}
			for _, r := range h.fake.Requests() {
				if strings.HasSuffix(r.Path, "/complete") {
					t.Fatal("/complete was called although a chunk failed")
				}
			}
			h.fake.FailNextParts(0)
			before := len(h.fake.Requests())
			second.env.ProgressSink = nil
			res = second.call(t, context.Background(), "aioz_upload_media", args)
			if res.IsError {
				t.Fatalf("resume failed: %s", toolkit.ResultText(res))
			}
			var sent []string
			for _, r := range h.fake.Requests()[before:] {
				switch {
				case strings.HasSuffix(r.Path, "/media/create"):
					t.Error("resume created a second media")
				case strings.HasSuffix(r.Path, "/part") && r.Status == 200:
					sent = append(sent, r.Index)
				}
			}
			if strings.Join(sent, ",") != "1,2" {
				t.Errorf("resume sent parts %v, want only 1,2", sent)
			}
			var out UploadOutput
			structured(t, res, &out)
			if !out.Resumed || out.Chunks[0].Sent || !out.Chunks[1].Sent {
				t.Errorf("resume not reported: %+v", out)
			}
		})
	}
}

// Cancelling mid-upload stops cleanly, reports what was uploaded, and keeps
// the state for a resume.
func TestUploadCancelReportsProgress(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	path := writeVideo(t, 120*aiozapi.MiB)
	ctx, cancel := context.WithCancel(context.Background())
	h.env.ProgressSink = func(p, total float64, msg string) { cancel() }
	res := h.call(t, ctx, "aioz_upload_media", map[string]any{"file_path": path})
	if !res.IsError || !strings.Contains(toolkit.ResultText(res), "cancelled after 1 of 3 chunks") {
		t.Fatalf("got %s", toolkit.ResultText(res))
	}
	entries, _ := filepath.Glob(filepath.Join(h.env.StateDir, "state", "values", "*.json"))
	if len(entries) != 1 {
		t.Errorf("resume state files: %v", entries)
	}
}

func TestInvalidArgumentsNameTheArgument(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	video := writeVideo(t, 1<<20)
	text := filepath.Join(t.TempDir(), "notes.mp4")
	os.WriteFile(text, []byte("just some text, not a video at all"), 0o644)
	cases := []struct {
		tool string
		args any
		want string
	}{
		{"aioz_upload_media", map[string]any{"file_path": "/nope/missing.mp4"}, "invalid argument `file_path`: no such file: /nope/missing.mp4. Fix: give an absolute path"},
		{"aioz_upload_media", map[string]any{"file_path": text}, "invalid argument `file_path`: file content does not match its .mp4 extension"},
		{"aioz_upload_media", map[string]any{"file_path": video, "chunk_size_mib": 10}, "`chunk_size_mib`: must be at least 50"},
		{"aioz_upload_media", map[string]any{"file_path": video, "chunk_size_mib": 500}, "`chunk_size_mib`: must be at most 200"},
		{"aioz_upload_media", map[string]any{"file_path": 42}, "`file_path`: must be string"},
		{"aioz_upload_media", map[string]any{}, "`file_path`: is required"},
		{"aioz_upload_media", map[string]any{"file_path": video, "colour": "red"}, "`colour`: is not an argument"},
		{"aioz_get_metric", map[string]any{"metric": "view", "aggregation": "count", "from": "31/02/2024"}, "invalid argument `from`: \"31/02/2024\" is not a real date"},
		{"aioz_get_metric", map[string]any{"metric": "view", "aggregation": "count", "from": "01/09/2024", "to": "soon"}, "invalid argument `to`: \"soon\" is not a date I understand"},
		{"aioz_get_metric", map[string]any{"metric": "view", "aggregation": "rate", "from": "last 7 days"}, "`aggregation`"},
		{"aioz_get_metric", map[string]any{"metric": "nope", "aggregation": "count", "from": "last 7 days"}, "`metric`"},
		{"aioz_add_chapter", map[string]any{"media_id": "x", "language": "english", "vtt_text": "WEBVTT\n"}, "invalid argument `language`: \"english\" is not a valid language tag"},
		{"aioz_add_chapter", map[string]any{"media_id": "x", "language": "en", "vtt_text": "hello"}, "invalid argument `vtt_text`: WebVTT line 1: "},
		{"aioz_list_media", map[string]any{"limit": 1000}, "`limit`"},
	}
	for _, c := range cases {
		res := h.call(t, context.Background(), c.tool, c.args)
		got := toolkit.ResultText(res)
		if !res.IsError || !strings.Contains(got, c.want) {
			t.Errorf("%s %v: got %q (error=%v), want it to contain %q", c.tool, c.args, got, res.IsError, c.want)
		}
	}
	for _, r := range h.fake.Requests() {
		t.Errorf("invalid input reached the provider: %s %s", r.Method, r.Path)
	}
}

// Seed rule A3/B2: custom qualities are priced first and nothing is created
// when the balance is insufficient; the seed's text is shown.
func TestCustomQualitiesCheckCostAndBlock(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	h.fake.SetBalance(0)
	res := h.call(t, context.Background(), "aioz_create_media", map[string]any{"title": "x", "duration_seconds": 60,
		"qualities": []map[string]any{{"resolution": "1080p", "video_codec": "h265", "container_type": "mpegts"}}})
	if !res.IsError || !strings.Contains(toolkit.ResultText(res), "Your account balance is insufficient") {
		t.Fatalf("got %s", toolkit.ResultText(res))
	}
	for _, r := range h.fake.Requests() {
		if strings.HasSuffix(r.Path, "/media/create") {
			t.Error("media was created despite is_enough=false")
		}
	}
	h.fake.SetBalance(100)
	res = h.call(t, context.Background(), "aioz_create_media", map[string]any{"title": "x", "duration_seconds": 60,
		"qualities": []map[string]any{{"resolution": "1080p", "video_codec": "h265", "container_type": "mpegts"}}})
	if res.IsError || !strings.Contains(toolkit.ResultText(res), "Safari/iOS") {
		t.Fatalf("h265+mpegts should be created with a Safari/iOS warning: %s", toolkit.ResultText(res))
	}
	reqs := h.fake.Requests()
	if !strings.HasSuffix(reqs[len(reqs)-2].Path, "/media/cost") || !strings.HasSuffix(reqs[len(reqs)-1].Path, "/media/create") {
		t.Error("cost must be checked right before create")
	}
}

func TestWrongKeysAreAnAuthErrorNamingTheCommand(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	h.env.Creds.Sandbox["aioz"] = map[string]string{"public_key": "wrong-public", "secret_key": "wrong-secret-key"}
	res := h.call(t, context.Background(), "aioz_list_media", map[string]any{})
	text := toolkit.ResultText(res)
	if !res.IsError || !strings.Contains(text, "401") || !strings.Contains(text, "mcp-media auth set aioz") {
		t.Errorf("got %q", text)
	}
	if strings.Contains(text, "wrong-secret-key") {
		t.Error("the secret leaked into the error")
	}
}

func TestUploadWaitGetListChaptersReport(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	h.fake.SeedMedia(aiozfake.MediaSeed{Title: "Old keynote", CreatedAt: time.Now().Add(-72 * time.Hour)})
	ctx := context.Background()
	res := h.call(t, ctx, "aioz_upload_media", map[string]any{"file_path": writeVideo(t, 3<<20), "title": "Short"})
	var up UploadOutput
	structured(t, res, &up)
	res = h.call(t, ctx, "aioz_wait_for_media", map[string]any{"media_id": up.MediaID, "timeout_seconds": 5})
	if res.IsError || !strings.HasPrefix(toolkit.ResultText(res), "## ✅ Encoding Finished") {
		t.Fatalf("wait: %s", toolkit.ResultText(res))
	}
	res = h.call(t, ctx, "aioz_get_media", map[string]any{"media_id": up.MediaID})
	var got MediaOutput
	structured(t, res, &got)
	if got.Media.Status != "done" || got.Media.Links["hls_url"] == "" || got.Media.Links["mp4_url"] == "" {
		t.Errorf("done media without links: %+v", got.Media)
	}
	res = h.call(t, ctx, "aioz_list_media", map[string]any{"search": "keyn"})
	var list ListOutput
	structured(t, res, &list)
	if list.Total != 1 || list.Media[0].Title != "Old keynote" {
		t.Errorf("search: %+v", list)
	}
	vtt := "WEBVTT\n\n00:00.000 --> 00:10.000\nIntro\n"
	if res := h.call(t, ctx, "aioz_add_chapter", map[string]any{"media_id": up.MediaID, "language": "en-US", "vtt_text": vtt}); res.IsError {
		t.Fatal(toolkit.ResultText(res))
	}
	res = h.call(t, ctx, "aioz_add_chapter", map[string]any{"media_id": up.MediaID, "language": "en-US", "vtt_text": vtt})
	if !res.IsError || !strings.Contains(toolkit.ResultText(res), "aioz_delete_chapter") {
		t.Errorf("duplicate chapter: %s", toolkit.ResultText(res))
	}
	res = h.call(t, ctx, "aioz_analytics_report", map[string]any{"type": "video", "from": "last 7 days"})
	text := toolkit.ResultText(res)
	for _, label := range []string{"Watch Time Sum: ", "View Count: ", "### device_type", "### operator_system", "### country", "### browser"} {
		if !strings.Contains(text, label) {
			t.Errorf("report lacks %q:\n%s", label, text)
		}
	}
	if strings.Index(text, "### device_type") > strings.Index(text, "### browser") {
		t.Error("report blocks out of seed 000's order")
	}
}

// aioz_get_account reads U1 and shows the balance the fake holds.
func TestGetAccountShowsBalance(t *testing.T) {
	h := newHarness(t, aiozfake.Options{Balance: 42.5})
	res := h.run.OK(t, "aioz_get_account", map[string]any{})
	if res.Str("balance") != "42.5" || res.Str("name") != "Sandbox User" || !strings.Contains(res.Text, "| Balance | 42.5 |") {
		t.Errorf("account: %s\n%s", res.Str(), res.Text)
	}
	h.run.Fails(t, "aioz_get_account", map[string]any{"user": "me"}, "`user`", "takes no arguments")
}
