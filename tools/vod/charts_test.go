package vod

import (
	"image"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/chart/charttest"
	"github.com/mcp-media/mcp-media/internal/fakes/vodfake"
)

// The traffic report's chart has one bar per row, as high as its bytes, and
// the table gives each row's share.
func TestTrafficReportChart(t *testing.T) {
	h := newHarness(t, false, false, nil)
	h.fake.Seed(h.srv.URL,
		vodfake.VideoSeed{Name: "keynote", Created: h.clock.Now().Add(-48 * time.Hour), Size: 10, DurationMS: 1000},
		vodfake.VideoSeed{Name: "teaser", Created: h.clock.Now().Add(-20 * time.Hour), Size: 10, DurationMS: 1000},
		vodfake.VideoSeed{Name: "outro", Created: h.clock.Now().Add(-6 * time.Hour), Size: 10, DurationMS: 1000})
	res := h.run.OK(t, "vod_traffic_report", map[string]any{"scope": "per_video"})
	rows, _ := res.Get("rows").([]any)
	if len(rows) == 0 {
		t.Fatalf("the fake has no traffic rows:\n%s", res.Text)
	}
	var values []float64
	for _, r := range rows {
		values = append(values, r.(map[string]any)["total_bytes"].(float64))
	}
	if !strings.Contains(res.Text, " Share |") || !strings.Contains(res.Text, "%") {
		t.Errorf("no shares:\n%s", res.Text)
	}
	if len(res.Images) != 1 {
		t.Fatalf("%d images, want 1", len(res.Images))
	}
	charttest.Proportional(t, charttest.Bars(charttest.Decode(t, res.Images[0]), image.Rectangle{}), values)
}
