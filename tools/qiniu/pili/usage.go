package pili

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/piliapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// maxUsageRows bounds the rows shown in the text (all go in the structured
// result).
const maxUsageRows = 120

func (t *tools) usageTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_live_usage",
			Title:       "Live usage statistics",
			Description: "Qiniu Pili usage over a time range: upflow/downflow/downflow_rtc traffic (bytes), codec transcode (ms), nrop porn-detection images, caster director and pub relay usage; per 5min/hour/day/month, with filters and grouping.",
			Annotations: ro,
		}, t.usage),
	}
}

// UsageInput are qiniu_get_live_usage's arguments.
type UsageInput struct {
	Metric string `json:"metric" jsonschema:"required,enum=upflow,enum=downflow,enum=downflow_rtc,enum=codec,enum=nrop,enum=caster,enum=pub"`
	RangeArg
	Granularity string              `json:"granularity,omitempty" jsonschema:"enum=5min,enum=hour,enum=day,enum=month,default=day"`
	Group       string              `json:"group,omitempty" jsonschema:"enum=hub,enum=domain,enum=area,enum=profile,enum=assured,enum=container,enum=resolution,enum=tp"`
	Filters     map[string][]string `json:"filters,omitempty" jsonschema_description:"Filter → values (ORed; a leading ! negates). upflow/downflow/downflow_rtc: hub, domain, area (cn, hk, tw, apac, am, emea); codec: hub, profile; nrop: hub, assured; caster: container, resolution; pub: tp"`
	Select      []string            `json:"select,omitempty" jsonschema_description:"Value fields (default all): flow; duration; count; caster: upflow, downflow, duration; pub: count, duration"`
}

// UsageOutput is the usage time series.
type UsageOutput struct {
	Metric      string             `json:"metric"`
	Granularity string             `json:"granularity"`
	Units       map[string]string  `json:"units"`
	Rows        []piliapi.UsageRow `json:"rows"`
	Totals      map[string]float64 `json:"totals"`
	Range       Span               `json:"range"`
}

func (t *tools) usage(ctx context.Context, _ *toolkit.Call, in UsageInput) (UsageOutput, string, error) {
	m, _ := piliapi.Usage(in.Metric)
	g := in.Granularity
	if in.Group != "" && !slices.Contains(m.Filters, in.Group) {
		return UsageOutput{}, "", argerr.New("group", fmt.Sprintf("%s cannot be grouped by %s", in.Metric, in.Group), "use one of "+strings.Join(m.Filters, ", "))
	}
	for f, vals := range in.Filters {
		if !slices.Contains(m.Filters, f) {
			return UsageOutput{}, "", argerr.New("filters."+f, "is not a filter of "+in.Metric, "use "+strings.Join(m.Filters, ", "))
		}
		if len(vals) == 0 {
			return UsageOutput{}, "", argerr.New("filters."+f, "has no values", "give at least one value or remove it")
		}
	}
	for i, s := range in.Select {
		if !slices.Contains(m.Selects, s) {
			return UsageOutput{}, "", argerr.New(fmt.Sprintf("select.%d", i), fmt.Sprintf("%q is not a value of %s", s, in.Metric), "use "+strings.Join(m.Selects, ", "))
		}
	}
	sp, err := t.span(in.From, in.To, "last 7 days")
	if err != nil {
		return UsageOutput{}, "", err
	}
	c, err := t.client.Get()
	if err != nil {
		return UsageOutput{}, "", err
	}
	rows, err := c.GetUsage(ctx, piliapi.UsageQuery{Metric: in.Metric, Begin: time.Unix(sp.FromUnix, 0), End: time.Unix(sp.ToUnix+1, 0),
		Granularity: g, Group: in.Group, Filters: in.Filters, Select: in.Select})
	if err != nil {
		return UsageOutput{}, "", err
	}
	sel := in.Select
	if len(sel) == 0 {
		sel = m.Selects
	}
	out := UsageOutput{Metric: in.Metric, Granularity: g, Units: map[string]string{}, Rows: rows, Totals: map[string]float64{}, Range: sp}
	for _, s := range sel {
		out.Units[s] = m.Unit(s)
	}
	for _, r := range rows {
		for k, v := range r.Values {
			out.Totals[k] += v
		}
	}
	d := templates.PiliUsageData{Metric: in.Metric, Granularity: g, Group: in.Group, Columns: sel, Conversion: sp.Conversion}
	for i, r := range rows {
		if i == maxUsageRows {
			d.More = len(rows) - maxUsageRows
			break
		}
		row := templates.PiliUsageRow{Time: r.Time, Group: r.Group}
		for _, s := range sel {
			row.Values = append(row.Values, human(r.Values[s], m.Unit(s)))
		}
		d.Rows = append(d.Rows, row)
	}
	keys := make([]string, 0, len(out.Totals))
	for k := range out.Totals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d.Totals = append(d.Totals, templates.Field{Name: k, Value: human(out.Totals[k], m.Unit(k))})
	}
	text, err := templates.PiliUsage.Render(d)
	if err != nil {
		return UsageOutput{}, "", err
	}
	return out, text, nil
}

// human formats a value with its unit.
func human(v float64, unit string) string {
	switch unit {
	case "bytes":
		units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
		i := 0
		for v >= 1024 && i < len(units)-1 {
			v /= 1024
			i++
		}
		if i == 0 {
			return strconv.FormatFloat(v, 'f', 0, 64) + " B"
		}
		return strconv.FormatFloat(v, 'f', 2, 64) + " " + units[i]
	case "ms":
		return (time.Duration(v) * time.Millisecond).Round(time.Second).String()
	case "s":
		return (time.Duration(v) * time.Second).String()
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
