package pili

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The Markdown cards rendered from templates/qiniu, pinned where the other
// tests only look for a word: tables, escaped provider text, empty states,
// notes and paging lines.
func TestCardsRendered(t *testing.T) {
	h := newHarness(t, withVar(EnvHub, ""))
	h.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		p := r.URL.Path
		switch {
		case r.Method == "GET" && p == "/v2/hubs":
			_, _ = io.WriteString(w, `{"items":[]}`)
		case r.Method == "GET" && p == "/v2/hubs/h1/domains":
			_, _ = io.WriteString(w, `{"domains":[]}`)
		case r.Method == "GET" && p == "/v2/hubs/h1/domains/d.example.com":
			_, _ = io.WriteString(w, `{"domain":"d.example.com","type":"liveHls","cname":"c|n","playSecurity":{"type":"tsStartMD5","key1":"k1secretvalue"},`+
				`"disable":true,"certEnable":true,"certName":"c\nx","connectCallback":{"type":"GET","url":"http://cb|x"},`+
				"\"ipLimit\":{\"whitelist\":[\"1.2.3.4/32\"],\"blacklist\":[\"5.6.7.8/32\",\"9.9.9.9/32\"]},"+
				"\"urlRewrite\":{\"rules\":[{\"pattern\":\"(.+)/`a`\\n(.+)\",\"replace\":\"${1}/h1/${2}\"}]}}")
		case r.Method == "GET" && p == "/statd/upflow":
			_, _ = io.WriteString(w, `[]`)
		case r.Method == "GET" && p == "/statd/downflow":
			var rows []string
			for i := 0; i < maxUsageRows+3; i++ {
				rows = append(rows, fmt.Sprintf(`{"time":"2026-03-01T%02d:00:00+08:00","values":{"x|y":{"flow":1024}}}`, i%24))
			}
			_, _ = io.WriteString(w, "["+strings.Join(rows, ",")+"]")
		case r.Method == "DELETE" && strings.HasPrefix(p, "/v1/casters/"), r.Method == "POST" && strings.HasSuffix(p, "/stop"):
			_, _ = io.WriteString(w, `{}`)
		case r.Method == "GET" && strings.HasPrefix(p, "/v1/casters/"):
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":"no such caster"}`)
		case r.Method == "GET" && p == "/v1/casters":
			_, _ = io.WriteString(w, `{"count":1,"marker":"m1","items":[{"id":"id|1","name":"n|1","status":"st\nx","timeSwitch":{"start":1773100000,"stop":1773103600}}]}`)
		case r.Method == "GET" && strings.HasSuffix(p, "/historyactivity"):
			_, _ = io.WriteString(w, `{"items":[{"start":1773100000,"end":1773103600,"clientIP":"1.2.3.4|x"},{"start":1773000000,"end":1773000100}]}`)
		case r.Method == "GET" && strings.HasSuffix(p, "/stats"):
			_, _ = io.WriteString(w, `{"items":[{"time":1773100000,"stats":{"bps":1234567,"videoFps":25,"audioFps":44,"width":1280,"height":720,"playCount":7,"bandwidth":99999}}]}`)
		default:
			return false
		}
		return true
	}
	is := func(name, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s card:\n%s\nwant:\n%s", name, got, want)
		}
	}
	has := func(name, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s card lacks %q:\n%s", name, w, got)
			}
		}
	}
	is("hubs", h.ok("qiniu_list_hubs", M{}).Text, "## 🏠 Live hubs\n\nNo hubs yet: create one in the Qiniu console (the API cannot).\n")
	is("domains", h.ok("qiniu_list_domains", M{"hub": "h1"}).Text, "## 🌐 Domains: h1\n\nNo domains bound.\n")
	is("domain", h.ok("qiniu_get_domain", M{"hub": "h1", "domain": "d.example.com"}).Text, "## 🌐 Domain: d.example.com\n\n"+
		"| Field | Value |\n|--------------|------------------------|\n| **Hub** | h1 |\n| **Type** | liveHls |\n| **CNAME** | `c\\|n` |\n"+
		"| **Anti-leech** | tsStartMD5 (keys set, not shown) |\n| **Certificate** | c x |\n| **Status** | ⛔ disabled |\n"+
		"| **Connect callback** | GET http://cb\\|x |\n| **Disconnect callback** | off |\n| **IP allow / deny** | 1 / 2 rules |\n"+
		"| **URL rewrite** | 1 rules |\n\n- `(.+)/'a' (.+)` → `${1}/h1/${2}`")
	is("history", h.ok("qiniu_get_stream_history", M{"hub": "h1", "stream": "s|1"}).Text, "## 🕘 Push history: s\\|1\n\n"+
		"| Start | End | Duration | Publisher |\n|-------|-----|----------|-----------|\n"+
		"| 2026-03-10T07:46:40+08:00 | 2026-03-10T08:46:40+08:00 | 1h0m0s | 1.2.3.4\\|x |\n"+
		"| 2026-03-09T04:00:00+08:00 | 2026-03-09T04:01:40+08:00 | 1m40s |  |\n")
	st := h.ok("qiniu_get_stream_stats", M{"hub": "h1", "stream": "s|1"}).Text
	has("stats", st, "## 📈 Stream stats: s\\|1\n\nBitrate: average 1235 kbps, peak 1235 kbps; peak viewers 7.\n\n| Time | Bitrate | FPS (v/a) | Resolution | Viewers | Bandwidth |\n|------|---------|-----------|------------|---------|-----------|\n"+
		"| 2026-03-10T07:46:40+08:00 | 1235 kbps | 25 / 44 | 1280x720 | 7 | 100 kbps |\n\n(last 1 hour → ")
	is("caster list", h.ok("qiniu_list_casters", M{}).Text, "## 🎬 Cloud directors\n\n| Name | Caster ID | Status | Run window |\n|------|-----------|--------|------------|\n"+
		"| n\\|1 | `id\\|1` | `st x` | 2026-03-10T07:46:40+08:00 → 2026-03-10T08:46:40+08:00 |\n\nMore: call again with marker `m1`.\n")
	is("caster deleted", h.ok("qiniu_delete_caster", M{"id": "abc"}).Text, "## 🗑️ Cloud director deleted\n\nCaster `abc` was deleted.\n")
	stop := h.ok("qiniu_stop_caster", M{"id": "abc"}).Text
	has("caster stopped", stop, "## ⏹️ Cloud director stopped\n\nCaster `abc`: stopped (reading it back failed: ", "no such caster")
	if !strings.HasSuffix(stop, ").\n") {
		t.Errorf("caster stopped card: %q", stop)
	}
	u := h.ok("qiniu_get_live_usage", M{"metric": "upflow", "from": "01/03/2026", "to": "03/03/2026"}).Text
	has("usage empty", u, "## 📊 Live usage: upflow per day\n\nNo data in this range.\n\n(from 01/03/2026 → ")
	u = h.ok("qiniu_get_live_usage", M{"metric": "downflow", "from": "01/03/2026", "to": "03/03/2026", "group": "hub", "granularity": "hour"}).Text
	has("usage", u, "| Time | hub | flow | Share of flow |\n|------|------|-----:|-----:|\n| 2026-03-01T00:00:00+08:00 | x\\|y | 1.00 KB | 0.8% |\n",
		"| 2026-03-01T23:00:00+08:00 | x\\|y | 1.00 KB | 0.8% |\n| **Total** | | **123.00 KB** | 100% |\n\n… 3 more rows in the structured result (the totals count them).\n\n**Totals:** flow 123.00 KB;\n\n(from 01/03/2026 → ")
	if n := strings.Count(u, "| x\\|y |"); n != maxUsageRows {
		t.Errorf("usage shows %d rows, want %d", n, maxUsageRows)
	}
}

// A note given with a change is quoted under the hub card or domain table.
func TestCardNotes(t *testing.T) {
	h := newHarness(t)
	r := h.ok("qiniu_set_hub_storage", M{"bucket": "recs", "expire_days": 90})
	if !strings.HasSuffix(r.Text, "|\n\n\n> E-commerce live streams must be kept 1095 days by regulation.\n") || !strings.Contains(r.Text, "| **Storage** | recs (90 days) |") {
		t.Errorf("storage:\n%s", r.Text)
	}
	r = h.ok("qiniu_unbind_domain", M{"domain": "pili-live-hdl.live1.cloudvdn.com"})
	if !strings.HasSuffix(r.Text, "| — |\n\n> pili-live-hdl.live1.cloudvdn.com no longer pushes or plays.\n") || !strings.HasPrefix(r.Text, "## 🌐 Domain unbound: live1\n\n| Type |") {
		t.Errorf("unbind:\n%s", r.Text)
	}
	r = h.ok("qiniu_list_hubs", M{})
	if r.Text != "## 🏠 Live hubs\n\n- `backup`\n- `live1`\n\nDefault hub (MCP_MEDIA_QINIU_HUB): `live1`\n" {
		t.Errorf("hubs:\n%s", r.Text)
	}
}
