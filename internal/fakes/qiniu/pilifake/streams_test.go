package pilifake

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestStreamRoutes(t *testing.T) {
	e := newEnv(t)
	steps := []struct {
		name, method, target, body string
		code                       int
		contains                   []string
	}{
		{"create", "POST", "/v2/hubs/test/streams", `{"key":"testkey"}`, 200, nil},
		{"create returns {}", "POST", "/v2/hubs/test/streams", `{"key":"stream1"}`, 200, []string{`{}`}},
		{"create exists is 614", "POST", "/v2/hubs/test/streams", `{"key":"testkey"}`, 614, []string{`{"error":"stream already exists"}`}},
		{"create too short", "POST", "/v2/hubs/test/streams", `{"key":"112"}`, 400, nil},
		{"create bad chars", "POST", "/v2/hubs/test/streams", `{"key":"ab-cd"}`, 400, nil},
		{"create too long", "POST", "/v2/hubs/test/streams", `{"key":"` + strings.Repeat("a", 201) + `"}`, 400, nil},
		{"create 200 chars", "POST", "/v2/hubs/test/streams", `{"key":"` + strings.Repeat("z", 200) + `"}`, 200, nil},
		{"create nrop", "POST", "/v2/hubs/test/streams", `{"key":"stream2","nropEnable":true}`, 200, nil},
		{"create unknown hub", "POST", "/v2/hubs/nohub/streams", `{"key":"abcd"}`, 404, nil},
		{"get stream", "GET", "/v2/hubs/test/streams/" + enc("testkey"), "", 200, []string{
			fmt.Sprintf(`{"createdAt":%d,"updatedAt":%d,"expireAt":%d,"disabledTill":0,"converts":[],"watermark":false,"publishSecurity":"","publishKey":"","nropEnable":false}`,
				t0.Unix(), t0.Unix(), t0.Unix()+15*86400)}},
		{"get nrop stream", "GET", "/v2/hubs/test/streams/" + enc("stream2"), "", 200, []string{`"nropEnable":true`}},
		{"get unpadded title", "GET", "/v2/hubs/test/streams/" + strings.TrimRight(enc("stream1"), "="), "", 200, nil},
		{"get unknown stream", "GET", "/v2/hubs/test/streams/" + enc("nostream"), "", 404, []string{`{"error":"not found"}`}},
		{"get undecodable", "GET", "/v2/hubs/test/streams/!!!", "", 404, nil},
		{"converts", "POST", "/v2/hubs/test/streams/" + enc("testkey") + "/converts", `{"converts":["480p","720p"]}`, 200, nil},
		{"converts reflected", "GET", "/v2/hubs/test/streams/" + enc("testkey"), "", 200, []string{`"converts":["480p","720p"]`}},
		{"converts watermark", "POST", "/v2/hubs/test/streams/" + enc("testkey") + "/converts", `{"converts":["wmt_logo"]}`, 200, nil},
		{"converts bad profile", "POST", "/v2/hubs/test/streams/" + enc("testkey") + "/converts", `{"converts":["1080p"]}`, 400, nil},
		{"converts missing", "POST", "/v2/hubs/test/streams/" + enc("testkey") + "/converts", `{}`, 400, nil},
		{"converts clear", "POST", "/v2/hubs/test/streams/" + enc("testkey") + "/converts", `{"converts":[]}`, 200, nil},
		{"converts cleared", "GET", "/v2/hubs/test/streams/" + enc("testkey"), "", 200, []string{`"converts":[]`}},
		{"converts unknown stream", "POST", "/v2/hubs/test/streams/" + enc("nostream") + "/converts", `{"converts":[]}`, 404, nil},
		{"nrop", "POST", "/v2/hubs/test/streams/" + enc("testkey") + "/nrop", `{"nropEnable":true}`, 200, nil},
		{"nrop reflected", "GET", "/v2/hubs/test/streams/" + enc("testkey"), "", 200, []string{`"nropEnable":true`}},
		{"nrop missing", "POST", "/v2/hubs/test/streams/" + enc("testkey") + "/nrop", `{}`, 400, nil},
	}
	for _, s := range steps {
		expect(t, s.name, e.do(s.method, s.target, s.body), s.code, s.contains...)
	}
}

func TestListStreams(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{"stream1", "stream2", "stream3", "other1"} {
		e.do("POST", "/v2/hubs/test/streams", `{"key":"`+k+`"}`)
	}
	e.s.StartPush("test", "stream1")
	e.s.StartPush("test", "stream3")
	cases := []struct {
		name, query string
		code        int
		want        string
	}{
		{"all", "", 200, `{"items":[{"key":"other1"},{"key":"stream1"},{"key":"stream2"},{"key":"stream3"}],"marker":""}`},
		{"doc example", "?limit=10&liveonly=true", 200, `{"items":[{"key":"stream1"},{"key":"stream3"}],"marker":""}`},
		{"prefix", "?prefix=stream", 200, `{"items":[{"key":"stream1"},{"key":"stream2"},{"key":"stream3"}],"marker":""}`},
		{"page 1", "?prefix=stream&limit=2", 200, `{"items":[{"key":"stream1"},{"key":"stream2"}],"marker":"stream2"}`},
		{"page 2", "?prefix=stream&limit=2&marker=stream2", 200, `{"items":[{"key":"stream3"}],"marker":""}`},
		{"liveonly false", "?liveonly=false&limit=1", 200, `{"items":[{"key":"other1"}],"marker":"other1"}`},
		{"limit too big", "?limit=5001", 400, ""},
		{"limit negative", "?limit=-1", 400, ""},
		{"limit not int", "?limit=x", 400, ""},
		{"bad liveonly", "?liveonly=yes", 400, ""},
	}
	for _, c := range cases {
		r := e.do("GET", "/v2/hubs/test/streams"+c.query, "")
		if r.code != c.code || (c.want != "" && r.body != c.want) {
			t.Errorf("%s: %d %s", c.name, r.code, r.body)
		}
	}
	expect(t, "unknown hub", e.do("GET", "/v2/hubs/nohub/streams", ""), 404)
	expect(t, "empty hub", newEnv(t).do("GET", "/v2/hubs/test/streams", ""), 200, `{"items":[],"marker":""}`)
}

func TestLiveQuirks(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/v2/hubs/test/streams", `{"key":"teststream"}`)
	live := "/v2/hubs/test/streams/" + enc("teststream") + "/live"
	// Unknown stream: 404 {"error":"not found"}.
	expect(t, "unknown", e.do("GET", "/v2/hubs/test/streams/"+enc("nostream")+"/live", ""), 404, `{"error":"not found"}`)
	// Existing but offline: 200 with every value zero.
	expect(t, "offline", e.do("GET", live, ""), 200,
		`{"startAt":0,"clientIP":"","serverIP":"","bps":0,"videoBitRate":0,"audioBitRate":0,"maxGop":0,"avgGop":0,"location":"","isp":"","playCount":0,"bandwidth":0,"fps":{"audio":0,"video":0,"data":0}}`)
	e.s.StartPush("test", "teststream")
	if !e.s.IsLive("test", "teststream") {
		t.Fatal("not live")
	}
	r := e.do("GET", live, "")
	var l liveJSON
	if err := json.Unmarshal([]byte(r.body), &l); err != nil {
		t.Fatal(err)
	}
	if l.StartAt != t0.Unix() || l.Bps != 601344 || l.VideoBitRate != 601251 || l.AudioBitRate != 14148 ||
		l.Fps != (fpsJSON{43, 60, 0}) || l.MaxGop != 1000 || l.ServerIP != "127.0.0.1:1935" ||
		!strings.HasPrefix(l.ClientIP, "127.0.0.1:") || l.PlayCount != 10 || l.Bandwidth != 6012510 || l.Location != "上海" || l.ISP != "电信" {
		t.Fatalf("live = %+v", l)
	}
	// Batch live: only live streams, raw titles, at most 100.
	expect(t, "batch", e.do("POST", "/v2/hubs/test/livestreams", `{"items": ["teststream","nostream","teststream"]}`), 200,
		fmt.Sprintf(`{"items":[{"startAt":%d,"clientIP":"%s","serverIP":"127.0.0.1:1935","bps":601344,"fps":{"audio":43,"video":60,"data":0},"key":"teststream"}]}`, t0.Unix(), l.ClientIP))
	items := make([]string, 101)
	for i := range items {
		items[i] = fmt.Sprintf("s%04d", i)
	}
	b, _ := json.Marshal(map[string]any{"items": items})
	expect(t, "batch 101", e.do("POST", "/v2/hubs/test/livestreams", string(b)), 400)
	b, _ = json.Marshal(map[string]any{"items": items[:100]})
	expect(t, "batch 100", e.do("POST", "/v2/hubs/test/livestreams", string(b)), 200, `{"items":[]}`)
	expect(t, "batch missing items", e.do("POST", "/v2/hubs/test/livestreams", `{}`), 400)
	expect(t, "batch unknown hub", e.do("POST", "/v2/hubs/nohub/livestreams", `{"items":[]}`), 404)

	e.s.StopPush("test", "teststream")
	expect(t, "stopped", e.do("GET", live, ""), 200, `"startAt":0`)
	expect(t, "batch after stop", e.do("POST", "/v2/hubs/test/livestreams", `{"items":["teststream"]}`), 200, `{"items":[]}`)
	// Pushes auto-create streams, even with names create would refuse.
	e.s.StartPush("test", "112")
	expect(t, "auto-created", e.do("GET", "/v2/hubs/test/streams/MTEy/live", ""), 200, `"bps":601344`)
	// Pushing to an unknown hub does nothing.
	e.s.StartPush("nohub", "abcd")
	if e.s.IsLive("nohub", "abcd") {
		t.Fatal("unknown hub went live")
	}
}

func TestDisableStream(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/v2/hubs/test/streams", `{"key":"abcd"}`)
	dis := "/v2/hubs/test/streams/" + enc("abcd") + "/disabled"
	get := "/v2/hubs/test/streams/" + enc("abcd")
	now := t0.Unix()
	steps := []struct {
		name      string
		body      string
		code      int
		till      int64
		pushLives bool
	}{
		{"permanent", `{"disabledTill": -1}`, 200, -1, false},
		{"enable", `{"disabledTill": 0}`, 200, 0, true},
		{"until a unix time (doc example)", fmt.Sprintf(`{"disabledTill": %d}`, now+100), 200, now + 100, false},
		{"period seconds", `{"disabledTill": 0, "disablePeriodSecond": 60}`, 200, now + 60, false},
		{"period not positive", `{"disabledTill": 0, "disablePeriodSecond": 0}`, 400, now + 60, false},
		{"past time is enabled", fmt.Sprintf(`{"disabledTill": %d}`, now-1), 200, now - 1, true},
		{"missing disabledTill", `{}`, 400, now - 1, true},
		{"below -1", `{"disabledTill": -2}`, 400, now - 1, true},
	}
	for _, s := range steps {
		e.s.StopPush("test", "abcd")
		expect(t, s.name, e.do("POST", dis, s.body), s.code)
		var st struct{ DisabledTill int64 }
		json.Unmarshal([]byte(e.do("GET", get, "").body), &st)
		if st.DisabledTill != s.till {
			t.Errorf("%s: disabledTill %d, want %d", s.name, st.DisabledTill, s.till)
		}
		e.s.StartPush("test", "abcd")
		if e.s.IsLive("test", "abcd") != s.pushLives {
			t.Errorf("%s: live = %v", s.name, !s.pushLives)
		}
	}
	// A timed ban ends by itself.
	e.s.StopPush("test", "abcd")
	e.do("POST", dis, fmt.Sprintf(`{"disabledTill": %d}`, now+100))
	e.s.StartPush("test", "abcd")
	if e.s.IsLive("test", "abcd") {
		t.Fatal("pushed while banned")
	}
	e.clk.Add(101 * time.Second)
	e.s.StartPush("test", "abcd")
	if !e.s.IsLive("test", "abcd") {
		t.Fatal("ban did not expire")
	}
	// Banning a live stream kicks the publisher.
	expect(t, "ban live", e.do("POST", dis, `{"disabledTill": -1}`), 200)
	if e.s.IsLive("test", "abcd") {
		t.Fatal("still live after ban")
	}
	expect(t, "unknown stream", e.do("POST", "/v2/hubs/test/streams/"+enc("nostream")+"/disabled", `{"disabledTill": -1}`), 404)
}

func TestHistory(t *testing.T) {
	e := newEnv(t)
	e.s.StartPush("test", "timestamp") // t0
	e.clk.Add(400 * time.Second)
	e.s.StopPush("test", "timestamp") // t0+400
	e.clk.Add(time.Second)
	e.s.StartPush("test", "timestamp") // t0+401, live
	e.clk.Add(100 * time.Second)       // now t0+501
	p := "/v2/hubs/test/streams/dGltZXN0YW1w/historyactivity"
	a, b := t0.Unix(), t0.Unix()
	r := e.do("GET", p, "")
	var h struct {
		Items []struct {
			Start, End         int64
			ClientIP, ServerIP string
		}
	}
	if err := json.Unmarshal([]byte(r.body), &h); err != nil || len(h.Items) != 2 {
		t.Fatalf("%s %v", r.body, err)
	}
	// Newest first; the live session ends now.
	if h.Items[0].Start != b+401 || h.Items[0].End != b+501 || h.Items[1].Start != a || h.Items[1].End != a+400 ||
		h.Items[0].ServerIP != "127.0.0.1:1935" || h.Items[0].ClientIP == h.Items[1].ClientIP {
		t.Fatalf("%+v", h.Items)
	}
	cases := []struct {
		query string
		code  int
		n     int
	}{
		{fmt.Sprintf("?end=%d&start=%d", a+100, a-86400), 200, 1},
		{fmt.Sprintf("?start=%d", a+450), 200, 1},
		{fmt.Sprintf("?end=%d", a-1), 200, 0},
		{"?start=x", 400, 0},
		{"?end=x", 400, 0},
	}
	for _, c := range cases {
		r := e.do("GET", p+c.query, "")
		h.Items = nil
		json.Unmarshal([]byte(r.body), &h)
		if r.code != c.code || (c.code == 200 && len(h.Items) != c.n) {
			t.Errorf("%s: %d %s", c.query, r.code, r.body)
		}
	}
	expect(t, "empty", e.do("GET", p+fmt.Sprintf("?end=%d", a-1), ""), 200, `{"items":[]}`)
	expect(t, "unknown stream", e.do("GET", "/v2/hubs/test/streams/"+enc("nostream")+"/historyactivity", ""), 404)
}

func TestStreamStats(t *testing.T) {
	e := newEnv(t)
	e.s.StartPush("test", "abcd")
	e.clk.Add(5 * time.Minute)
	base := "/v2/hubs/test/streams/" + enc("abcd") + "/stats"
	cases := []struct {
		name, target string
		code         int
		n            int
	}{
		{"unknown stream is 200 items []", "/v2/hubs/xrtest/streams/MTEy/stats?start=1676268540&end=1676268570", 200, 0},
		{"unknown stream in known hub", "/v2/hubs/test/streams/" + enc("nostream") + "/stats", 200, 0},
		{"default last hour", base, 200, 5},
		{"window", fmt.Sprintf("%s?start=%d&end=%d", base, t0.Unix(), t0.Unix()+120), 200, 2},
		{"before the push", fmt.Sprintf("%s?start=%d&end=%d", base, t0.Unix()-7200, t0.Unix()-3600), 200, 0},
		{"exactly 24h", fmt.Sprintf("%s?start=%d&end=%d", base, t0.Unix(), t0.Unix()+86400), 200, 5},
		{"over 24h", fmt.Sprintf("%s?start=%d&end=%d", base, t0.Unix(), t0.Unix()+86401), 400, 0},
		{"end before start", fmt.Sprintf("%s?start=%d&end=%d", base, t0.Unix(), t0.Unix()-1), 400, 0},
		{"bad start", base + "?start=x", 400, 0},
	}
	for _, c := range cases {
		r := e.do("GET", c.target, "")
		var out struct {
			Items []struct {
				Hub, Stream string
				Time        int64
				Stats       map[string]any
			}
		}
		if r.code != c.code {
			t.Errorf("%s: %d %s", c.name, r.code, r.body)
			continue
		}
		if c.code != 200 {
			continue
		}
		json.Unmarshal([]byte(r.body), &out)
		if out.Items == nil || len(out.Items) != c.n {
			t.Errorf("%s: %s", c.name, r.body)
			continue
		}
		if c.n == 0 && r.body != `{"items":[]}` {
			t.Errorf("%s: %s", c.name, r.body)
		}
		if c.n > 0 {
			it := out.Items[0]
			if it.Hub != "test" || it.Stream != "abcd" || it.Time%60 != 0 {
				t.Errorf("%s: %+v", c.name, it)
			}
			for _, k := range []string{"bps", "videoFps", "audioFps", "width", "height", "videoCodec", "videoProfile",
				"videoFrameRate", "videoBitRate", "audioCodec", "audioChannel", "audioSampleRate", "audioBitRate",
				"playCount", "bandwidth", "detailStats"} {
				if _, ok := it.Stats[k]; !ok {
					t.Errorf("%s: stats lacks %s", c.name, k)
				}
			}
		}
	}
}

func TestSaveAsAndSnapshot(t *testing.T) {
	e := newEnv(t)
	e.s.StartPush("test", "abcd") // t0
	e.clk.Add(time.Hour)
	e.s.StopPush("test", "abcd") // t0+3600
	e.clk.Add(time.Hour)         // now t0+7200
	sa := "/v2/hubs/test/streams/YWJjZA==/saveas"
	a := t0.Unix()
	cases := []struct {
		name, body string
		code       int
		want       string
	}{
		// The doc example: extension appended, range clamped to the data.
		{"doc example", fmt.Sprintf(`{"fname":"test","start":%d,"end":%d,"expireDays":-1,"firstTsType":3}`, a-1000, a+100), 200,
			fmt.Sprintf(`{"fname":"test.m3u8","start":%d,"end":%d}`, a, a+100)},
		{"defaults: first live start to now, clamped", `{"fname":"x"}`, 200, fmt.Sprintf(`{"fname":"x.m3u8","start":%d,"end":%d}`, a, a+3600)},
		{"empty body", ``, 200, `.m3u8","start":`},
		{"mp4 is async", `{"fname":"v","format":"mp4"}`, 200, `"fname":"v.mp4"`},
		{"flv is async", `{"fname":"v.flv","format":"flv"}`, 200, `"fname":"v.flv"`},
		{"bad format", `{"format":"avi"}`, 400, ""},
		{"bad firstTsType", `{"firstTsType":4}`, 400, ""},
		{"bad expireDays", `{"expireDays":-2}`, 400, ""},
		{"end before start", fmt.Sprintf(`{"start":%d,"end":%d}`, a+10, a), 400, ""},
	}
	for _, c := range cases {
		r := e.do("POST", sa, c.body)
		if r.code != c.code || !strings.Contains(r.body, c.want) {
			t.Errorf("%s: %d %s", c.name, r.code, r.body)
		}
		if c.code == 200 && strings.Contains(c.body, `"mp4"`) != strings.Contains(r.body, "persistentID") && !strings.Contains(c.body, "flv") {
			t.Errorf("%s: persistentID presence wrong: %s", c.name, r.body)
		}
	}
	calls := e.s.SaveAsCalls()
	if len(calls) != 5 || calls[0].Fname != "test" || calls[0].ExpireDays != -1 || calls[0].FirstTsType != 3 ||
		*calls[0].Start != a-1000 || calls[0].Response.Fname != "test.m3u8" || calls[0].Hub != "test" || calls[0].Stream != "abcd" {
		t.Fatalf("%+v", calls)
	}
	if calls[3].Response.PersistentID == "" || calls[0].Response.PersistentID != "" {
		t.Fatalf("persistentID: %+v", calls)
	}
	expect(t, "saveas unknown", e.do("POST", "/v2/hubs/test/streams/"+enc("nostream")+"/saveas", `{}`), 404)

	sn := "/v2/hubs/test/streams/YWJjZA==/snapshot"
	expect(t, "snapshot doc example", e.do("POST", sn, `{"fname": "test","time": 1632810081,"deleteAfterDays": 1}`), 200, `{"fname":"test"}`)
	expect(t, "snapshot async", e.do("POST", sn, `{"fname":"p","format":"png","notify":"http://cb"}`), 200, `{"fname":"p","persistentID":"z0.`)
	r := e.do("POST", sn, ``)
	if r.code != 200 || !strings.Contains(r.body, `"fname":"`) || strings.Contains(r.body, ".jpg") {
		t.Errorf("snapshot default: %s", r.body)
	}
	expect(t, "snapshot bad format", e.do("POST", sn, `{"format":"gif"}`), 400)
	expect(t, "snapshot bad days", e.do("POST", sn, `{"deleteAfterDays":-1}`), 400)
	expect(t, "snapshot unknown", e.do("POST", "/v2/hubs/test/streams/"+enc("nostream")+"/snapshot", `{}`), 404)
	snaps := e.s.SnapshotCalls()
	if len(snaps) != 3 || snaps[0].Time != 1632810081 || snaps[0].DeleteAfterDays != 1 || snaps[2].Time != t0.Unix()+7200 ||
		snaps[1].Format != "png" || snaps[1].Notify != "http://cb" {
		t.Fatalf("%+v", snaps)
	}
}
