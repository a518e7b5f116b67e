package vodapi

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// CreateRequest is V1's body.
type CreateRequest struct {
	StorageID     string `json:"storage_id"`
	SourceType    string `json:"source_type"`
	SourceID      string `json:"source_id,omitempty"`
	VideoName     string `json:"video_name,omitempty"`
	SkipAutoTrans bool   `json:"skip_auto_trans,omitempty"`
}

// CreateVideo is V1: a video from a storage id; it returns the video id.
func (c *Client) CreateVideo(ctx context.Context, r CreateRequest) (string, error) {
	var out struct {
		Envelope
		ID string `json:"id"`
	}
	if err := c.post(ctx, "/video/api/create", nil, r, &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// VideoList is V2's and V5's answer.
type VideoList struct {
	Envelope
	Count  int     `json:"count"`
	Videos []Video `json:"videos"`
}

// ListQuery pages V2, or searches with V5 when Search or SourceType is set.
type ListQuery struct {
	Search, SourceType string
	Page, PageSize     int // 0: the service's defaults (1, 15)
}

// Searching reports whether q goes to V5.
func (q ListQuery) Searching() bool { return q.Search != "" || q.SourceType != "" }

// ListVideos is V2 (or V5 when searching).
func (c *Client) ListVideos(ctx context.Context, q ListQuery) (VideoList, error) {
	v := url.Values{}
	if q.Page > 0 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.PageSize > 0 {
		v.Set("page_size", strconv.Itoa(q.PageSize))
	}
	path := "/video/api/list"
	if q.Searching() {
		path = "/video/api/search"
		if q.Search != "" {
			v.Set("search", q.Search)
		}
		if q.SourceType != "" {
			v.Set("source_type", q.SourceType)
		}
	}
	var out VideoList
	err := c.get(ctx, path, v, &out)
	return out, err
}

type videoAnswer struct {
	Envelope
	Video Video `json:"video"`
}

// GetVideo is V3.
func (c *Client) GetVideo(ctx context.Context, id string) (Video, error) {
	var out videoAnswer
	err := c.get(ctx, "/video/api/get", url.Values{"id": {id}}, &out)
	return out.Video, err
}

// GetSharedVideo is V4: the video when its share state and password allow.
func (c *Client) GetSharedVideo(ctx context.Context, id, password string) (Video, error) {
	var out videoAnswer
	q := url.Values{"id": {id}}
	if password != "" {
		q.Set("password", password)
	}
	err := c.get(ctx, "/video/api/get_shared_video", q, &out)
	return out.Video, err
}

// UpdateRequest is V6's body; empty fields are left out.
type UpdateRequest struct {
	VideoName      string `json:"video_name,omitempty"`
	ThumbStorageID string `json:"thumb_storage_id,omitempty"`
}

// UpdateVideo is V6. A new cover deletes the old one.
func (c *Client) UpdateVideo(ctx context.Context, id string, r UpdateRequest) error {
	var out Envelope
	return c.post(ctx, "/video/api/update", url.Values{"id": {id}}, r, &out)
}

// SetShare is V7.
func (c *Client) SetShare(ctx context.Context, id string, state int, password string) error {
	var out Envelope
	body := struct {
		SharedState int    `json:"shared_state"`
		Password    string `json:"password"`
	}{state, password}
	return c.post(ctx, "/video/api/set_video_password", url.Values{"id": {id}}, body, &out)
}

// StorageUsed is V8: bytes used by all the user's videos.
func (c *Client) StorageUsed(ctx context.Context) (int64, error) {
	var out struct {
		Envelope
		SizeSum int64 `json:"size_sum"`
	}
	err := c.get(ctx, "/video/api/get_video_size_sum", nil, &out)
	return out.SizeSum, err
}

// Transcode is V9. redo deletes the existing transcode task first.
func (c *Client) Transcode(ctx context.Context, id string, templateID int, redo bool) error {
	var out Envelope
	body := struct {
		TaskConfigTempID int  `json:"task_config_temp_id"`
		Redo             bool `json:"redo"`
	}{templateID, redo}
	return c.post(ctx, "/video/api/trans", url.Values{"id": {id}}, body, &out)
}

// DeleteVideos is V10 for one id and V11 for several; the service deletes
// renditions and cover with each video.
func (c *Client) DeleteVideos(ctx context.Context, ids []string) error {
	var out Envelope
	if len(ids) == 1 {
		return c.post(ctx, "/video/api/delete", url.Values{"id": {ids[0]}}, nil, &out)
	}
	return c.post(ctx, "/video/api/delete_videos", url.Values{"ids": {strings.Join(ids, ",")}}, nil, &out)
}
