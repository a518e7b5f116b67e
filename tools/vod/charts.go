package vod

import (
	"github.com/mcp-media/mcp-media/internal/chart"
	"github.com/mcp-media/mcp-media/templates"
)

// shareAndChart adds each row's share of the total to the traffic table
// and attaches the report's chart: bytes per day or per video, in the unit
// the largest value reads best in.
func shareAndChart(c chartCall, out ReportOutput, d *templates.VODTableData) {
	if len(out.Rows) == 0 {
		return
	}
	d.Columns = append(d.Columns, "Share")
	for i := range d.Rows {
		d.Rows[i] = append(d.Rows[i], templates.Share(float64(out.Rows[i].TotalBytes), float64(out.TotalBytes)))
	}
	labels := make([]string, len(out.Rows))
	values := make([]float64, len(out.Rows))
	top := 0.0
	for i, r := range out.Rows {
		labels[i], values[i] = r.VideoName, float64(r.TotalBytes)
		if out.Scope == "per_day" {
			labels[i] = r.Date
		}
		top = max(top, values[i])
	}
	div, unit := 1.0, "B"
	for _, u := range []struct {
		div  float64
		name string
	}{{1 << 40, "TB"}, {1 << 30, "GB"}, {1 << 20, "MB"}, {1 << 10, "KB"}} {
		if top >= u.div {
			div, unit = u.div, u.name
			break
		}
	}
	for i := range values {
		values[i] /= div
	}
	p := chart.Panel{XLabel: "video", YLabel: "traffic (" + unit + ")", Labels: labels, Values: values}
	if out.Scope == "per_day" {
		p.Labels, _ = chart.TimeAxis(labels)
		p.XLabel = "day (Beijing time)"
		p.Line = len(values) > 60
	}
	c.Chart(chart.Chart{Title: d.Title, Panels: []chart.Panel{p}})
}

// chartCall is the part of toolkit.Call the chart needs.
type chartCall interface{ Chart(chart.Chart) }
