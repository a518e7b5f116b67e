package aioz

import (
	"image"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/chart"
	"github.com/mcp-media/mcp-media/internal/chart/charttest"
	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/templates"
)

// seeded is a harness whose fake has a week of views on two videos.
func seeded(t *testing.T) *harness {
	h := newHarness(t, aiozfake.Options{})
	h.fake.SeedMedia(
		aiozfake.MediaSeed{Title: "keynote", CreatedAt: time.Now().Add(-20 * 24 * time.Hour)},
		aiozfake.MediaSeed{Title: "teaser", CreatedAt: time.Now().Add(-9 * 24 * time.Hour)},
	)
	return h
}

// tableRows reads the rows of the markdown table under heading (the whole
// text when heading is ""): first cell → second cell, the total row apart.
func tableRows(t *testing.T, text, heading string) (map[string]string, string) {
	t.Helper()
	if heading != "" {
		i := strings.Index(text, heading+"\n")
		if i < 0 {
			t.Fatalf("no %q in:\n%s", heading, text)
		}
		text = text[i+len(heading):]
		if j := strings.Index(text, "\n### "); j >= 0 {
			text = text[:j]
		}
	}
	rows, total, header := map[string]string{}, "", true
	for _, line := range strings.Split(text, "\n") {
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if !strings.HasPrefix(line, "|") || len(cells) < 2 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		if header {
			header = false
			continue
		}
		k, v := strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1])
		if k == "**Total**" {
			total = strings.Trim(v, "*")
			continue
		}
		rows[k] = v
	}
	return rows, total
}

func TestReportChartAndTables(t *testing.T) {
	h := seeded(t)
	res := h.run.OK(t, "aioz_analytics_report", map[string]any{"type": "video", "from": "last 7 days"})
	var out ReportOutput
	structured(t, res.MCP, &out)
	if out.ViewCount == 0 {
		t.Fatal("the fake reported no views; the test needs some")
	}
	for _, line := range []string{"Watch Time Sum: " + templates.Num(out.WatchTimeSum), "View Count: " + templates.Num(out.ViewCount)} {
		if !strings.Contains(res.Text, line+"\n") {
			t.Errorf("text lacks %q:\n%s", line, res.Text)
		}
	}
	if strings.Contains(res.Text, "{") {
		t.Errorf("the report still dumps JSON:\n%s", res.Text)
	}
	if len(res.Images) != 1 {
		t.Fatalf("%d images, want 1", len(res.Images))
	}
	img := charttest.Decode(t, res.Images[0])
	if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 300 {
		t.Fatalf("chart is %dx%d, want at least 600x300", b.Dx(), b.Dy())
	}
	layout := chart.Chart{Panels: make([]chart.Panel, len(reportBreakdowns))}
	for i, rb := range reportBreakdowns {
		d := out.Breakdowns[rb.label]
		rows, total := tableRows(t, res.Text, "### "+rb.label)
		sum := 0.0
		var values []float64
		for _, it := range d.Data {
			sum += it.MetricValue
			values = append(values, it.MetricValue)
			if rows[it.DimensionValue] != templates.Num(it.MetricValue) {
				t.Errorf("%s %s: table says %q, structured content %v", rb.label, it.DimensionValue, rows[it.DimensionValue], it.MetricValue)
			}
		}
		if len(rows) != len(d.Data) || total != templates.Num(sum) {
			t.Errorf("%s: %d rows, total %q; structured content has %d items summing to %v", rb.label, len(rows), total, len(d.Data), sum)
		}
		charttest.Proportional(t, charttest.Bars(img, layout.PanelRect(i)), values)
	}
}

func TestBreakdownAndSeriesCharts(t *testing.T) {
	h := seeded(t)
	res := h.run.OK(t, "aioz_get_metric_breakdown", map[string]any{"metric": "view", "breakdown": "country", "from": "last 7 days"})
	var out BucketsOutput
	structured(t, res.MCP, &out)
	rows, total := tableRows(t, res.Text, "")
	sum := 0.0
	var values []float64
	for _, it := range out.Items {
		sum += it.MetricValue
		values = append(values, it.MetricValue)
		if rows[it.DimensionValue] != templates.Num(it.MetricValue) {
			t.Errorf("%s: table %q, structured %v", it.DimensionValue, rows[it.DimensionValue], it.MetricValue)
		}
	}
	if total != templates.Num(sum) || !strings.Contains(res.Text, "| Share |") {
		t.Errorf("total %q, want %v, with shares:\n%s", total, sum, res.Text)
	}
	if len(res.Images) != 1 {
		t.Fatalf("%d images, want 1", len(res.Images))
	}
	charttest.Proportional(t, charttest.Bars(charttest.Decode(t, res.Images[0]), image.Rectangle{}), values)

	res = h.run.OK(t, "aioz_get_metric_timeseries", map[string]any{"metric": "view", "interval": "day", "from": "last 7 days"})
	structured(t, res.MCP, &out)
	values = values[:0]
	for _, it := range out.Items {
		values = append(values, it.MetricValue)
	}
	if len(res.Images) != 1 {
		t.Fatalf("%d images, want 1", len(res.Images))
	}
	charttest.Proportional(t, charttest.Bars(charttest.Decode(t, res.Images[0]), image.Rectangle{}), values)

	// A rate does not add up: no shares, no total.
	res = h.run.OK(t, "aioz_get_metric_breakdown", map[string]any{"metric": "play_rate", "breakdown": "browser", "from": "last 7 days"})
	if strings.Contains(res.Text, "Total") || strings.Contains(res.Text, "Share") {
		t.Errorf("play_rate table has totals or shares:\n%s", res.Text)
	}

	// --no-charts: the same result without the image.
	h.env.NoCharts = true
	res = h.run.OK(t, "aioz_get_metric_breakdown", map[string]any{"metric": "view", "breakdown": "country", "from": "last 7 days"})
	if len(res.MCP.Content) != 1 || len(res.Images) != 0 {
		t.Errorf("with NoCharts: %d content blocks", len(res.MCP.Content))
	}
}
