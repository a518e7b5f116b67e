package aiozapi

import (
	"context"
	"net/http"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Live streams (spec §6.11, OA only). A stream key is a publish credential:
// every key this client decodes is registered for redaction at once, so it
// cannot reach a result, an error or a log line, even inside a path (the
// multicast routes put it there).

// LiveStreamKey is OA's LiveStreamKeyData.
type LiveStreamKey struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	RTMPURL   string `json:"rtmp_url,omitempty"`
	StreamKey string `json:"stream_key,omitempty"`
	Type      string `json:"type,omitempty"`
	Save      bool   `json:"save"`
	CreatedAt string `json:"created_at,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty"`
}

func (c *Client) hideKey(k LiveStreamKey) LiveStreamKey {
	c.http.Redact.Add(k.StreamKey)
	return k
}

// CreateLiveStreamKey creates a key (S2; 200, not 201).
func (c *Client) CreateLiveStreamKey(ctx context.Context, name string, save bool, typ string) (LiveStreamKey, error) {
	var out envelope[LiveStreamKey]
	err := c.postJSON(ctx, "/live_streams", map[string]any{"name": name, "save": save, "type": typ}, &out)
	return c.hideKey(out.Data), err
}

// LiveStreamKeyList is S1's data.
type LiveStreamKeyList struct {
	Keys  []LiveStreamKey `json:"live_stream_keys"`
	Total int             `json:"total"`
}

// ListLiveStreamKeys lists keys of one type (S1; the API's default is video).
func (c *Client) ListLiveStreamKeys(ctx context.Context, l ListQuery, typ string) (LiveStreamKeyList, error) {
	q := l.values()
	if typ != "" {
		q.Set("type", typ)
	}
	var out envelope[LiveStreamKeyList]
	err := c.getData(ctx, "/live_streams", q, &out)
	for i := range out.Data.Keys {
		out.Data.Keys[i] = c.hideKey(out.Data.Keys[i])
	}
	return out.Data, err
}

// GetLiveStreamKey reads one key (S3).
func (c *Client) GetLiveStreamKey(ctx context.Context, id string) (LiveStreamKey, error) {
	var out envelope[LiveStreamKey]
	err := c.getData(ctx, "/live_streams/"+seg(id), nil, &out)
	return c.hideKey(out.Data), err
}

// UpdateLiveStreamKey renames a key or changes whether it records (S4).
// OA types this body's "type" as a boolean, so type is never sent.
func (c *Client) UpdateLiveStreamKey(ctx context.Context, id string, name *string, save *bool) (LiveStreamKey, error) {
	body := map[string]any{}
	if name != nil {
		body["name"] = *name
	}
	if save != nil {
		body["save"] = *save
	}
	var out envelope[LiveStreamKey]
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPut, Path: "/live_streams/" + seg(id), JSON: body, Idempotent: true}, &out)
	return c.hideKey(out.Data), err
}

// DeleteLiveStreamKey deletes a key (S5).
func (c *Client) DeleteLiveStreamKey(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/live_streams/" + seg(id)}, nil)
	return err
}

// LiveAssets are a live stream's playback links.
type LiveAssets struct {
	HLSURL       string `json:"hls_url,omitempty"`
	Iframe       string `json:"iframe,omitempty"`
	PlayerURL    string `json:"player_url,omitempty"`
	ThumbnailURL string `json:"thumbnail_url,omitempty"`
}

// Streaming is OA's LiveStreamMediaResponse: one broadcast of a key.
type Streaming struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	Type            string     `json:"type,omitempty"`
	Status          string     `json:"status,omitempty"`
	LiveStreamKeyID string     `json:"live_stream_key_id,omitempty"`
	Save            bool       `json:"save"`
	Duration        int64      `json:"duration,omitempty"`
	CurrentView     int64      `json:"current_view,omitempty"`
	TotalView       int64      `json:"total_view,omitempty"`
	Qualities       []string   `json:"qualities,omitempty"`
	Assets          LiveAssets `json:"assets"`
	CreatedAt       string     `json:"created_at,omitempty"`
}

// StreamingList is S6's and S7's data.
type StreamingList struct {
	Media []Streaming `json:"media"`
	Total int         `json:"total"`
}

// StreamingRequest is S8's body, and S9's with StreamID.
type StreamingRequest struct {
	StreamID  string          `json:"stream_id,omitempty"`
	Title     string          `json:"title,omitempty"`
	Save      *bool           `json:"save,omitempty"`
	Qualities []QualityConfig `json:"qualities,omitempty"`
}

// CreateStreaming starts a broadcast session on a key (S8).
func (c *Client) CreateStreaming(ctx context.Context, keyID string, req StreamingRequest) (Streaming, error) {
	var out envelope[Streaming]
	err := c.postJSON(ctx, "/live_streams/"+seg(keyID)+"/streamings", req, &out)
	return out.Data, err
}

// SearchStreamings lists a key's broadcasts with filters and paging (S6).
func (c *Client) SearchStreamings(ctx context.Context, keyID, search, status string, offset, limit int) (StreamingList, error) {
	body := map[string]any{"offset": offset, "live_stream_key_id": keyID}
	if limit > 0 {
		body["limit"] = limit
	}
	if search != "" {
		body["search"] = search
	}
	if status != "" {
		body["status"] = status
	}
	var out envelope[StreamingList]
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/live_streams/" + seg(keyID) + "/media", JSON: body, Idempotent: true}, &out)
	return out.Data, err
}

// GetStreaming reads one broadcast (S10).
func (c *Client) GetStreaming(ctx context.Context, keyID, streamID string) (Streaming, error) {
	var out envelope[Streaming]
	err := c.getData(ctx, "/live_streams/"+seg(keyID)+"/streamings/"+seg(streamID), nil, &out)
	return out.Data, err
}

// UpdateStreaming changes a live broadcast (S9: only while it is live).
func (c *Client) UpdateStreaming(ctx context.Context, keyID string, req StreamingRequest) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPut, Path: "/live_streams/" + seg(keyID) + "/streamings", JSON: req, Idempotent: true}, nil)
	return err
}

// DeleteStreaming deletes a broadcast (S11).
func (c *Client) DeleteStreaming(ctx context.Context, keyID, streamID string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/live_streams/" + seg(keyID) + "/streamings/" + seg(streamID)}, nil)
	return err
}

// SetLiveThumbnail uploads a broadcast's thumbnail (S12; id = live stream media id).
func (c *Client) SetLiveThumbnail(ctx context.Context, streamID, path string) error {
	return c.postFile(ctx, "/live_streams/"+seg(streamID)+"/thumbnail", path)
}

// DeleteLiveThumbnail removes a broadcast's thumbnail (S13).
func (c *Client) DeleteLiveThumbnail(ctx context.Context, streamID string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/live_streams/" + seg(streamID) + "/thumbnail"}, nil)
	return err
}

// LiveVideo reads the recording of a broadcast made with save (S14).
func (c *Client) LiveVideo(ctx context.Context, streamID string) (Streaming, error) {
	var out envelope[Streaming]
	err := c.getData(ctx, "/live_streams/"+seg(streamID)+"/video", nil, &out)
	return out.Data, err
}

// Multicast is OA's LiveStreamMulticast: where a key's stream is relayed.
type Multicast struct {
	LiveStreamKeyID string   `json:"live_stream_key_id,omitempty"`
	URLs            []string `json:"live_stream_multicast_urls"`
}

// GetMulticast reads a key's relay targets (S15). streamKey is the secret
// stream key, which the API puts in the path.
func (c *Client) GetMulticast(ctx context.Context, streamKey string) (Multicast, error) {
	c.http.Redact.Add(streamKey)
	var out envelope[Multicast]
	err := c.getData(ctx, "/live_streams/multicast/"+seg(streamKey), nil, &out)
	return out.Data, err
}

// SetMulticast replaces a key's relay targets (S16).
func (c *Client) SetMulticast(ctx context.Context, streamKey string, urls []string) (Multicast, error) {
	c.http.Redact.Add(streamKey)
	var out envelope[Multicast]
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/live_streams/multicast/" + seg(streamKey),
		JSON: map[string]any{"multicast_urls": urls}, Idempotent: true}, &out)
	return out.Data, err
}

// DeleteMulticast removes a key's relay targets (S17).
func (c *Client) DeleteMulticast(ctx context.Context, streamKey string) error {
	c.http.Redact.Add(streamKey)
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/live_streams/multicast/" + seg(streamKey)}, nil)
	return err
}

// LiveStatistic is OA's LiveStreamStatisticResp.
type LiveStatistic struct {
	LiveStreamMediaID string  `json:"live_stream_media_id,omitempty"`
	BitrateIn         float64 `json:"bitrate_in"`
	BitrateOut        float64 `json:"bitrate_out"`
	DataTransferred   float64 `json:"data_transferred"`
	FPSIn             int64   `json:"fps_in"`
	FPSOut            int64   `json:"fps_out"`
	CurrentView       int64   `json:"current_view"`
	TotalView         int64   `json:"total_view"`
}

// LiveStatistics reads a broadcast's ingest and viewer figures (S19).
func (c *Client) LiveStatistics(ctx context.Context, streamID string) (LiveStatistic, error) {
	var out envelope[LiveStatistic]
	err := c.getData(ctx, "/live_streams/statistic/"+seg(streamID), nil, &out)
	return out.Data, err
}

// PlayerConfig reads a public player configuration: M11
// /media/{id}/player.json and L10 /playlists/{id}/player.json (no
// envelope), S18 /live_streams/player/{id}/media (enveloped).
func (c *Client) PlayerConfig(ctx context.Context, kind, id string) (map[string]any, error) {
	var out map[string]any
	switch kind {
	case "live_stream":
		var env envelope[map[string]any]
		err := c.getData(ctx, "/live_streams/player/"+seg(id)+"/media", nil, &env)
		return env.Data, err
	case "playlist":
		err := c.getData(ctx, "/playlists/"+seg(id)+"/player.json", nil, &out)
		return out, err
	default:
		err := c.getData(ctx, "/media/"+seg(id)+"/player.json", nil, &out)
		return out, err
	}
}
