package chart_test

import (
	"image"
	"os"
	"testing"

	"github.com/mcp-media/mcp-media/internal/chart"
	"github.com/mcp-media/mcp-media/internal/chart/charttest"
)

func TestBarHeightsCarryTheValues(t *testing.T) {
	values := []float64{120, 480, 60, 300, 12}
	c := chart.Chart{Title: "Views by country", Panels: []chart.Panel{{
		XLabel: "country", YLabel: "views", Labels: []string{"VN", "US", "FR", "DE", "a very long country name indeed"}, Values: values,
	}}}
	b, err := c.PNG()
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("CHART_OUT"); dir != "" {
		_ = os.WriteFile(dir+"/bars.png", b, 0o644)
	}
	img := charttest.Decode(t, b)
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w < 600 || h < 300 {
		t.Fatalf("image %dx%d, want at least 600x300", w, h)
	}
	bars := charttest.Bars(img, image.Rectangle{})
	charttest.Proportional(t, bars, values)
	for i := 1; i < len(bars); i++ {
		if bars[i].X0 <= bars[i-1].X1 {
			t.Errorf("bars overlap: %+v", bars)
		}
	}
}

func TestGridOfPanels(t *testing.T) {
	c := chart.Chart{Title: "Report", Panels: []chart.Panel{
		{Title: "a", Labels: []string{"x", "y"}, Values: []float64{1, 2}},
		{Title: "b", Labels: []string{"x", "y", "z"}, Values: []float64{3, 3, 6}},
		{Title: "c", Labels: []string{"x"}, Values: []float64{5}},
	}}
	b, err := c.PNG()
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("CHART_OUT"); dir != "" {
		_ = os.WriteFile(dir+"/grid.png", b, 0o644)
	}
	img := charttest.Decode(t, b)
	w, h := c.Size()
	if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
		t.Fatalf("image %v, Size says %dx%d", img.Bounds(), w, h)
	}
	// Top row: panels a (left) and b (right); bottom row: c. Each panel
	// has its own scale.
	charttest.Proportional(t, charttest.Bars(img, c.PanelRect(0)), []float64{1, 2})
	charttest.Proportional(t, charttest.Bars(img, c.PanelRect(1)), []float64{3, 3, 6})
	if bottom := charttest.Bars(img, image.Rect(0, c.PanelRect(2).Min.Y, w, h)); len(bottom) != 1 {
		t.Errorf("bottom row has %d bars, want 1", len(bottom))
	}
}

func TestLineAndNoData(t *testing.T) {
	c := chart.Chart{Title: "Bitrate", Panels: []chart.Panel{{Line: true, Labels: []string{"1", "2", "3"}, Values: []float64{1, 5, 2}}}}
	b, err := c.PNG()
	if err != nil {
		t.Fatal(err)
	}
	if charttest.Covered(charttest.Decode(t, b)) == 0 {
		t.Error("no line drawn")
	}
	if _, err := (chart.Chart{Panels: []chart.Panel{{}}}).PNG(); err != chart.ErrNoData {
		t.Errorf("empty chart: %v", err)
	}
	if _, err := (chart.Chart{Panels: []chart.Panel{{Values: []float64{-1}}}}).PNG(); err == nil {
		t.Error("a negative value was drawn")
	}
}

func TestTimeAxis(t *testing.T) {
	for _, c := range []struct {
		in        []string
		first, ax string
	}{
		{[]string{"2024-03-04T00:00:00Z", "2024-03-05T00:00:00Z"}, "Mar 4", "day (UTC)"},
		{[]string{"2024-03-04T10:00:00+08:00", "2024-03-04T10:01:00+08:00"}, "10:00", "time on Mar 4, 2024 (UTC+08:00)"},
		{[]string{"2024-03-04T10:00:00Z", "2024-03-05T11:00:00Z"}, "Mar 4 10:00", "time (UTC)"},
		{[]string{"week 1"}, "week 1", "time"},
	} {
		labels, axis := chart.TimeAxis(c.in)
		if labels[0] != c.first || axis != c.ax {
			t.Errorf("TimeAxis(%v) = %v, %q; want first %q, axis %q", c.in, labels, axis, c.first, c.ax)
		}
	}
}

func TestHuman(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 1.5: "1.5", 999: "999", 1500: "1.5k", 2e6: "2M", 12.34e9: "12.3G", 0.25: "0.25"} {
		if got := chart.Human(in); got != want {
			t.Errorf("Human(%v) = %q, want %q", in, got, want)
		}
	}
}
