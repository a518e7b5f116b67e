package piliapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// Beijing is the zone /statd takes and returns times in (+08:00).
var Beijing = time.FixedZone("UTC+8", 8*3600)

// UsageMetric describes one /statd endpoint (spec §4.4).
type UsageMetric struct {
	Name    string   // path element: upflow, downflow, ...
	Filters []string // filter names without '$'
	Selects []string // value fields
	Units   []string // unit of each select, same order
}

// UsageMetrics are the seven /statd endpoints.
var UsageMetrics = []UsageMetric{
	{"upflow", []string{"hub", "domain", "area"}, []string{"flow"}, []string{"bytes"}},
	{"downflow", []string{"hub", "domain", "area"}, []string{"flow"}, []string{"bytes"}},
	{"downflow_rtc", []string{"hub", "domain", "area"}, []string{"flow"}, []string{"bytes"}},
	{"codec", []string{"hub", "profile"}, []string{"duration"}, []string{"ms"}},
	{"nrop", []string{"hub", "assured"}, []string{"count"}, []string{"images"}},
	{"caster", []string{"container", "resolution"}, []string{"upflow", "downflow", "duration"}, []string{"bytes", "bytes", "s"}},
	{"pub", []string{"tp"}, []string{"count", "duration"}, []string{"relays", "ms"}},
}

// Usage returns the UsageMetric called name.
func Usage(name string) (UsageMetric, bool) {
	for _, m := range UsageMetrics {
		if m.Name == name {
			return m, true
		}
	}
	return UsageMetric{}, false
}

// Unit returns the unit of select sel.
func (m UsageMetric) Unit(sel string) string {
	if i := slices.Index(m.Selects, sel); i >= 0 {
		return m.Units[i]
	}
	return ""
}

// Granularities of /statd.
var Granularities = []string{"5min", "hour", "day", "month"}

// UsageQuery is one /statd query. Begin and End are instants; they are sent
// in Beijing time as yyyymmddHHMMSS. The range is [Begin, End).
type UsageQuery struct {
	Metric      string
	Begin, End  time.Time // End zero: now
	Granularity string    // 5min, hour, day, month
	Group       string    // a filter name, optional
	// Filters are ORed values per filter name (no '$'); a "!" prefix
	// negates a value (spec §4.4).
	Filters map[string][]string
	Select  []string // empty: every value field of the metric
}

// UsageRow is one time point (and group value, when grouped).
type UsageRow struct {
	Time   string             `json:"time"`
	Group  string             `json:"group,omitempty"`
	Values map[string]float64 `json:"values"`
}

// Validate checks q against the metric's filters and value fields.
func (q UsageQuery) Validate() error {
	m, ok := Usage(q.Metric)
	if !ok {
		return fmt.Errorf("unknown usage metric %q", q.Metric)
	}
	if !slices.Contains(Granularities, q.Granularity) {
		return fmt.Errorf("granularity must be one of %s", strings.Join(Granularities, ", "))
	}
	if q.Group != "" && !slices.Contains(m.Filters, q.Group) {
		return fmt.Errorf("%s can be grouped by %s only", q.Metric, strings.Join(m.Filters, ", "))
	}
	for f := range q.Filters {
		if !slices.Contains(m.Filters, f) {
			return fmt.Errorf("%s has no filter %q (filters: %s)", q.Metric, f, strings.Join(m.Filters, ", "))
		}
	}
	for _, s := range q.Select {
		if !slices.Contains(m.Selects, s) {
			return fmt.Errorf("%s has no value %q (values: %s)", q.Metric, s, strings.Join(m.Selects, ", "))
		}
	}
	if q.Begin.IsZero() {
		return fmt.Errorf("begin is required")
	}
	if !q.End.IsZero() && q.End.Before(q.Begin) {
		return fmt.Errorf("end is before begin")
	}
	return nil
}

// StatdTime formats t as /statd wants it: yyyymmddHHMMSS in Beijing time.
func StatdTime(t time.Time) string { return t.In(Beijing).Format("20060102150405") }

// GetUsage runs a /statd query. Rows are sorted by time, then group.
func (c *Client) GetUsage(ctx context.Context, q UsageQuery) ([]UsageRow, error) {
	if err := q.Validate(); err != nil {
		return nil, fmt.Errorf("pili: %w", err)
	}
	m, _ := Usage(q.Metric)
	sel := q.Select
	if len(sel) == 0 {
		sel = m.Selects
	}
	v := url.Values{}
	v.Set("begin", StatdTime(q.Begin))
	if !q.End.IsZero() {
		v.Set("end", StatdTime(q.End))
	}
	v.Set("g", q.Granularity)
	if q.Group != "" {
		v.Set("group", q.Group)
	}
	for f, vals := range q.Filters {
		for _, x := range vals {
			v.Add("$"+f, x)
		}
	}
	for _, s := range sel {
		v.Add("select", s)
	}
	var raw []struct {
		Time   string                     `json:"time"`
		Values map[string]json.RawMessage `json:"values"`
	}
	if err := c.get(ctx, c.pili, "/statd/"+q.Metric, v, &raw); err != nil {
		return nil, err
	}
	var rows []UsageRow
	for _, p := range raw {
		if q.Group == "" {
			vals := map[string]float64{}
			for k, x := range p.Values {
				var f float64
				if json.Unmarshal(x, &f) == nil {
					vals[k] = f
				}
			}
			rows = append(rows, UsageRow{Time: p.Time, Values: vals})
			continue
		}
		groups := make([]string, 0, len(p.Values))
		for g := range p.Values {
			groups = append(groups, g)
		}
		sort.Strings(groups)
		for _, g := range groups {
			var vals map[string]float64
			if json.Unmarshal(p.Values[g], &vals) != nil || vals == nil {
				continue
			}
			rows = append(rows, UsageRow{Time: p.Time, Group: g, Values: vals})
		}
	}
	return rows, nil
}
