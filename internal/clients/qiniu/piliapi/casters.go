package piliapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// CasterSpec is the body of CreateCaster and UpdateCaster (spec §4.5.1–2).
// Nested objects are passed through as JSON: their reference page is not in
// the docs. Name and Canvas cannot be updated.
type CasterSpec struct {
	Name      string          `json:"name,omitempty"`
	StaticKey string          `json:"staticKey,omitempty"`
	Monitors  json.RawMessage `json:"monitors,omitempty"`
	Canvas    json.RawMessage `json:"canvas,omitempty"`
	PvwOutput json.RawMessage `json:"pvwOutput,omitempty"`
	PgmOutput json.RawMessage `json:"pgmOutput,omitempty"`
	Layouts   json.RawMessage `json:"layouts,omitempty"`
	Storage   json.RawMessage `json:"storage,omitempty"`
}

// TimeSwitch is a director's run window.
type TimeSwitch struct {
	Start int64 `json:"start"`
	Stop  int64 `json:"stop"`
}

// Caster is a cloud director (云导播). StaticKey is a secret (it doubles as
// the console login password).
type Caster struct {
	ID         string          `json:"id"`
	UID        int64           `json:"uid"`
	Name       string          `json:"name"`
	StaticKey  string          `json:"staticKey"`
	Monitors   json.RawMessage `json:"monitors,omitempty"`
	Canvas     json.RawMessage `json:"canvas,omitempty"`
	TimeSwitch TimeSwitch      `json:"timeSwitch"`
	PvwOutput  json.RawMessage `json:"pvwOutput,omitempty"`
	PgmOutput  json.RawMessage `json:"pgmOutput,omitempty"`
	Layouts    json.RawMessage `json:"layouts,omitempty"`
	Storage    json.RawMessage `json:"storage,omitempty"`
	Stage      int             `json:"stage"`
	Status     string          `json:"status"`
	CreateAt   int64           `json:"createAt"`
	UpdateAt   int64           `json:"updateAt"`
}

func casterPath(id string) string { return "/v1/casters/" + seg(id) }

// CreateCaster creates a director; Qiniu starts it for 1 hour (billed).
func (c *Client) CreateCaster(ctx context.Context, s CasterSpec) (Caster, error) {
	var out Caster
	if err := need("name", s.Name); err != nil {
		return out, err
	}
	err := c.post(ctx, c.caster, "/v1/casters", s, &out, false)
	c.secret(out.StaticKey)
	return out, err
}

// UpdateCaster updates top-level fields; nested objects are replaced whole.
func (c *Client) UpdateCaster(ctx context.Context, id string, s CasterSpec) (Caster, error) {
	var out Caster
	if err := need("id", id); err != nil {
		return out, err
	}
	if s.Name != "" || len(s.Canvas) > 0 {
		return out, fmt.Errorf("pili: a caster's name and canvas cannot be updated")
	}
	err := c.post(ctx, c.caster, casterPath(id), s, &out, false)
	c.secret(out.StaticKey)
	return out, err
}

// DeleteCaster deletes a director (no Content-Type, like the example).
func (c *Client) DeleteCaster(ctx context.Context, id string) error {
	if err := need("id", id); err != nil {
		return err
	}
	_, err := c.caster.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: casterPath(id)}, nil)
	return err
}

// StartCaster starts a director at Unix time start (0: now) for hours
// (0: 1 h); while it runs, hours extend it and start must be 0.
func (c *Client) StartCaster(ctx context.Context, id string, start int64, hours int) error {
	if err := need("id", id); err != nil {
		return err
	}
	body := map[string]int64{}
	if start > 0 {
		body["start"] = start
	}
	if hours > 0 {
		body["hour"] = int64(hours)
	}
	return c.post(ctx, c.caster, casterPath(id)+"/start", body, nil, false)
}

// StopCaster stops a director (POST with no body).
func (c *Client) StopCaster(ctx context.Context, id string) error {
	if err := need("id", id); err != nil {
		return err
	}
	_, err := c.caster.Do(ctx, httpx.Request{Method: http.MethodPost, Path: casterPath(id) + "/stop", Idempotent: true}, nil)
	return err
}

// CasterList is one page of directors.
type CasterList struct {
	Count  int      `json:"count"`
	Marker string   `json:"marker"`
	Items  []Caster `json:"items"`
}

// ListCasters lists directors by name prefix; limit 0 is the server's 50.
func (c *Client) ListCasters(ctx context.Context, namePrefix, marker string, limit int) (CasterList, error) {
	q := url.Values{}
	if namePrefix != "" {
		q.Set("name", namePrefix)
	}
	if marker != "" {
		q.Set("marker", marker)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out CasterList
	err := c.get(ctx, c.caster, "/v1/casters", q, &out)
	for _, it := range out.Items {
		c.secret(it.StaticKey)
	}
	return out, err
}

// GetCaster reads a director.
func (c *Client) GetCaster(ctx context.Context, id string) (Caster, error) {
	var out Caster
	if err := need("id", id); err != nil {
		return out, err
	}
	err := c.get(ctx, c.caster, casterPath(id), nil, &out)
	c.secret(out.StaticKey)
	return out, err
}
