package aioz

import (
	"context"
	"fmt"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// The media loose ends: uploading into an existing media object, deleting
// a thumbnail (M9) and the media statistics of /analytics/media (N5).

func (t *tools) mediaMoreTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_media_thumbnail",
			Title:       "Delete media thumbnail",
			Description: "Remove a media's custom thumbnail.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deleteThumbnail),
	}
}

func (t *tools) analyticsMoreTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_media_statistics",
			Title:       "Media by views",
			Description: "Media ranked by views over a time range (/analytics/media), optionally only video or audio.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.mediaStatistics),
	}
}

// existingMedia checks an upload's media_id: the media exists, has no file
// yet, and its type matches the file; it returns the type and title to use.
func (t *tools) existingMedia(ctx context.Context, client *aiozapi.Client, in UploadInput, kind string) (string, string, error) {
	if len(in.Qualities) > 0 {
		return "", "", argerr.New("qualities", "cannot be given with media_id: the media's qualities were fixed when it was created", "leave qualities out, or omit media_id to create a new media")
	}
	m, err := client.GetMedia(ctx, in.MediaID)
	if err != nil {
		return "", "", fmt.Errorf("media_id %s: %w", in.MediaID, err)
	}
	if m.Status != "" && m.Status != "new" {
		return "", "", argerr.New("media_id", fmt.Sprintf("media %s is `%s`: its file was already uploaded", in.MediaID, m.Status), "omit media_id to upload as a new media")
	}
	typ := m.Type
	if typ == "" {
		typ = "video"
	}
	if in.Type != "" && in.Type != typ {
		return "", "", argerr.New("type", fmt.Sprintf("media %s is %s, not %s", in.MediaID, typ, in.Type), "omit type when giving media_id")
	}
	if kind != "" && kind != typ && in.Type == "" {
		return "", "", argerr.New("file_path", fmt.Sprintf("the file is %s but media %s is %s", kind, in.MediaID, typ), "upload a "+typ+" file, or omit media_id")
	}
	return typ, m.Title, nil
}

func (t *tools) deleteThumbnail(ctx context.Context, _ *toolkit.Call, in MediaIDInput) (MediaOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return MediaOutput{}, "", err
	}
	if err := client.DeleteThumbnail(ctx, in.MediaID); err != nil {
		return MediaOutput{}, "", err
	}
	m, err := client.GetMedia(ctx, in.MediaID)
	if err != nil {
		return MediaOutput{}, "", fmt.Errorf("the thumbnail was deleted but reading the media back failed: %w", err)
	}
	text, err := templates.AIOZDone.Render(templates.Done{Text: fmt.Sprintf("Removed the thumbnail of media `%s`; players show the default frame.", in.MediaID)})
	return MediaOutput{Media: view(m)}, text, err
}

// MediaStatsInput are aioz_get_media_statistics' arguments.
type MediaStatsInput struct {
	From   string `json:"from,omitempty" jsonschema:"maxLength=64" jsonschema_description:"dd/mm/yyyy, yyyy-mm-dd, ISO 8601, UNIX seconds or 'last 30 days' (default: all time)"`
	To     string `json:"to,omitempty" jsonschema:"maxLength=64"`
	Type   string `json:"type,omitempty" jsonschema:"enum=video,enum=audio"`
	Limit  int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// MediaStatsOutput is a page of media with views.
type MediaStatsOutput struct {
	Media []MediaStat `json:"media"`
	Page
	TimeRange *TimeRange `json:"time_range,omitempty"`
}

// MediaStat is one media with its views.
type MediaStat struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Type     string  `json:"type,omitempty"`
	Views    int64   `json:"views"`
	Duration float64 `json:"duration,omitempty"`
}

func (t *tools) mediaStatistics(ctx context.Context, _ *toolkit.Call, in MediaStatsInput) (MediaStatsOutput, string, error) {
	var tr *TimeRange
	if in.From != "" {
		r, err := t.when(When{From: in.From, To: in.To})
		if err != nil {
			return MediaStatsOutput{}, "", err
		}
		tr = &r
	} else if in.To != "" {
		return MediaStatsOutput{}, "", argerr.New("to", "needs from", "give from as well, e.g. from: 'last 30 days'")
	}
	client, err := t.client.Get()
	if err != nil {
		return MediaStatsOutput{}, "", err
	}
	var from, to int64
	if tr != nil {
		from, to = tr.FromUnix, tr.ToUnix
	}
	list, err := client.StatisticMedia(ctx, from, to, in.Type, in.Offset, in.Limit)
	if err != nil {
		return MediaStatsOutput{}, "", err
	}
	out := MediaStatsOutput{Media: []MediaStat{}, Page: page(in.Offset, len(list.Media), list.Total), TimeRange: tr}
	d := templates.MediaStats{Total: out.Total, NextOffset: out.NextOffset}
	if tr != nil {
		d.Conversion = tr.Conversion
	}
	for _, m := range list.Media {
		s := MediaStat{ID: m.ID, Title: m.Title, Type: m.Type, Views: m.View, Duration: m.Duration}
		out.Media = append(out.Media, s)
		d.Rows = append(d.Rows, templates.MediaStatRow{ID: s.ID, Title: s.Title, Type: s.Type, Views: s.Views, Duration: s.Duration})
	}
	text, err := templates.AIOZMediaStats.Render(d)
	return out, text, err
}

// balance is the account balance, or "" when /user/me does not answer
// (the price is still reported).
func balance(ctx context.Context, client *aiozapi.Client) string {
	u, err := client.Me(ctx)
	if err != nil {
		return ""
	}
	return u.Balance
}

// balanceNote is the balance for the insufficient-balance message.
func balanceNote(ctx context.Context, client *aiozapi.Client) string {
	if b := balance(ctx, client); b != "" {
		return " against a balance of " + b
	}
	return ""
}
