package aioz

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/chart"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/timerange"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func (t *tools) analyticsTools() []toolkit.Tool {
	ro := toolkit.Annotations{ReadOnly: true, Idempotent: true}
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_metric",
			Title:       "Aggregated metric",
			Description: "One number for a metric over a time range (e.g. view count, watch_time sum), with optional filters.",
			Annotations: ro,
		}, t.metric),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_metric_breakdown",
			Title:       "Metric breakdown",
			Description: "A metric per country, device type, OS, browser, continent, media or media type.",
			Annotations: ro,
		}, t.breakdown),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_metric_timeseries",
			Title:       "Metric time series",
			Description: "A metric per hour or day over a time range.",
			Annotations: ro,
		}, t.timeseries),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_usage_data",
			Title:       "Delivery usage",
			Description: "Hourly data delivery (legacy /analytics/data) over a time range.",
			Annotations: ro,
		}, t.usage),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_analytics_report",
			Title:       "Analytics report",
			Description: "Watch time sum and view count plus the device type, OS, country and browser breakdowns, in one call.",
			Annotations: ro,
		}, t.report),
	}
}

// When is the time range every analytics tool takes.
type When struct {
	From string `json:"from" jsonschema:"required" jsonschema_description:"dd/mm/yyyy, yyyy-mm-dd, ISO 8601, UNIX seconds, or a range like 'last 7 days' (then omit to)"`
	To   string `json:"to,omitempty" jsonschema_description:"End (same forms; default: end of from's day, or now for ranges)"`
}

// Filter narrows analytics.
type Filter struct {
	MediaIDs    []string `json:"media_ids,omitempty"`
	MediaType   string   `json:"media_type,omitempty" jsonschema:"enum=video,enum=audio"`
	Continents  []string `json:"continents,omitempty" jsonschema_description:"e.g. AS, EU"`
	Countries   []string `json:"countries,omitempty" jsonschema_description:"ISO codes, e.g. VN, US"`
	DeviceTypes []string `json:"device_types,omitempty" jsonschema_description:"e.g. computer, phone"`
	OS          []string `json:"os,omitempty"`
	Browsers    []string `json:"browsers,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

func (f *Filter) api() *aiozapi.MetricFilter {
	if f == nil {
		return nil
	}
	return &aiozapi.MetricFilter{MediaIDs: f.MediaIDs, MediaType: f.MediaType, Continents: f.Continents, Countries: f.Countries,
		DeviceTypes: f.DeviceTypes, OS: f.OS, Browsers: f.Browsers, Tags: f.Tags}
}

// TimeRange reports how the dates were understood.
type TimeRange struct {
	From       string `json:"from"`
	To         string `json:"to"`
	FromUnix   int64  `json:"from_unix"`
	ToUnix     int64  `json:"to_unix"`
	Conversion string `json:"conversion"`
}

func (t *tools) when(w When) (TimeRange, error) {
	r, err := timerange.Parse(w.From, w.To, t.now(), time.UTC)
	if err != nil {
		return TimeRange{}, err
	}
	return TimeRange{From: r.From.UTC().Format(time.RFC3339), To: r.To.UTC().Format(time.RFC3339),
		FromUnix: r.FromUnix, ToUnix: r.ToUnix, Conversion: r.Note}, nil
}

// start parses the time range, then builds the client: bad dates are
// reported before anything else is checked.
func (t *tools) start(w When) (TimeRange, *aiozapi.Client, error) {
	tr, err := t.when(w)
	if err != nil {
		return TimeRange{}, nil, err
	}
	client, err := t.client.Get()
	return tr, client, err
}

// MetricInput are aioz_get_metric's arguments.
type MetricInput struct {
	When
	Metric      string  `json:"metric" jsonschema:"required,enum=play,enum=start,enum=end,enum=impression,enum=watch_time,enum=view"`
	Aggregation string  `json:"aggregation" jsonschema:"required,enum=count,enum=rate,enum=total,enum=average,enum=sum" jsonschema_description:"rate only with play"`
	Filter      *Filter `json:"filter,omitempty"`
}

// MetricOutput is one number.
type MetricOutput struct {
	Metric      string    `json:"metric"`
	Aggregation string    `json:"aggregation"`
	Value       float64   `json:"value"`
	TimeRange   TimeRange `json:"time_range"`
}

func (t *tools) metric(ctx context.Context, c *toolkit.Call, in MetricInput) (MetricOutput, string, error) {
	if in.Aggregation == "rate" && in.Metric != "play" {
		return MetricOutput{}, "", argerr.New("aggregation", "rate is only defined for metric play", "use count, total, average or sum")
	}
	tr, client, err := t.start(in.When)
	if err != nil {
		return MetricOutput{}, "", err
	}
	agg, err := client.Metric(ctx, in.Metric, in.Aggregation, aiozapi.MetricQuery{From: tr.FromUnix, To: tr.ToUnix, FilterBy: in.Filter.api()})
	if err != nil {
		return MetricOutput{}, "", err
	}
	out := MetricOutput{Metric: in.Metric, Aggregation: in.Aggregation, Value: agg.Data, TimeRange: tr}
	text, err := templates.AIOZMetric.Render(templates.Metric{Metric: in.Metric, Aggregation: in.Aggregation, Value: agg.Data, Conversion: tr.Conversion})
	return out, text, err
}

// BreakdownInput are aioz_get_metric_breakdown's arguments.
type BreakdownInput struct {
	When
	Metric    string  `json:"metric" jsonschema:"required,enum=play,enum=play_rate,enum=start,enum=end,enum=impression,enum=watch_time,enum=retention,enum=view"`
	Breakdown string  `json:"breakdown" jsonschema:"required,enum=media-id,enum=media-type,enum=continent,enum=country,enum=device-type,enum=operating-system,enum=browser"`
	Filter    *Filter `json:"filter,omitempty"`
	Limit     int     `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset    int     `json:"offset,omitempty" jsonschema:"minimum=0"`
	OrderBy   string  `json:"order_by,omitempty" jsonschema:"enum=asc,enum=desc,default=desc"`
}

// BucketsOutput is a breakdown or a time series.
type BucketsOutput struct {
	Metric    string               `json:"metric"`
	By        string               `json:"by"`
	Items     []aiozapi.MetricItem `json:"items"`
	Total     int                  `json:"total"`
	TimeRange TimeRange            `json:"time_range"`
}

func (t *tools) breakdown(ctx context.Context, c *toolkit.Call, in BreakdownInput) (BucketsOutput, string, error) {
	tr, client, err := t.start(in.When)
	if err != nil {
		return BucketsOutput{}, "", err
	}
	q := aiozapi.MetricQuery{From: tr.FromUnix, To: tr.ToUnix, FilterBy: in.Filter.api(), Limit: in.Limit, Offset: in.Offset,
		SortBy: "metric_value", OrderBy: in.OrderBy}
	b, err := client.Breakdown(ctx, in.Metric, in.Breakdown, q)
	if err != nil {
		return BucketsOutput{}, "", err
	}
	out := BucketsOutput{Metric: in.Metric, By: in.Breakdown, Items: b.Data, Total: b.Total, TimeRange: tr}
	text, err := bucketTable(c, in.Metric+" by "+in.Breakdown, in.Breakdown, in.Metric, out.Items, false, tr.Conversion)
	return out, text, err
}

// TimeseriesInput are aioz_get_metric_timeseries' arguments.
type TimeseriesInput struct {
	When
	Metric   string  `json:"metric" jsonschema:"required,enum=play,enum=play_rate,enum=start,enum=end,enum=impression,enum=watch_time,enum=retention,enum=view"`
	Interval string  `json:"interval" jsonschema:"required,enum=hour,enum=day"`
	Filter   *Filter `json:"filter,omitempty"`
	Limit    int     `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=100"`
	Offset   int     `json:"offset,omitempty" jsonschema:"minimum=0"`
}

func (t *tools) timeseries(ctx context.Context, c *toolkit.Call, in TimeseriesInput) (BucketsOutput, string, error) {
	tr, client, err := t.start(in.When)
	if err != nil {
		return BucketsOutput{}, "", err
	}
	b, err := client.Timeseries(ctx, in.Metric, in.Interval, aiozapi.MetricQuery{From: tr.FromUnix, To: tr.ToUnix, FilterBy: in.Filter.api(),
		Limit: in.Limit, Offset: in.Offset})
	if err != nil {
		return BucketsOutput{}, "", err
	}
	out := BucketsOutput{Metric: in.Metric, By: in.Interval, Items: b.Data, Total: b.Total, TimeRange: tr}
	text, err := bucketTable(c, in.Metric+" per "+in.Interval, in.Interval, in.Metric, out.Items, true, tr.Conversion)
	return out, text, err
}

// UsageInput are aioz_get_usage_data's arguments.
type UsageInput struct {
	When
	Interval string `json:"interval,omitempty" jsonschema:"default=hour" jsonschema_description:"Seed 000 always uses hour"`
	Limit    int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset   int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// UsageOutput is delivery usage.
type UsageOutput struct {
	Rows      []aiozapi.DataUsage `json:"rows"`
	Total     int                 `json:"total"`
	TimeRange TimeRange           `json:"time_range"`
}

func (t *tools) usage(ctx context.Context, c *toolkit.Call, in UsageInput) (UsageOutput, string, error) {
	tr, client, err := t.start(in.When)
	if err != nil {
		return UsageOutput{}, "", err
	}
	u, err := client.UsageData(ctx, tr.FromUnix, tr.ToUnix, in.Interval, in.Offset, in.Limit)
	if err != nil {
		return UsageOutput{}, "", err
	}
	out := UsageOutput{Rows: u.Data, Total: u.Total, TimeRange: tr}
	if out.Rows == nil {
	}
	raw, _ := json.MarshalIndent(map[string]any{"data": out.Rows, "total": out.Total}, "", "  ")
	text, err := templates.AIOZUsageData.Render(templates.UsageData{JSON: string(raw), Conversion: tr.Conversion})
	return out, text, err
}

// ReportInput are aioz_analytics_report's arguments.
type ReportInput struct {
	When
	Type string `json:"type" jsonschema:"required,enum=video,enum=audio"`
}

// ReportOutput is seed 000's combined report.
type ReportOutput struct {
	WatchTimeSum float64                  `json:"watch_time_sum"`
	ViewCount    float64                  `json:"view_count"`
	Breakdowns   map[string]BreakdownData `json:"breakdowns" jsonschema_description:"Keyed device_type, operator_system, country, browser"`
	TimeRange    TimeRange                `json:"time_range"`
}

// BreakdownData is one breakdown block ("total count and data array").
type BreakdownData struct {
	Data  []aiozapi.MetricItem `json:"data"`
	Total int                  `json:"total"`
}

// reportBreakdowns are seed 000's four labelled blocks, in its order.
var reportBreakdowns = []struct{ label, breakdown string }{
	{"device_type", "device-type"}, {"operator_system", "operating-system"}, {"country", "country"}, {"browser", "browser"},
}

func (t *tools) report(ctx context.Context, c *toolkit.Call, in ReportInput) (ReportOutput, string, error) {
	tr, client, err := t.start(in.When)
	if err != nil {
		return ReportOutput{}, "", err
	}
	q := aiozapi.MetricQuery{From: tr.FromUnix, To: tr.ToUnix, FilterBy: &aiozapi.MetricFilter{MediaType: in.Type}}
	wt, err := client.Metric(ctx, "watch_time", "sum", q)
	if err != nil {
		return ReportOutput{}, "", fmt.Errorf("watch time sum: %w", err)
	}
	views, err := client.Metric(ctx, "view", "count", q)
	if err != nil {
		return ReportOutput{}, "", fmt.Errorf("view count: %w", err)
	}
	out := ReportOutput{WatchTimeSum: wt.Data, ViewCount: views.Data, Breakdowns: map[string]BreakdownData{}, TimeRange: tr}
	rep := templates.Report{WatchTimeSum: templates.Num(wt.Data), ViewCount: templates.Num(views.Data), Conversion: tr.Conversion}
	ch := chart.Chart{Title: fmt.Sprintf("%s views by audience, %s to %s (watch time %s s, %s views)", in.Type,
		tr.From[:10], tr.To[:10], chart.Human(wt.Data), templates.Num(views.Data))}
	bq := q
	bq.Limit, bq.SortBy, bq.OrderBy = 100, "metric_value", "desc"
	for i, rb := range reportBreakdowns {
		c.Progress(float64(i), float64(len(reportBreakdowns)), templates.AIOZReportProgress.Line(templates.ReportStep{Breakdown: rb.breakdown}))
		res, err := client.Breakdown(ctx, "view", rb.breakdown, bq)
		if err != nil {
			return ReportOutput{}, "", fmt.Errorf("%s breakdown: %w", rb.label, err)
		}
		d := BreakdownData{Data: res.Data, Total: res.Total}
		out.Breakdowns[rb.label] = d
		keys, values := split(d.Data, false)
		rows, total := templates.ShareRows(keys, values, true)
		rep.Blocks = append(rep.Blocks, templates.ReportBlock{Label: rb.label, Rows: rows, Total: total, Count: d.Total})
		ch.Panels = append(ch.Panels, chart.Panel{Title: "views by " + strings.ReplaceAll(rb.breakdown, "-", " "),
			XLabel: strings.ReplaceAll(rb.breakdown, "-", " "), YLabel: "views", Labels: keys, Values: values})
	}
	c.Chart(ch)
	text, err := templates.AIOZReport.Render(rep)
	return out, text, err
}

// split returns the keys (dimension values, or bucket times) and values of
// metric items.
func split(items []aiozapi.MetricItem, timed bool) ([]string, []float64) {
	keys := make([]string, len(items))
	values := make([]float64, len(items))
	for i, it := range items {
		keys[i], values[i] = it.DimensionValue, it.MetricValue
		if timed {
			keys[i] = it.EmittedAt
		}
	}
	return keys, values
}

// metricAxis is a metric's column heading and axis label with its unit, and
// whether its values add up (shares and totals mean nothing for a rate).
func metricAxis(metric string) (string, bool) {
	switch metric {
	case "watch_time":
		return "watch time (s)", true
	case "play_rate":
		return "play rate", false
	case "retention":
		return "retention", false
	}
	return metric + "s", true
}

// bucketTable renders a breakdown or time series as a table with shares
// and attaches its chart: bars, or a line for long time series.
func bucketTable(c *toolkit.Call, title, dim, metric string, items []aiozapi.MetricItem, timed bool, conversion string) (string, error) {
	heading, additive := metricAxis(metric)
	keys, values := split(items, timed)
	rows, total := templates.ShareRows(keys, values, additive)
	p := chart.Panel{XLabel: strings.ReplaceAll(dim, "-", " "), YLabel: heading, Labels: keys, Values: values}
	if timed {
		p.Labels, p.XLabel = chart.TimeAxis(keys)
		p.Line = len(values) > 60
	}
	c.Chart(chart.Chart{Title: strings.ReplaceAll(title, "_", " "), Panels: []chart.Panel{p}})
	return templates.AIOZMetricTable.Render(templates.MetricTable{Title: title, Dimension: dim, Metric: heading, Rows: rows, Total: total, Conversion: conversion})
}
