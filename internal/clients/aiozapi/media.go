package aiozapi

import (
	"bytes"
	"context"

	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// CreateMediaRequest is M1's body.
type CreateMediaRequest struct {
	Title       string          `json:"title"`
	Type        string          `json:"type"`
	Description string          `json:"description,omitempty"`
	IsPublic    *bool           `json:"is_public,omitempty"`
	Tags        []string        `json:"tags,omitempty"`
	Metadata    []Metadata      `json:"metadata,omitempty"`
	Qualities   []QualityConfig `json:"qualities,omitempty"`
}

// CreateMedia creates a media object (M1). It does not check the transcode
// cost; callers with custom qualities call TranscodeCost first (rule A3).
func (c *Client) CreateMedia(ctx context.Context, req CreateMediaRequest) (Media, error) {
	var out envelope[Media]
	err := c.postJSON(ctx, "/media/create", req, &out)
	return out.Data, err
}

// ListMediaRequest is M2's body, in the OpenAPI form.
type ListMediaRequest struct {
	Type     string     `json:"type,omitempty"`
	Search   string     `json:"search,omitempty"`
	Status   []string   `json:"status,omitempty"`
	Tags     []string   `json:"tags,omitempty"`
	Metadata []Metadata `json:"metadata,omitempty"`
	SortBy   string     `json:"sort_by,omitempty"`
	OrderBy  string     `json:"order_by,omitempty"`
	Offset   int        `json:"offset"`
	Limit    int        `json:"limit,omitempty"`
}

// MediaList is M2's data.
type MediaList struct {
	Media []Media `json:"media"`
	Total int     `json:"total"`
}

// ListMedia lists or searches media (M2).
func (c *Client) ListMedia(ctx context.Context, req ListMediaRequest) (MediaList, error) {
	var out envelope[MediaList]
	// Listing is read-only, so it is safe to retry although it is a POST.
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/media", JSON: req, Idempotent: true}, &out)
	return out.Data, err
}

// GetMedia reads one media object (M3).
func (c *Client) GetMedia(ctx context.Context, id string) (Media, error) {
	var out envelope[Media]
	err := c.getData(ctx, "/media/"+seg(id), nil, &out)
	return out.Data, err
}

// UpdateMediaRequest is M7's body; nil fields are left unchanged.
type UpdateMediaRequest struct {
	Title       *string    `json:"title,omitempty"`
	Description *string    `json:"description,omitempty"`
	IsPublic    *bool      `json:"is_public,omitempty"`
	Tags        []string   `json:"tags,omitempty"`
	Metadata    []Metadata `json:"metadata,omitempty"`
	PlayerID    string     `json:"player_id,omitempty"`
}

// UpdateMedia changes a media object's information (M7).
func (c *Client) UpdateMedia(ctx context.Context, id string, req UpdateMediaRequest) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPatch, Path: "/media/" + seg(id), JSON: req, Idempotent: true}, nil)
	return err
}

// DeleteMedia deletes a media object (M10).
func (c *Client) DeleteMedia(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/media/" + seg(id)}, nil)
	return err
}

// Cost is M4's data.
type Cost struct {
	Price    float64 `json:"price"`
	IsEnough bool    `json:"is_enough"`
}

// TranscodeCost asks what transcoding would cost (M4). qualities are
// resolutions ("360p", "1080p") or audio presets ("highest").
func (c *Client) TranscodeCost(ctx context.Context, mediaType string, durationSeconds float64, qualities []string) (Cost, error) {
	q := url.Values{}
	q.Set("type", mediaType)
	q.Set("duration", strconv.FormatFloat(durationSeconds, 'f', -1, 64))
	q.Set("qualities", strings.Join(qualities, ","))
	var out envelope[Cost]
	err := c.getData(ctx, "/media/cost", q, &out)
	return out.Data, err
}

// Complete tells AIOZ every part has arrived (M6), which starts transcoding.
// Call it only after every part succeeded (rule A2).
func (c *Client) Complete(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodGet, Path: "/media/" + seg(id) + "/complete"}, nil)
	return err
}

// SetThumbnail uploads a .png or .jpg as the media thumbnail (M8).
func (c *Client) SetThumbnail(ctx context.Context, id, path string) error {
	return c.postFile(ctx, "/media/"+seg(id)+"/thumbnail", path)
}

// postFile uploads the local file at path as a multipart "file" field to
// apiPath (the media and live stream media thumbnails).
func (c *Client) postFile(ctx context.Context, apiPath, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	body, ctype, err := fileForm(filepath.Base(path), data, nil)
	if err != nil {
		return err
	}
	_, err = c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: apiPath, Body: body, ContentType: ctype, Idempotent: true}, nil)
	return err
}

// fileForm builds a small multipart body with one file and extra fields.
func fileForm(name string, data []byte, fields map[string]string) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			return nil, "", err
		}
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		return nil, "", err
	}
	if _, err := io.Copy(fw, bytes.NewReader(data)); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

// User is the account (U1); balance and debt are strings in OA.
type User struct {
	ID        string `json:"id"`
	Email     string `json:"email,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Balance   string `json:"balance,omitempty"`
	Debt      string `json:"debt,omitempty"`
	Wallet    string `json:"wallet_address,omitempty"`
}

// Me reads the account (U1).
func (c *Client) Me(ctx context.Context) (User, error) {
	var out envelope[struct {
		User User `json:"user"`
	}]
	err := c.getData(ctx, "/user/me", nil, &out)
	return out.Data.User, err
}
