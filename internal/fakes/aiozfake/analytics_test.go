package aiozfake

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	anNow     = time.Date(2025, 6, 10, 0, 0, 0, 0, time.UTC)
	anCreated = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	anFrom    = anCreated.Unix()
	anTo      = anCreated.Add(7 * 24 * time.Hour).Unix()
)

func analyticsEnv(t *testing.T) *env {
	e := newEnv(t, Options{Now: func() time.Time { return anNow }})
	e.s.SeedMedia(
		MediaSeed{ID: "vid-1", Title: "first video", Tags: []string{"promo"}, CreatedAt: anCreated},
		MediaSeed{ID: "vid-2", Title: "second video", CreatedAt: anCreated.Add(48 * time.Hour)},
		MediaSeed{ID: "aud-1", Title: "a podcast", Type: "audio", CreatedAt: anCreated},
		MediaSeed{ID: "new-1", Title: "not transcoded", Status: StatusNew, CreatedAt: anCreated},
	)
	return e
}

func (e *env) metric(path string, body any) (resp, map[string]any) {
	e.t.Helper()
	r := e.do("POST", "/analytics/metrics/"+path, body)
	if r.code != 200 {
		return r, nil
	}
	return r, r.data(e.t)
}

func rangeBody(extra ...any) map[string]any {
	m := map[string]any{"from": anFrom, "to": anTo}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func TestAnalyticsValidation(t *testing.T) {
	e := analyticsEnv(t)
	cases := []struct {
		name, path string
		body       any
		msg        string
	}{
		{"unknown metric", "data/clicks/count", rangeBody(), "metric"},
		{"unknown aggregation", "data/play/median", rangeBody(), "aggregation"},
		{"rate needs play", "data/view/rate", rangeBody(), "rate"},
		{"missing from", "data/play/count", map[string]any{"to": anTo}, "from is required"},
		{"missing to", "data/play/count", map[string]any{"from": anFrom}, "to is required"},
		{"from as string", "data/play/count", `{"from":"1726001314","to":1726201314}`, "from"},
		{"from as float", "data/play/count", `{"from":1.5,"to":1726201314}`, "from"},
		{"from after to", "data/play/count", map[string]any{"from": anTo, "to": anFrom}, "after"},
		{"negative", "data/play/count", map[string]any{"from": -5, "to": anFrom}, "non-negative"},
		{"invalid json", "data/play/count", `{"from":`, "JSON"},
		{"empty body", "data/play/count", ``, "body"},
		{"bad media_type", "data/play/count", rangeBody("filter_by", map[string]any{"media_type": "image"}), "media_type"},
		{"media_ids not array", "data/play/count", rangeBody("filter_by", map[string]any{"media_ids": "vid-1"}), "media_ids"},
		{"bucket metric", "bucket/rate/country", rangeBody(), "metric"},
		{"bucket breakdown", "bucket/play/city", rangeBody(), "breakdown"},
		{"bucket limit 0", "bucket/play/country", rangeBody("limit", 0), "limit"},
		{"bucket limit 101", "bucket/play/country", rangeBody("limit", 101), "limit"},
		{"bucket offset", "bucket/play/country", rangeBody("offset", -1), "offset"},
		{"bucket sort_by", "bucket/play/country", rangeBody("sort_by", "name"), "sort_by"},
		{"bucket order_by", "bucket/play/country", rangeBody("order_by", "down"), "order_by"},
		{"timeseries interval", "timeseries/play/week", rangeBody(), "interval"},
		{"timeseries metric", "timeseries/clicks/day", rangeBody(), "metric"},
		{"timeseries from string", "timeseries/play/day", `{"from":"a","to":1}`, "from"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r resp
			if s, ok := c.body.(string); ok {
				r = e.do("POST", "/analytics/metrics/"+c.path, s, "Content-Type", "application/json")
			} else {
				r, _ = e.metric(c.path, c.body)
			}
			if r.code != 400 || r.json(t)["status"] != "error" || !strings.Contains(r.message(), c.msg) {
				t.Fatalf("%d %s, want 400 containing %q", r.code, r.body, c.msg)
			}
		})
	}
	// every valid combination answers 200
	for _, m := range aggMetrics {
		for _, a := range aggregations {
			if a == "rate" && m != "play" {
				continue
			}
			if r, _ := e.metric("data/"+m+"/"+a, rangeBody()); r.code != 200 {
				t.Errorf("data/%s/%s: %d %s", m, a, r.code, r.body)
			}
		}
	}
	for _, m := range bucketMetrics {
		for _, b := range breakdowns {
			if r, _ := e.metric("bucket/"+m+"/"+b, rangeBody()); r.code != 200 {
				t.Errorf("bucket/%s/%s: %d", m, b, r.code)
			}
		}
		for _, iv := range intervals {
			if r, _ := e.metric("timeseries/"+m+"/"+iv, rangeBody()); r.code != 200 {
				t.Errorf("timeseries/%s/%s: %d", m, iv, r.code)
			}
		}
	}
}

func TestAnalyticsAggregateShapeAndConsistency(t *testing.T) {
	e := analyticsEnv(t)
	filter := map[string]any{"media_type": "video", "countries": []string{"US", "VN", "DE", "BR", "JP", "FR", "AU", "NG"}}
	_, d := e.metric("data/play/count", rangeBody("filter_by", filter))
	ctx := d["context"].(map[string]any)
	if ctx["metric"] != "play" || ctx["aggregation"] != "count" {
		t.Fatalf("context %v", ctx)
	}
	tf := ctx["time_frame"].(map[string]any)
	if tf["from"] != "2025-06-01T00:00:00Z" || tf["to"] != "2025-06-08T00:00:00Z" {
		t.Fatalf("time_frame %v", tf)
	}
	if f := ctx["filter"].(map[string]any); f["media_type"] != "video" {
		t.Fatalf("filter echo %v", f)
	}
	plays := d["data"].(float64)
	if plays <= 0 || plays != math.Trunc(plays) {
		t.Fatalf("play count %v", plays)
	}
	_, imp := e.metric("data/impression/count", rangeBody("filter_by", filter))
	_, rate := e.metric("data/play/rate", rangeBody("filter_by", filter))
	if want := math.Round(plays/imp["data"].(float64)*1e4) / 1e4; rate["data"].(float64) != want || want <= 0 || want > 1 {
		t.Fatalf("rate %v, want %v", rate["data"], want)
	}
	_, wt := e.metric("data/watch_time/sum", rangeBody("filter_by", filter))
	_, wc := e.metric("data/watch_time/count", rangeBody("filter_by", filter))
	_, wa := e.metric("data/watch_time/average", rangeBody("filter_by", filter))
	if wc["data"].(float64) != plays || wt["data"].(float64) < 20*plays ||
		wa["data"].(float64) != math.Round(wt["data"].(float64)/plays*1e4)/1e4 {
		t.Fatalf("watch_time sum %v count %v avg %v plays %v", wt["data"], wc["data"], wa["data"], plays)
	}

	// breakdown by country sums to the aggregate, every bucket is positive
	_, bd := e.metric("bucket/play/country", rangeBody("filter_by", filter, "limit", 100))
	var total float64
	prev := math.Inf(1)
	for _, it := range bd["data"].([]any) {
		m := it.(map[string]any)
		v := m["metric_value"].(float64)
		if m["dimension_value"] == "" || v > prev {
			t.Fatalf("bucket item %v not sorted desc", m)
		}
		prev = v
		total += v
	}
	if total != plays || int(bd["total"].(float64)) != len(bd["data"].([]any)) {
		t.Fatalf("breakdown sum %v, aggregate %v", total, plays)
	}
	// by media-id: only the two done videos
	_, bm := e.metric("bucket/view/media-id", rangeBody("filter_by", filter, "sort_by", "dimension_value", "order_by", "asc"))
	var ids []string
	for _, it := range bm["data"].([]any) {
		ids = append(ids, it.(map[string]any)["dimension_value"].(string))
	}
	if fmt.Sprint(ids) != "[vid-1 vid-2]" {
		t.Fatalf("media ids %v", ids)
	}
	// time series per day sums to the same total, sorted by time
	_, ts := e.metric("timeseries/play/day", rangeBody("filter_by", filter))
	total, prevT := 0.0, ""
	for _, it := range ts["data"].([]any) {
		m := it.(map[string]any)
		at := m["emitted_at"].(string)
		if _, err := time.Parse(time.RFC3339, at); err != nil || at <= prevT || !strings.HasSuffix(at, "T00:00:00Z") {
			t.Fatalf("emitted_at %q after %q", at, prevT)
		}
		prevT = at
		total += m["metric_value"].(float64)
	}
	if total != plays || ts["context"].(map[string]any)["interval"] != "day" {
		t.Fatalf("timeseries sum %v, aggregate %v", total, plays)
	}
	// paging
	_, p1 := e.metric("bucket/play/country", rangeBody("filter_by", filter, "limit", 2, "offset", 1))
	if len(p1["data"].([]any)) != 2 || !reflect.DeepEqual(p1["data"].([]any)[0], bd["data"].([]any)[1]) {
		t.Fatalf("paging %v", p1)
	}
}

func TestAnalyticsFilters(t *testing.T) {
	e := analyticsEnv(t)
	count := func(filter map[string]any) float64 {
		_, d := e.metric("data/view/count", rangeBody("filter_by", filter))
		return d["data"].(float64)
	}
	all := count(nil)
	video, audio := count(map[string]any{"media_type": "video"}), count(map[string]any{"media_type": "audio"})
	if all <= 0 || video <= 0 || audio <= 0 || video+audio != all {
		t.Fatalf("all %v video %v audio %v", all, video, audio)
	}
	v1, v2 := count(map[string]any{"media_ids": []string{"vid-1"}}), count(map[string]any{"media_ids": []string{"vid-2"}})
	if v1+v2 != video {
		t.Fatalf("per id %v+%v != %v", v1, v2, video)
	}
	if got := count(map[string]any{"tags": []string{"promo"}}); got != v1 {
		t.Fatalf("tag filter %v, want %v", got, v1)
	}
	if got := count(map[string]any{"media_ids": []string{"new-1"}}); got != 0 {
		t.Fatalf("media not done has views %v", got)
	}
	us := count(map[string]any{"countries": []string{"us"}})
	if us <= 0 || us >= all {
		t.Fatalf("country filter %v of %v", us, all)
	}
	var sumDev float64
	for _, d := range fakeDevices {
		sumDev += count(map[string]any{"device_types": []string{d}})
	}
	if sumDev != all {
		t.Fatalf("device partition %v != %v", sumDev, all)
	}
	// before any media existed
	_, d := e.metric("data/view/count", map[string]any{"from": 0, "to": anFrom - 3600})
	if d["data"].(float64) != 0 {
		t.Fatalf("views before creation: %v", d["data"])
	}
}

func TestAnalyticsDeterministic(t *testing.T) {
	a, b := analyticsEnv(t), analyticsEnv(t)
	for _, p := range []string{"data/watch_time/sum", "bucket/play/browser", "timeseries/impression/hour", "bucket/retention/operating-system"} {
		ra, _ := a.metric(p, rangeBody("limit", 100))
		rb, _ := b.metric(p, rangeBody("limit", 100))
		ra2, _ := a.metric(p, rangeBody("limit", 100))
		if ra.code != 200 || string(ra.body) != string(rb.body) || string(ra.body) != string(ra2.body) {
			t.Fatalf("%s differs:\n%s\n%s", p, ra.body, rb.body)
		}
	}
}

func TestDataUsage(t *testing.T) {
	e := analyticsEnv(t)
	q := fmt.Sprintf("?from=%d&to=%d&interval=", anFrom, anTo)
	for _, bad := range []string{
		"?to=1&interval=hour", "?from=1&interval=hour", fmt.Sprintf("?from=%d&to=%d", anFrom, anTo),
		"?from=abc&to=1&interval=hour", "?from=10&to=5&interval=hour", q + "week", q + "hour&limit=0", q + "hour&offset=-2",
	} {
		if r := e.do("GET", "/analytics/data"+bad, nil); r.code != 400 || r.json(t)["status"] != "error" {
			t.Errorf("%s: %d %s", bad, r.code, r.body)
		}
	}
	r := e.do("GET", "/analytics/data"+q+"day&limit=100", nil)
	d := r.data(t)
	items := d["data"].([]any)
	if len(items) == 0 || int(d["total"].(float64)) != len(items) || len(items) > 8 {
		t.Fatalf("usage %s", r.body)
	}
	var sumDay float64
	for _, it := range items {
		m := it.(map[string]any)
		if m["user_id"] != UserID || m["delivery"].(float64) <= 0 || !strings.HasSuffix(m["created_at"].(string), "T00:00:00Z") {
			t.Fatalf("item %v", m)
		}
		sumDay += m["delivery"].(float64)
	}
	_, wt := e.metric("data/watch_time/sum", rangeBody())
	if sumDay != wt["data"].(float64)*deliveryBytesPerWatchSecond {
		t.Fatalf("delivery %v, watch %v", sumDay, wt["data"])
	}
	hours := e.do("GET", "/analytics/data"+q+"hour", nil).data(t)
	if len(hours["data"].([]any)) != 25 || hours["total"].(float64) <= 25 {
		t.Fatalf("hour paging: %d items, total %v", len(hours["data"].([]any)), hours["total"])
	}
}

func TestAnalyticsMedia(t *testing.T) {
	e := analyticsEnv(t)
	for _, bad := range []string{"?type=image", "?from=x", "?from=10&to=5", "?limit=500"} {
		if r := e.do("GET", "/analytics/media"+bad, nil); r.code != 400 {
			t.Errorf("%s: %d", bad, r.code)
		}
	}
	r := e.do("GET", fmt.Sprintf("/analytics/media?from=%d&to=%d", anFrom, anTo), nil)
	d := r.data(t)
	list := d["media"].([]any)
	if len(list) != 3 || d["total"].(float64) != 3 {
		t.Fatalf("media %s", r.body)
	}
	prev := math.Inf(1)
	for _, x := range list {
		m := x.(map[string]any)
		v := m["view"].(float64)
		if v > prev {
			t.Fatal("not sorted by view desc")
		}
		prev = v
		_, c := e.metric("data/view/count", rangeBody("filter_by", map[string]any{"media_ids": []string{m["id"].(string)}}))
		if c["data"].(float64) != v {
			t.Fatalf("%s view %v, aggregate %v", m["id"], v, c["data"])
		}
	}
	a := e.do("GET", "/analytics/media?type=audio", nil).data(t)
	if a["total"].(float64) != 1 || a["media"].([]any)[0].(map[string]any)["id"] != "aud-1" {
		t.Fatalf("audio filter %v", a)
	}
}
