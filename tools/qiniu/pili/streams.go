package pili

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/piliapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// maxLiveStatus bounds one qiniu_get_live_status call; the client sends
// them in requests of pili.MaxBatchLive.
const maxLiveStatus = 1000

func (t *tools) liveTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_create_stream",
			Title:       "Create live stream",
			Description: "Create a stream in a hub (4-200 letters/digits); returns its card.",
			Annotations: additive,
		}, t.createStream),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_list_streams",
			Title:       "List live streams",
			Description: "List a hub's stream titles (live only, prefix, marker paging).",
			Annotations: ro,
		}, t.listStreams),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_stream",
			Title:       "Get live stream",
			Description: "A stream's card: live or offline, ban, transcode profiles, push auth.",
			Annotations: ro,
		}, t.getStream),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_disable_stream",
			Title:       "Disable live stream",
			Description: "Ban a stream for a duration, until a time, or permanently; cuts a live publisher off.",
			Annotations: toolkit.Annotations{Destructive: true},
		}, t.disableStream),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_enable_stream",
			Title:       "Enable live stream",
			Description: "Lift a stream's ban so it can be pushed again.",
			Annotations: setIdem,
		}, t.enableStream),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_live_status",
			Title:       "Live status",
			Description: "Whether streams are live now, with bitrate, fps and viewers; many titles are checked 100 per request.",
			Annotations: ro,
		}, t.liveStatus),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_stream_history",
			Title:       "Stream push history",
			Description: "A stream's push sessions in a time range.",
			Annotations: ro,
		}, t.history),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_stream_stats",
			Title:       "Stream stats",
			Description: "Per-minute bitrate, fps, resolution and viewers of a stream (window up to 24 h; default last hour).",
			Annotations: ro,
		}, t.stats),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_record_stream",
			Title:       "Record live replay",
			Description: "Save a time range of a stream to the hub's bucket as m3u8, flv or mp4 (saveas; flv/mp4 are async and billed).",
			Annotations: overwrites,
		}, t.record),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_snapshot_stream",
			Title:       "Snapshot live stream",
			Description: "Save a frame of a stream (now or at a time) to the hub's bucket as jpg or png.",
			Annotations: overwrites,
		}, t.snapshot),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_set_stream_converts",
			Title:       "Set transcode profiles",
			Description: "Replace a stream's transcode profiles (480p, 720p, wmt_<watermark>); [] stops transcoding; applies on next push.",
			Annotations: replaces,
		}, t.setConverts),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_stream_urls",
			Title:       "Stream push/play URLs",
			Description: "Signed RTMP/SRT push and RTMP/HLS/FLV play URLs plus cover, computed locally with an expiry; returns URLs for the user to hand out, never a key.",
			Annotations: ro,
		}, t.streamURLs),
	}
}

// HubArg is the optional hub.
type HubArg struct {
	Hub string `json:"hub,omitempty" jsonschema:"maxLength=256" jsonschema_description:"Hub (default: env MCP_MEDIA_QINIU_HUB)"`
}

// StreamArg names one stream.
type StreamArg struct {
	HubArg
	Stream string `json:"stream" jsonschema:"maxLength=256,required" jsonschema_description:"Stream title"`
}

// RangeArg is an optional time range.
type RangeArg struct {
	From string `json:"from,omitempty" jsonschema:"maxLength=256" jsonschema_description:"dd/mm/yyyy, yyyy-mm-dd, ISO 8601, UNIX s, or 'last 2 hours' (then omit to)"`
	To   string `json:"to,omitempty" jsonschema:"maxLength=256" jsonschema_description:"End, same forms (default now)"`
}

// LiveView is a live stream's push.
type LiveView struct {
	Since    string `json:"since"`
	Bps      int64  `json:"bps"`
	VideoFPS int    `json:"video_fps"`
	AudioFPS int    `json:"audio_fps"`
	Viewers  int64  `json:"viewers"`
}

// StreamView is a stream's card. It never carries a publish key.
type StreamView struct {
	Hub             string    `json:"hub"`
	Stream          string    `json:"stream"`
	Status          string    `json:"status" jsonschema:"enum=live,enum=offline,enum=disabled,enum=unknown"`
	StatusNote      string    `json:"status_note,omitempty" jsonschema_description:"Why the status is unknown: reading the live status failed"`
	DisabledTill    int64     `json:"disabled_till" jsonschema_description:"0 none, -1 permanent, else Unix time"`
	DisabledUntil   string    `json:"disabled_until,omitempty"`
	Live            *LiveView `json:"live,omitempty"`
	CreatedAt       string    `json:"created_at,omitempty"`
	ExpireAt        string    `json:"expire_at,omitempty"`
	Converts        []string  `json:"converts"`
	PublishSecurity string    `json:"publish_security"`
	NropEnable      bool      `json:"nrop_enable"`
}

func (v StreamView) statusLabel() string {
	switch v.Status {
	case "live":
		return "🟢 Live"
	case "disabled":
		if v.DisabledTill == -1 {
			return "⛔ Disabled permanently"
		}
		return "⛔ Disabled until " + v.DisabledUntil
	case "unknown":
		return "❔ Unknown (live status unavailable)"
	}
	return "⚪ Offline"
}

func card(heading string, v StreamView, next ...string) (string, error) {
	return urlCard(heading, URLsOutput{StreamView: v}, next...)
}

// cardResult is a tool result made of a stream's card.
func cardResult(heading string, v StreamView, next ...string) (StreamView, string, error) {
	text, err := card(heading, v, next...)
	if err != nil {
		return StreamView{}, "", err
	}
	return v, text, nil
}

func urlCard(heading string, o URLsOutput, next ...string) (string, error) {
	v := o.StreamView
	d := templates.PiliStreamCardData{Heading: heading, Hub: v.Hub, Stream: v.Stream, StatusLabel: v.statusLabel(),
		CreatedAt: v.CreatedAt, ExpireAt: v.ExpireAt, PublishSecurity: v.PublishSecurity, Converts: v.Converts, NropEnable: v.NropEnable,
		Notes: o.Notes, Next: next}
	if v.StatusNote != "" {
		d.Notes = append([]string{v.StatusNote}, d.Notes...)
	}
	if v.Live != nil {
		d.Live = &templates.PiliLive{Since: v.Live.Since, VideoFPS: v.Live.VideoFPS, AudioFPS: v.Live.AudioFPS, Viewers: v.Live.Viewers}
		d.Kbps = kbps(v.Live.Bps)
	}
	if u := o.URLs; u != nil {
		d.URLs = &templates.PiliURLs{ExpiresAt: u.ExpiresAt, PushAuth: u.PushAuth, RTMPPush: u.RTMPPush, SRTPush: u.SRTPush,
			RTMPPlay: u.RTMPPlay, HLSPlay: u.HLSPlay, HDLPlay: u.HDLPlay, Cover: u.Cover}
	}
	return templates.PiliStreamCard.Render(d)
}

// view reads a stream and its live status into a card.
func (t *tools) view(ctx context.Context, c *piliapi.Client, hub, title string) (StreamView, error) {
	st, err := c.GetStream(ctx, hub, title)
	if err != nil {
		return StreamView{}, err
	}
	return t.viewOf(ctx, c, hub, title, st), nil
}

// viewOf is view for a stream already read: it adds the live status.
func (t *tools) viewOf(ctx context.Context, c *piliapi.Client, hub, title string, st piliapi.Stream) StreamView {
	now := t.now().Unix()
	v := StreamView{Hub: hub, Stream: title, Status: "offline", DisabledTill: st.DisabledTill,
		CreatedAt: fmtTime(st.CreatedAt), ExpireAt: fmtTime(st.ExpireAt), Converts: st.Converts,
		PublishSecurity: st.PublishSecurity, NropEnable: st.NropEnable}
	if v.PublishSecurity == "" {
		v.PublishSecurity = "hub default"
	}
	switch {
	case st.DisabledAt(now):
		v.Status = "disabled"
		if st.DisabledTill == -1 {
			v.DisabledUntil = "permanent"
		} else {
			v.DisabledUntil = fmtTime(st.DisabledTill)
		}
	default:
		l, err := c.GetLive(ctx, hub, title)
		switch {
		case err != nil:
			v.Status = "unknown"
			v.StatusNote = "Whether the stream is live is unknown: reading its live status failed (" + err.Error() + "). Try qiniu_get_live_status."
		case l.IsLive():
			v.Status = "live"
			v.Live = &LiveView{Since: fmtTime(l.StartAt), Bps: l.Bps, VideoFPS: l.FPS.Video, AudioFPS: l.FPS.Audio, Viewers: l.PlayCount}
		}
	}
	return v
}

// target resolves the hub and stream arguments and builds a client.
func (t *tools) target(a StreamArg) (*piliapi.Client, string, string, error) {
	hub, err := t.hub(a.Hub)
	if err != nil {
		return nil, "", "", err
	}
	title := strings.TrimSpace(a.Stream)
	if err := checkStream("stream", title); err != nil {
		return nil, "", "", err
	}
	c, err := t.client.Get()
	return c.Client, hub, title, err
}

// notFound adds the tool-level advice to a 404.
func notFound(err error, hub, title string) error {
	if piliapi.IsNotFound(err) {
		return fmt.Errorf("stream %q was not found in hub %q (%w); qiniu_list_streams lists the hub's streams", title, hub, err)
	}
	return err
}

// ---- create ----

// CreateInput are qiniu_create_stream's arguments.
type CreateInput struct {
	StreamArg
	NropEnable *bool `json:"nrop_enable,omitempty" jsonschema_description:"Porn detection (default: the hub's setting)"`
}

func (t *tools) createStream(ctx context.Context, _ *toolkit.Call, in CreateInput) (StreamView, string, error) {
	if !streamRE.MatchString(strings.TrimSpace(in.Stream)) {
		return StreamView{}, "", argerr.New("stream", fmt.Sprintf("%q is not a valid title", in.Stream), "use 4-200 letters and digits only (no '-', '_' or spaces)")
	}
	c, hub, title, err := t.target(in.StreamArg)
	if err != nil {
		return StreamView{}, "", err
	}
	if err := c.CreateStream(ctx, hub, title, in.NropEnable); err != nil {
		if piliapi.IsStreamExists(err) {
			return StreamView{}, "", fmt.Errorf("stream %q already exists in hub %q (Qiniu code 614); use qiniu_get_stream or qiniu_stream_urls for it", title, hub)
		}
		return StreamView{}, "", err
	}
	v, err := t.view(ctx, c, hub, title)
	if err != nil {
		return StreamView{}, "", fmt.Errorf("the stream was created but reading it back failed: %w", err)
	}
	return cardResult("✅ Stream created", v,
		"Get push and play URLs: qiniu_stream_urls",
		"Push with OBS or any RTMP/SRT encoder; then check qiniu_get_live_status",
		"Optional: transcode renditions with qiniu_set_stream_converts")
}

// ---- list ----

// ListInput are qiniu_list_streams' arguments.
type ListInput struct {
	HubArg
	LiveOnly bool   `json:"live_only,omitempty" jsonschema_description:"Only streams live now"`
	Prefix   string `json:"prefix,omitempty"`
	Limit    int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=5000,default=100"`
	Marker   string `json:"marker,omitempty" jsonschema_description:"From the previous page"`
}

// ListOutput is one page of titles.
type ListOutput struct {
	Hub     string   `json:"hub"`
	Streams []string `json:"streams"`
	Marker  string   `json:"marker,omitempty" jsonschema_description:"Pass to get the next page; empty when done"`
}

func (t *tools) listStreams(ctx context.Context, _ *toolkit.Call, in ListInput) (ListOutput, string, error) {
	hub, err := t.hub(in.Hub)
	if err != nil {
		return ListOutput{}, "", err
	}
	c, err := t.client.Get()
	if err != nil {
		return ListOutput{}, "", err
	}
	l, err := c.ListStreams(ctx, hub, piliapi.ListOptions{LiveOnly: in.LiveOnly, Prefix: in.Prefix, Limit: in.Limit, Marker: in.Marker})
	if err != nil {
		return ListOutput{}, "", err
	}
	out := ListOutput{Hub: hub, Streams: l.Keys, Marker: l.Marker}
	text, err := templates.PiliStreamList.Render(templates.PiliStreamListData{Hub: out.Hub, Streams: out.Streams, Marker: out.Marker,
		LiveOnly: in.LiveOnly, Prefix: in.Prefix})
	if err != nil {
		return out, "", err
	}
	return out, text, nil
}

// ---- get ----

func (t *tools) getStream(ctx context.Context, _ *toolkit.Call, in StreamArg) (StreamView, string, error) {
	c, hub, title, err := t.target(in)
	if err != nil {
		return StreamView{}, "", err
	}
	v, err := t.view(ctx, c, hub, title)
	if err != nil {
		return StreamView{}, "", notFound(err, hub, title)
	}
	var next []string
	switch v.Status {
	case "disabled":
		next = append(next, "Lift the ban: qiniu_enable_stream")
	case "live":
		next = append(next, "Record a replay: qiniu_record_stream", "Cut it off: qiniu_disable_stream")
	default:
		next = append(next, "Get push URLs: qiniu_stream_urls")
	}
	return cardResult("📡 Stream", v, next...)
}

// ---- disable / enable ----

// DisableInput are qiniu_disable_stream's arguments: exactly one of
// duration, until or permanent.
type DisableInput struct {
	StreamArg
	Duration  string `json:"duration,omitempty" jsonschema_description:"Ban length: 30m, 2h, 1d"`
	Until     string `json:"until,omitempty" jsonschema_description:"Ban end: date or date-time (Beijing time if no zone)"`
	Permanent bool   `json:"permanent,omitempty"`
}

func (t *tools) disableStream(ctx context.Context, _ *toolkit.Call, in DisableInput) (StreamView, string, error) {
	set := 0
	for _, b := range []bool{in.Duration != "", in.Until != "", in.Permanent} {
		if b {
			set++
		}
	}
	if set != 1 {
		return StreamView{}, "", argerr.New("duration", "give exactly one of `duration`, `until` or `permanent`", `e.g. {"duration": "2h"} or {"until": "2026-12-31T20:00:00+08:00"}`)
	}
	now := t.now()
	var till int64 = -1
	switch {
	case in.Duration != "":
		d, err := parseDuration("duration", in.Duration)
		if err != nil {
			return StreamView{}, "", err
		}
		till = now.Add(d).Unix()
		if till <= now.Unix() {
			till = now.Unix() + 1
		}
	case in.Until != "":
		u, err := t.instant("until", in.Until, true)
		if err != nil {
			return StreamView{}, "", err
		}
		if !u.After(now) {
			return StreamView{}, "", argerr.New("until", fmt.Sprintf("%s is not in the future", fmtTime(u.Unix())), "give a later time, or use `duration`")
		}
		till = u.Unix()
	}
	c, hub, title, err := t.target(in.StreamArg)
	if err != nil {
		return StreamView{}, "", err
	}
	if err := c.DisableStream(ctx, hub, title, till); err != nil {
		return StreamView{}, "", notFound(err, hub, title)
	}
	v, err := t.view(ctx, c, hub, title)
	if err != nil {
		return StreamView{}, "", fmt.Errorf("the stream was disabled but reading it back failed: %w", err)
	}
	return cardResult("⛔ Stream disabled", v,
		"Any live publisher was cut off; pushes are refused while the ban lasts",
		"Restore it early: qiniu_enable_stream")
}

func (t *tools) enableStream(ctx context.Context, _ *toolkit.Call, in StreamArg) (StreamView, string, error) {
	c, hub, title, err := t.target(in)
	if err != nil {
		return StreamView{}, "", err
	}
	if err := c.EnableStream(ctx, hub, title); err != nil {
		return StreamView{}, "", notFound(err, hub, title)
	}
	v, err := t.view(ctx, c, hub, title)
	if err != nil {
		return StreamView{}, "", fmt.Errorf("the stream was enabled but reading it back failed: %w", err)
	}
	return cardResult("▶️ Stream enabled", v, "The publisher can push again (same URLs, if not expired): qiniu_stream_urls")
}

// ---- live status ----

// LiveStatusInput are qiniu_get_live_status' arguments.
type LiveStatusInput struct {
	HubArg
	Streams []string `json:"streams" jsonschema:"required,minItems=1" jsonschema_description:"Stream titles (one gives viewers too)"`
}

// LiveRow is one stream's status.
type LiveRow struct {
	Stream   string `json:"stream"`
	Status   string `json:"status" jsonschema:"enum=live,enum=offline,enum=not_found"`
	Since    string `json:"since,omitempty"`
	Bps      int64  `json:"bps,omitempty"`
	VideoFPS int    `json:"video_fps,omitempty"`
	AudioFPS int    `json:"audio_fps,omitempty"`
	Viewers  *int64 `json:"viewers,omitempty"`
	ClientIP string `json:"client_ip,omitempty"`
}

// LiveStatusOutput is the status of each stream asked about.
type LiveStatusOutput struct {
	Hub      string    `json:"hub"`
	Live     int       `json:"live"`
	Streams  []LiveRow `json:"streams"`
	Requests int       `json:"requests"`
}

func (t *tools) liveStatus(ctx context.Context, _ *toolkit.Call, in LiveStatusInput) (LiveStatusOutput, string, error) {
	hub, err := t.hub(in.Hub)
	if err != nil {
		return LiveStatusOutput{}, "", err
	}
	var titles []string
	seen := map[string]bool{}
	for i, s := range in.Streams {
		s = strings.TrimSpace(s)
		if s == "" {
			return LiveStatusOutput{}, "", argerr.New(fmt.Sprintf("streams.%d", i), "is empty", "remove it")
		}
		if !seen[s] {
			seen[s] = true
			titles = append(titles, s)
		}
	}
	if len(titles) > maxLiveStatus {
		return LiveStatusOutput{}, "", argerr.New("streams", fmt.Sprintf("has %d titles; one call checks at most %d (sent %d per request, Qiniu's limit)", len(titles), maxLiveStatus, piliapi.MaxBatchLive),
			"split the list over several calls")
	}
	c, err := t.client.Get()
	if err != nil {
		return LiveStatusOutput{}, "", err
	}
	out := LiveStatusOutput{Hub: hub}
	if len(titles) == 1 {
		row := LiveRow{Stream: titles[0], Status: "offline"}
		l, err := c.GetLive(ctx, hub, titles[0])
		switch {
		case piliapi.IsNotFound(err):
			row.Status = "not_found"
		case err != nil:
			return LiveStatusOutput{}, "", err
		case l.IsLive():
			viewers := l.PlayCount
			row = LiveRow{Stream: titles[0], Status: "live", Since: fmtTime(l.StartAt), Bps: l.Bps, VideoFPS: l.FPS.Video,
				AudioFPS: l.FPS.Audio, Viewers: &viewers, ClientIP: l.ClientIP}
		}
		out.Streams, out.Requests = []LiveRow{row}, 1
	} else {
		items, n, err := c.BatchLive(ctx, hub, titles)
		if err != nil {
			return LiveStatusOutput{}, "", fmt.Errorf("live status (request %d of the batches of %d): %w", n, piliapi.MaxBatchLive, err)
		}
		live := map[string]piliapi.LiveItem{}
		for _, it := range items {
			live[it.Key] = it
		}
		for _, s := range titles {
			row := LiveRow{Stream: s, Status: "offline"}
			if it, ok := live[s]; ok {
				row = LiveRow{Stream: s, Status: "live", Since: fmtTime(it.StartAt), Bps: it.Bps, VideoFPS: it.FPS.Video, AudioFPS: it.FPS.Audio, ClientIP: it.ClientIP}
			}
			out.Streams = append(out.Streams, row)
		}
		out.Requests = n
	}
	var rows []templates.PiliLiveRow
	for _, r := range out.Streams {
		v := templates.PiliLiveRow{Stream: r.Stream, Since: r.Since, Label: map[string]string{"live": "🟢 Live", "offline": "⚪ Offline", "not_found": "❓ Not found"}[r.Status],
			Rate: "—", FPS: "—", ViewersText: "—"}
		if r.Status == "live" {
			out.Live++
			v.Rate = kbps(r.Bps) + " kbps"
			v.FPS = fmt.Sprintf("%d / %d", r.VideoFPS, r.AudioFPS)
			if r.Viewers != nil {
				v.ViewersText = fmt.Sprint(*r.Viewers)
			}
		}
		rows = append(rows, v)
	}
	text, err := templates.PiliLiveStatus.Render(templates.PiliLiveStatusData{Hub: out.Hub, Live: out.Live, Requests: out.Requests, Rows: rows})
	if err != nil {
		return out, "", err
	}
	return out, text, nil
}
