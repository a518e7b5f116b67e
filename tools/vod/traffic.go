package vod

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/internal/timerange"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func (t *tools) statsTools() []toolkit.Tool {
	ro := toolkit.Annotations{ReadOnly: true, Idempotent: true}
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{Name: "vod_get_storage_usage", Title: "VOD storage used",
			Description: "V8: space used by all of this account's videos, in bytes and as a human size.", Annotations: ro}, t.storageUsage),
		toolkit.New(toolkit.Spec{Name: "vod_get_video_traffic", Title: "Per-minute traffic of a VOD video",
			Description: "V12: traffic of one video per minute over at most 90 days (checked before sending). Dates as dd/mm/yyyy, ISO 8601, UNIX seconds or \"last 7 days\"; the conversion is reported. Gives the total and the peak minute.",
			Annotations: ro}, t.videoTraffic),
		toolkit.New(toolkit.Spec{Name: "vod_traffic_report", Title: "VOD traffic report",
			Description: "per_video (V13: total per video, paged, 20 by default, search by id or name), per_day (V15: all videos per Beijing day; dates snapped to Beijing midnights and reported; at most 90 days), or total (V17: the account's total).",
			Annotations: ro}, t.trafficReport),
		t.exportTool(),
	}
}

// StorageOutput is V8's answer.
type StorageOutput struct {
	Bytes int64  `json:"bytes"`
	Human string `json:"human"`
}

func (t *tools) storageUsage(ctx context.Context, c *toolkit.Call, _ CallbackInput) (StorageOutput, string, error) {
	client, err := t.get()
	if err != nil {
		return StorageOutput{}, "", err
	}
	n, err := client.StorageUsed(ctx)
	if err != nil {
		return StorageOutput{}, "", err
	}
	out := StorageOutput{Bytes: n, Human: Human(n)}
	text, err := result("💾", "Storage used", [][2]string{{"Used", fmt.Sprintf("%s (%d bytes)", out.Human, n)}}, nil, nil)
	return out, text, err
}

// Range is a time range as given and as understood.
type Range struct {
	From       string `json:"from" jsonschema_description:"RFC 3339, Beijing time"`
	To         string `json:"to"`
	FromUnix   int64  `json:"from_unix"`
	ToUnix     int64  `json:"to_unix"`
	Conversion string `json:"conversion"`
}

// parseRange reads from/to in Beijing time (the service's zone).
func (t *tools) parseRange(from, to string) (Range, error) {
	r, err := timerange.Parse(from, to, t.now(), vodapi.Beijing)
	if err != nil {
		return Range{}, err // an argerr naming from or to
	}
	return Range{From: r.From.In(vodapi.Beijing).Format(time.RFC3339), To: r.To.In(vodapi.Beijing).Format(time.RFC3339),
		FromUnix: r.FromUnix, ToUnix: r.ToUnix, Conversion: r.Note}, nil
}

func windowArg(err error) error {
	var we *vodapi.WindowError
	if errors.As(err, &we) {
		arg := map[string]string{"start": "from", "end": "to"}[we.Arg]
		return argerr.New(arg, we.Problem+"; nothing was sent", "choose a range of at most 90 days, from before to")
	}
	return err
}

// TrafficInput are vod_get_video_traffic's arguments.
type TrafficInput struct {
	VideoID string `json:"video_id" jsonschema:"required,minLength=1,maxLength=128"`
	From    string `json:"from" jsonschema:"required,maxLength=64" jsonschema_description:"Start: dd/mm/yyyy, yyyy-mm-dd, ISO 8601, UNIX seconds, or a range like \"last 7 days\" (then omit to)"`
	To      string `json:"to,omitempty" jsonschema:"maxLength=64" jsonschema_description:"End (inclusive); at most 90 days after from"`
}

// MinuteView is one minute of traffic.
type MinuteView struct {
	Time  string `json:"time"`
	Bytes int64  `json:"bytes"`
}

// TrafficOutput is V12's answer with totals.
type TrafficOutput struct {
	VideoID    string       `json:"video_id"`
	Range      Range        `json:"range"`
	Minutes    []MinuteView `json:"minutes" jsonschema_description:"Minutes with traffic"`
	TotalBytes int64        `json:"total_bytes"`
	TotalHuman string       `json:"total_human"`
	Peak       *MinuteView  `json:"peak,omitempty"`
}

func (t *tools) videoTraffic(ctx context.Context, c *toolkit.Call, in TrafficInput) (TrafficOutput, string, error) {
	id, err := videoID("video_id", in.VideoID)
	if err != nil {
		return TrafficOutput{}, "", err
	}
	r, err := t.parseRange(in.From, in.To)
	if err != nil {
		return TrafficOutput{}, "", err
	}
	if err := vodapi.CheckWindow(r.FromUnix, r.ToUnix); err != nil {
		return TrafficOutput{}, "", windowArg(err)
	}
	client, err := t.get()
	if err != nil {
		return TrafficOutput{}, "", err
	}
	pts, err := client.VideoTraffic(ctx, id, r.FromUnix, r.ToUnix)
	if err != nil {
		return TrafficOutput{}, "", windowArg(err)
	}
	out := TrafficOutput{VideoID: id, Range: r, Minutes: []MinuteView{}}
	for _, p := range pts {
		out.Minutes = append(out.Minutes, MinuteView{Time: p.Time, Bytes: p.Bytes})
		out.TotalBytes += p.Bytes
		if out.Peak == nil || p.Bytes > out.Peak.Bytes {
			out.Peak = &MinuteView{Time: p.Time, Bytes: p.Bytes}
		}
	}
	out.TotalHuman = Human(out.TotalBytes)
	d := templates.VODTableData{Title: "Traffic of video " + id + " per minute", Columns: []string{"Minute", "Bytes"}, Conversion: r.Conversion,
		Totals: []templates.Field{{Name: "Total", Value: fmt.Sprintf("%s (%d bytes) over %d minute(s) with traffic", out.TotalHuman, out.TotalBytes, len(pts))}}}
	if out.Peak != nil {
		d.Totals = append(d.Totals, templates.Field{Name: "Peak minute", Value: fmt.Sprintf("%s — %s", out.Peak.Time, Human(out.Peak.Bytes))})
	}
	// The busiest minutes, not thousands of rows: the full list is in the
	// structured result.
	top := append([]MinuteView(nil), out.Minutes...)
	sort.SliceStable(top, func(i, j int) bool { return top[i].Bytes > top[j].Bytes })
	if len(top) > 10 {
		top = top[:10]
		d.Notes = append(d.Notes, fmt.Sprintf("The 10 busiest of %d minutes are shown; all of them are in the structured result.", len(out.Minutes)))
	}
	for _, m := range top {
		d.Rows = append(d.Rows, []string{m.Time, fmt.Sprint(m.Bytes)})
	}
	text, err := templates.VODTable.Render(d)
	return out, text, err
}

// ReportInput are vod_traffic_report's arguments.
type ReportInput struct {
	Scope    string `json:"scope" jsonschema:"required,enum=per_video,enum=per_day,enum=total"`
	Search   string `json:"search,omitempty" jsonschema:"maxLength=255" jsonschema_description:"per_video: video id or name"`
	From     string `json:"from,omitempty" jsonschema:"maxLength=64" jsonschema_description:"per_video (optional) and per_day (required): start date"`
	To       string `json:"to,omitempty" jsonschema:"maxLength=64"`
	Page     int    `json:"page,omitempty" jsonschema:"minimum=1,default=1"`
	PageSize int    `json:"page_size,omitempty" jsonschema:"minimum=1,maximum=100,default=20" jsonschema_description:"per_video; the service's default is 20"`
}

// ReportRow is one video's or one day's traffic.
type ReportRow struct {
	VideoID        string `json:"video_id,omitempty"`
	VideoName      string `json:"video_name,omitempty"`
	VideoCreatedAt string `json:"video_created_at,omitempty"`
	Date           string `json:"date,omitempty"`
	TotalBytes     int64  `json:"total_bytes"`
}

// ReportOutput is a traffic report.
type ReportOutput struct {
	Scope      string      `json:"scope"`
	Range      *Range      `json:"range,omitempty"`
	Rows       []ReportRow `json:"rows"`
	Count      int         `json:"count" jsonschema_description:"per_video: videos matching over all pages"`
	NextPage   int         `json:"next_page,omitempty"`
	TotalBytes int64       `json:"total_bytes" jsonschema_description:"Sum of the rows (total: the account's total)"`
	TotalHuman string      `json:"total_human"`
}

func (t *tools) trafficReport(ctx context.Context, c *toolkit.Call, in ReportInput) (ReportOutput, string, error) {
	out := ReportOutput{Scope: in.Scope, Rows: []ReportRow{}}
	var r *Range
	if in.From != "" || in.To != "" {
		if in.Scope == "total" {
			return out, "", argerr.New("from", "is not used with scope total (V17 has no time filter)", "remove from/to, or use scope per_day")
		}
		rr, err := t.parseRange(in.From, in.To)
		if err != nil {
			return out, "", err
		}
		r = &rr
	}
	if in.Scope == "per_day" {
		if r == nil {
			return out, "", argerr.New("from", "is required with scope per_day", `give a start date, e.g. "last 7 days" or 01/03/2026`)
		}
		snapped, err := snapDays(*r)
		if err != nil {
			return out, "", err
		}
		r = &snapped
	}
	client, err := t.get()
	if err != nil {
		return out, "", err
	}
	out.Range = r
	d := templates.VODTableData{}
	switch in.Scope {
	case "total":
		n, err := client.TotalTraffic(ctx)
		if err != nil {
			return out, "", err
		}
		out.TotalBytes = n
		d.Title = "Traffic of all videos"
	case "per_day":
		days, err := client.DailyTraffic(ctx, r.FromUnix, r.ToUnix)
		if err != nil {
			return out, "", windowArg(err)
		}
		d.Title, d.Columns = "Traffic per day (Beijing time)", []string{"Date", "Bytes", "Size"}
		for _, day := range days {
			out.Rows = append(out.Rows, ReportRow{Date: day.Date, TotalBytes: day.TotalBytes})
			out.TotalBytes += day.TotalBytes
			d.Rows = append(d.Rows, []string{day.Date, fmt.Sprint(day.TotalBytes), Human(day.TotalBytes)})
		}
		out.Count = len(days)
	default:
		q := vodapi.SummaryQuery{Search: strings.TrimSpace(in.Search), Page: in.Page, PageSize: in.PageSize}
		if r != nil {
			q.Start, q.End = r.FromUnix, r.ToUnix
		}
		count, rows, err := client.VideoTotals(ctx, q)
		if err != nil {
			return out, "", err
		}
		out.Count = count
		d.Title, d.Columns = "Traffic per video", []string{"Video", "Video ID", "Uploaded", "Bytes", "Size"}
		for _, v := range rows {
			out.Rows = append(out.Rows, ReportRow{VideoID: v.VideoID, VideoName: v.VideoName, VideoCreatedAt: v.VideoCreatedAt, TotalBytes: v.TotalBytes})
			out.TotalBytes += v.TotalBytes
			d.Rows = append(d.Rows, []string{v.VideoName, "`" + v.VideoID + "`", v.VideoCreatedAt, fmt.Sprint(v.TotalBytes), Human(v.TotalBytes)})
		}
		if in.Page*in.PageSize < count && len(rows) > 0 {
			out.NextPage = in.Page + 1
		}
		d.Notes = append(d.Notes, fmt.Sprintf("Showing %d of %d videos (page %d, %d per page)%s.", len(rows), count, in.Page, in.PageSize,
			map[bool]string{true: fmt.Sprintf(" — next page: page %d", out.NextPage), false: ""}[out.NextPage > 0]))
	}
	out.TotalHuman = Human(out.TotalBytes)
	shareAndChart(c, out, &d)
	d.Totals = []templates.Field{{Name: "Total", Value: fmt.Sprintf("%s (%d bytes)", out.TotalHuman, out.TotalBytes)}}
	if r != nil {
		d.Conversion = r.Conversion
	}
	text, err := templates.VODTable.Render(d)
	return out, text, err
}

// snapDays turns a range into V15/V16's Beijing midnights (the day of from
// and the day of to), checks the 90-day window and says what changed.
func snapDays(r Range) (Range, error) {
	from := vodapi.FloorBeijing(time.Unix(r.FromUnix, 0))
	to := vodapi.FloorBeijing(time.Unix(r.ToUnix, 0))
	if err := vodapi.CheckDays(from.Unix(), to.Unix()); err != nil {
		return r, windowArg(err)
	}
	note := r.Conversion + fmt.Sprintf("; snapped to Beijing midnights: start %d (%s), end %d (%s) — one row per day, both included",
		from.Unix(), from.Format("2006-01-02 15:04 MST"), to.Unix(), to.Format("2006-01-02 15:04 MST"))
	return Range{From: from.Format(time.RFC3339), To: to.Format(time.RFC3339), FromUnix: from.Unix(), ToUnix: to.Unix(), Conversion: note}, nil
}
