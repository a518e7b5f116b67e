package vod

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/vodfake"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/testkit"
	"github.com/mcp-media/mcp-media/tools/media"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

const token = "vod-tool-test-token-8d41c0aa"

type harness struct {
	fake     *vodfake.Server
	srv      *httptest.Server
	env      *toolkit.Env
	tools    *tools
	run      *tooltest.Runner
	clock    *testkit.Clock
	mu       sync.Mutex
	progress []string
	// onWait runs on each "Waiting for …" progress step (the test moves
	// the fake's clock there, so the callback is what ends the wait).
	onWait func()
}

// newHarness starts the fake (manual clock unless live) and, with inbox,
// a callback receiver on loopback.
func newHarness(t *testing.T, live, withInbox bool, creds map[string]string) *harness {
	t.Helper()
	h := &harness{clock: testkit.NewClock(time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC))}
	opts := vodfake.Options{Token: token, Step: time.Second, Now: h.clock.Now, Manual: true}
	if live {
		opts = vodfake.Options{Token: token, Step: 150 * time.Millisecond}
	}
	h.fake = vodfake.New(opts)
	h.srv = httptest.NewServer(h.fake)
	t.Cleanup(func() { h.srv.Close(); h.fake.Close() })
	set := &redact.Set{}
	if creds == nil {
		creds = map[string]string{"token": token, "base_url": h.srv.URL}
	}
	h.env = &toolkit.Env{
		Creds:    &credentials.Store{Redact: set, Getenv: func(string) string { return "" }, Sandbox: map[string]map[string]string{"vod": creds}},
		Redact:   set,
		Getenv:   func(string) string { return "" },
		StateDir: t.TempDir(),
		ProgressSink: func(p, total float64, msg string) {
			h.mu.Lock()
			h.progress = append(h.progress, msg)
			f := h.onWait
			h.mu.Unlock()
			if f != nil && strings.HasPrefix(msg, "Waiting for") {
				f()
			}
		},
	}
	if withInbox {
		recv := httptest.NewUnstartedServer(nil)
		ib, err := inbox.New(inbox.Options{PublicURL: "http://" + recv.Listener.Addr().String()})
		if err != nil {
			t.Fatal(err)
		}
		recv.Config.Handler = ib
		recv.Start()
		t.Cleanup(recv.Close)
		h.env.Inbox = ib
	}
	h.tools = newTools(h.env)
	h.tools.now = h.clock.Now
	if live {
		h.tools.now = time.Now
	}
	h.tools.pollEvery, h.tools.fallbackPoll = 50*time.Millisecond, time.Hour
	if withInbox {
		h.tools.pollEvery = time.Hour // only the callback can end a wait
	}
	h.run = tooltest.NewRunner(h.env, h.tools.toolsets(), token)
	h.run.ProgressToken = "p"
	return h
}

func (h *harness) sent(path string) int {
	n := 0
	for _, r := range h.fake.Requests() {
		if r.Path == path {
			n++
		}
	}
	return n
}

func writeVideo(t *testing.T, size int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "launch clip.mp4")
	b := make([]byte, size)
	copy(b, []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"))
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUploadByCallback: storage upload then V1, progress while sending, and
// the wait ends with the fake's video_ready POSTed to the address from
// vod_get_callback_url; a made-up callback path stores nothing.
func TestUploadByCallback(t *testing.T) {
	h := newHarness(t, false, true, nil)
	h.onWait = func() { h.clock.Add(5 * time.Second); h.fake.Tick() }
	cb := h.run.OK(t, "vod_get_callback_url", map[string]any{})
	h.fake.RegisterCallback("video", cb.Str("video_url"))
	h.fake.RegisterCallback("transcoding", cb.Str("transcoding_url"))

	res := h.run.OK(t, "vod_upload_video", map[string]any{"file_path": writeVideo(t, 30<<20), "wait": true, "wait_timeout_seconds": 60})
	if res.Str("video", "status") != "ready" || res.Str("wait", "by") != ByCallback {
		t.Fatalf("not ready by callback: %s", res.Str())
	}
	var order []string
	for _, r := range h.fake.Requests() {
		if r.Path == "/storage/api/upload" || r.Path == "/video/api/create" {
			order = append(order, r.Path)
		}
		if r.Header.Get("Authorization") != "Bearer "+token {
			t.Errorf("%s without the bearer", r.Path)
		}
	}
	if strings.Join(order, ",") != "/storage/api/upload,/video/api/create" {
		t.Errorf("order: %v", order)
	}
	h.mu.Lock()
	uploading := 0
	for _, p := range h.progress {
		if strings.HasPrefix(p, "Uploading launch clip.mp4:") {
			uploading++
		}
	}
	h.mu.Unlock()
	if uploading < 30 { // one per MiB sent
		t.Errorf("%d progress notifications while sending", uploading)
	}
	evs, _ := h.env.Inbox.List(inbox.Filter{Provider: "vod", Kind: "video_ready"})
	if len(evs) != 1 || !strings.Contains(evs[0].Summary, res.Str("video_id")) || evs[0].TaskID != "" {
		t.Errorf("inbox: %+v", evs)
	}
	// media_events shows it.
	me := tooltest.NewRunner(h.env, []toolkit.Toolset{media.Toolset(h.env)}, token).OK(t, "media_events", map[string]any{"provider": "vod"})
	if !strings.Contains(me.Text, "video_ready") || !strings.Contains(me.Text, res.Str("video_id")) {
		t.Errorf("media_events: %s", me.Text)
	}
	// Made-up path: 404, nothing stored.
	base := cb.Str("video_url")[:strings.Index(cb.Str("video_url"), inbox.PathPrefix)]
	resp, err := http.Post(base+inbox.PathPrefix+"0123456789abcdef", "application/json", strings.NewReader(`{"event_type":"video_ready","video_id":"x"}`))
	if err != nil || resp.StatusCode != 404 {
		t.Errorf("made-up path: %v %v", resp, err)
	}
	if evs, _ := h.env.Inbox.List(inbox.Filter{Provider: "vod"}); len(evs) != 1 {
		t.Errorf("%d events after a forged POST", len(evs))
	}
	// Transcode and wait for video_play_set_ready by callback.
	tr := h.run.OK(t, "vod_transcode_video", map[string]any{"video_id": res.Str("video_id"), "task_config_temp_id": 3, "wait": true})
	if tr.Str("wait", "by") != ByCallback || !strings.Contains(tr.Text, "720P") {
		t.Errorf("transcode wait: %s", tr.Text)
	}
}

func TestUploadByPollingWithoutInbox(t *testing.T) {
	h := newHarness(t, true, false, nil)
	res := h.run.OK(t, "vod_upload_video", map[string]any{"file_path": writeVideo(t, 1<<20), "wait": true, "video_name": "Named"})
	if res.Str("wait", "by") != ByPolling || res.Str("video", "name") != "Named" {
		t.Errorf("%s", res.Str())
	}
	h.run.OK(t, "vod_get_callback_url", map[string]any{})
	out := h.run.OK(t, "vod_get_callback_url", map[string]any{})
	if out.Get("enabled") != false || !strings.Contains(out.Text, "--public-url") {
		t.Errorf("no inbox: %s", out.Text)
	}
	h.run.Fails(t, "vod_upload_video", map[string]any{"file_path": filepath.Join(t.TempDir(), "none.mp4")}, "`file_path`")
	txt := filepath.Join(t.TempDir(), "notes.mp4")
	_ = os.WriteFile(txt, []byte("just some text, not a video at all\n"), 0o600)
	h.run.Fails(t, "vod_upload_video", map[string]any{"file_path": txt}, "`file_path`")
}

func TestTranscodeOnlyWhenReady(t *testing.T) {
	h := newHarness(t, false, false, nil)
	up := h.run.OK(t, "vod_upload_video", map[string]any{"file_path": writeVideo(t, 64<<10)})
	id := up.Str("video_id")
	if up.Str("video", "status") != "uploading" {
		t.Fatalf("status %s", up.Str("video", "status"))
	}
	h.run.Fails(t, "vod_transcode_video", map[string]any{"video_id": id, "task_config_temp_id": 2}, "`video_id`", "only after video_ready")
	if n := h.sent("/video/api/trans"); n != 0 {
		t.Errorf("V9 sent %d times for a video that is not ready", n)
	}
	h.clock.Add(time.Second)
	h.run.OK(t, "vod_transcode_video", map[string]any{"video_id": id, "task_config_temp_id": 2})
	if n := h.sent("/video/api/trans"); n != 1 {
		t.Errorf("V9 sent %d times, want 1", n)
	}
	h.run.Fails(t, "vod_transcode_video", map[string]any{"video_id": id, "task_config_temp_id": 2}, "`redo`")
	h.clock.Add(5 * time.Second)
	card := h.run.OK(t, "vod_get_video", map[string]any{"video_id": id})
	if !strings.Contains(card.Text, "| 480P | `ready` | 100% |") {
		t.Errorf("card: %s", card.Text)
	}
	// 3106, explained with the existing video's id.
	h.run.Fails(t, "vod_create_video", map[string]any{"storage_id": up.Str("storage_id")}, "3106", id)
	// Cascade delete reported.
	del := h.run.OK(t, "vod_delete_videos", map[string]any{"video_ids": []string{id}})
	if del.Str("operation") != "V10" || !strings.Contains(del.Text, "480P") {
		t.Errorf("delete: %s", del.Text)
	}
	h.run.Fails(t, "vod_delete_videos", map[string]any{"video_ids": []string{id}}, "`video_ids.0`")
}

// TestChecksBeforeSending: share and window rules are refused locally,
// naming the argument, and nothing reaches the service.
func TestChecksBeforeSending(t *testing.T) {
	h := newHarness(t, false, false, nil)
	ids := h.fake.Seed(h.srv.URL, vodfake.VideoSeed{Name: "a", Created: h.clock.Now().Add(-48 * time.Hour), Size: 1000, DurationMS: 61500})
	before := len(h.fake.Requests())
	h.run.Fails(t, "vod_set_share", map[string]any{"video_id": ids[0], "shared_state": "password", "password": strings.Repeat("x", 17)}, "`password`", "16")
	h.run.Fails(t, "vod_set_share", map[string]any{"video_id": ids[0], "shared_state": "password"}, "`password`", "required")
	h.run.Fails(t, "vod_set_share", map[string]any{"video_id": ids[0], "shared_state": "secret"}, "`shared_state`")
	h.run.Fails(t, "vod_get_video_traffic", map[string]any{"video_id": ids[0], "from": "01/01/2026", "to": "02/04/2026"}, "`to`", "90 days")
	h.run.Fails(t, "vod_traffic_report", map[string]any{"scope": "per_day", "from": "01/01/2026", "to": "02/04/2026"}, "`to`", "90 days")
	h.run.Fails(t, "vod_traffic_report", map[string]any{"scope": "per_day"}, "`from`")
	if after := len(h.fake.Requests()); after != before {
		t.Errorf("%d requests sent for refused calls", after-before)
	}
	ok := h.run.OK(t, "vod_set_share", map[string]any{"video_id": ids[0], "shared_state": "password", "password": "open-sesame"})
	if strings.Contains(ok.Text+ok.Str(), "open-sesame") {
		t.Error("the share password is shown")
	}
	h.run.Fails(t, "vod_get_shared_video", map[string]any{"video_id": ids[0], "password": "wrong"}, "3108", "private", "password")
	h.run.OK(t, "vod_get_shared_video", map[string]any{"video_id": ids[0], "password": "open-sesame"})
	day := h.run.OK(t, "vod_traffic_report", map[string]any{"scope": "per_day", "from": "2026-02-27T15:00:00+08:00", "to": "2026-03-01"})
	if day.Num("range", "from_unix") != 1772121600 || len(day.Get("rows").([]any)) != 3 || !strings.Contains(day.Text, "snapped to Beijing midnights") {
		t.Errorf("per_day: %v %s", day.Get("range"), day.Text)
	}
	tr := h.run.OK(t, "vod_get_video_traffic", map[string]any{"video_id": ids[0], "from": "last 2 days"})
	if tr.Num("total_bytes") == 0 || tr.Get("peak") == nil || !strings.Contains(tr.Text, "Peak minute") {
		t.Errorf("traffic: %s", tr.Text)
	}
}

func TestListDefaults(t *testing.T) {
	h := newHarness(t, false, false, nil)
	var seeds []vodfake.VideoSeed
	for i := 0; i < 33; i++ {
		seeds = append(seeds, vodfake.VideoSeed{Name: "clip", Created: h.clock.Now().Add(-time.Hour), Size: 10, DurationMS: 2500})
	}
	h.fake.Seed(h.srv.URL, seeds...)
	res := h.run.OK(t, "vod_list_videos", map[string]any{})
	if res.Num("total") != 33 || res.Num("showing") != 15 || !strings.Contains(res.Text, "Showing 15 of 33") ||
		!strings.Contains(res.Text, "`ready`") || !strings.Contains(res.Text, "2.5 s") {
		t.Errorf("list: %s", res.Text)
	}
	if r := h.fake.Requests(); r[len(r)-1].RawQuery != "page=1&page_size=15" {
		t.Errorf("the seed's defaults: %q", r[len(r)-1].RawQuery)
	}
	s := h.run.OK(t, "vod_list_videos", map[string]any{"search": "clip", "page": 3})
	if s.Get("searched") != true || s.Num("showing") != 3 {
		t.Errorf("search: %s", s.Str())
	}
	h.run.OK(t, "vod_get_storage_usage", map[string]any{})
	h.run.OK(t, "vod_traffic_report", map[string]any{"scope": "total"})
	h.run.OK(t, "vod_traffic_report", map[string]any{"scope": "per_video"})
}

func TestExportEqualsFake(t *testing.T) {
	h := newHarness(t, false, false, nil)
	h.fake.SetArchivedRows(1000)
	res := h.run.OK(t, "vod_export_traffic", map[string]any{"kind": "per_video"})
	f, err := os.Open(res.Str("path"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := csv.NewReader(f).ReadAll()
	var want [][]string
	h.fake.ExportRows("", func(r []string) { want = append(want, append([]string(nil), r...)) })
	if len(got) != 1001 || res.Num("rows") != 1000 || !strings.Contains(res.Text, "arch000001") {
		t.Fatalf("%d lines, rows %v", len(got), res.Num("rows"))
	}
	for i, row := range want {
		if strings.Join(got[i+1], "|") != strings.Join(row, "|") {
			t.Fatalf("row %d: %v != %v", i, got[i+1], row)
		}
	}
	h.run.Fails(t, "vod_export_traffic", map[string]any{"kind": "per_video", "output_path": res.Str("path")}, "`output_path`", "already exists")
	p := filepath.Join(t.TempDir(), "days.csv")
	d := h.run.OK(t, "vod_export_traffic", map[string]any{"kind": "per_day", "from": "last 7 days", "output_path": p})
	if d.Num("rows") != 8 || d.Str("operation") != "V16" {
		t.Errorf("per_day export: %s", d.Str())
	}
}

func TestCredentials(t *testing.T) {
	h := newHarness(t, false, false, map[string]string{"token": "wrong-token-zzz", "base_url": ""})
	h.run.Fails(t, "vod_list_videos", map[string]any{}, "no default host")
	h = newHarness(t, false, false, nil)
	h.env.Creds.Sandbox["vod"] = map[string]string{"token": "wrong-token-zzz", "base_url": h.srv.URL}
	h.run.Secrets = append(h.run.Secrets, "wrong-token-zzz")
	h.run.Fails(t, "vod_list_videos", map[string]any{}, "access denied: the token was refused; run `mcp-media auth set vod`")
	h.env.Creds.Sandbox["vod"] = map[string]string{"token": token, "base_url": h.srv.URL}
	h.run.OK(t, "vod_list_videos", map[string]any{})
	b, _ := json.Marshal(h.fake.Requests()[0].Header)
	if !strings.Contains(string(b), "Bearer wrong-token-zzz") {
		t.Error("the wrong token was not sent as a bearer")
	}
}

func TestUpdateCover(t *testing.T) {
	h := newHarness(t, false, false, nil)
	ids := h.fake.Seed(h.srv.URL, vodfake.VideoSeed{Name: "a", Created: h.clock.Now().Add(-time.Hour), Size: 1000})
	png := filepath.Join(t.TempDir(), "cover.png")
	_ = os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n0000000000"), 0o600)
	old := h.run.OK(t, "vod_get_video", map[string]any{"video_id": ids[0]}).Str("video", "thumb_url")
	res := h.run.OK(t, "vod_update_video", map[string]any{"video_id": ids[0], "cover_path": png, "video_name": "b"})
	if res.Str("old_cover_url") != old || !strings.Contains(res.Text, "old cover was deleted") || res.Str("video", "name") != "b" {
		t.Errorf("%s", res.Text)
	}
	if r, err := http.Get(old); err != nil || r.StatusCode != 404 {
		t.Error("old cover still served")
	}
	h.run.Fails(t, "vod_update_video", map[string]any{"video_id": ids[0]}, "`video_name`")
	h.run.Fails(t, "vod_update_video", map[string]any{"video_id": ids[0], "cover_path": writeVideo(t, 100)}, "`cover_path`")
}
