package piliapi

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MaxBatchLive is the most stream titles one BatchGetLive request may carry
// ("数量不超过100", spec §4.3.6). BatchLive splits longer lists.
const MaxBatchLive = 100

// MaxStatsWindow is the widest GetStreamStats window in seconds (24 h).
const MaxStatsWindow = 86400

// Stream is GetStream's answer (spec §4.3.3). PublishKey is a secret.
type Stream struct {
	CreatedAt       int64    `json:"createdAt"`
	UpdatedAt       int64    `json:"updatedAt"`
	ExpireAt        int64    `json:"expireAt"`
	DisabledTill    int64    `json:"disabledTill"`
	Converts        []string `json:"converts"`
	Watermark       bool     `json:"watermark"`
	PublishSecurity string   `json:"publishSecurity"`
	PublishKey      string   `json:"publishKey"`
	NropEnable      bool     `json:"nropEnable"`
}

// DisabledAt reports whether the stream is banned at Unix time now:
// disabledTill -1 is a permanent ban, a time in the future a timed one.
func (s Stream) DisabledAt(now int64) bool {
	return s.DisabledTill == -1 || s.DisabledTill > now
}

// CreateStream creates a stream. nropEnable nil inherits the hub's porn
// detection setting. An existing stream is Qiniu's 614 (IsStreamExists).
func (c *Client) CreateStream(ctx context.Context, hub, title string, nropEnable *bool) error {
	if err := need("hub", hub, "stream", title); err != nil {
		return err
	}
	body := map[string]any{"key": title}
	if nropEnable != nil {
		body["nropEnable"] = *nropEnable
	}
	return c.post(ctx, c.pili, hubPath(hub)+"/streams", body, nil, false)
}

// ListOptions narrow ListStreams.
type ListOptions struct {
	LiveOnly bool
	Prefix   string
	Limit    int // 0–5000; 0 leaves it to the server
	Marker   string
}

// StreamList is one page of stream titles; an empty Marker means the
// listing is complete.
type StreamList struct {
	Keys   []string
	Marker string
}

// ListStreams lists a hub's streams (spec §4.3.2).
func (c *Client) ListStreams(ctx context.Context, hub string, o ListOptions) (StreamList, error) {
	if err := need("hub", hub); err != nil {
		return StreamList{}, err
	}
	q := url.Values{}
	if o.LiveOnly {
		q.Set("liveonly", "true")
	}
	if o.Prefix != "" {
		q.Set("prefix", o.Prefix)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Marker != "" {
		q.Set("marker", o.Marker)
	}
	var out struct {
		Items []struct {
			Key string `json:"key"`
		} `json:"items"`
		Marker string `json:"marker"`
	}
	if err := c.get(ctx, c.pili, hubPath(hub)+"/streams", q, &out); err != nil {
		return StreamList{}, err
	}
	l := StreamList{Keys: make([]string, 0, len(out.Items)), Marker: out.Marker}
	for _, it := range out.Items {
		l.Keys = append(l.Keys, it.Key)
	}
	return l, nil
}

// GetStream reads a stream's config.
func (c *Client) GetStream(ctx context.Context, hub, title string) (Stream, error) {
	var s Stream
	if err := need("hub", hub, "stream", title); err != nil {
		return s, err
	}
	err := c.get(ctx, c.pili, streamPath(hub, title), nil, &s)
	c.secret(s.PublishKey)
	return s, err
}

// DisableStream bans a stream until the Unix time till (-1: permanently).
// It sends an absolute disabledTill rather than disablePeriodSecond, whose
// documented semantics clash (spec quirk 11). A ban cuts a live publisher
// off.
func (c *Client) DisableStream(ctx context.Context, hub, title string, till int64) error {
	if err := need("hub", hub, "stream", title); err != nil {
		return err
	}
	if till == 0 || till < -1 {
		return fmt.Errorf("pili: disabledTill must be -1 or a Unix time, got %d", till)
	}
	return c.post(ctx, c.pili, streamPath(hub, title)+"/disabled", map[string]int64{"disabledTill": till}, nil, false)
}

// EnableStream lifts a ban (disabledTill 0, "解除禁播").
func (c *Client) EnableStream(ctx context.Context, hub, title string) error {
	if err := need("hub", hub, "stream", title); err != nil {
		return err
	}
	return c.post(ctx, c.pili, streamPath(hub, title)+"/disabled", map[string]int64{"disabledTill": 0}, nil, false)
}

// FPS are frame rates.
type FPS struct {
	Audio int `json:"audio"`
	Video int `json:"video"`
	Data  int `json:"data"`
}

// Live is GetStreamLive's answer. Offline streams answer 200 with every
// field zero (spec §4.3.5); Live reports which.
type Live struct {
	StartAt      int64  `json:"startAt"`
	ClientIP     string `json:"clientIP"`
	ServerIP     string `json:"serverIP"`
	Bps          int64  `json:"bps"`
	FPS          FPS    `json:"fps"`
	MaxGop       int    `json:"maxGop"`
	AvgGop       int    `json:"avgGop"`
	VideoBitRate int64  `json:"videoBitRate"`
	AudioBitRate int64  `json:"audioBitRate"`
	Location     string `json:"location"`
	ISP          string `json:"isp"`
	PlayCount    int64  `json:"playCount"`
	Bandwidth    int64  `json:"bandwidth"`
}

// IsLive reports whether the stream is being pushed.
func (l Live) IsLive() bool { return l.StartAt != 0 || l.Bps != 0 || l.ClientIP != "" }

// GetLive reads a stream's live status. An unknown stream is a 404
// (IsNotFound); an offline one is a zero Live.
func (c *Client) GetLive(ctx context.Context, hub, title string) (Live, error) {
	var l Live
	if err := need("hub", hub, "stream", title); err != nil {
		return l, err
	}
	err := c.get(ctx, c.pili, streamPath(hub, title)+"/live", nil, &l)
	return l, err
}

// LiveItem is one live stream of BatchLive.
type LiveItem struct {
	Key      string `json:"key"`
	StartAt  int64  `json:"startAt"`
	ClientIP string `json:"clientIP"`
	ServerIP string `json:"serverIP"`
	Bps      int64  `json:"bps"`
	FPS      FPS    `json:"fps"`
}

// BatchLive returns the live ones among titles (offline and unknown streams
// are absent). Duplicates are dropped and the list is sent in requests of at
// most MaxBatchLive titles, so no request is ever oversized; requests reports
// how many were sent.
func (c *Client) BatchLive(ctx context.Context, hub string, titles []string) (items []LiveItem, requests int, err error) {
	if err := need("hub", hub); err != nil {
		return nil, 0, err
	}
	seen := map[string]bool{}
	uniq := make([]string, 0, len(titles))
	for _, t := range titles {
		if t = strings.TrimSpace(t); t != "" && !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	items = nil
	for start := 0; start < len(uniq); start += MaxBatchLive {
		chunk := uniq[start:min(start+MaxBatchLive, len(uniq))]
		var out struct {
			Items []LiveItem `json:"items"`
		}
		requests++
		if err := c.post(ctx, c.pili, hubPath(hub)+"/livestreams", map[string][]string{"items": chunk}, &out, true); err != nil {
			return items, requests, err
		}
		items = append(items, out.Items...)
	}
	return items, requests, nil
}

// Activity is one push session.
type Activity struct {
	Start    int64  `json:"start"`
	End      int64  `json:"end"`
	ClientIP string `json:"clientIP"`
	ServerIP string `json:"serverIP"`
}

// History lists push sessions in [start, end] (Unix seconds; 0 leaves the
// server defaults: start 0, end now), newest first (spec §4.3.7).
func (c *Client) History(ctx context.Context, hub, title string, start, end int64) ([]Activity, error) {
	if err := need("hub", hub, "stream", title); err != nil {
		return nil, err
	}
	return getWindowItems[Activity](ctx, c, streamPath(hub, title)+"/historyactivity", start, end)
}

// getWindowItems GETs path for the time window [start, end] (Unix seconds;
// a zero bound is left out for the server default) and returns the answer's
// items.
func getWindowItems[T any](ctx context.Context, c *Client, path string, start, end int64) ([]T, error) {
	q := url.Values{}
	if start > 0 {
		q.Set("start", strconv.FormatInt(start, 10))
	}
	if end > 0 {
		q.Set("end", strconv.FormatInt(end, 10))
	}
	var out struct {
		Items []T `json:"items"`
	}
	err := c.get(ctx, c.pili, path, q, &out)
	return out.Items, err
}

// DomainStats is one play domain's share of a stats point.
type DomainStats struct {
	Domain    string  `json:"domain"`
	Type      string  `json:"type"`
	PlayCount FlexInt `json:"playCount"`
	Bandwidth FlexInt `json:"bandwidth"`
}

// Stats are one point of per-stream statistics.
type Stats struct {
	Bps             FlexInt       `json:"bps"`
	VideoFps        FlexInt       `json:"videoFps"`
	AudioFps        FlexInt       `json:"audioFps"`
	Width           FlexInt       `json:"width"`
	Height          FlexInt       `json:"height"`
	VideoCodec      string        `json:"videoCodec"`
	VideoProfile    string        `json:"videoProfile"`
	VideoFrameRate  FlexInt       `json:"videoFrameRate"`
	VideoBitRate    FlexInt       `json:"videoBitRate"`
	AudioCodec      string        `json:"audioCodec"`
	AudioChannel    FlexInt       `json:"audioChannel"`
	AudioSampleRate FlexInt       `json:"audioSampleRate"`
	AudioBitRate    FlexInt       `json:"audioBitRate"`
	PlayCount       FlexInt       `json:"playCount"`
	Bandwidth       FlexInt       `json:"bandwidth"`
	DetailStats     []DomainStats `json:"detailStats"`
}

// StatsItem is one time point.
type StatsItem struct {
	Hub    string `json:"hub"`
	Time   int64  `json:"time"`
	Stream string `json:"stream"`
	Stats  Stats  `json:"stats"`
}

// StreamStats returns per-stream statistics for [start, end]; the window must
// not exceed 24 h (0, 0 means the last hour). An unknown stream answers an
// empty list, not 404 (spec §4.3.8).
func (c *Client) StreamStats(ctx context.Context, hub, title string, start, end int64) ([]StatsItem, error) {
	if err := need("hub", hub, "stream", title); err != nil {
		return nil, err
	}
	if start > 0 && end > 0 && (end < start || end-start > MaxStatsWindow) {
		return nil, fmt.Errorf("pili: the stats window must be at most 24 hours (got %d s)", end-start)
	}
	return getWindowItems[StatsItem](ctx, c, streamPath(hub, title)+"/stats", start, end)
}

// SaveAsOptions are the saveas (录制直播回放) parameters (spec §4.3.9). Zero
// values are left out so the server defaults apply.
type SaveAsOptions struct {
	Fname                     string `json:"fname,omitempty"`
	Start                     int64  `json:"start,omitempty"`
	End                       int64  `json:"end,omitempty"`
	Format                    string `json:"format,omitempty"` // m3u8 (default), flv, mp4
	Pipeline                  string `json:"pipeline,omitempty"`
	Notify                    string `json:"notify,omitempty"`
	ExpireDays                *int   `json:"expireDays,omitempty"`
	PersistentDeleteAfterDays int    `json:"persistentDeleteAfterDays,omitempty"`
	FirstTsType               int    `json:"firstTsType,omitempty"`
}

// SaveAsResult is saveas' answer; flv and mp4 are async (PersistentID).
type SaveAsResult struct {
	Fname        string `json:"fname"`
	Start        int64  `json:"start"`
	End          int64  `json:"end"`
	PersistentID string `json:"persistentID,omitempty"`
}

// SaveAs records a time range of a stream into the hub's bucket.
func (c *Client) SaveAs(ctx context.Context, hub, title string, o SaveAsOptions) (SaveAsResult, error) {
	var r SaveAsResult
	if err := need("hub", hub, "stream", title); err != nil {
		return r, err
	}
	err := c.post(ctx, c.pili, streamPath(hub, title)+"/saveas", o, &r, false)
	return r, err
}

// SnapshotOptions are the snapshot (保存直播截图) parameters (spec §4.3.10).
type SnapshotOptions struct {
	Time            int64  `json:"time,omitempty"`
	Fname           string `json:"fname,omitempty"`
	Format          string `json:"format,omitempty"` // jpg (default) or png
	Pipeline        string `json:"pipeline,omitempty"`
	Notify          string `json:"notify,omitempty"` // makes it async
	DeleteAfterDays int    `json:"deleteAfterDays,omitempty"`
}

// SnapshotResult is the snapshot answer (fname without extension).
type SnapshotResult struct {
	Fname        string `json:"fname"`
	PersistentID string `json:"persistentID,omitempty"`
}

// Snapshot saves a frame of the stream into the hub's bucket.
func (c *Client) Snapshot(ctx context.Context, hub, title string, o SnapshotOptions) (SnapshotResult, error) {
	var r SnapshotResult
	if err := need("hub", hub, "stream", title); err != nil {
		return r, err
	}
	err := c.post(ctx, c.pili, streamPath(hub, title)+"/snapshot", o, &r, false)
	return r, err
}

// UpdateConverts replaces the stream's transcode profiles (480p, 720p,
// wmt_<template>); an empty list cancels transcoding. It takes effect on
// the next push.
func (c *Client) UpdateConverts(ctx context.Context, hub, title string, profiles []string) error {
	if err := need("hub", hub, "stream", title); err != nil {
		return err
	}
	if profiles == nil {
		profiles = []string{}
	}
	return c.post(ctx, c.pili, streamPath(hub, title)+"/converts", map[string][]string{"converts": profiles}, nil, false)
}

// SetStreamNrop turns porn detection on or off for one stream.
func (c *Client) SetStreamNrop(ctx context.Context, hub, title string, on bool) error {
	if err := need("hub", hub, "stream", title); err != nil {
		return err
	}
	return c.post(ctx, c.pili, streamPath(hub, title)+"/nrop", map[string]bool{"nropEnable": on}, nil, false)
}
