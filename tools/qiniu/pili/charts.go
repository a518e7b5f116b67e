package pili

import (
	"fmt"

	"github.com/mcp-media/mcp-media/internal/chart"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/piliapi"
)

// Charts of the usage and stream-stats tools: time on the x axis (with its
// time zone), one panel per value with its unit scaled to the data.

// maxUsagePanels bounds the panels of a usage chart (caster has three values).
const maxUsagePanels = 4

// usageChart draws each selected value over time, summed over the groups.
func usageChart(metric, granularity string, sel []string, m piliapi.UsageMetric, rows []piliapi.UsageRow) chart.Chart {
	idx := map[string]int{}
	var times []string
	for _, r := range rows {
		if _, ok := idx[r.Time]; !ok {
			idx[r.Time] = len(times)
			times = append(times, r.Time)
		}
	}
	labels, axis := chart.TimeAxis(times)
	ch := chart.Chart{Title: fmt.Sprintf("Live usage: %s per %s", metric, granularity)}
	for i, s := range sel {
		if i == maxUsagePanels {
			break
		}
		vals := make([]float64, len(times))
		for _, r := range rows {
			vals[idx[r.Time]] += r.Values[s]
		}
		div, unit := scaleUnit(vals, m.Unit(s))
		for j := range vals {
			vals[j] /= div
		}
		ch.Panels = append(ch.Panels, chart.Panel{Title: s, XLabel: axis, YLabel: s + " (" + unit + ")",
			Labels: labels, Values: vals, Line: len(vals) > 60})
	}
	return ch
}

// scaleUnit picks the unit the largest value reads best in: the divisor
// and the unit's name.
func scaleUnit(vals []float64, unit string) (float64, string) {
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	pick := func(steps []float64, names []string) (float64, string) {
		for i := len(steps) - 1; i > 0; i-- {
			if top >= steps[i] {
				return steps[i], names[i]
			}
		}
		return steps[0], names[0]
	}
	switch unit {
	case "bytes":
		return pick([]float64{1, 1 << 10, 1 << 20, 1 << 30, 1 << 40}, []string{"B", "KB", "MB", "GB", "TB"})
	case "ms":
		return pick([]float64{1000, 60e3, 3600e3}, []string{"s", "min", "h"})
	case "s":
		return pick([]float64{1, 60, 3600}, []string{"s", "min", "h"})
	case "":
		return 1, "count"
	}
	return 1, unit
}

// statsChart draws a stream's bitrate and viewers per minute.
func statsChart(stream string, points []StatsPoint) chart.Chart {
	times := make([]string, len(points))
	rate := make([]float64, len(points))
	viewers := make([]float64, len(points))
	for i, p := range points {
		times[i], rate[i], viewers[i] = p.Time, float64(p.Bps)/1000, float64(p.Viewers)
	}
	labels, axis := chart.TimeAxis(times)
	line := len(points) > 60
	return chart.Chart{Title: "Stream stats: " + stream, Panels: []chart.Panel{
		{Title: "bitrate", XLabel: axis, YLabel: "bitrate (kbps)", Labels: labels, Values: rate, Line: line},
		{Title: "viewers", XLabel: axis, YLabel: "viewers", Labels: labels, Values: viewers, Line: line},
	}}
}
