package pili

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

func TestAdminTools(t *testing.T) {
	h := newHarness(t)
	if r := h.ok("qiniu_list_hubs", M{}); r.Str("hubs") != `["backup","live1"]` || !strings.Contains(r.Text, "Default hub") {
		t.Fatalf("hubs: %s", r.Text)
	}
	if r := h.ok("qiniu_get_hub", M{}); r.Str("hubName") != hubName || !strings.Contains(r.Text, "🏠 Hub: live1") {
		t.Fatalf("hub: %s", r.Text)
	}
	if r := h.ok("qiniu_set_hub_security", M{"scheme": "expiry_sk"}); r.Str("publishSecurity") != "expiry_sk" {
		t.Fatalf("security: %s", r.Text)
	}
	h.fails("qiniu_set_hub_security", M{"scheme": "static"}, "`scheme`")
	if r := h.ok("qiniu_set_hub_hls_plus", M{"enabled": true}); r.Str("hlsPlus") != "true" {
		t.Fatalf("hlsplus: %s", r.Text)
	}
	if r := h.ok("qiniu_set_hub_storage", M{"bucket": "recs", "expire_days": 90}); r.Str("storageBucket") != "recs" {
		t.Fatalf("storage: %s", r.Text)
	}
	h.fails("qiniu_set_hub_storage", M{"bucket": "recs", "expire_days": 30}, "`expire_days`", "60")
	if r := h.ok("qiniu_set_hub_cover", M{"interval_seconds": -1}); !strings.Contains(r.Text, "Cover interval** | off") {
		t.Fatalf("cover: %s", r.Text)
	}
	h.fails("qiniu_set_hub_cover", M{"interval_seconds": 0}, "`interval_seconds`")
	if r := h.ok("qiniu_list_domains", M{}); !strings.Contains(r.Text, "pili-publish.live1.cloudvdn.com") {
		t.Fatalf("domains: %s", r.Text)
	}
	if r := h.ok("qiniu_bind_domain", M{"domain": "play.example.com", "type": "liveHdl"}); !strings.Contains(r.Text, "play.example.com") {
		t.Fatalf("bind: %s", r.Text)
	}
	if r := h.ok("qiniu_set_domain_cert", M{"domain": "play.example.com", "cert_name": "mycert"}); !strings.Contains(r.Text, "mycert") {
		t.Fatalf("cert: %s", r.Text)
	}
	r := h.ok("qiniu_set_domain_url_rewrite", M{"domain": "play.example.com", "rules": []M{{"pattern": "(.+)/live/(.+)", "replace": "${1}/live1/${2}"}}})
	if !strings.Contains(r.Text, "1 rules") {
		t.Fatalf("rewrite: %s", r.Text)
	}
	if r := h.ok("qiniu_get_domain", M{"domain": "play.example.com"}); r.Str("domain", "type") != "liveHdl" {
		t.Fatalf("get domain: %s", r.Text)
	}
	if r := h.ok("qiniu_unbind_domain", M{"domain": "play.example.com"}); strings.Contains(r.Text, "`play.example.com`") {
		t.Fatalf("unbind: %s", r.Text)
	}
	if r := h.ok("qiniu_bind_vod_domain", M{"domain": "vod.example.com"}); r.Str("vodDomain") != "vod.example.com" {
		t.Fatalf("vod: %s", r.Text)
	}
	h.ok("qiniu_create_stream", M{"stream": "nrop1"})
	if r := h.ok("qiniu_set_stream_nrop", M{"stream": "nrop1", "enabled": true}); r.Str("nrop_enable") != "true" {
		t.Fatalf("nrop: %s", r.Text)
	}
}

func TestUsageTool(t *testing.T) {
	h := newHarness(t)
	r := h.ok("qiniu_get_live_usage", M{"metric": "upflow", "from": "01/03/2026", "to": "03/03/2026", "filters": M{"hub": []string{"live1"}, "area": []string{"!cn"}}})
	if rows := r.Str("rows"); strings.Count(rows, `"time"`) != 3 {
		t.Fatalf("rows: %s", r.Text)
	}
	q := h.fake.Requests()[len(h.fake.Requests())-1].RawQuery
	for _, want := range []string{"begin=20260301000000", "end=20260304000000", "g=day", "select=flow", "%24area=%21cn", "%24hub=live1"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %s lacks %s", q, want)
		}
	}
	r = h.ok("qiniu_get_live_usage", M{"metric": "caster", "from": "yesterday", "granularity": "hour", "group": "resolution", "select": []string{"duration"}})
	if !strings.Contains(r.Text, "| Time | resolution | duration |") || r.Str("units", "duration") != "s" {
		t.Fatalf("caster: %s", r.Text)
	}
	h.fails("qiniu_get_live_usage", M{"metric": "codec", "group": "area"}, "`group`")
	h.fails("qiniu_get_live_usage", M{"metric": "codec", "filters": M{"area": []string{"cn"}}}, "`filters.area`")
	h.fails("qiniu_get_live_usage", M{"metric": "pub", "select": []string{"flow"}}, "`select.0`")
	h.fails("qiniu_get_live_usage", M{"metric": "nope"}, "`metric`")
}

func TestCasterTools(t *testing.T) {
	h := newHarness(t)
	r := h.ok("qiniu_create_caster", M{"name": "show1", "canvas": M{"resolution": "1080p", "width": 1920, "height": 1080}})
	id := r.Str("id")
	if id == "" || r.Str("static_key_set") != "true" || r.Str("status") != "running" {
		t.Fatalf("create: %s", r.Text)
	}
	h.fails("qiniu_create_caster", M{"name": "Show-1"}, "`name`")
	r = h.ok("qiniu_update_caster", M{"id": id, "pgm_output": M{"publish": "rtmp://example.com/app/out"}, "monitors": M{"0": M{"url": "rtmp://src/a", "vol": 100, "muted": false}}})
	if !strings.Contains(r.Text, "rtmp://example.com/app/out") || !strings.Contains(r.Text, "1 of 8") {
		t.Fatalf("update: %s", r.Text)
	}
	h.fails("qiniu_update_caster", M{"id": id}, "nothing to update")
	if r = h.ok("qiniu_stop_caster", M{"id": id}); r.Str("caster", "status") != "stopped" {
		t.Fatalf("stop: %s", r.Text)
	}
	if r = h.ok("qiniu_start_caster", M{"id": id, "hours": 2}); r.Str("caster", "status") != "running" {
		t.Fatalf("start: %s", r.Text)
	}
	if r = h.ok("qiniu_list_casters", M{"name_prefix": "sh"}); !strings.Contains(r.Text, id) {
		t.Fatalf("list: %s", r.Text)
	}
	if r = h.ok("qiniu_get_caster", M{"id": id}); r.Str("name") != "show1" {
		t.Fatalf("get: %s", r.Text)
	}
	// The static key is never in a result (and never needed masking).
	if r = h.ok("qiniu_get_caster", M{"id": id}); strings.Contains(r.Str(), "staticKey") || strings.Contains(r.Str(), "static_key\"") {
		t.Errorf("static key field in result: %s", r.Str())
	}
	h.ok("qiniu_delete_caster", M{"id": id})
	h.fails("qiniu_get_caster", M{"id": id}, "404")
}

// Names, annotations and the size of the qiniu_live toolset's tools/list.
func TestToolsetsDeclaration(t *testing.T) {
	h := newHarness(t)
	sets := h.tools.toolsets()
	want := map[string][]string{
		ToolsetLive: {"qiniu_create_stream", "qiniu_list_streams", "qiniu_get_stream", "qiniu_disable_stream", "qiniu_enable_stream",
			"qiniu_get_live_status", "qiniu_get_stream_history", "qiniu_get_stream_stats", "qiniu_record_stream",
			"qiniu_snapshot_stream", "qiniu_set_stream_converts", "qiniu_stream_urls"},
	}
	for _, ts := range sets {
		if ts.Default {
			t.Errorf("%s Default = %v: Pili's default tools are in qiniu_core (tools/tools.go)", ts.Name, ts.Default)
		}
		var names []string
		for _, tl := range ts.Tools() {
			names = append(names, tl.Name)
			if tl.Toolset != ts.Name || tl.Provider != "qiniu" || !tl.Annotations.OpenWorld {
				t.Errorf("%s: toolset %q provider %q openWorld %v", tl.Name, tl.Toolset, tl.Provider, tl.Annotations.OpenWorld)
			}
			if tl.Annotations.ReadOnly && tl.Annotations.Destructive {
				t.Errorf("%s is read-only and destructive", tl.Name)
			}
			if !strings.HasPrefix(tl.Name, "qiniu_") {
				t.Errorf("bad name %s", tl.Name)
			}
		}
		if w, ok := want[ts.Name]; ok && strings.Join(w, ",") != strings.Join(names, ",") {
			t.Errorf("%s tools = %v", ts.Name, names)
		}
	}
	ann := map[string]toolkit.Annotations{}
	for _, ts := range sets {
		for _, tl := range ts.Tools() {
			ann[tl.Name] = tl.Annotations
		}
	}
	// A relative duration moves the ban's end on every call: not idempotent.
	if a := ann["qiniu_disable_stream"]; !a.Destructive || a.Idempotent || a.ReadOnly {
		t.Errorf("disable annotations %+v", a)
	}
	// Replacing a certificate, or a file of the same name, destroys the old one.
	for _, n := range []string{"qiniu_set_domain_cert", "qiniu_record_stream", "qiniu_snapshot_stream"} {
		if a := ann[n]; !a.Destructive || a.ReadOnly {
			t.Errorf("%s annotations %+v: it can replace what exists", n, a)
		}
	}
	for _, n := range []string{"qiniu_get_stream", "qiniu_list_streams", "qiniu_get_live_status", "qiniu_stream_urls", "qiniu_get_live_usage", "qiniu_get_caster"} {
		if !ann[n].ReadOnly {
			t.Errorf("%s should be read-only", n)
		}
	}
	size := 0
	for _, tl := range sets[0].Tools() {
		b, err := json.Marshal(tl.MCP())
		if err != nil {
			t.Fatal(err)
		}
		size += len(b)
		if len(tl.Description) > 160 {
			t.Errorf("%s description is %d bytes; keep it to one short sentence", tl.Name, len(tl.Description))
		}
	}
	t.Logf("qiniu_live tools/list JSON: %d bytes for %d tools", size, len(sets[0].Tools()))
	if size > 20000 {
		t.Errorf("qiniu_live tools/list is %d bytes", size)
	}
}

// The input schemas carry the embedded hub/stream arguments.
func TestSchemas(t *testing.T) {
	h := newHarness(t)
	tl := h.byName["qiniu_disable_stream"]
	var s struct {
		Properties map[string]struct {
			Description string `json:"description"`
		} `json:"properties"`
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(tl.InputSchema, &s); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"hub", "stream", "duration", "until", "permanent"} {
		if _, ok := s.Properties[p]; !ok {
			t.Errorf("missing property %s in %s", p, tl.InputSchema)
		}
	}
	if strings.Join(s.Required, ",") != "stream" {
		t.Errorf("required = %v", s.Required)
	}
	if d := h.byName["qiniu_get_stream_history"]; !strings.Contains(string(d.InputSchema), "yyyy-mm-dd, ISO 8601, UNIX s, or 'last 2 hours'") {
		t.Errorf("description truncated at a comma: %s", d.InputSchema)
	}
}

// A director's publish, play and input URLs may carry a publish key or a
// signature in their query: results show them without it, and say where.
func TestCasterURLQueriesHidden(t *testing.T) {
	h := newHarness(t)
	const key = "mysecretpublishkey"
	r := h.ok("qiniu_create_caster", M{"name": "show2",
		"pgm_output": M{"publish": "rtmp://push.example.com/app/out?key=" + key},
		"pvw_output": M{"play": "https://play.example.com/app/pvw.m3u8?sign=" + key + "&t=65f0"},
		"monitors":   M{"0": M{"url": "rtmp://user:" + key + "@src.example.com/a?token=" + key, "vol": 100}}})
	id := r.Str("id")
	for _, r := range []tooltest.Result{r,
		h.ok("qiniu_get_caster", M{"id": id}),
		h.ok("qiniu_list_casters", M{"name_prefix": "show2"}),
		h.ok("qiniu_update_caster", M{"id": id, "pgm_output": M{"publish": "rtmp://push.example.com/app/out2?key=" + key}}),
		h.ok("qiniu_stop_caster", M{"id": id}),
	} {
		if strings.Contains(r.Text, key) || strings.Contains(r.Str(), key) {
			t.Errorf("the publish key reached a result:\n%s\n%s", r.Text, r.Str())
		}
	}
	g := h.ok("qiniu_get_caster", M{"id": id})
	if got := g.Str("pgm_output", "publish"); got != "rtmp://push.example.com/app/out2?…" {
		t.Errorf("pgm_output.publish = %q", got)
	}
	if !strings.Contains(g.Text, "rtmp://push.example.com/app/out2?…") || !strings.Contains(g.Text, "URL queries hidden") {
		t.Errorf("card:\n%s", g.Text)
	}
	if got := g.Str("url_queries_hidden"); got != `["monitors.0.url","pgm_output.publish","pvw_output.play"]` {
		t.Errorf("url_queries_hidden = %s", got)
	}
}

// Provider values in hand-built and template tables are escaped: a pipe
// or a line break cannot split a row.
func TestTableCellsEscaped(t *testing.T) {
	h := newHarness(t)
	h.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.Method == "GET" && r.URL.Path == "/v2/hubs/live1/domains":
			_, _ = io.WriteString(w, `{"domains":[{"type":"liveHls","domain":"a|b.example.com","cname":"c\nd.example.com"}]}`)
			return true
		case r.Method == "GET" && r.URL.Path == "/v2/hubs/live1":
			rec := httptest.NewRecorder()
			h.fake.ServeHTTP(rec, r)
			var hub map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &hub)
			hub["domains"] = []any{map[string]any{"type": "liveHls", "domain": "a|b.example.com", "cname": "c\nd.example.com"}}
			_ = json.NewEncoder(w).Encode(hub)
			return true
		case r.Method == "GET" && r.URL.Path == "/statd/upflow":
			_, _ = io.WriteString(w, `[{"time":"2026-03-01T00:00:00+08:00","values":{"x|y":{"flow":1024}}}]`)
			return true
		}
		return false
	}
	for _, r := range []tooltest.Result{
		h.ok("qiniu_list_domains", M{}),
		h.ok("qiniu_get_hub", M{}),
		h.ok("qiniu_get_live_usage", M{"metric": "upflow", "group": "hub"}),
	} {
		for _, line := range strings.Split(r.Text, "\n") {
			if strings.Contains(line, "a|b") || strings.Contains(line, "x|y") || strings.HasPrefix(line, "d.example.com") {
				t.Errorf("unescaped cell in line %q of:\n%s", line, r.Text)
			}
		}
		if !strings.Contains(r.Text, `a\|b.example.com`) && !strings.Contains(r.Text, `x\|y`) {
			t.Errorf("escaped value missing:\n%s", r.Text)
		}
	}
}
