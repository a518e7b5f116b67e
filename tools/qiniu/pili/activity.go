package pili

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/piliapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// What a stream did and what it keeps: push history, bitrate and frame-rate
// stats, recordings (saveas), snapshots and its transcode profiles.

// ---- history ----

// HistoryInput are qiniu_get_stream_history's arguments.
type HistoryInput struct {
	StreamArg
	RangeArg
}

// Session is one push session.
type Session struct {
	Start    string `json:"start"`
	End      string `json:"end"`
	Seconds  int64  `json:"seconds"`
	ClientIP string `json:"client_ip,omitempty"`
}

// HistoryOutput lists push sessions, newest first.
type HistoryOutput struct {
	Hub      string    `json:"hub"`
	Stream   string    `json:"stream"`
	Sessions []Session `json:"sessions"`
	Range    Span      `json:"range"`
}

func (t *tools) history(ctx context.Context, _ *toolkit.Call, in HistoryInput) (HistoryOutput, string, error) {
	sp, err := t.span(in.From, in.To, "")
	if err != nil {
		return HistoryOutput{}, "", err
	}
	c, hub, title, err := t.target(in.StreamArg)
	if err != nil {
		return HistoryOutput{}, "", err
	}
	items, err := c.History(ctx, hub, title, sp.FromUnix, sp.ToUnix)
	if err != nil {
		return HistoryOutput{}, "", notFound(err, hub, title)
	}
	out := HistoryOutput{Hub: hub, Stream: title, Range: sp}
	d := templates.PiliHistoryData{Stream: title, Conversion: sp.Conversion}
	for _, it := range items {
		s := Session{Start: fmtTime(it.Start), End: fmtTime(it.End), Seconds: it.End - it.Start, ClientIP: it.ClientIP}
		out.Sessions = append(out.Sessions, s)
		d.Sessions = append(d.Sessions, templates.PiliSession{Start: s.Start, End: s.End,
			Duration: (time.Duration(s.Seconds) * time.Second).String(), Publisher: s.ClientIP})
	}
	text, err := templates.PiliHistory.Render(d)
	if err != nil {
		return HistoryOutput{}, "", err
	}
	return out, text, nil
}

// ---- stats ----

// StatsInput are qiniu_get_stream_stats' arguments.
type StatsInput struct {
	StreamArg
	RangeArg
}

// StatsPoint is one minute of stream statistics.
type StatsPoint struct {
	Time      string `json:"time"`
	Bps       int64  `json:"bps"`
	VideoFPS  int64  `json:"video_fps"`
	AudioFPS  int64  `json:"audio_fps"`
	Width     int64  `json:"width"`
	Height    int64  `json:"height"`
	Codecs    string `json:"codecs"`
	Viewers   int64  `json:"viewers"`
	Bandwidth int64  `json:"bandwidth_bps"`
}

// StatsOutput is a stream's statistics.
type StatsOutput struct {
	Hub    string       `json:"hub"`
	Stream string       `json:"stream"`
	Points []StatsPoint `json:"points"`
	Range  Span         `json:"range"`
}

func (t *tools) stats(ctx context.Context, _ *toolkit.Call, in StatsInput) (StatsOutput, string, error) {
	sp, err := t.span(in.From, in.To, "last 1 hour")
	if err != nil {
		return StatsOutput{}, "", err
	}
	if sp.ToUnix-sp.FromUnix > piliapi.MaxStatsWindow {
		return StatsOutput{}, "", argerr.New("from", fmt.Sprintf("the range spans %.1f hours; Qiniu returns at most 24 hours of stream stats", float64(sp.ToUnix-sp.FromUnix)/3600),
			"narrow it, e.g. from 'last 24 hours' or one day")
	}
	c, hub, title, err := t.target(in.StreamArg)
	if err != nil {
		return StatsOutput{}, "", err
	}
	items, err := c.StreamStats(ctx, hub, title, sp.FromUnix, sp.ToUnix)
	if err != nil {
		return StatsOutput{}, "", err
	}
	out := StatsOutput{Hub: hub, Stream: title, Range: sp}
	d := templates.PiliStatsData{Stream: title, Conversion: sp.Conversion}
	for _, it := range items {
		s := it.Stats
		p := StatsPoint{Time: fmtTime(it.Time), Bps: int64(s.Bps), VideoFPS: int64(s.VideoFps), AudioFPS: int64(s.AudioFps),
			Width: int64(s.Width), Height: int64(s.Height), Codecs: strings.Trim(s.VideoCodec+"/"+s.AudioCodec, "/"),
			Viewers: int64(s.PlayCount), Bandwidth: int64(s.Bandwidth)}
		out.Points = append(out.Points, p)
		d.Points = append(d.Points, templates.PiliStatsRow{Time: p.Time, Kbps: kbps(p.Bps), VideoFPS: p.VideoFPS, AudioFPS: p.AudioFPS,
			Width: p.Width, Height: p.Height, Viewers: p.Viewers, BandwidthKbps: kbps(p.Bandwidth)})
	}
	text, err := templates.PiliStats.Render(d)
	if err != nil {
		return StatsOutput{}, "", err
	}
	return out, text, nil
}

// ---- record (saveas) and snapshot ----

// RecordInput are qiniu_record_stream's arguments.
type RecordInput struct {
	StreamArg
	RangeArg
	Format          string `json:"format,omitempty" jsonschema:"enum=m3u8,enum=flv,enum=mp4,default=m3u8"`
	Fname           string `json:"fname,omitempty" jsonschema:"maxLength=256" jsonschema_description:"File name (default random); a file of that name in the bucket is replaced"`
	Notify          string `json:"notify,omitempty" jsonschema_description:"Callback URL (flv/mp4)"`
	ExpireDays      *int   `json:"expire_days,omitempty" jsonschema:"minimum=-1" jsonschema_description:"ts segment days: 0 forever, -1 unchanged (fast)"`
	DeleteAfterDays int    `json:"delete_after_days,omitempty" jsonschema:"minimum=0" jsonschema_description:"Output file days; 0 forever"`
}

// FileOutput is a saved replay or snapshot.
type FileOutput struct {
	Hub          string `json:"hub"`
	Stream       string `json:"stream"`
	Fname        string `json:"fname"`
	Format       string `json:"format"`
	Start        string `json:"start,omitempty"`
	End          string `json:"end,omitempty"`
	PersistentID string `json:"persistent_id,omitempty"`
	Bucket       string `json:"bucket,omitempty"`
	VodDomain    string `json:"vod_domain,omitempty"`
	Note         string `json:"note,omitempty" jsonschema_description:"Set when the hub's bucket and VOD domain could not be read"`
}

// fileResult completes a saved file with the hub's bucket and VOD domain
// and renders its card.
func (t *tools) fileResult(ctx context.Context, c *piliapi.Client, heading string, out FileOutput, conv string) (FileOutput, string, error) {
	if h, err := c.GetHub(ctx, out.Hub); err == nil {
		out.Bucket, out.VodDomain = h.StorageBucket, h.VodDomain
	} else {
		out.Note = "The file was saved, but reading the hub's bucket and VOD domain failed (" + err.Error() + "); qiniu_get_hub shows them."
	}
	text, err := templates.PiliRecording.Render(templates.PiliRecordingData{Heading: heading, Hub: out.Hub, Stream: out.Stream,
		Fname: out.Fname, Format: out.Format, Start: out.Start, End: out.End, PersistentID: out.PersistentID,
		Bucket: out.Bucket, VodDomain: out.VodDomain, Note: out.Note, Conversion: conv})
	if err != nil {
		return FileOutput{}, "", err
	}
	return out, text, nil
}

func (t *tools) record(ctx context.Context, _ *toolkit.Call, in RecordInput) (FileOutput, string, error) {
	sp, err := t.span(in.From, in.To, "")
	if err != nil {
		return FileOutput{}, "", err
	}
	c, hub, title, err := t.target(in.StreamArg)
	if err != nil {
		return FileOutput{}, "", err
	}
	res, err := c.SaveAs(ctx, hub, title, piliapi.SaveAsOptions{Fname: in.Fname, Start: sp.FromUnix, End: sp.ToUnix, Format: in.Format,
		Notify: in.Notify, ExpireDays: in.ExpireDays, PersistentDeleteAfterDays: in.DeleteAfterDays})
	if err != nil {
		return FileOutput{}, "", notFound(err, hub, title)
	}
	out := FileOutput{Hub: hub, Stream: title, Fname: res.Fname, Format: in.Format, Start: fmtTime(res.Start), End: fmtTime(res.End), PersistentID: res.PersistentID}
	return t.fileResult(ctx, c, "🎞️ Replay saved", out, sp.Conversion)
}

// SnapshotInput are qiniu_snapshot_stream's arguments.
type SnapshotInput struct {
	StreamArg
	At              string `json:"at,omitempty" jsonschema_description:"Moment to capture (default now); same forms as dates"`
	Format          string `json:"format,omitempty" jsonschema:"enum=jpg,enum=png,default=jpg"`
	Fname           string `json:"fname,omitempty" jsonschema:"maxLength=256" jsonschema_description:"File name (default random); a file of that name in the bucket is replaced"`
	Notify          string `json:"notify,omitempty" jsonschema_description:"Callback URL; makes it async"`
	DeleteAfterDays int    `json:"delete_after_days,omitempty" jsonschema:"minimum=0"`
}

func (t *tools) snapshot(ctx context.Context, _ *toolkit.Call, in SnapshotInput) (FileOutput, string, error) {
	var at int64
	if strings.TrimSpace(in.At) != "" {
		u, err := t.instant("at", in.At, false)
		if err != nil {
			return FileOutput{}, "", err
		}
		at = u.Unix()
	}
	c, hub, title, err := t.target(in.StreamArg)
	if err != nil {
		return FileOutput{}, "", err
	}
	res, err := c.Snapshot(ctx, hub, title, piliapi.SnapshotOptions{Time: at, Fname: in.Fname, Format: in.Format, Notify: in.Notify, DeleteAfterDays: in.DeleteAfterDays})
	if err != nil {
		return FileOutput{}, "", notFound(err, hub, title)
	}
	if at == 0 {
		at = t.now().Unix()
	}
	out := FileOutput{Hub: hub, Stream: title, Fname: res.Fname, Format: in.Format, Start: fmtTime(at), PersistentID: res.PersistentID}
	return t.fileResult(ctx, c, "📸 Snapshot saved", out, "")
}

// ---- converts ----

// ConvertsInput are qiniu_set_stream_converts' arguments.
type ConvertsInput struct {
	StreamArg
	Profiles []string `json:"profiles" jsonschema:"required" jsonschema_description:"480p, 720p or wmt_<watermark template>; [] stops transcoding"`
}

func (t *tools) setConverts(ctx context.Context, _ *toolkit.Call, in ConvertsInput) (StreamView, string, error) {
	for i, p := range in.Profiles {
		if !profileRE.MatchString(p) {
			return StreamView{}, "", argerr.New(fmt.Sprintf("profiles.%d", i), fmt.Sprintf("%q is not a transcode profile", p), "use 480p, 720p or wmt_<watermark template name>")
		}
	}
	c, hub, title, err := t.target(in.StreamArg)
	if err != nil {
		return StreamView{}, "", err
	}
	if err := c.UpdateConverts(ctx, hub, title, in.Profiles); err != nil {
		return StreamView{}, "", notFound(err, hub, title)
	}
	v, err := t.view(ctx, c, hub, title)
	if err != nil {
		return StreamView{}, "", fmt.Errorf("the profiles were set but reading the stream back failed: %w", err)
	}
	next := []string{"Takes effect when the publisher next starts pushing"}
	if len(in.Profiles) > 0 {
		next = append(next, "Play a rendition by appending @<profile> to a play URL, e.g. …/"+title+".m3u8@"+in.Profiles[0])
	}
	return cardResult("🎛️ Transcode profiles set", v, next...)
}
