package pili

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

// Every qiniu_live tool succeeds against the independently verifying fake.
func TestEveryLiveToolSucceeds(t *testing.T) {
	h := newHarness(t)
	seen := map[string]bool{}
	ok := func(name string, args any) tooltest.Result { seen[name] = true; return h.ok(name, args) }

	r := ok("qiniu_create_stream", M{"stream": "event2026"})
	if !strings.Contains(r.Text, "✅ Stream created: event2026") || r.Str("status") != "offline" {
		t.Fatalf("create: %s", r.Text)
	}
	r = ok("qiniu_list_streams", M{})
	if !strings.Contains(r.Text, "`event2026`") || r.Str("streams") != `["event2026"]` {
		t.Fatalf("list: %s", r.Text)
	}
	r = ok("qiniu_stream_urls", M{"stream": "event2026", "expires_in": "2h"})
	if r.Str("urls", "rtmp_push") != "rtmp://pili-publish.live1.cloudvdn.com/live1/event2026" {
		t.Fatalf("urls: %s", r.Text)
	}
	h.fake.StartPush(hubName, "event2026")
	h.clk.Add(5 * time.Minute)
	r = ok("qiniu_get_stream", M{"stream": "event2026"})
	if r.Str("status") != "live" || !strings.Contains(r.Text, "🟢 Live") || !strings.Contains(r.Text, "601 kbps") {
		t.Fatalf("get live: %s", r.Text)
	}
	r = ok("qiniu_get_live_status", M{"streams": []string{"event2026"}})
	if r.Num("live") != 1 || r.Str("streams") == "" || !strings.Contains(r.Text, "| event2026 | 🟢 Live |") {
		t.Fatalf("live status: %s", r.Text)
	}
	ok("qiniu_get_stream_stats", M{"stream": "event2026", "from": "last 10 minutes"})
	ok("qiniu_snapshot_stream", M{"stream": "event2026", "format": "png"})
	ok("qiniu_set_stream_converts", M{"stream": "event2026", "profiles": []string{"480p", "720p"}})
	r = ok("qiniu_disable_stream", M{"stream": "event2026", "duration": "30m"})
	if r.Str("status") != "disabled" || h.fake.IsLive(hubName, "event2026") {
		t.Fatalf("disable: %s", r.Text)
	}
	r = ok("qiniu_enable_stream", M{"stream": "event2026"})
	if r.Str("status") != "offline" {
		t.Fatalf("enable: %s", r.Text)
	}
	r = ok("qiniu_get_stream_history", M{"stream": "event2026"})
	if r.Str("sessions") == "[]" {
		t.Fatalf("history: %s", r.Text)
	}
	r = ok("qiniu_record_stream", M{"stream": "event2026", "format": "mp4", "fname": "replay"})
	if r.Str("fname") != "replay.mp4" || r.Str("persistent_id") == "" || !strings.Contains(r.Text, "asynchronously") {
		t.Fatalf("record: %s", r.Text)
	}
	for _, tl := range h.tools.liveTools() {
		if !seen[tl.Name] {
			t.Errorf("%s not exercised", tl.Name)
		}
	}
}

func TestWrongSecretIsAnAuthenticationError(t *testing.T) {
	h := newHarness(t, withSecret("not-the-right-secret-key-000"))
	for _, tc := range []struct {
		name string
		args M
	}{
		{"qiniu_get_stream", M{"stream": "abcd"}},
		{"qiniu_create_stream", M{"stream": "abcd"}},
		{"qiniu_list_streams", M{}},
		{"qiniu_get_live_status", M{"streams": []string{"a", "b"}}},
	} {
		r := h.fails(tc.name, tc.args, "401", "Authentication failed", "mcp-media auth set qiniu")
		if strings.Contains(r.Text, "not-the-right-secret-key-000") {
			t.Errorf("%s leaks the secret: %s", tc.name, r.Text)
		}
	}
}

func TestNotConfigured(t *testing.T) {
	h := newHarness(t)
	h.env.Creds.Sandbox = map[string]map[string]string{}
	h.fails("qiniu_get_stream", M{"stream": "abcd"}, "mcp-media auth set qiniu")
}

func TestDisableUntilThenEnable(t *testing.T) {
	h := newHarness(t)
	h.ok("qiniu_create_stream", M{"stream": "show1"})
	h.fake.StartPush(hubName, "show1")

	until := "2026-03-11T20:00:00+08:00"
	want, _ := time.Parse(time.RFC3339, until)
	r := h.ok("qiniu_disable_stream", M{"stream": "show1", "until": until})
	if int64(r.Num("disabled_till")) != want.Unix() {
		t.Fatalf("disabled_till = %v, want %d", r.Num("disabled_till"), want.Unix())
	}
	if h.fake.IsLive(hubName, "show1") {
		t.Error("the publisher was not cut off")
	}
	// Reading it shows it disabled until the given time.
	r = h.ok("qiniu_get_stream", M{"stream": "show1"})
	if r.Str("status") != "disabled" || r.Str("disabled_until") != "2026-03-11T20:00:00+08:00" ||
		!strings.Contains(r.Text, "⛔ Disabled until 2026-03-11T20:00:00+08:00") {
		t.Fatalf("get after disable: %s", r.Text)
	}
	// A push is refused while banned.
	h.fake.StartPush(hubName, "show1")
	if h.fake.IsLive(hubName, "show1") {
		t.Error("a banned stream went live")
	}
	// Enabling restores it.
	r = h.ok("qiniu_enable_stream", M{"stream": "show1"})
	if r.Str("status") != "offline" || r.Num("disabled_till") != 0 {
		t.Fatalf("enable: %s", r.Text)
	}
	h.fake.StartPush(hubName, "show1")
	if r = h.ok("qiniu_get_stream", M{"stream": "show1"}); r.Str("status") != "live" {
		t.Fatalf("after enable: %s", r.Text)
	}

	// Human forms: a date alone bans through the end of that day (Beijing).
	r = h.ok("qiniu_disable_stream", M{"stream": "show1", "until": "12/03/2026"})
	if got := r.Str("disabled_until"); got != "2026-03-12T23:59:59+08:00" {
		t.Fatalf("until dd/mm/yyyy → %s", got)
	}
	r = h.ok("qiniu_disable_stream", M{"stream": "show1", "duration": "1h30m"})
	if int64(r.Num("disabled_till")) != h.clk.Now().Add(90*time.Minute).Unix() {
		t.Fatalf("duration: %v", r.Num("disabled_till"))
	}
	r = h.ok("qiniu_disable_stream", M{"stream": "show1", "permanent": true})
	if r.Num("disabled_till") != -1 || !strings.Contains(r.Text, "Disabled permanently") {
		t.Fatalf("permanent: %s", r.Text)
	}
	h.fails("qiniu_disable_stream", M{"stream": "show1"}, "exactly one")
	h.fails("qiniu_disable_stream", M{"stream": "show1", "duration": "2h", "permanent": true}, "exactly one")
	h.fails("qiniu_disable_stream", M{"stream": "show1", "until": "01/01/2020"}, "not in the future")
	h.fails("qiniu_disable_stream", M{"stream": "show1", "duration": "soon"}, "`duration`", "not a duration")
	h.fails("qiniu_disable_stream", M{"stream": "show1", "until": "soon"}, "invalid argument `until`: \"soon\" is not a date I understand")
	h.fails("qiniu_disable_stream", M{"stream": "ghost"}, "exactly one")
	h.fails("qiniu_disable_stream", M{"stream": "ghost1", "duration": "1h"}, "was not found", "qiniu_list_streams")
}

func TestBatchLiveStatusIsSplit(t *testing.T) {
	h := newHarness(t)
	var titles []string
	for i := 0; i < 230; i++ {
		titles = append(titles, fmt.Sprintf("cam%03d", i))
	}
	h.fake.StartPush(hubName, "cam007")
	h.fake.StartPush(hubName, "cam199")
	before := len(h.fake.Requests())
	r := h.ok("qiniu_get_live_status", M{"streams": titles})
	if r.Num("requests") != 3 || r.Num("live") != 2 {
		t.Fatalf("requests=%v live=%v", r.Num("requests"), r.Num("live"))
	}
	var sizes []int
	for _, req := range h.fake.Requests()[before:] {
		var body struct{ Items []string }
		if err := json.Unmarshal(req.Body, &body); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(body.Items))
		if len(body.Items) > 100 {
			t.Errorf("a request carried %d titles", len(body.Items))
		}
	}
	if fmt.Sprint(sizes) != "[100 100 30]" {
		t.Errorf("batch sizes %v", sizes)
	}
	if !strings.Contains(r.Text, "Checked in 3 requests of at most 100") || !strings.Contains(r.Text, "2 of 230 streams live") {
		t.Errorf("text: %s", r.Text)
	}
	// Too many for one call: refused before anything is sent.
	before = len(h.fake.Requests())
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("s%04d", i)
	}
	h.fails("qiniu_get_live_status", M{"streams": many}, "`streams`", "at most 1000", "100 per request")
	if len(h.fake.Requests()) != before {
		t.Error("an oversized call reached the server")
	}
	// One stream uses /live: not-found and offline are told apart.
	h.ok("qiniu_create_stream", M{"stream": "idle1"})
	if r = h.ok("qiniu_get_live_status", M{"streams": []string{"idle1"}}); !strings.Contains(r.Text, "⚪ Offline") {
		t.Errorf("offline: %s", r.Text)
	}
	if r = h.ok("qiniu_get_live_status", M{"streams": []string{"nobody"}}); !strings.Contains(r.Text, "❓ Not found") {
		t.Errorf("unknown: %s", r.Text)
	}
}

func TestTimeRangesAcceptHumanForms(t *testing.T) {
	h := newHarness(t)
	h.fake.StartPush(hubName, "talk1")
	h.clk.Add(20 * time.Minute)
	h.fake.StopPush(hubName, "talk1")
	now := h.clk.Now().Unix()

	lastQuery := func() url.Values {
		reqs := h.fake.Requests()
		for i := len(reqs) - 1; i >= 0; i-- {
			if reqs[i].Method == "GET" && strings.Contains(reqs[i].Path, "/streams/") {
				q, _ := url.ParseQuery(reqs[i].RawQuery)
				return q
			}
		}
		t.Fatal("no stream GET")
		return nil
	}
	cst := time.FixedZone("", 8*3600)
	for _, tc := range []struct {
		from, to   string
		start, end int64
	}{
		{"last 7 days", "", h.clk.Now().AddDate(0, 0, -7).Unix(), now},
		{"09/03/2026", "10/03/2026", time.Date(2026, 3, 9, 0, 0, 0, 0, cst).Unix(), time.Date(2026, 3, 10, 23, 59, 59, 0, cst).Unix()},
		{"2026-03-10", "", time.Date(2026, 3, 10, 0, 0, 0, 0, cst).Unix(), now},
		{"2026-03-10T19:30:00+08:00", "2026-03-10T20:30:00+08:00", time.Date(2026, 3, 10, 19, 30, 0, 0, cst).Unix(), time.Date(2026, 3, 10, 20, 30, 0, 0, cst).Unix()},
		{strconv.FormatInt(now-3600, 10), "now", now - 3600, now},
	} {
		r := h.ok("qiniu_get_stream_history", M{"stream": "talk1", "from": tc.from, "to": tc.to})
		q := lastQuery()
		if q.Get("start") != strconv.FormatInt(tc.start, 10) || q.Get("end") != strconv.FormatInt(tc.end, 10) {
			t.Errorf("from %q to %q → start=%s end=%s, want %d %d", tc.from, tc.to, q.Get("start"), q.Get("end"), tc.start, tc.end)
		}
		if !strings.Contains(r.Text, "Beijing time") {
			t.Errorf("conversion not reported: %s", r.Text)
		}
	}
	// Stats: default last hour, 24 h cap with a clear message.
	r := h.ok("qiniu_get_stream_stats", M{"stream": "talk1"})
	if q := lastQuery(); q.Get("end") != strconv.FormatInt(now, 10) || q.Get("start") != strconv.FormatInt(now-3600, 10) {
		t.Errorf("stats default window %v", q)
	}
	if r.Str("points") == "[]" {
		t.Errorf("stats empty: %s", r.Text)
	}
	h.ok("qiniu_get_stream_stats", M{"stream": "talk1", "from": "yesterday"})
	h.fails("qiniu_get_stream_stats", M{"stream": "talk1", "from": "last 2 days"}, "`from`", "24 hours")
	h.fails("qiniu_get_stream_history", M{"stream": "talk1", "from": "31/02/2026"}, "invalid argument `from`: \"31/02/2026\" is not a real date")
	h.fails("qiniu_get_stream_history", M{"stream": "talk1", "to": "now"}, "`from`", "required")

	// Record: the range is passed as Unix seconds.
	r = h.ok("qiniu_record_stream", M{"stream": "talk1", "from": "last 30 minutes"})
	calls := h.fake.SaveAsCalls()
	if c := calls[len(calls)-1]; c.Start == nil || *c.Start != now-1800 || *c.End != now || c.Format != "m3u8" {
		t.Fatalf("saveas call %+v", c)
	}
	if r.Str("fname") == "" || !strings.Contains(r.Text, "🎞️ Replay saved") {
		t.Errorf("record: %s", r.Text)
	}
	// Snapshot at a given time.
	h.ok("qiniu_snapshot_stream", M{"stream": "talk1", "at": "2026-03-10T20:05:00+08:00"})
	sc := h.fake.SnapshotCalls()
	if sc[len(sc)-1].Time != time.Date(2026, 3, 10, 20, 5, 0, 0, cst).Unix() {
		t.Errorf("snapshot time %d", sc[len(sc)-1].Time)
	}
}

func TestHubArgument(t *testing.T) {
	h := newHarness(t)
	delete(h.vars, EnvHub)
	h.fails("qiniu_list_streams", M{}, "`hub`", "MCP_MEDIA_QINIU_HUB")
	h.ok("qiniu_create_stream", M{"hub": "backup", "stream": "bkp1"})
	if r := h.ok("qiniu_list_streams", M{"hub": "backup"}); r.Str("hub") != "backup" || r.Str("streams") != `["bkp1"]` {
		t.Fatalf("explicit hub: %s", r.Text)
	}
	h.vars[EnvHub] = "backup"
	if r := h.ok("qiniu_get_stream", M{"stream": "bkp1"}); r.Str("hub") != "backup" {
		t.Fatalf("env hub: %s", r.Text)
	}
}

func TestCreateStreamErrors(t *testing.T) {
	h := newHarness(t)
	h.ok("qiniu_create_stream", M{"stream": "dup1"})
	h.fails("qiniu_create_stream", M{"stream": "dup1"}, "already exists", "614", "qiniu_get_stream")
	h.fails("qiniu_create_stream", M{"stream": "bad-name"}, "`stream`", "letters and digits")
	h.fails("qiniu_create_stream", M{}, "`stream`", "required")
	h.fails("qiniu_get_stream", M{"stream": "nosuch"}, "was not found", "404")
	h.fails("qiniu_set_stream_converts", M{"stream": "dup1", "profiles": []string{"1080p"}}, "`profiles.0`")
	r := h.ok("qiniu_set_stream_converts", M{"stream": "dup1", "profiles": []string{}})
	if r.Str("converts") != "[]" {
		t.Errorf("converts cleared: %s", r.Text)
	}
}

func TestListStreamsPaging(t *testing.T) {
	h := newHarness(t)
	for _, s := range []string{"cam01", "cam02", "cam03"} {
		h.ok("qiniu_create_stream", M{"stream": s})
	}
	r := h.ok("qiniu_list_streams", M{"prefix": "cam", "limit": 2})
	if r.Str("marker") == "" || !strings.Contains(r.Text, "call again with marker") {
		t.Fatalf("page 1: %s", r.Text)
	}
	r = h.ok("qiniu_list_streams", M{"prefix": "cam", "limit": 2, "marker": r.Str("marker")})
	if r.Str("streams") != `["cam03"]` || !strings.Contains(r.Text, "that is all") {
		t.Fatalf("page 2: %s", r.Text)
	}
	h.fake.StartPush(hubName, "cam02")
	if r = h.ok("qiniu_list_streams", M{"live_only": true}); r.Str("streams") != `["cam02"]` {
		t.Fatalf("live only: %s", r.Text)
	}
}

func TestStreamURLs(t *testing.T) {
	h := newHarness(t)
	h.ok("qiniu_create_stream", M{"stream": "conf1"})
	exp := h.clk.Now().Add(2 * time.Hour).Unix()

	// Hub with no push auth: plain URLs and a warning.
	r := h.ok("qiniu_stream_urls", M{"stream": "conf1", "expires_in": "2h"})
	want := map[string]string{
		"rtmp_push": "rtmp://pili-publish.live1.cloudvdn.com/live1/conf1",
		"srt_push":  "srt://pili-publish.live1.cloudvdn.com:1935?streamid=#!::h=live1/conf1,m=publish,domain=pili-publish.live1.cloudvdn.com",
		"rtmp_play": "rtmp://pili-live-rtmp.live1.cloudvdn.com/live1/conf1",
		"hls_play":  "https://pili-live-hls.live1.cloudvdn.com/live1/conf1.m3u8",
		"hdl_play":  "https://pili-live-hdl.live1.cloudvdn.com/live1/conf1.flv",
	}
	for k, v := range want {
		if got := r.Str("urls", k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if int64(r.Num("urls", "expires_unix")) != exp || !strings.Contains(r.Text, "no push authentication") {
		t.Errorf("urls: %s", r.Text)
	}

	// expiry with a key from the environment: token per the spec formula.
	h.vars[EnvPublishKey] = "pk-0123456789"
	h.ok("qiniu_set_hub_security", M{"scheme": "expiry"})
	r = h.ok("qiniu_stream_urls", M{"stream": "conf1", "expires_at": "2026-03-10T22:00:00+08:00"})
	at := time.Date(2026, 3, 10, 22, 0, 0, 0, time.FixedZone("", 8*3600)).Unix()
	tok := qiniuauth.ExpiryToken("pk-0123456789", hubName, "conf1", at)
	wantPush := fmt.Sprintf("rtmp://pili-publish.live1.cloudvdn.com/live1/conf1?expire=%d&token=%s", at, tok)
	if got := r.Str("urls", "rtmp_push"); got != wantPush {
		t.Fatalf("expiry push = %q, want %q\n%s", got, wantPush, r.Text)
	}
	if !strings.Contains(r.Text, wantPush) || !strings.HasSuffix(r.Str("urls", "srt_push"), fmt.Sprintf(",expire=%d,token=%s", at, tok)) {
		t.Errorf("the URL was masked or the SRT URL differs: %s", r.Text)
	}
	if strings.Contains(r.Text, "pk-0123456789") || strings.Contains(r.Str(), "pk-0123456789") {
		t.Error("the publish key was shown")
	}
	if h.red.Contains(wantPush) {
		t.Error("the signed URL is registered for redaction; it would be masked")
	}

	// expiry with a generated key, kept in the credential store so it
	// survives a restart.
	delete(h.vars, EnvPublishKey)
	r = h.ok("qiniu_set_hub_security", M{"hub": "backup", "scheme": "expiry"})
	if !strings.Contains(r.Text, "survives restarts") {
		t.Errorf("security note: %s", r.Text)
	}
	key := h.tools.keys["backup"]
	if key == "" || !h.red.Contains(key) || strings.Contains(r.Text, key) {
		t.Fatalf("generated key not kept or not secret")
	}
	h.tools.keys = map[string]string{} // a restart forgets what was in memory
	if got := h.tools.publishKey("backup"); got != key {
		t.Fatalf("after a restart the publish key is %q, want the stored one", got)
	}
	h.ok("qiniu_create_stream", M{"hub": "backup", "stream": "conf2"})
	r = h.ok("qiniu_stream_urls", M{"hub": "backup", "stream": "conf2"})
	exp1h := h.clk.Now().Add(time.Hour).Unix()
	if got := r.Str("urls", "rtmp_push"); !strings.HasSuffix(got, "&token="+qiniuauth.ExpiryToken(key, "backup", "conf2", exp1h)) {
		t.Errorf("generated-key push = %q", got)
	}

	// expiry_sk (many hubs' default): the token is "AccessKey:signature",
	// and the AccessKey is an identifier. RTMP and SRT push URLs are given
	// and verify against the fake; the AccessKey shows only inside them.
	h.ok("qiniu_set_hub_security", M{"scheme": "expiry_sk"})
	r = h.ok("qiniu_stream_urls", M{"stream": "conf1"})
	rtmp, srt := r.Str("urls", "rtmp_push"), r.Str("urls", "srt_push")
	if rtmp == "" || srt == "" || strings.Contains(r.Text, "[REDACTED]") || r.Str("urls", "push_auth") != "expiry_sk" {
		t.Fatalf("expiry_sk: %s", r.Text)
	}
	for _, u := range []string{rtmp, srt} {
		if !strings.Contains(u, "token="+testAK+":") {
			t.Errorf("expiry_sk push URL %s lacks the AccessKey:sign token", u)
		}
		if err := h.fake.VerifyPush(u); err != nil {
			t.Errorf("the Pili fake refuses %s: %v", u, err)
		}
	}
	outside := strings.NewReplacer(rtmp, "", srt, "").Replace(r.Text)
	if strings.Contains(outside, testAK) {
		t.Errorf("the AccessKey shows outside the push URLs:\n%s", outside)
	}
	if r.Str("urls", "hls_play") == "" {
		t.Error("play URLs missing under expiry_sk")
	}

	// A stream that does not exist yet still gets URLs (auto-created on push).
	r = h.ok("qiniu_stream_urls", M{"hub": "backup", "stream": "future1"})
	if !strings.Contains(r.Text, "does not exist yet") || r.Str("urls", "rtmp_push") == "" {
		t.Errorf("future stream: %s", r.Text)
	}
	h.fails("qiniu_stream_urls", M{"stream": "conf1", "expires_in": "1h", "expires_at": "2030-01-01"}, "not both")
	h.fails("qiniu_stream_urls", M{"stream": "conf1", "expires_at": "2020-01-01"}, "not in the future")
}

// Play anti-leech: a domain with tsExpireMD5 gets sign/t URLs; its key is
// never shown.
func TestStreamURLsSignedPlay(t *testing.T) {
	h := newHarness(t)
	const hls = "pili-live-hls.live1.cloudvdn.com"
	h.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != "GET" || r.URL.Path != "/v2/hubs/live1/domains/"+hls {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"domain":%q,"type":"liveHls","playSecurity":{"type":"tsExpireMD5","key1":"play-key-secret-1","key2":"play-key-secret-2"}}`, hls)
		return true
	}
	h.ok("qiniu_create_stream", M{"stream": "vip1"})
	r := h.ok("qiniu_stream_urls", M{"stream": "vip1", "expires_in": "3h"})
	exp := h.clk.Now().Add(3 * time.Hour).Unix()
	want, _ := qiniuauth.SignPlayURL("https://"+hls+"/live1/vip1.m3u8", "play-key-secret-1", exp)
	if got := r.Str("urls", "hls_play"); got != want {
		t.Fatalf("hls = %q, want %q", got, want)
	}
	if strings.Contains(r.Text, "play-key-secret") {
		t.Error("play key shown")
	}
	d := h.ok("qiniu_get_domain", M{"domain": hls})
	if strings.Contains(d.Text+d.Str(), "play-key-secret") || d.Str("play_keys_set") != "true" {
		t.Errorf("get_domain: %s", d.Text)
	}
}

func TestSandboxNotice(t *testing.T) {
	h := newHarness(t)
	h.env.Sandbox = true
	if r := h.ok("qiniu_list_streams", M{}); !strings.HasSuffix(r.Text, "_Sandbox result: built-in fake provider, no real account was touched._") {
		t.Errorf("no sandbox notice: %s", r.Text)
	}
}

// Signed URLs are valid for at most 7 days; a longer validity is an
// argument error naming the argument and the cap.
func TestStreamURLsExpiryCap(t *testing.T) {
	h := newHarness(t)
	h.ok("qiniu_create_stream", M{"stream": "conf1"})
	h.fails("qiniu_stream_urls", M{"stream": "conf1", "expires_in": "8d"}, "`expires_in`", "7 days")
	h.fails("qiniu_stream_urls", M{"stream": "conf1", "expires_in": "169h"}, "`expires_in`", "7 days")
	h.fails("qiniu_stream_urls", M{"stream": "conf1", "expires_at": "2026-03-18"}, "`expires_at`", "7 days")
	r := h.ok("qiniu_stream_urls", M{"stream": "conf1", "expires_in": "7d"})
	if got, want := int64(r.Num("urls", "expires_unix")), h.clk.Now().Add(7*24*time.Hour).Unix(); got != want {
		t.Errorf("expires_unix = %d, want %d", got, want)
	}
	h.ok("qiniu_stream_urls", M{"stream": "conf1", "expires_at": "2026-03-17T20:00:00+08:00"})
}

// A failed live-status read is reported as unknown with the reason, not
// as offline; a failed hub read after a snapshot is said, not hidden.
func TestFailedReadsAreNotShownAsSuccess(t *testing.T) {
	h := newHarness(t)
	h.ok("qiniu_create_stream", M{"stream": "event2026"})
	h.fake.StartPush(hubName, "event2026")
	failLive, failHub := false, false
	h.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case failLive && r.Method == "GET" && strings.HasSuffix(r.URL.Path, "/live"):
		case failHub && r.Method == "GET" && r.URL.Path == "/v2/hubs/"+hubName:
		default:
			return false
		}
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"error":"live status not allowed"}`))
		return true
	}
	failLive = true
	r := h.ok("qiniu_get_stream", M{"stream": "event2026"})
	if r.Str("status") != "unknown" || !strings.Contains(r.Str("status_note"), "live status not allowed") {
		t.Errorf("structured: %v", r.Data)
	}
	if strings.Contains(r.Text, "Offline") || !strings.Contains(r.Text, "Unknown") || !strings.Contains(r.Text, "live status not allowed") {
		t.Errorf("text:\n%s", r.Text)
	}
	failLive, failHub = false, true
	r = h.ok("qiniu_snapshot_stream", M{"stream": "event2026"})
	if !strings.Contains(r.Str("note"), "bucket") || !strings.Contains(r.Text, "reading the hub's bucket and VOD domain failed") {
		t.Errorf("snapshot with the hub unreadable: %v\n%s", r.Data, r.Text)
	}
}
