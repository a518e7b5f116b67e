package piliapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/pilifake"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

const (
	testAK = testkit.QiniuAK
	testSK = testkit.QiniuSK
)

type fixture struct {
	fake   *pilifake.Server
	clk    *testkit.Clock
	url    string
	client *Client
	red    *redact.Set
}

func setup(t *testing.T) *fixture {
	t.Helper()
	clk := testkit.NewClock(time.Unix(1635162331, 0))
	fake := pilifake.New(pilifake.Options{AccessKey: testAK, SecretKey: testSK, Hubs: []string{"test", "other"}, Now: clk.Now})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	red := &redact.Set{}
	f := &fixture{fake: fake, clk: clk, url: srv.URL, red: red}
	f.client = f.newClient(testSK)
	return f
}

func (f *fixture) newClient(sk string) *Client {
	return New(Config{PiliURL: f.url, CasterURL: f.url, AccessKey: testAK, SecretKey: sk, Redact: f.red,
		Retry: httpx.RetryPolicy{Attempts: 2, Base: time.Millisecond, Max: time.Millisecond}})
}

func (f *fixture) last(t *testing.T) pilifake.Request {
	t.Helper()
	r := f.fake.Requests()
	if len(r) == 0 {
		t.Fatal("no request recorded")
	}
	return r[len(r)-1]
}

var ctx = context.Background()

func TestWrongSecretIsAuthenticationError(t *testing.T) {
	f := setup(t)
	bad := f.newClient("wrong-secret-key-0123456789")
	_, err := bad.GetHub(ctx, "test")
	if err == nil {
		t.Fatal("wrong secret accepted")
	}
	if httpx.StatusOf(err) != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401: %v", httpx.StatusOf(err), err)
	}
	msg := err.Error()
	for _, want := range []string{"401", qiniuauth.AuthHint} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	for _, secret := range []string{"wrong-secret-key-0123456789", testSK, testAK} {
		if strings.Contains(msg, secret) {
			t.Errorf("error leaks %q: %s", secret, msg)
		}
	}
	// The rejected Authorization header was registered for redaction.
	if auth := f.last(t).Header.Get("Authorization"); !f.red.Contains(auth) {
		t.Error("Authorization token not registered for redaction")
	}
}

func TestRequestShapes(t *testing.T) {
	f := setup(t)
	if _, err := f.client.ListHubs(ctx); err != nil {
		t.Fatal(err)
	}
	r := f.last(t)
	if r.Method != "GET" || r.Path != "/v2/hubs" || r.Header.Get("Content-Type") != ctForm || len(r.Body) != 0 {
		t.Errorf("ListHubs sent %s %s ct=%q body=%q", r.Method, r.Path, r.Header.Get("Content-Type"), r.Body)
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Qiniu "+testAK+":") {
		t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
	}
	if err := f.client.CreateStream(ctx, "test", "carter2000", nil); err != nil {
		t.Fatal(err)
	}
	r = f.last(t)
	if r.Path != "/v2/hubs/test/streams" || r.Header.Get("Content-Type") != ctJSON || string(r.Body) != `{"key":"carter2000"}` {
		t.Errorf("CreateStream sent %s ct=%q body=%s", r.Path, r.Header.Get("Content-Type"), r.Body)
	}
	if _, err := f.client.GetStream(ctx, "test", "carter2000"); err != nil {
		t.Fatal(err)
	}
	if p := f.last(t).Path; p != "/v2/hubs/test/streams/Y2FydGVyMjAwMA==" {
		t.Errorf("GetStream path %s: the title must be base64url with padding", p)
	}
	if err := f.client.UnbindDomain(ctx, "test", "pili-live-hdl.test.cloudvdn.com"); err != nil {
		t.Fatal(err)
	}
	r = f.last(t)
	if r.Method != "DELETE" || r.Header.Get("Content-Type") != ctJSON || len(r.Body) != 0 {
		t.Errorf("UnbindDomain sent %s ct=%q body=%q", r.Method, r.Header.Get("Content-Type"), r.Body)
	}
	if _, err := f.client.ListCasters(ctx, "", "", 0); err != nil {
		t.Fatal(err)
	}
	if ct := f.last(t).Header.Get("Content-Type"); ct != "" {
		t.Errorf("caster GET sent Content-Type %q; the examples send none", ct)
	}
}

func TestCreateStreamExists614(t *testing.T) {
	f := setup(t)
	on := true
	if err := f.client.CreateStream(ctx, "test", "stream1", &on); err != nil {
		t.Fatal(err)
	}
	err := f.client.CreateStream(ctx, "test", "stream1", nil)
	if !IsStreamExists(err) {
		t.Fatalf("want 614, got %v", err)
	}
	var ae *httpx.APIError
	if !errors.As(err, &ae) || ae.Code != "614" || ae.Message != "stream already exists" {
		t.Fatalf("APIError = %+v", ae)
	}
	if !strings.Contains(err.Error(), "already exists") {
		t.Errorf("message: %v", err)
	}
	st, err := f.client.GetStream(ctx, "test", "stream1")
	if err != nil || !st.NropEnable {
		t.Fatalf("GetStream = %+v, %v", st, err)
	}
	if _, err := f.client.GetStream(ctx, "test", "nosuch"); !IsNotFound(err) {
		t.Fatalf("unknown stream: %v", err)
	}
}

func TestListStreamsPaging(t *testing.T) {
	f := setup(t)
	for _, k := range []string{"cam01", "cam02", "cam03", "talk1"} {
		if err := f.client.CreateStream(ctx, "test", k, nil); err != nil {
			t.Fatal(err)
		}
	}
	f.fake.StartPush("test", "cam02")
	page, err := f.client.ListStreams(ctx, "test", ListOptions{Prefix: "cam", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(page.Keys, ",") != "cam01,cam02" || page.Marker == "" {
		t.Fatalf("page 1 = %+v", page)
	}
	if q := f.last(t).RawQuery; q != "limit=2&prefix=cam" {
		t.Errorf("query %q", q)
	}
	page, err = f.client.ListStreams(ctx, "test", ListOptions{Prefix: "cam", Limit: 2, Marker: page.Marker})
	if err != nil || strings.Join(page.Keys, ",") != "cam03" || page.Marker != "" {
		t.Fatalf("page 2 = %+v, %v", page, err)
	}
	live, err := f.client.ListStreams(ctx, "test", ListOptions{LiveOnly: true})
	if err != nil || strings.Join(live.Keys, ",") != "cam02" {
		t.Fatalf("liveonly = %+v, %v", live, err)
	}
}

func TestDisableEnable(t *testing.T) {
	f := setup(t)
	if err := f.client.CreateStream(ctx, "test", "event1", nil); err != nil {
		t.Fatal(err)
	}
	f.fake.StartPush("test", "event1")
	now := f.clk.Now().Unix()
	till := now + 3600
	if err := f.client.DisableStream(ctx, "test", "event1", till); err != nil {
		t.Fatal(err)
	}
	st, err := f.client.GetStream(ctx, "test", "event1")
	if err != nil || st.DisabledTill != till || !st.DisabledAt(now) {
		t.Fatalf("after disable: %+v, %v", st, err)
	}
	if f.fake.IsLive("test", "event1") {
		t.Error("disable did not cut the publisher off")
	}
	if err := f.client.EnableStream(ctx, "test", "event1"); err != nil {
		t.Fatal(err)
	}
	st, _ = f.client.GetStream(ctx, "test", "event1")
	if st.DisabledAt(now) {
		t.Fatalf("after enable: %+v", st)
	}
	if err := f.client.DisableStream(ctx, "test", "event1", -1); err != nil {
		t.Fatal(err)
	}
	st, _ = f.client.GetStream(ctx, "test", "event1")
	if st.DisabledTill != -1 || !st.DisabledAt(now+1e9) {
		t.Fatalf("permanent: %+v", st)
	}
	if err := f.client.DisableStream(ctx, "test", "event1", 0); err == nil {
		t.Error("disabledTill 0 accepted by DisableStream")
	}
}

func TestLiveStatus(t *testing.T) {
	f := setup(t)
	f.client.CreateStream(ctx, "test", "offline1", nil)
	f.fake.StartPush("test", "live1")
	l, err := f.client.GetLive(ctx, "test", "live1")
	if err != nil || !l.IsLive() || l.FPS.Video != 60 || l.PlayCount == 0 {
		t.Fatalf("live = %+v, %v", l, err)
	}
	l, err = f.client.GetLive(ctx, "test", "offline1")
	if err != nil || l.IsLive() {
		t.Fatalf("offline = %+v, %v", l, err)
	}
	if _, err := f.client.GetLive(ctx, "test", "ghost"); !IsNotFound(err) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestBatchLiveSplitsAt100(t *testing.T) {
	f := setup(t)
	var titles []string
	for i := 0; i < 250; i++ {
		titles = append(titles, fmt.Sprintf("s%04d", i))
	}
	titles = append(titles, titles[0]) // a duplicate is sent once
	f.fake.StartPush("test", titles[5])
	f.fake.StartPush("test", titles[150])
	f.fake.StartPush("test", titles[249])
	before := len(f.fake.Requests())
	items, n, err := f.client.BatchLive(ctx, "test", titles)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("requests = %d, want 3", n)
	}
	reqs := f.fake.Requests()[before:]
	total := 0
	for _, r := range reqs {
		var body struct{ Items []string }
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if len(body.Items) > MaxBatchLive {
			t.Errorf("oversized request: %d items", len(body.Items))
		}
		total += len(body.Items)
	}
	if len(reqs) != 3 || total != 250 {
		t.Errorf("sent %d requests with %d titles", len(reqs), total)
	}
	if len(items) != 3 {
		t.Fatalf("live items = %+v", items)
	}
}

func TestHistoryStatsSaveAsSnapshot(t *testing.T) {
	f := setup(t)
	f.fake.StartPush("test", "game1")
	start := f.clk.Now().Unix()
	f.clk.Add(10 * time.Minute)
	f.fake.StopPush("test", "game1")
	end := f.clk.Now().Unix()

	hist, err := f.client.History(ctx, "test", "game1", start-60, end+60)
	if err != nil || len(hist) != 1 || hist[0].Start != start || hist[0].End != end {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	stats, err := f.client.StreamStats(ctx, "test", "game1", start, end)
	if err != nil || len(stats) == 0 || stats[0].Stats.Bps == 0 || stats[0].Stream != "game1" {
		t.Fatalf("stats = %+v, %v", stats, err)
	}
	empty, err := f.client.StreamStats(ctx, "test", "ghost", start, end)
	if err != nil || len(empty) != 0 {
		t.Fatalf("unknown stream stats = %+v, %v", empty, err)
	}
	before := len(f.fake.Requests())
	if _, err := f.client.StreamStats(ctx, "test", "game1", start, start+MaxStatsWindow+1); err == nil {
		t.Error("a window over 24 h was accepted")
	}
	if len(f.fake.Requests()) != before {
		t.Error("an oversized stats window was sent")
	}

	exp := -1
	res, err := f.client.SaveAs(ctx, "test", "game1", SaveAsOptions{Fname: "replay", Start: start, End: end, Format: "mp4", ExpireDays: &exp})
	if err != nil || res.Fname != "replay.mp4" || res.PersistentID == "" {
		t.Fatalf("saveas = %+v, %v", res, err)
	}
	calls := f.fake.SaveAsCalls()
	if len(calls) != 1 || calls[0].Format != "mp4" || calls[0].ExpireDays != -1 || *calls[0].Start != start {
		t.Fatalf("recorded saveas = %+v", calls)
	}
	snap, err := f.client.Snapshot(ctx, "test", "game1", SnapshotOptions{Time: start + 5, Format: "png"})
	if err != nil || snap.Fname == "" {
		t.Fatalf("snapshot = %+v, %v", snap, err)
	}
	if sc := f.fake.SnapshotCalls(); len(sc) != 1 || sc[0].Time != start+5 || sc[0].Format != "png" {
		t.Fatalf("recorded snapshot = %+v", sc)
	}
	if err := f.client.UpdateConverts(ctx, "test", "game1", []string{"480p", "720p"}); err != nil {
		t.Fatal(err)
	}
	st, _ := f.client.GetStream(ctx, "test", "game1")
	if strings.Join(st.Converts, ",") != "480p,720p" {
		t.Fatalf("converts = %v", st.Converts)
	}
	if err := f.client.UpdateConverts(ctx, "test", "game1", nil); err != nil {
		t.Fatal(err)
	}
	if b := string(f.last(t).Body); b != `{"converts":[]}` {
		t.Errorf("empty converts sent as %s", b)
	}
	if err := f.client.SetStreamNrop(ctx, "test", "game1", true); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.client.GetStream(ctx, "test", "game1"); !st.NropEnable {
		t.Error("nrop not set")
	}
}

func TestHubsAndDomains(t *testing.T) {
	f := setup(t)
	hubs, err := f.client.ListHubs(ctx)
	if err != nil || strings.Join(hubs, ",") != "other,test" {
		t.Fatalf("hubs = %v, %v", hubs, err)
	}
	h, err := f.client.GetHub(ctx, "test")
	if err != nil || h.Name != "test" || h.DefaultDomain(DomainPublishRtmp) == "" || h.PublishSecurity != "none" {
		t.Fatalf("hub = %+v, %v", h, err)
	}
	if err := f.client.SetHubSecurity(ctx, "test", qiniuauth.PublishSecurityExpiry, "12345678"); err != nil {
		t.Fatal(err)
	}
	if err := f.client.SetHubHlsPlus(ctx, "test", true); err != nil {
		t.Fatal(err)
	}
	if err := f.client.SetHubPersistence(ctx, "test", "bucket1", 90); err != nil {
		t.Fatal(err)
	}
	if err := f.client.SetHubSnapshot(ctx, "test", -1); err != nil {
		t.Fatal(err)
	}
	h, _ = f.client.GetHub(ctx, "test")
	if h.PublishSecurity != "expiry" || !h.HlsPlus || h.StorageBucket != "bucket1" || h.LiveDataExpireDays != 90 || h.SnapshotInterval != -1 {
		t.Fatalf("hub after sets = %+v", h)
	}
	if err := f.client.SetHubPersistence(ctx, "test", "bucket1", 10); httpx.StatusOf(err) != 400 {
		t.Fatalf("10 days: %v", err)
	}

	if err := f.client.BindDomain(ctx, "test", "live.example.com", DomainLiveHls); err != nil {
		t.Fatal(err)
	}
	if b := string(f.last(t).Body); !strings.Contains(b, `"Type":"liveHls"`) {
		t.Errorf("bind body %s: the documented key is a capital Type", b)
	}
	ds, err := f.client.ListDomains(ctx, "test")
	if err != nil || len(ds) != 5 {
		t.Fatalf("domains = %+v, %v", ds, err)
	}
	if err := f.client.SetDomainCert(ctx, "test", "live.example.com", "cert1"); err != nil {
		t.Fatal(err)
	}
	rules := []RewriteRule{{Pattern: "(.+)/live/(.+)", Replace: "${1}/test/${2}"}}
	if err := f.client.SetDomainURLRewrite(ctx, "test", "live.example.com", rules); err != nil {
		t.Fatal(err)
	}
	d, err := f.client.GetDomain(ctx, "test", "live.example.com")
	if err != nil || !d.CertEnable || d.CertName != "cert1" || len(d.URLRewrite.Rules) != 1 || d.Type != DomainLiveHls {
		t.Fatalf("domain = %+v, %v", d, err)
	}
	if err := f.client.BindVodDomain(ctx, "test", "vod.example.com"); err != nil {
		t.Fatal(err)
	}
	if err := f.client.UnbindDomain(ctx, "test", "live.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.GetDomain(ctx, "test", "live.example.com"); !IsNotFound(err) {
		t.Fatalf("unbound domain: %v", err)
	}
}

func TestHubNameQuirk(t *testing.T) {
	var h Hub
	if err := json.Unmarshal([]byte(`{"name":"a","AccessLog":{"saveBucket":"b"}}`), &h); err != nil || h.Name != "a" || h.AccessLog.SaveBucket != "b" {
		t.Fatalf("%+v %v", h, err)
	}
	if err := json.Unmarshal([]byte(`{"hubName":"x","accesslog":{"expireDays":3}}`), &h); err != nil || h.Name != "x" || h.AccessLog.ExpireDays != 3 {
		t.Fatalf("%+v %v", h, err)
	}
	var s Stats
	if err := json.Unmarshal([]byte(`{"bps":"12","detailStats":[{"playCount":"7","bandwidth":9}]}`), &s); err != nil || s.Bps != 12 || s.DetailStats[0].PlayCount != 7 {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestUsage(t *testing.T) {
	f := setup(t)
	begin := time.Date(2021, 10, 20, 0, 0, 0, 0, Beijing)
	end := time.Date(2021, 10, 22, 0, 0, 0, 0, Beijing)
	rows, err := f.client.GetUsage(ctx, UsageQuery{Metric: "upflow", Begin: begin, End: end, Granularity: "day",
		Filters: map[string][]string{"hub": {"test"}, "area": {"!cn", "!hk"}}})
	if err != nil || len(rows) != 2 || rows[0].Time != "2021-10-20T00:00:00+08:00" {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
	if _, ok := rows[0].Values["flow"]; !ok {
		t.Fatalf("no flow: %+v", rows[0])
	}
	r := f.last(t)
	if !strings.Contains(r.RawQuery, "begin=20211020000000") || !strings.Contains(r.RawQuery, "%24area=%21cn") {
		t.Errorf("query %s", r.RawQuery)
	}
	rows, err = f.client.GetUsage(ctx, UsageQuery{Metric: "caster", Begin: begin, End: end, Granularity: "day", Group: "resolution",
		Filters: map[string][]string{"resolution": {"480p", "720p"}}, Select: []string{"duration"}})
	if err != nil || len(rows) != 4 || rows[0].Group != "480p" {
		t.Fatalf("grouped rows = %+v, %v", rows, err)
	}
	if _, err := f.client.GetUsage(ctx, UsageQuery{Metric: "codec", Begin: begin, Granularity: "day", Filters: map[string][]string{"area": {"cn"}}}); err == nil {
		t.Error("codec accepted an area filter")
	}
	if _, err := f.client.GetUsage(ctx, UsageQuery{Metric: "nope", Begin: begin, Granularity: "day"}); err == nil {
		t.Error("unknown metric accepted")
	}
}

func TestCasters(t *testing.T) {
	f := setup(t)
	c, err := f.client.CreateCaster(ctx, CasterSpec{Name: "show1", Canvas: json.RawMessage(`{"resolution":"1080p","width":1920,"height":1080}`)})
	if err != nil || c.ID == "" || c.Status != "running" || c.StaticKey == "" {
		t.Fatalf("create = %+v, %v", c, err)
	}
	if _, err := f.client.UpdateCaster(ctx, c.ID, CasterSpec{Name: "x"}); err == nil {
		t.Error("name update accepted")
	}
	u, err := f.client.UpdateCaster(ctx, c.ID, CasterSpec{PgmOutput: json.RawMessage(`{"publish":"rtmp://x/y/z","delay":10}`)})
	if err != nil || !strings.Contains(string(u.PgmOutput), "rtmp://x/y/z") {
		t.Fatalf("update = %+v, %v", u, err)
	}
	if err := f.client.StopCaster(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.Header.Get("Content-Type") != "" || len(r.Body) != 0 {
		t.Errorf("stop sent ct=%q body=%q", r.Header.Get("Content-Type"), r.Body)
	}
	g, err := f.client.GetCaster(ctx, c.ID)
	if err != nil || g.Status != "stopped" {
		t.Fatalf("after stop = %+v, %v", g, err)
	}
	if err := f.client.StartCaster(ctx, c.ID, 0, 3); err != nil {
		t.Fatal(err)
	}
	g, _ = f.client.GetCaster(ctx, c.ID)
	if g.Status != "running" || g.TimeSwitch.Stop-g.TimeSwitch.Start != 3*3600 {
		t.Fatalf("after start = %+v", g)
	}
	l, err := f.client.ListCasters(ctx, "show", "", 10)
	if err != nil || l.Count != 1 || l.Items[0].ID != c.ID {
		t.Fatalf("list = %+v, %v", l, err)
	}
	if err := f.client.DeleteCaster(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.GetCaster(ctx, c.ID); !IsNotFound(err) {
		t.Fatalf("deleted caster: %v", err)
	}
}

func TestTransportErrorHint(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	c := New(Config{PiliURL: srv.URL, AccessKey: testAK, SecretKey: testSK, Retry: httpx.RetryPolicy{Attempts: 1}})
	_, err := c.ListHubs(ctx)
	if err == nil || !strings.Contains(err.Error(), "MCP_MEDIA_QINIU_PILI_URL") {
		t.Fatalf("err = %v", err)
	}
}

// Signing many different requests must not grow the redaction set: every
// signature is masked by shape after the AccessKey, not registered. The
// AccessKey itself is an identifier and stays.
func TestSignaturesDoNotGrowRedactionSet(t *testing.T) {
	f := setup(t)
	if _, err := f.client.GetHub(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	n := f.red.Len()
	for i := 0; i < 50; i++ {
		_, _ = f.client.GetStream(ctx, "test", fmt.Sprintf("stream%04d", i))
	}
	if got := f.red.Len(); got != n {
		t.Errorf("redaction set grew from %d to %d values over 50 requests", n, got)
	}
	if out := f.red.String("Qiniu " + testAK + ":c2lnbmF0dXJlLXZhbHVl"); out != "Qiniu "+testAK+":"+redact.Mask {
		t.Errorf("an Authorization value survived: %q", out)
	}
}

// An empty required argument is refused before sending, naming it.
func TestEmptyArgumentNamed(t *testing.T) {
	f := setup(t)
	cases := []struct {
		err  error
		want string
	}{
		{f.client.EnableStream(ctx, "test", " "), "`stream`"},
		{f.client.SetDomainCert(ctx, "test", "a.example.com", ""), "`cert_name`"},
		{f.client.StopCaster(ctx, ""), "`id`"},
		{func() error { _, err := f.client.GetHub(ctx, ""); return err }(), "`hub`"},
	}
	for _, c := range cases {
		var ea *argerr.Error
		if !errors.As(c.err, &ea) || !strings.Contains(c.err.Error(), "invalid argument "+c.want+": is empty") {
			t.Errorf("error %v does not name %s", c.err, c.want)
		}
	}
}

// Keys read back from Qiniu (here a caster's static key) are registered for
// redaction by the client itself, on every read path.
func TestKeysReadBackAreRedacted(t *testing.T) {
	f := setup(t)
	c, err := f.client.CreateCaster(ctx, CasterSpec{Name: "keys"})
	if err != nil || c.StaticKey == "" {
		t.Fatalf("create: %+v %v", c, err)
	}
	if got := f.red.String("key " + c.StaticKey); got != "key "+redact.Mask {
		t.Errorf("after create: %q", got)
	}
	for name, read := range map[string]func(cl *Client) error{
		"get":  func(cl *Client) error { _, err := cl.GetCaster(ctx, c.ID); return err },
		"list": func(cl *Client) error { _, err := cl.ListCasters(ctx, "", "", 0); return err },
	} {
		red := &redact.Set{}
		cl := New(Config{PiliURL: f.url, CasterURL: f.url, AccessKey: testAK, SecretKey: testSK, Redact: red})
		if err := read(cl); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if red.String(c.StaticKey) != redact.Mask {
			t.Errorf("%s did not register the static key", name)
		}
	}
}
