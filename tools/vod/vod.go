// Package vod declares the VOD service tools (seed 002, shared/specs/vod.md):
// upload a local file through the storage service and create the video,
// list, search, inspect, share, rename, re-cover, transcode and delete
// videos, read traffic statistics and export them as CSV, and the callback
// address the service posts video_ready and video_play_set_ready to. Each
// tool builds its client from the keys configured at call time, so
// `mcp-media auth set vod` takes effect without a restart.
package vod

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Toolset names.
const (
	ToolsetVOD   = "vod"
	ToolsetStats = "vod_stats"
)

// DefaultOn says whether the vod toolset is on by default (see Toolsets).
const DefaultOn = false

// Toolsets returns the VOD toolsets and registers the VOD callbacks'
// checks and summaries with env.Inbox when there is one.
func Toolsets(env *toolkit.Env) []toolkit.Toolset { return newTools(env).toolsets() }

func (t *tools) toolsets() []toolkit.Toolset {
	env := t.env
	if env.Inbox != nil {
		for _, kind := range []string{vodapi.EventVideoReady, vodapi.EventVideoPlaySetReady} {
			kind := kind
			env.Inbox.SetAcceptor(kind, func(p []byte) (string, error) {
				cb, err := vodapi.ParseCallback(p, kind)
				return cb.DedupeKey(), err
			})
			// The task id comes from the route (none: one address per
			// event group), never from the body.
			env.Inbox.SetSummarizer(kind, func(p json.RawMessage) (string, string) {
				cb, err := vodapi.ParseCallback(p, "")
				if err != nil {
					return "", "unreadable VOD callback"
				}
				return "", eventLine(cb)
			})
		}
	}
	return []toolkit.Toolset{
		// Opt-in: VOD's default tools are the vod_core toolset
		// (tools/tools.go).
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetVOD, Provider: "vod", Default: DefaultOn,
			Description: "VOD service: upload, list, search, share, transcode and delete videos"}, t.videoTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetStats, Provider: "vod",
			Description: "VOD service: storage used, traffic per minute, per video, per day, and CSV exports"}, t.statsTools()...),
	}
}

type tools struct {
	env       *toolkit.Env
	client    toolkit.Client[*vodapi.Client]
	now       func() time.Time
	pollEvery time.Duration
	// fallbackPoll is how often a wait by callback still checks V3, in case
	// the callback address is not registered with the service.
	fallbackPoll time.Duration
}

func newTools(env *toolkit.Env) *tools {
	t := &tools{env: env, client: toolkit.NewClient(env, "vod", newClient), now: time.Now,
		pollEvery: 5 * time.Second, fallbackPoll: 30 * time.Second}
	if env.Sandbox {
		t.pollEvery, t.fallbackPoll = 500*time.Millisecond, 5*time.Second
	}
	return t
}

// newClient builds the VOD client from the keys configured at call time.
// The base URL is MCP_MEDIA_VOD_URL when set, else the stored base_url.
func newClient(b toolkit.Binding) *vodapi.Client {
	base := b.Endpoint("api")
	if base == "" {
		base = b.Key("base_url")
	}
	getenv := b.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	c, err := vodapi.New(vodapi.Config{BaseURL: base, StorageURL: b.Endpoint("storage"), Token: b.Key("token"),
		AuthHeader: getenv("MCP_MEDIA_VOD_AUTH_HEADER"), HTTP: b.HTTP, Redact: b.Redact, Log: b.Log})
	if err != nil {
		return nil
	}
	return c
}

// get returns the client, or why there is none.
func (t *tools) get() (*vodapi.Client, error) {
	c, err := t.client.Get()
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, vodapi.ErrNoBaseURL
	}
	return c, nil
}

// eventLine renders a callback for the inbox listing and announcement.
func eventLine(cb vodapi.Callback) string {
	out, err := templates.VODEvent.Render(templates.VODEventData{EventType: cb.EventType, VideoID: cb.VideoID, VideoName: cb.VideoName,
		PlaySetID: cb.PlaySetID, Resolution: cb.Resolution, Duration: showSeconds(seconds(cb.VideoDuration)), Renditions: len(cb.PlaySet)})
	if err != nil {
		return cb.Summary()
	}
	return strings.TrimSpace(out)
}

// RenditionView is one play_set entry.
type RenditionView struct {
	Resolution      string  `json:"resolution" jsonschema_description:"360P, 480P, 720P, 1080P or Origin"`
	Status          string  `json:"status" jsonschema:"enum=initial,enum=ready,enum=transcoding,enum=transcoded,enum=transcode_failed,enum=uploading,enum=upload_failed,enum=deleted"`
	StatusCode      int     `json:"status_code" jsonschema_description:"The service's play_set status (spec §3.2)"`
	Progress        float64 `json:"progress" jsonschema_description:"Transcode progress, 0 to 1"`
	TemplateID      int     `json:"template_id" jsonschema_description:"trans_task_config_temp_id"`
	URL             string  `json:"url,omitempty"`
	SizeBytes       int64   `json:"size_bytes"`
	Width           int     `json:"width"`
	Height          int     `json:"height"`
	DurationSeconds float64 `json:"duration_seconds"`
}

// VideoView is a video as agents see it: statuses by name, durations in
// seconds. The share password is never shown (only whether one is set).
type VideoView struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Status          string          `json:"status" jsonschema:"enum=initial,enum=ready,enum=uploading,enum=upload_failed,enum=deleted"`
	StatusCode      int             `json:"status_code" jsonschema_description:"The service's video status (spec §3.1); 1 = ready"`
	DurationSeconds float64         `json:"duration_seconds"`
	SizeBytes       int64           `json:"size_bytes"`
	Width           int             `json:"width"`
	Height          int             `json:"height"`
	StorageID       string          `json:"storage_id"`
	SourceType      string          `json:"source_type"`
	SourceID        string          `json:"source_id,omitempty"`
	OriginURL       string          `json:"origin_url,omitempty"`
	ThumbURL        string          `json:"thumb_url,omitempty"`
	Share           string          `json:"share" jsonschema:"enum=private,enum=password,enum=public"`
	PasswordSet     bool            `json:"password_set"`
	CreatedAt       string          `json:"created_at"`
	UpdatedAt       string          `json:"updated_at"`
	Renditions      []RenditionView `json:"renditions"`
}

func view(v vodapi.Video) VideoView {
	out := VideoView{ID: v.ID, Name: v.VideoName, Status: vodapi.VideoStatusName(v.Status), StatusCode: v.Status,
		DurationSeconds: seconds(v.VideoDuration), SizeBytes: v.FileSize, Width: v.VideoWidth, Height: v.VideoHeight,
		StorageID: v.StorageID, SourceType: v.SourceType, SourceID: v.SourceID, OriginURL: v.OriginURL, ThumbURL: v.ThumbURL,
		Share: vodapi.ShareStateName(v.SharedState), PasswordSet: v.SharePassword != "", CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		Renditions: []RenditionView{}}
	for _, p := range v.PlaySet {
		out.Renditions = append(out.Renditions, RenditionView{Resolution: p.Resolution, Status: vodapi.PlaySetStatusName(p.Status),
			StatusCode: p.Status, Progress: p.TransProgress, TemplateID: p.TransTaskConfigTempID, URL: p.URL, SizeBytes: p.FileSize,
			Width: p.VideoWidth, Height: p.VideoHeight, DurationSeconds: seconds(p.VideoDuration)})
	}
	return out
}

// seconds turns the service's milliseconds into seconds.
func seconds(ms int64) float64 { return float64(ms) / 1000 }

func showSeconds(s float64) string {
	if s <= 0 {
		return ""
	}
	return fmt.Sprintf("%.1f s", s)
}

// Human is a byte count in binary units ("4.5 GiB").
func Human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// card renders a video.
func card(heading string, v VideoView, notes, next []string) (string, error) {
	d := templates.VODVideoCardData{Heading: heading, ID: v.ID, Name: v.Name, Status: v.Status, StatusCode: v.StatusCode,
		Duration: showSeconds(v.DurationSeconds), Share: v.Share, OriginURL: v.OriginURL, ThumbURL: v.ThumbURL,
		CreatedAt: v.CreatedAt, Notes: notes, Next: next}
	if v.SizeBytes > 0 {
		d.Size = Human(v.SizeBytes)
	}
	if v.Width > 0 && v.Height > 0 {
		d.Dimensions = fmt.Sprintf("%d×%d", v.Width, v.Height)
	}
	if v.Share == "password" {
		d.Share = "password required (password set, not shown)"
	}
	for _, r := range v.Renditions {
		d.Renditions = append(d.Renditions, templates.VODRenditionData{Resolution: r.Resolution, Status: r.Status,
			Progress: fmt.Sprintf("%.0f%%", 100*r.Progress), URL: r.URL})
	}
	return templates.VODVideoCard.Render(d)
}

// result renders a field table.
func result(icon, heading string, fields [][2]string, notes, next []string) (string, error) {
	d := templates.VODResultData{Icon: icon, Heading: heading, Notes: notes, Next: next}
	for _, f := range fields {
		d.Fields = append(d.Fields, templates.Field{Name: f[0], Value: f[1]})
	}
	return templates.VODResult.Render(d)
}

// videoID checks an id argument.
func videoID(arg, id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" || strings.ContainsAny(id, ",/?#& ") {
		return "", argerr.New(arg, fmt.Sprintf("%q is not a video id", id), "use the id from vod_list_videos")
	}
	return id, nil
}
