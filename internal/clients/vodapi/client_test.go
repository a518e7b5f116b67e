package vodapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/internal/fakes/vodfake"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
)

const token = "vod-test-token-5f1c2e"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T, opts vodfake.Options) (*vodfake.Server, *httptest.Server, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	if opts.Token == "" {
		opts.Token = token
	}
	opts.Now, opts.Manual, opts.Step = clk.Now, true, time.Second
	f := vodfake.New(opts)
	srv := httptest.NewServer(f)
	t.Cleanup(func() { srv.Close(); f.Close() })
	return f, srv, clk
}

func client(t testing.TB, base, tok, header string) *vodapi.Client {
	t.Helper()
	c, err := vodapi.New(vodapi.Config{BaseURL: base, Token: tok, AuthHeader: header, Redact: &redact.Set{},
		Retry: httpx.RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func videoFile(t *testing.T, size int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "clip.mp4")
	b := make([]byte, size)
	copy(b, []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"))
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNoBaseURL(t *testing.T) {
	if _, err := vodapi.New(vodapi.Config{Token: "x"}); !errors.Is(err, vodapi.ErrNoBaseURL) {
		t.Fatalf("got %v", err)
	}
}

func TestBearerOnEveryRequestAndWrongToken(t *testing.T) {
	f, srv, _ := setup(t, vodfake.Options{})
	c := client(t, srv.URL, token, "")
	ctx := context.Background()
	if _, err := c.ListVideos(ctx, vodapi.ListQuery{}); err != nil {
		t.Fatal(err)
	}
	sid, err := c.UploadFile(ctx, videoFile(t, 4096), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateVideo(ctx, vodapi.CreateRequest{StorageID: sid, SourceType: "upload"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Requests() {
		if r.Header.Get("Authorization") != "Bearer "+token {
			t.Errorf("%s %s without the bearer", r.Method, r.Path)
		}
	}
	bad := client(t, srv.URL, "wrong-token", "")
	_, err = bad.ListVideos(ctx, vodapi.ListQuery{})
	if vodapi.CodeOf(err) != 3108 || !strings.Contains(err.Error(), "mcp-media auth set vod") || !strings.Contains(err.Error(), "访问拒绝") {
		t.Errorf("wrong token: %v", err)
	}
}

func TestCustomAuthHeader(t *testing.T) {
	f, srv, _ := setup(t, vodfake.Options{AuthHeader: "X-Vod-Token"})
	c := client(t, srv.URL, token, "X-Vod-Token")
	if _, err := c.StorageUsed(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := f.Requests()[0]
	if r.Header.Get("X-Vod-Token") != token || r.Header.Get("Authorization") != "" {
		t.Errorf("headers: %v", r.Header)
	}
}

// TestEveryCodeTranslated: each §5 code answered with HTTP 200 is an
// error carrying the code, English text and the provider's msg.
func TestEveryCodeTranslated(t *testing.T) {
	var code atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"errcode":%d,"msg":"原文%d"}`, code.Load(), code.Load())
	}))
	defer srv.Close()
	c := client(t, srv.URL, token, "")
	for _, k := range vodapi.Codes() {
		code.Store(int64(k))
		_, err := c.StorageUsed(context.Background())
		if vodapi.CodeOf(err) != k || !strings.Contains(err.Error(), vodapi.Translate(k)) || !strings.Contains(err.Error(), fmt.Sprintf("原文%d", k)) {
			t.Errorf("%d: %v", k, err)
		}
	}
}

func TestRetryOnlyIdempotent(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			http.Error(w, "boom", http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"errcode":1000,"msg":"OK","size_sum":7}`)
	}))
	defer srv.Close()
	c := client(t, srv.URL, token, "")
	if got, err := c.StorageUsed(context.Background()); err != nil || got != 7 || n.Load() != 2 {
		t.Errorf("GET after a 502: %d %v (%d requests)", got, err, n.Load())
	}
	n.Store(0)
	if err := c.SetShare(context.Background(), "v1", 2, ""); err == nil || n.Load() != 1 {
		t.Errorf("POST must not be retried: %v (%d requests)", err, n.Load())
	}
}

func TestLifecycleRules(t *testing.T) {
	f, srv, clk := setup(t, vodfake.Options{})
	c := client(t, srv.URL, token, "")
	ctx := context.Background()
	var sent []int64
	sid, err := c.UploadFile(ctx, videoFile(t, 3<<20+5), func(s, total int64) { sent = append(sent, s) })
	if err != nil {
		t.Fatal(err)
	}
	if size, ok := f.StorageObject(sid); !ok || size != 3<<20+5 {
		t.Errorf("storage got %d bytes", size)
	}
	if len(sent) < 3 || sent[len(sent)-1] != 3<<20+5 {
		t.Errorf("progress: %v", sent)
	}
	id, err := c.CreateVideo(ctx, vodapi.CreateRequest{StorageID: sid, SourceType: "upload"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateVideo(ctx, vodapi.CreateRequest{StorageID: sid, SourceType: "upload"}); vodapi.CodeOf(err) != 3106 {
		t.Errorf("same storage id twice: %v", err)
	}
	v, _ := c.GetVideo(ctx, id)
	if v.Status != vodapi.VideoUploading {
		t.Errorf("new video status %d", v.Status)
	}
	if err := c.Transcode(ctx, id, 3, false); vodapi.CodeOf(err) != 3103 {
		t.Errorf("V9 before ready: %v", err)
	}
	clk.Add(time.Second)
	if v, _ = c.GetVideo(ctx, id); v.Status != vodapi.VideoReady {
		t.Errorf("after a step: %d", v.Status)
	}
	if err := c.Transcode(ctx, id, 3, false); err != nil {
		t.Fatal(err)
	}
	if err := c.Transcode(ctx, id, 3, false); vodapi.CodeOf(err) != 3105 {
		t.Errorf("second transcode without redo: %v", err)
	}
	clk.Add(4 * time.Second)
	v, _ = c.GetVideo(ctx, id)
	if len(v.PlaySet) != 1 || v.PlaySet[0].Status != 1 || v.PlaySet[0].Resolution != "720P" || v.PlaySet[0].URL == "" {
		t.Fatalf("rendition: %+v", v.PlaySet)
	}
	// Share rules.
	if err := c.SetShare(ctx, id, 1, ""); vodapi.CodeOf(err) != 3101 {
		t.Errorf("password state without password: %v", err)
	}
	if err := c.SetShare(ctx, id, 1, strings.Repeat("x", 17)); vodapi.CodeOf(err) != 3101 {
		t.Errorf("17 characters: %v", err)
	}
	if err := c.SetShare(ctx, id, 1, "s3cret"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSharedVideo(ctx, id, "nope"); vodapi.CodeOf(err) != 3108 {
		t.Errorf("wrong share password: %v", err)
	}
	if got, err := c.GetSharedVideo(ctx, id, "s3cret"); err != nil || got.ID != id {
		t.Errorf("right password: %v", err)
	}
	// Cover replacement deletes the old cover; delete cascades.
	png := filepath.Join(t.TempDir(), "c.png")
	_ = os.WriteFile(png, []byte("\x89PNG\r\n\x1a\nxxxxxxxx"), 0o600)
	c1, _ := c.UploadFile(ctx, png, nil)
	c2, _ := c.UploadFile(ctx, png, nil)
	_ = c.UpdateVideo(ctx, id, vodapi.UpdateRequest{ThumbStorageID: c1})
	if err := c.UpdateVideo(ctx, id, vodapi.UpdateRequest{ThumbStorageID: c2}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.StorageObject(c1); ok {
		t.Error("the old cover survived V6")
	}
	v, _ = c.GetVideo(ctx, id)
	if err := c.DeleteVideos(ctx, []string{id}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{v.ThumbURL, v.PlaySet[0].URL, v.OriginURL} {
		if resp, err := http.Get(u); err != nil || resp.StatusCode != 404 {
			t.Errorf("%s still served after delete", u)
		}
	}
	if _, err := c.GetVideo(ctx, id); vodapi.CodeOf(err) != 3102 {
		t.Errorf("deleted video: %v", err)
	}
}

func TestWindowRules(t *testing.T) {
	_, srv, _ := setup(t, vodfake.Options{})
	c := client(t, srv.URL, token, "")
	if err := vodapi.CheckWindow(0, 90*86400); err != nil {
		t.Errorf("exactly 90 days: %v", err)
	}
	if err := vodapi.CheckWindow(0, 90*86400+1); err == nil {
		t.Error("90 days + 1 s accepted")
	}
	if !vodapi.BeijingMidnight(1471881600) || vodapi.BeijingMidnight(1471881601) {
		t.Error("Beijing midnight check")
	}
	if err := vodapi.CheckDays(1471881601, 1471881600+86400); err == nil || !strings.Contains(err.Error(), "`start`") {
		t.Errorf("non-midnight start: %v", err)
	}
	days, err := c.DailyTraffic(context.Background(), 1471881600, 1471881600+2*86400)
	if err != nil || len(days) != 3 || days[0].Date != "2016-08-23" {
		t.Errorf("days: %v %v", days, err)
	}
}

func TestExportMatchesFake(t *testing.T) {
	f, srv, _ := setup(t, vodfake.Options{})
	f.SetArchivedRows(500)
	c := client(t, srv.URL, token, "")
	var buf bytes.Buffer
	st, err := c.ExportCSV(context.Background(), vodapi.ExportQuery{Kind: vodapi.ExportVideoTotals}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 500 || strings.Join(st.Header, ",") != "video_id,video_name,video_created_at,total_bytes" || len(st.First) != vodapi.FirstRows {
		t.Errorf("stats: %+v", st)
	}
	got, _ := csv.NewReader(&buf).ReadAll()
	var want [][]string
	f.ExportRows("", func(r []string) { want = append(want, append([]string(nil), r...)) })
	if len(got) != len(want)+1 {
		t.Fatalf("%d rows, fake has %d", len(got)-1, len(want))
	}
	for i := range want {
		if strings.Join(got[i+1], "|") != strings.Join(want[i], "|") {
			t.Fatalf("row %d: %v != %v", i, got[i+1], want[i])
		}
	}
	// An error envelope where a CSV was expected is the typed error.
	bad := client(t, srv.URL, "wrong", "")
	if _, err := bad.ExportCSV(context.Background(), vodapi.ExportQuery{}, &buf); vodapi.CodeOf(err) != 3108 {
		t.Errorf("export with a wrong token: %v", err)
	}
}

func TestCallbackParse(t *testing.T) {
	cb, err := vodapi.ParseCallback([]byte(`{"event_type":"video_play_set_ready","video_id":"v1","play_set_id":"p1","resolution":"720P"}`), vodapi.EventVideoPlaySetReady)
	if err != nil || cb.DedupeKey() != "video_play_set_ready\x00v1\x00p1" {
		t.Errorf("%v %q", err, cb.DedupeKey())
	}
	if _, err := vodapi.ParseCallback([]byte(`{"event_type":"video_ready","video_id":"v1"}`), vodapi.EventVideoPlaySetReady); err == nil {
		t.Error("a video_ready on the transcoding address was accepted")
	}
	if _, err := vodapi.ParseCallback([]byte(`{"event_type":"video_ready"}`), ""); err == nil {
		t.Error("no video_id accepted")
	}
}
