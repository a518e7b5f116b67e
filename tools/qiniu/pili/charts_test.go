package pili

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/chart"
	"github.com/mcp-media/mcp-media/internal/chart/charttest"
)

// The usage chart sums each time over the groups, in the unit its largest
// value reads best in; the table shows each row's share of the total.
func TestUsageChartCarriesTheData(t *testing.T) {
	h := newHarness(t)
	flows := map[string][2]float64{"2026-03-01": {3 << 30, 1 << 30}, "2026-03-02": {2 << 30, 0}, "2026-03-03": {5 << 29, 1 << 29}}
	h.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/statd/downflow" {
			return false
		}
		var rows []string
		for _, day := range []string{"2026-03-01", "2026-03-02", "2026-03-03"} {
			f := flows[day]
			rows = append(rows, fmt.Sprintf(`{"time":"%sT00:00:00+08:00","values":{"hub-a":{"flow":%v},"hub-b":{"flow":%v}}}`, day, f[0], f[1]))
		}
		_, _ = io.WriteString(w, "["+strings.Join(rows, ",")+"]")
		return true
	}
	res := h.ok("qiniu_get_live_usage", M{"metric": "downflow", "from": "01/03/2026", "to": "03/03/2026", "group": "hub"})
	if !strings.Contains(res.Text, "| 2026-03-01T00:00:00+08:00 | hub-a | 3.00 GB | 33.3% |") || !strings.Contains(res.Text, "| **Total** | | **9.00 GB** | 100% |") {
		t.Errorf("usage table:\n%s", res.Text)
	}
	if len(res.Images) != 1 {
		t.Fatalf("%d images, want 1", len(res.Images))
	}
	bars := charttest.Bars(charttest.Decode(t, res.Images[0]), chart.Chart{Panels: make([]chart.Panel, 1)}.PanelRect(0))
	charttest.Proportional(t, bars, []float64{4, 2, 3})
}

// Stream stats draw bitrate and viewers side by side.
func TestStatsChart(t *testing.T) {
	h := newHarness(t)
	h.intercept = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/stats") {
			return false
		}
		_, _ = io.WriteString(w, `{"items":[`+
			`{"time":1773100000,"stats":{"bps":1000000,"videoFps":25,"audioFps":44,"width":1280,"height":720,"playCount":4,"bandwidth":1}},`+
			`{"time":1773100060,"stats":{"bps":3000000,"videoFps":25,"audioFps":44,"width":1280,"height":720,"playCount":8,"bandwidth":1}},`+
			`{"time":1773100120,"stats":{"bps":2000000,"videoFps":25,"audioFps":44,"width":1280,"height":720,"playCount":2,"bandwidth":1}}]}`)
		return true
	}
	res := h.ok("qiniu_get_stream_stats", M{"hub": hubName, "stream": "s1"})
	if !strings.Contains(res.Text, "Bitrate: average 2000 kbps, peak 3000 kbps; peak viewers 8.") {
		t.Errorf("stats text:\n%s", res.Text)
	}
	if len(res.Images) != 1 {
		t.Fatalf("%d images, want 1:\n%s", len(res.Images), res.Text)
	}
	img := charttest.Decode(t, res.Images[0])
	layout := chart.Chart{Panels: make([]chart.Panel, 2)}
	charttest.Proportional(t, charttest.Bars(img, layout.PanelRect(0)), []float64{1000, 3000, 2000})
	charttest.Proportional(t, charttest.Bars(img, layout.PanelRect(1)), []float64{4, 8, 2})
}
