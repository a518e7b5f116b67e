package aioz

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func (t *tools) mediaTools() []toolkit.Tool {
	return []toolkit.Tool{
		t.uploadTool(),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_create_media",
			Title:       "Create a media object",
			Description: "Create an empty media object (then aioz_upload_media with its media_id uploads the file). Custom qualities are priced first with /media/cost and blocked when the balance is insufficient; h265+mpegts is warned about.",
		}, t.createMedia),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_transcode_cost",
			Title:       "Transcode cost",
			Description: "Price of transcoding a media of the given length into the given qualities, and whether the balance covers it.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.transcodeCost),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_list_media",
			Title:       "List or search media",
			Description: "List media with filters and paging; `search` matches titles (find a video by name).",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.listMedia),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_media",
			Title:       "Get media",
			Description: "One media object: status, renditions and streaming links (HLS/DASH/MP4/thumbnail/embed).",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.getMedia),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_update_media",
			Title:       "Update media",
			Description: "Change title, description, visibility, tags, metadata or player theme; omitted fields stay unchanged.",
			Annotations: toolkit.Annotations{Idempotent: true},
		}, t.updateMedia),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_media",
			Title:       "Delete media",
			Description: "Delete a media object and its renditions. Cannot be undone.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deleteMedia),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_set_media_thumbnail",
			Title:       "Set media thumbnail",
			Description: "Upload a local .png or .jpg as the media's thumbnail.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.setThumbnail),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_wait_for_media",
			Title:       "Wait for transcoding",
			Description: "Wait until a media's transcoding is done or failed (progress on each change, webhook deliveries as they arrive); returns the encoding card with links.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.waitForMedia),
	}
}

// QualityInput is one requested rendition.
type QualityInput struct {
	Resolution    string `json:"resolution" jsonschema:"required,enum=144p,enum=240p,enum=360p,enum=480p,enum=720p,enum=1080p,enum=1440p,enum=2160p,enum=4320p,enum=standard,enum=good,enum=highest,enum=lossless" jsonschema_description:"Video resolution or audio preset"`
	Type          string `json:"type,omitempty" jsonschema:"enum=hls,enum=dash,default=hls"`
	ContainerType string `json:"container_type,omitempty" jsonschema:"enum=mpegts,enum=fmp4,enum=mp4" jsonschema_description:"Default: mpegts for hls and fmp4 for dash"`
	VideoCodec    string `json:"video_codec,omitempty" jsonschema:"enum=h264,enum=h265" jsonschema_description:"h264 up to 2160p; h265 up to 4320p"`
	VideoBitrate  int64  `json:"video_bitrate,omitempty" jsonschema:"minimum=0"`
	AudioBitrate  int64  `json:"audio_bitrate,omitempty" jsonschema:"minimum=0"`
}

var audioPresets = map[string]bool{"standard": true, "good": true, "highest": true, "lossless": true}

// singleSource lists resolutions that only one source document confirms.
var singleSource = map[string]string{"480p": "seed 001", "4320p": "seed 001", "144p": "the OpenAPI file"}

// qualityConfigs checks renditions for the media type and returns the API
// form plus the warnings of seed 001's table (h265 + mpegts) and spec Q6.
func qualityConfigs(mediaType string, in []QualityInput) ([]aiozapi.QualityConfig, []string, error) {
	var out []aiozapi.QualityConfig
	var warnings []string
	for i, q := range in {
		arg := fmt.Sprintf("qualities.%d", i)
		audio := audioPresets[q.Resolution]
		if mediaType == "audio" && !audio {
			return nil, nil, argerr.New(arg+".resolution", fmt.Sprintf("%q is a video resolution but the media is audio", q.Resolution), "use standard, good, highest or lossless")
		}
		if mediaType != "audio" && audio {
			return nil, nil, argerr.New(arg+".resolution", fmt.Sprintf("%q is an audio preset but the media is video", q.Resolution), "use a resolution such as 720p or 1080p")
		}
		typ := q.Type
		container := q.ContainerType
		if container == "" {
			container = map[string]string{"hls": "mpegts", "dash": "fmp4"}[typ]
		}
		cfg := aiozapi.QualityConfig{Resolution: q.Resolution, Type: typ, ContainerType: container,
			AudioConfig: &aiozapi.AudioConfig{Codec: "aac", Bitrate: q.AudioBitrate, Channels: "2", SampleRate: 48000}}
		if !audio {
			codec := q.VideoCodec
			if codec == "" {
				codec = "h264"
			}
			if codec == "h264" && (q.Resolution == "4320p") {
				return nil, nil, argerr.New(arg+".video_codec", "h264 is limited to 4K (2160p)", "use video_codec h265 for 4320p")
			}
			cfg.VideoConfig = &aiozapi.VideoConfig{Codec: codec, Bitrate: q.VideoBitrate}
			if codec == "h265" && container == "mpegts" {
				warnings = append(warnings, fmt.Sprintf("%s: h265 in an mpegts container will NOT play on Safari/iOS; use container_type \"fmp4\" for Apple devices", arg))
			}
			if src, ok := singleSource[q.Resolution]; ok {
				warnings = append(warnings, fmt.Sprintf("%s: %s is listed only by %s; AIOZ may refuse it", arg, q.Resolution, src))
			}
		}
		if container == "mp4" {
			warnings = append(warnings, fmt.Sprintf("%s: container mp4 is named only by seed 000; mpegts or fmp4 are the documented values", arg))
		}
		out = append(out, cfg)
	}
	return out, warnings, nil
}

// checkCost is rule A3/B2: price custom qualities first and block when the
// balance does not cover them.
func (t *tools) checkCost(ctx context.Context, client *aiozapi.Client, typ string, duration float64, q []aiozapi.QualityConfig) error {
	if duration <= 0 {
		return argerr.New("duration_seconds", "is required with custom qualities (AIOZ prices transcoding by length)", "give the media length in seconds")
	}
	names := make([]string, len(q))
	for i, c := range q {
		names[i] = c.Resolution
	}
	cost, err := client.TranscodeCost(ctx, typ, duration, names)
	if err != nil {
		return fmt.Errorf("checking the transcode cost before creating the media: %w", err)
	}
	if !cost.IsEnough {
		return fmt.Errorf("%s\n\nTranscoding %s for %.0f s would cost %v%s. Nothing was created", templates.InsufficientBalance, strings.Join(names, ", "), duration, cost.Price, balanceNote(ctx, client))
	}
	return nil
}

// CreateInput are aioz_create_media's arguments.
type CreateInput struct {
	Title           string             `json:"title" jsonschema:"maxLength=512,required,minLength=1"`
	Type            string             `json:"type,omitempty" jsonschema:"enum=video,enum=audio,default=video"`
	Description     string             `json:"description,omitempty"`
	IsPublic        *bool              `json:"is_public,omitempty"`
	Tags            []string           `json:"tags,omitempty" jsonschema:"maxItems=50"`
	Metadata        []aiozapi.Metadata `json:"metadata,omitempty" jsonschema:"maxItems=50"`
	Qualities       []QualityInput     `json:"qualities,omitempty" jsonschema_description:"Custom renditions (default: 1080p/720p/360p for video)"`
	DurationSeconds float64            `json:"duration_seconds,omitempty" jsonschema:"minimum=0" jsonschema_description:"Required with qualities (cost check)"`
}

// MediaOutput wraps one media object.
type MediaOutput struct {
	Media    MediaView `json:"media"`
	Warnings []string  `json:"warnings,omitempty"`
}

// MediaView is a media object as agents see it: the fields they act on,
// with links as a flat map (hls_url, mp4_url, …) to keep schemas small.
type MediaView struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Type        string            `json:"type,omitempty"`
	Status      string            `json:"status" jsonschema_description:"new, transcoding, done, fail or deleted"`
	Description string            `json:"description,omitempty"`
	IsPublic    bool              `json:"is_public"`
	Duration    float64           `json:"duration,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Renditions  map[string]string `json:"renditions,omitempty" jsonschema_description:"Rendition name to its status"`
	Links       map[string]string `json:"links,omitempty" jsonschema_description:"hls_url, hls_player_url, hls_iframe, dash_url, dash_player_url, dash_iframe, mp4_url, source_url, thumbnail_url (when ready)"`
	CreatedAt   string            `json:"created_at,omitempty"`
}

func view(m aiozapi.Media) MediaView {
	v := MediaView{ID: m.ID, Title: m.Title, Type: m.Type, Status: m.Status, Description: m.Description, IsPublic: m.IsPublic,
		Duration: m.Duration, Tags: m.Tags, CreatedAt: m.CreatedAt, Links: links(m.Assets)}
	for _, q := range m.Qualities {
		if v.Renditions == nil {
			v.Renditions = map[string]string{}
		}
		v.Renditions[q.Name] = q.Status
	}
	return v
}

func links(a aiozapi.Assets) map[string]string {
	out := map[string]string{}
	for k, val := range map[string]string{"hls_url": a.HLSURL, "hls_player_url": a.HLSPlayerURL, "hls_iframe": a.HLSIframe,
		"dash_url": a.DASHURL, "dash_player_url": a.DASHPlayerURL, "dash_iframe": a.DASHIframe, "mp4_url": a.MP4URL,
		"source_url": a.SourceURL, "thumbnail_url": a.ThumbnailURL} {
		if val != "" {
			out[k] = val
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (t *tools) createMedia(ctx context.Context, c *toolkit.Call, in CreateInput) (MediaOutput, string, error) {
	typ := in.Type
	q, warnings, err := qualityConfigs(typ, in.Qualities)
	if err != nil {
		return MediaOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return MediaOutput{}, "", err
	}
	if len(q) > 0 {
		if err := t.checkCost(ctx, client, typ, in.DurationSeconds, q); err != nil {
			return MediaOutput{}, "", err
		}
	}
	m, err := client.CreateMedia(ctx, aiozapi.CreateMediaRequest{Title: in.Title, Type: typ, Description: in.Description,
		IsPublic: in.IsPublic, Tags: in.Tags, Metadata: in.Metadata, Qualities: q})
	if err != nil {
		return MediaOutput{}, "", err
	}
	text, err := templates.AIOZMediaCreated.Render(templates.MediaCreated{ID: m.ID, Title: m.Title, Type: typ, Status: m.Status, Warnings: warnings})
	return MediaOutput{Media: view(m), Warnings: warnings}, text, err
}

// CostInput are aioz_get_transcode_cost's arguments.
type CostInput struct {
	Type            string   `json:"type" jsonschema:"required,enum=video,enum=audio"`
	DurationSeconds float64  `json:"duration_seconds" jsonschema:"required,exclusiveMinimum=0"`
	Qualities       []string `json:"qualities" jsonschema:"required,minItems=1" jsonschema_description:"Resolutions (360p, 1080p) or audio presets (highest)"`
}

// CostOutput is the price.
type CostOutput struct {
	Price    float64 `json:"price"`
	IsEnough bool    `json:"is_enough"`
	Balance  string  `json:"balance,omitempty" jsonschema_description:"The account balance (from /user/me), beside the price"`
}

func (t *tools) transcodeCost(ctx context.Context, c *toolkit.Call, in CostInput) (CostOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return CostOutput{}, "", err
	}
	cost, err := client.TranscodeCost(ctx, in.Type, in.DurationSeconds, in.Qualities)
	if err != nil {
		return CostOutput{}, "", err
	}
	bal := balance(ctx, client)
	text, err := templates.AIOZTranscodeCost.Render(templates.TranscodeCost{Type: in.Type, DurationSeconds: in.DurationSeconds, Qualities: in.Qualities,
		Price: cost.Price, IsEnough: cost.IsEnough, Balance: bal})
	return CostOutput{Price: cost.Price, IsEnough: cost.IsEnough, Balance: bal}, text, err
}

// ListInput are aioz_list_media's arguments.
type ListInput struct {
	Search  string   `json:"search,omitempty" jsonschema_description:"Match titles (case-insensitive)"`
	Type    string   `json:"type,omitempty" jsonschema:"enum=video,enum=audio"`
	Status  []string `json:"status,omitempty" jsonschema_description:"Any of new, transcoding, done, fail, deleted"`
	Tags    []string `json:"tags,omitempty"`
	SortBy  string   `json:"sort_by,omitempty" jsonschema:"enum=created_at,enum=name,default=created_at"`
	OrderBy string   `json:"order_by,omitempty" jsonschema:"enum=asc,enum=desc,default=desc"`
	Limit   int      `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset  int      `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// ListOutput is a page of media.
type ListOutput struct {
	Media      []MediaSummary `json:"media"`
	Total      int            `json:"total"`
	Offset     int            `json:"offset"`
	NextOffset int            `json:"next_offset,omitempty" jsonschema_description:"Offset of the next page; absent on the last page"`
}

// MediaSummary is a media object trimmed for listings (small context cost).
type MediaSummary struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Type      string  `json:"type,omitempty"`
	Status    string  `json:"status"`
	Duration  float64 `json:"duration,omitempty"`
	HLSURL    string  `json:"hls_url,omitempty"`
	CreatedAt string  `json:"created_at,omitempty"`
}

var validStatus = map[string]bool{"new": true, "transcoding": true, "done": true, "fail": true, "deleted": true}

func (t *tools) listMedia(ctx context.Context, c *toolkit.Call, in ListInput) (ListOutput, string, error) {
	for i, s := range in.Status {
		if !validStatus[s] {
			return ListOutput{}, "", argerr.New(fmt.Sprintf("status.%d", i), fmt.Sprintf("%q is not a media status", s), "use new, transcoding, done, fail or deleted")
		}
	}
	client, err := t.client.Get()
	if err != nil {
		return ListOutput{}, "", err
	}
	list, err := client.ListMedia(ctx, aiozapi.ListMediaRequest{Type: in.Type, Search: in.Search, Status: in.Status, Tags: in.Tags,
		SortBy: in.SortBy, OrderBy: in.OrderBy, Offset: in.Offset, Limit: in.Limit})
	if err != nil {
		return ListOutput{}, "", err
	}
	out := ListOutput{Total: list.Total, Offset: in.Offset}
	for _, m := range list.Media {
		out.Media = append(out.Media, MediaSummary{ID: m.ID, Title: m.Title, Type: m.Type, Status: m.Status, Duration: m.Duration, HLSURL: m.Assets.HLSURL, CreatedAt: m.CreatedAt})
	}
	out.NextOffset = nextOffset(in.Offset, len(list.Media), list.Total)
	d := templates.MediaList{Search: in.Search, Total: out.Total, NextOffset: out.NextOffset}
	for _, m := range out.Media {
		d.Media = append(d.Media, templates.MediaRow{ID: m.ID, Title: m.Title, Type: m.Type, Status: m.Status, Duration: m.Duration})
	}
	text, err := templates.AIOZMediaList.Render(d)
	return out, text, err
}

// MediaIDInput names one media.
type MediaIDInput struct {
	MediaID string `json:"media_id" jsonschema:"maxLength=256,required,minLength=1" jsonschema_description:"Media id (find it with aioz_list_media)"`
}

func (t *tools) getMedia(ctx context.Context, c *toolkit.Call, in MediaIDInput) (MediaOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return MediaOutput{}, "", err
	}
	m, err := client.GetMedia(ctx, in.MediaID)
	if err != nil {
		return MediaOutput{}, "", err
	}
	text, err := templates.AIOZMediaCard.Render(mediaCard(m))
	return MediaOutput{Media: view(m)}, text, err
}

// UpdateInput are aioz_update_media's arguments.
type UpdateInput struct {
	MediaID       string             `json:"media_id" jsonschema:"maxLength=256,required,minLength=1"`
	Title         *string            `json:"title,omitempty" jsonschema:"minLength=1,maxLength=512"`
	Description   *string            `json:"description,omitempty"`
	IsPublic      *bool              `json:"is_public,omitempty"`
	Tags          []string           `json:"tags,omitempty" jsonschema:"maxItems=50" jsonschema_description:"Replaces all tags"`
	Metadata      []aiozapi.Metadata `json:"metadata,omitempty" jsonschema:"maxItems=50" jsonschema_description:"Replaces all metadata"`
	PlayerThemeID string             `json:"player_theme_id,omitempty" jsonschema:"maxLength=256"`
}

func (t *tools) updateMedia(ctx context.Context, c *toolkit.Call, in UpdateInput) (MediaOutput, string, error) {
	if in.Title == nil && in.Description == nil && in.IsPublic == nil && in.Tags == nil && in.Metadata == nil && in.PlayerThemeID == "" {
		return MediaOutput{}, "", argerr.New("arguments", "nothing to change", "give at least one of title, description, is_public, tags, metadata, player_theme_id")
	}
	client, err := t.client.Get()
	if err != nil {
		return MediaOutput{}, "", err
	}
	if err := client.UpdateMedia(ctx, in.MediaID, aiozapi.UpdateMediaRequest{Title: in.Title, Description: in.Description,
		IsPublic: in.IsPublic, Tags: in.Tags, Metadata: in.Metadata, PlayerID: in.PlayerThemeID}); err != nil {
		return MediaOutput{}, "", err
	}
	m, err := client.GetMedia(ctx, in.MediaID)
	if err != nil {
		return MediaOutput{}, "", fmt.Errorf("the update succeeded but reading the media back failed: %w", err)
	}
	text, err := templates.AIOZMediaUpdated.Render(templates.MediaRef{ID: m.ID, Title: m.Title})
	return MediaOutput{Media: view(m)}, text, err
}

// DeleteOutput confirms a deletion.
type DeleteOutput struct {
	MediaID string `json:"media_id"`
	Deleted bool   `json:"deleted"`
}

func (t *tools) deleteMedia(ctx context.Context, c *toolkit.Call, in MediaIDInput) (DeleteOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return DeleteOutput{}, "", err
	}
	if err := client.DeleteMedia(ctx, in.MediaID); err != nil {
		return DeleteOutput{}, "", err
	}
	text, err := templates.AIOZMediaDeleted.Render(templates.MediaRef{ID: in.MediaID})
	return DeleteOutput{MediaID: in.MediaID, Deleted: true}, text, err
}

// ThumbnailInput are aioz_set_media_thumbnail's arguments.
type ThumbnailInput struct {
	MediaID   string `json:"media_id" jsonschema:"maxLength=256,required,minLength=1"`
	ImagePath string `json:"image_path" jsonschema:"required" jsonschema_description:"Local .png or .jpg file"`
}

func (t *tools) setThumbnail(ctx context.Context, c *toolkit.Call, in ThumbnailInput) (MediaOutput, string, error) {
	path, err := checkImage(c, "image_path", in.ImagePath)
	if err != nil {
		return MediaOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return MediaOutput{}, "", err
	}
	if err := client.SetThumbnail(ctx, in.MediaID, path); err != nil {
		return MediaOutput{}, "", err
	}
	m, err := client.GetMedia(ctx, in.MediaID)
	if err != nil {
		return MediaOutput{}, "", fmt.Errorf("the thumbnail was uploaded but reading the media back failed: %w", err)
	}
	text, err := templates.AIOZThumbnailSet.Render(templates.ThumbnailSet{MediaID: in.MediaID, File: filepath.Base(in.ImagePath)})
	return MediaOutput{Media: view(m)}, text, err
}

// WaitInput are aioz_wait_for_media's arguments.
type WaitInput struct {
	MediaID        string `json:"media_id" jsonschema:"maxLength=256,required,minLength=1"`
	TimeoutSeconds int    `json:"timeout_seconds,omitempty" jsonschema:"minimum=1,maximum=3600,default=600"`
}

// WaitOutput is where the media ended.
type WaitOutput struct {
	Media    MediaView `json:"media"`
	Event    string    `json:"event,omitempty" jsonschema_description:"encoding_finished or encoding_failed; empty when the wait timed out"`
	TimedOut bool      `json:"timed_out"`
	Webhooks int       `json:"webhook_events,omitempty" jsonschema_description:"Webhook deliveries for this media that arrived in the callback inbox and were reported"`
}

func (t *tools) waitForMedia(ctx context.Context, c *toolkit.Call, in WaitInput) (WaitOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return WaitOutput{}, "", err
	}
	timeout := time.Duration(in.TimeoutSeconds) * time.Second
	deadline := t.now().Add(timeout)
	var last aiozapi.Media
	lastStatus, lastReady := "", -1
	// Webhook deliveries (aioz_create_webhook into the callback inbox) wake
	// the loop and are reported with their cards; polling covers the rest.
	hooks := t.watchDeliveries(in.MediaID)
	defer hooks.stop()
	for {
		for _, d := range hooks.take() {
			c.Progress(float64(max(lastReady, 0)), float64(max(len(last.Qualities), 1)), d.card)
		}
		m, err := client.GetMedia(ctx, in.MediaID)
		if err != nil {
			if httpx.StatusOf(err) == 0 && errors.Is(ctx.Err(), context.Canceled) {
				return WaitOutput{Media: view(last)}, "", fmt.Errorf("stopped waiting (cancelled); media %s was `%s`", in.MediaID, last.Status)
			}
			return WaitOutput{Media: view(last)}, "", err
		}
		last = m
		ready := readyRenditions(m)
		switch m.Status {
		case "done":
			return WaitOutput{Media: view(m), Event: "encoding_finished", Webhooks: hooks.count}, t.event(templates.AIOZEncodingFinished, m, eventTime(m, t.now())), nil
		case "fail":
			return WaitOutput{Media: view(m), Event: "encoding_failed", Webhooks: hooks.count}, t.event(templates.AIOZEncodingFailed, m, eventTime(m, t.now())), nil
		}
		if m.Status != lastStatus || ready != lastReady {
			msg := templates.AIOZMediaProgress.Line(templates.MediaStatus{ID: m.ID, Status: m.Status})
			switch {
			case m.Status == "transcoding" && ready > 0 && ready != lastReady:
				msg = t.event(templates.AIOZPartialFinished, m, t.now())
				if hooks.seen("partial_finished") >= ready {
					msg = "" // the webhook's card said it already
				}
			case m.Status == "transcoding" && lastStatus != "transcoding":
				msg = t.event(templates.AIOZEncodingStarted, m, t.now())
				if hooks.seen("encoding_started") > 0 {
					msg = ""
				}
			}
			if msg != "" {
				c.Progress(float64(ready), float64(max(len(m.Qualities), 1)), msg)
			}
			lastStatus, lastReady = m.Status, ready
		}
		if t.now().After(deadline) {
			break
		}
		timer := time.NewTimer(t.pollEvery)
		select {
		case <-ctx.Done():
			timer.Stop()
			return WaitOutput{Media: view(last)}, "", fmt.Errorf("stopped waiting (cancelled); media %s is `%s`", in.MediaID, last.Status)
		case <-timer.C:
		case <-hooks.wake:
			timer.Stop()
		}
	}
	text, err := templates.AIOZWaitTimedOut.Render(templates.WaitTimedOut{MediaID: last.ID, Status: last.Status, Waited: timeout.String(),
		Ready: readyRenditions(last), Renditions: len(last.Qualities)})
	return WaitOutput{Media: view(last), TimedOut: true, Webhooks: hooks.count}, text, err
}

func readyRenditions(m aiozapi.Media) int {
	n := 0
	for _, q := range m.Qualities {
		if q.Status == "done" {
			n++
		}
	}
	return n
}

// mediaCard is a media object as its card shows it.
func mediaCard(m aiozapi.Media) templates.MediaCard {
	c := templates.MediaCard{ID: m.ID, Title: m.Title, Type: m.Type, Status: m.Status, Duration: m.Duration,
		Links: templates.MediaLinks{HLS: m.Assets.HLSURL, HLSPlayer: m.Assets.HLSPlayerURL, DASH: m.Assets.DASHURL,
			MP4: m.Assets.MP4URL, Thumbnail: m.Assets.ThumbnailURL, Embed: m.Assets.HLSIframe}}
	for _, q := range m.Qualities {
		c.Renditions = append(c.Renditions, templates.Rendition{Name: q.Name, Status: q.Status})
	}
	return c
}
