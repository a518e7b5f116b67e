package aiozapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Webhook is OA's Webhook (spec §5.5).
type Webhook struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	URL              string `json:"url"`
	UserID           string `json:"user_id,omitempty"`
	CreatedAt        string `json:"created_at,omitempty"`
	UpdatedAt        string `json:"updated_at,omitempty"`
	LastTriggeredAt  string `json:"last_triggered_at,omitempty"`
	FileReceived     bool   `json:"file_received"`
	EncodingStarted  bool   `json:"encoding_started"`
	PartialFinished  bool   `json:"partial_finished"`
	EncodingFinished bool   `json:"encoding_finished"`
	EncodingFailed   bool   `json:"encoding_failed"`
}

// WebhookRequest is W1's and W4's body; W4 is sent with every field, so
// an update never depends on how the server treats absent ones.
type WebhookRequest struct {
	Name             string `json:"name"`
	URL              string `json:"url"`
	FileReceived     bool   `json:"file_received"`
	EncodingStarted  bool   `json:"encoding_started"`
	PartialFinished  bool   `json:"partial_finished"`
	EncodingFinished bool   `json:"encoding_finished"`
	EncodingFailed   bool   `json:"encoding_failed"`
}

// ListQuery is the query of the account lists (§3.2).
type ListQuery struct {
	Search  string
	SortBy  string // created_at or name
	OrderBy string // asc or desc
	Offset  int
	Limit   int
}

func (l ListQuery) values() url.Values {
	q := url.Values{}
	if l.Search != "" {
		q.Set("search", l.Search)
	}
	if l.SortBy != "" {
		q.Set("sort_by", l.SortBy)
	}
	if l.OrderBy != "" {
		q.Set("order_by", l.OrderBy)
	}
	q.Set("offset", strconv.Itoa(l.Offset))
	if l.Limit > 0 {
		q.Set("limit", strconv.Itoa(l.Limit))
	}
	return q
}

// CreateWebhook registers a webhook (W1). It does not check it; callers
// report it active only after CheckWebhook succeeded (rule A8).
func (c *Client) CreateWebhook(ctx context.Context, req WebhookRequest) (Webhook, error) {
	var out envelope[struct {
		Webhook Webhook `json:"webhook"`
	}]
	err := c.postJSON(ctx, "/webhooks", req, &out)
	return out.Data.Webhook, err
}

// WebhookList is W2's data.
type WebhookList struct {
	Webhooks []Webhook `json:"webhooks"`
	Total    int       `json:"total"`
}

// ListWebhooks lists webhooks (W2).
func (c *Client) ListWebhooks(ctx context.Context, l ListQuery) (WebhookList, error) {
	var out envelope[WebhookList]
	err := c.getData(ctx, "/webhooks", l.values(), &out)
	return out.Data, err
}

// GetWebhook reads one webhook (W3).
func (c *Client) GetWebhook(ctx context.Context, id string) (Webhook, error) {
	var out envelope[struct {
		Webhook Webhook `json:"webhook"`
	}]
	err := c.getData(ctx, "/webhooks/"+seg(id), nil, &out)
	return out.Data.Webhook, err
}

// UpdateWebhook replaces a webhook's fields (W4).
func (c *Client) UpdateWebhook(ctx context.Context, id string, req WebhookRequest) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPatch, Path: "/webhooks/" + seg(id), JSON: req, Idempotent: true}, nil)
	return err
}

// DeleteWebhook deletes a webhook (W5).
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/webhooks/" + seg(id)}, nil)
	return err
}

// CheckWebhook asks AIOZ to call the webhook's URL (W6); nil means the URL
// answered.
func (c *Client) CheckWebhook(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/webhooks/check/" + seg(id), Idempotent: true}, nil)
	return err
}
