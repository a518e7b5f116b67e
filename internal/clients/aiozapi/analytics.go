package aiozapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// MetricFilter is OA's MetricFilter (sent as filter_by).
type MetricFilter struct {
	MediaIDs    []string `json:"media_ids,omitempty"`
	MediaType   string   `json:"media_type,omitempty"`
	Continents  []string `json:"continents,omitempty"`
	Countries   []string `json:"countries,omitempty"`
	DeviceTypes []string `json:"device_types,omitempty"`
	OS          []string `json:"os,omitempty"`
	Browsers    []string `json:"browsers,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

// MetricQuery is the body of N1–N3; From/To are UNIX seconds.
type MetricQuery struct {
	From     int64         `json:"from"`
	To       int64         `json:"to"`
	FilterBy *MetricFilter `json:"filter_by,omitempty"`
	Limit    int           `json:"limit,omitempty"`
	Offset   int           `json:"offset,omitempty"`
	SortBy   string        `json:"sort_by,omitempty"`
	OrderBy  string        `json:"order_by,omitempty"`
}

// MetricItem is one bucket or time point.
type MetricItem struct {
	DimensionValue string  `json:"dimension_value,omitempty"`
	EmittedAt      string  `json:"emitted_at,omitempty"`
	MetricValue    float64 `json:"metric_value"`
}

// MetricsContext echoes what was asked.
type MetricsContext struct {
	Metric      string `json:"metric,omitempty"`
	Aggregation string `json:"aggregation,omitempty"`
	Breakdown   string `json:"breakdown,omitempty"`
	Interval    string `json:"interval,omitempty"`
}

// Aggregate is N1's data.
type Aggregate struct {
	Context MetricsContext `json:"context"`
	Data    float64        `json:"data"`
}

// Buckets is N2's and N3's data.
type Buckets struct {
	Context MetricsContext `json:"context"`
	Data    []MetricItem   `json:"data"`
	Total   int            `json:"total"`
}

// readOnlyPost marks the analytics POSTs, which read only, as retryable.
func (c *Client) readOnlyPost(ctx context.Context, path string, body, out any) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: path, JSON: body, Idempotent: true}, out)
	return err
}

// Metric is N1: one aggregated number.
func (c *Client) Metric(ctx context.Context, metric, aggregation string, q MetricQuery) (Aggregate, error) {
	var out envelope[Aggregate]
	err := c.readOnlyPost(ctx, "/analytics/metrics/data/"+seg(metric)+"/"+seg(aggregation), q, &out)
	return out.Data, err
}

// Breakdown is N2: a metric per dimension value.
func (c *Client) Breakdown(ctx context.Context, metric, breakdown string, q MetricQuery) (Buckets, error) {
	var out envelope[Buckets]
	err := c.readOnlyPost(ctx, "/analytics/metrics/bucket/"+seg(metric)+"/"+seg(breakdown), q, &out)
	return out.Data, err
}

// Timeseries is N3: a metric per hour or day.
func (c *Client) Timeseries(ctx context.Context, metric, interval string, q MetricQuery) (Buckets, error) {
	var out envelope[Buckets]
	err := c.readOnlyPost(ctx, "/analytics/metrics/timeseries/"+seg(metric)+"/"+seg(interval), q, &out)
	return out.Data, err
}

// DataUsage is one row of N4.
type DataUsage struct {
	CreatedAt string `json:"created_at"`
	Delivery  int64  `json:"delivery"`
	UserID    string `json:"user_id,omitempty"`
}

// Usage is N4's data.
type Usage struct {
	Data  []DataUsage `json:"data"`
	Total int         `json:"total"`
}

// UsageData is N4, seed 000's legacy GET /analytics/data.
func (c *Client) UsageData(ctx context.Context, from, to int64, interval string, offset, limit int) (Usage, error) {
	q := url.Values{}
	q.Set("from", strconv.FormatInt(from, 10))
	q.Set("to", strconv.FormatInt(to, 10))
	q.Set("interval", interval)
	q.Set("offset", strconv.Itoa(offset))
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out envelope[Usage]
	err := c.getData(ctx, "/analytics/data", q, &out)
	return out.Data, err
}
