package aiozapi

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Playlists (spec §6.10, L1–L9): a linked list of items (next_id /
// previous_id). Reordering needs the current links, so callers read the
// detail (GetPlaylist, no sort) right before MovePlaylistItem (rule A6).

// Tags is a playlist's tags: OA answers a string ("a,b") where requests
// send an array; both forms are read.
type Tags []string

// UnmarshalJSON accepts ["a","b"], "a,b" or null.
func (t *Tags) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*t = list
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = nil
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*t = append(*t, p)
		}
	}
	return nil
}

// Playlist is OA's Playlist.
type Playlist struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	PlaylistType string            `json:"playlist_type,omitempty"`
	PlaylistURL  string            `json:"playlist_url,omitempty"`
	ThumbnailURL string            `json:"thumbnail_url,omitempty"`
	Tags         Tags              `json:"tags,omitempty"`
	Metadata     map[string]string `json:"metadata,omitempty"`
	Duration     float64           `json:"duration,omitempty"`
	Size         int64             `json:"size,omitempty"`
	ItemCount    int               `json:"item_count"`
	Items        []PlaylistItem    `json:"items,omitempty"`
	CreatedAt    string            `json:"created_at,omitempty"`
	UpdatedAt    string            `json:"updated_at,omitempty"`
}

// PlaylistItem is one entry of the linked list.
type PlaylistItem struct {
	ID         string            `json:"id"`
	PlaylistID string            `json:"playlist_id,omitempty"`
	VideoID    string            `json:"video_id"`
	NextID     string            `json:"next_id,omitempty"`
	PreviousID string            `json:"previous_id,omitempty"`
	Media      PlaylistItemMedia `json:"media"`
}

// PlaylistItemMedia is what a playlist item shows of its media.
type PlaylistItemMedia struct {
	Title    string  `json:"title,omitempty"`
	Duration float64 `json:"duration,omitempty"`
	HLSURL   string  `json:"hls_url,omitempty"`
}

// LinkedOrder returns items in linked-list order: from the item without a
// previous_id along next_id. When the links do not describe one complete
// chain the items are returned as listed.
func LinkedOrder(items []PlaylistItem) []PlaylistItem {
	byID := map[string]PlaylistItem{}
	var heads []PlaylistItem
	for _, it := range items {
		byID[it.ID] = it
		if it.PreviousID == "" {
			heads = append(heads, it)
		}
	}
	if len(heads) != 1 || len(byID) != len(items) {
		return items
	}
	out := make([]PlaylistItem, 0, len(items))
	seen := map[string]bool{}
	for it, ok := heads[0], true; ok && !seen[it.ID]; it, ok = byID[it.NextID] {
		seen[it.ID] = true
		out = append(out, it)
	}
	if len(out) != len(items) {
		return items
	}
	return out
}

// CreatePlaylistRequest is L1's body (OA JSON form).
type CreatePlaylistRequest struct {
	Name     string     `json:"name"`
	Tags     []string   `json:"tags,omitempty"`
	Metadata []Metadata `json:"metadata,omitempty"`
}

// CreatePlaylist creates an empty playlist (L1).
func (c *Client) CreatePlaylist(ctx context.Context, req CreatePlaylistRequest) (Playlist, error) {
	var out envelope[struct {
		Playlist Playlist `json:"playlist"`
	}]
	err := c.postJSON(ctx, "/playlists/create", req, &out)
	return out.Data.Playlist, err
}

// ListPlaylistsRequest is L2's body.
type ListPlaylistsRequest struct {
	Search   string     `json:"search,omitempty"`
	Tags     []string   `json:"tags,omitempty"`
	Metadata []Metadata `json:"metadata,omitempty"`
	SortBy   string     `json:"sort_by,omitempty"`
	OrderBy  string     `json:"order_by,omitempty"`
	Offset   int        `json:"offset"`
	Limit    int        `json:"limit,omitempty"`
}

// PlaylistList is L2's data.
type PlaylistList struct {
	Playlists []Playlist `json:"playlists"`
	Total     int        `json:"total"`
}

// ListPlaylists lists playlists (L2); read-only, so retried like a GET.
func (c *Client) ListPlaylists(ctx context.Context, req ListPlaylistsRequest) (PlaylistList, error) {
	var out envelope[PlaylistList]
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/playlists", JSON: req, Idempotent: true}, &out)
	return out.Data, err
}

// GetPlaylist reads a playlist with its items in the custom (linked-list)
// order: no sort_by or order_by is sent (L3).
func (c *Client) GetPlaylist(ctx context.Context, id string) (Playlist, error) {
	var out envelope[struct {
		Playlist Playlist `json:"playlist"`
	}]
	err := c.getData(ctx, "/playlists/"+seg(id), nil, &out)
	return out.Data.Playlist, err
}

// UpdatePlaylistRequest is L4's multipart body; empty fields are not sent.
type UpdatePlaylistRequest struct {
	Name          string
	Tags          []string
	Metadata      map[string]string
	ThumbnailName string // with Thumbnail: the file name (.jpg, .jpeg, .png)
	Thumbnail     []byte
}

// UpdatePlaylist changes a playlist's name, tags, metadata or thumbnail (L4).
func (c *Client) UpdatePlaylist(ctx context.Context, id string, req UpdatePlaylistRequest) error {
	fields := map[string]string{}
	if req.Name != "" {
		fields["name"] = req.Name
	}
	if len(req.Tags) > 0 {
		fields["tags"] = strings.Join(req.Tags, ",")
	}
	if len(req.Metadata) > 0 {
		b, err := json.Marshal(req.Metadata)
		if err != nil {
			return err
		}
		fields["metadata"] = string(b)
	}
	var body []byte
	var ctype string
	var err error
	if req.Thumbnail != nil {
		body, ctype, err = fileForm(req.ThumbnailName, req.Thumbnail, fields)
	} else {
		body, ctype, err = fieldsForm(fields)
	}
	if err != nil {
		return err
	}
	_, err = c.http.Do(ctx, httpx.Request{Method: http.MethodPatch, Path: "/playlists/" + seg(id), Body: body, ContentType: ctype, Idempotent: true}, nil)
	return err
}

// DeletePlaylist deletes a playlist (L5); its media stay.
func (c *Client) DeletePlaylist(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/playlists/" + seg(id)}, nil)
	return err
}

// AddPlaylistItem appends a media to a playlist (L6, OA body).
func (c *Client) AddPlaylistItem(ctx context.Context, id, mediaID string) error {
	return c.postJSON(ctx, "/playlists/"+seg(id)+"/items", map[string]string{"media_id": mediaID}, nil)
}

// MoveRequest is L7's body: the item to move and its new neighbours (top:
// only NextID; bottom: only PreviousID; between: both).
type MoveRequest struct {
	CurrentID  string `json:"current_id"`
	NextID     string `json:"next_id,omitempty"`
	PreviousID string `json:"previous_id,omitempty"`
}

// MovePlaylistItem relinks one item (L7).
func (c *Client) MovePlaylistItem(ctx context.Context, id string, req MoveRequest) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPut, Path: "/playlists/" + seg(id) + "/items", JSON: req}, nil)
	return err
}

// RemovePlaylistItem removes one item (L8), with seed 001's empty body.
func (c *Client) RemovePlaylistItem(ctx context.Context, id, itemID string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/playlists/" + seg(id) + "/items/" + seg(itemID)}, nil)
	return err
}

// DeletePlaylistThumbnail removes a playlist's thumbnail (L9).
func (c *Client) DeletePlaylistThumbnail(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/playlists/" + seg(id) + "/thumbnail"}, nil)
	return err
}

// fieldsForm builds a multipart body of text fields only.
func fieldsForm(fields map[string]string) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), w.FormDataContentType(), nil
}
