package aiozapi

import (
	"context"
	"net/url"
	"strconv"
)

// The payment endpoints (Y1–Y3) are in seed 001 only, with no response
// shapes; they may be retired (spec §6.9). Rows are decoded as maps and the
// figures read by name where present. Their lists take camelCase
// orderBy/sortBy, unlike every other AIOZ list (spec §10.2).

// PaymentUsage is Y1's data: storage (bytes), delivery (bytes), transcode
// (seconds) and their costs, as far as the server names them.
type PaymentUsage map[string]any

// Usage reads payment usage for [from, to] in UNIX seconds (Y1).
func (c *Client) PaymentUsage(ctx context.Context, from, to int64) (PaymentUsage, error) {
	q := url.Values{}
	q.Set("from", strconv.FormatInt(from, 10))
	q.Set("to", strconv.FormatInt(to, 10))
	var out envelope[PaymentUsage]
	err := c.getData(ctx, "/payment/usage", q, &out)
	return out.Data, err
}

// PaymentPage is Y2's and Y3's paging, in the payment endpoints' camelCase.
type PaymentPage struct {
	Offset, Limit int
	OrderBy       string // asc or desc
}

func (p PaymentPage) values(sortBy string) url.Values {
	q := url.Values{}
	q.Set("offset", strconv.Itoa(p.Offset))
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.OrderBy != "" {
		q.Set("orderBy", p.OrderBy)
	}
	if sortBy != "" {
		q.Set("sortBy", sortBy)
	}
	return q
}

// PaymentRows is a page of top-ups or billings.
type PaymentRows struct {
	Rows  []map[string]any
	Total int
}

// TopUps lists wallet top-ups, newest first by default (Y2).
func (c *Client) TopUps(ctx context.Context, p PaymentPage) (PaymentRows, error) {
	var out envelope[struct {
		TopUps []map[string]any `json:"top_ups"`
		Total  int              `json:"total"`
	}]
	err := c.getData(ctx, "/payment/top_ups", p.values("created_at"), &out)
	return PaymentRows{Rows: out.Data.TopUps, Total: out.Data.Total}, err
}

// Billings lists the monthly billings (Y3).
func (c *Client) Billings(ctx context.Context, p PaymentPage) (PaymentRows, error) {
	var out envelope[struct {
		Billings []map[string]any `json:"billings"`
		Total    int              `json:"total"`
	}]
	err := c.getData(ctx, "/payment/billings", p.values(""), &out)
	return PaymentRows{Rows: out.Data.Billings, Total: out.Data.Total}, err
}

func strconvI(v int64) string { return strconv.FormatInt(v, 10) }
