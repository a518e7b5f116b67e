package templates

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// sample is one template rendered with a value of its declared data type.
type sample struct {
	name   string
	render func() (string, error)
}

// with pairs a template with sample data; the compiler checks the type.
func with[D any](t T[D], d D) sample {
	return sample{name: t.Name(), render: func() (string, error) { return t.Render(d) }}
}

var (
	someFields = []Field{{Name: "Source", Value: "https://example.com/a.wav?…"}, {Name: "Waited", Value: "30s"}}
	someNotes  = []string{"A note."}
	someNext   = []string{"Call the next tool."}
	domainRows = []PiliDomainRow{{Type: "liveHls", Domain: "hls.example.com", Cname: "hls.example.com.qiniudns.com", CertEnable: true, CertName: "cert"}}
)

// samples has one entry per embedded template; TestEveryTemplateRenders
// fails when a template has none, so a new template cannot go untested.
var samples = []sample{
	with(ICEUploadProgress, ICEUploadProgressData{File: "clip.mp4", Bar: Bar(2, 5), Percent: 40, Part: 2, Parts: 5, Done: "16.0 MiB", Total: "40.0 MiB", Rate: "80.0 MiB/s"}),
	with(ICEUploadComplete, ICEUploadCompleteData{File: "clip.mp4", MediaID: "m1", AssetCreated: true, FileURL: "http://b.oss-cn-shanghai.aliyuncs.com/stream/a/a.mp4",
		Size: "40.0 MiB", Parts: 5, PartsSent: 3, PartSize: "8.0 MiB", Elapsed: "1.2s", Throughput: "33.3 MiB/s", Resumed: true, ResumedSize: "16.0 MiB", Renewals: 1, Notes: someNotes}),
	with(AIOZUploadProgress, UploadProgress{Title: "Clip", Bar: Bar(1, 2), Percent: 50, Done: 1, Total: 2,
		Rows: []ChunkRow{{0, "50 MB", MD5Valid, ChunkDone}, {1, "10 MB", MD5Pending, ChunkUploading}}}),
	with(AIOZUploadComplete, MediaEvent{MediaID: "m1", Title: "Clip", Type: "video", Timestamp: "2026-01-02 03:04:05", HasMP4: true, Warnings: []string{"w"}}),
	with(AIOZFileReceived, placeholders),
	with(AIOZEncodingStarted, placeholders),
	with(AIOZPartialFinished, placeholders),
	with(AIOZEncodingFinished, placeholders),
	with(AIOZEncodingFailed, placeholders),
	with(AIOZMediaCard, MediaCard{ID: "m1", Title: "Clip", Type: "video", Status: "done", Duration: 61,
		Renditions: []Rendition{{"720p", "done"}, {"1080p", "done"}},
		Links:      MediaLinks{HLS: "https://h", HLSPlayer: "https://p", DASH: "https://d", MP4: "https://m", Thumbnail: "https://t", Embed: "<iframe>"}}),
	with(AIOZMediaList, MediaList{Search: "cl", Media: []MediaRow{{ID: "m1", Title: "Clip", Type: "video", Status: "done", Duration: 3}}, Total: 2, NextOffset: 1}),
	with(AIOZMediaCreated, MediaCreated{ID: "m1", Title: "Clip", Type: "video", Status: "new", Warnings: []string{"w"}}),
	with(AIOZMediaUpdated, MediaRef{ID: "m1", Title: "Clip"}),
	with(AIOZMediaDeleted, MediaRef{ID: "m1"}),
	with(AIOZThumbnailSet, ThumbnailSet{MediaID: "m1", File: "a.png"}),
	with(AIOZTranscodeCost, TranscodeCost{Type: "video", DurationSeconds: 60, Qualities: []string{"360p", "1080p"}, Price: 1.5}),
	with(AIOZWaitTimedOut, WaitTimedOut{MediaID: "m1", Status: "new", Waited: "10m0s", Renditions: 2}),
	with(AIOZChapters, Chapters{MediaID: "m1", Chapters: []ChapterRow{{"en", "https://c"}}}),
	with(AIOZChapterAdded, ChapterChange{MediaID: "m1", Language: "en", Cues: 3}),
	with(AIOZChapterDeleted, ChapterChange{MediaID: "m1", Language: "en"}),
	with(AIOZMetric, Metric{Metric: "view", Aggregation: "count", Value: 7, Conversion: "last 7 days → …"}),
	with(AIOZMetricTable, MetricTable{Title: "view by country", Dimension: "country", Metric: "views", Rows: []MetricRow{{"VN", "3", "100%"}}, Total: "3", Conversion: "c"}),
	with(AIOZUsageData, UsageData{JSON: "{}", Conversion: "c"}),
	with(AIOZAccount, Account{Name: "Sandbox User", ID: "u1", Email: "a@b.invalid", Balance: "12.5", Debt: "0"}),
	with(AuthElicit, KeysPage{Provider: "AIOZ Stream", ProviderID: "aioz", Tool: "aioz_list_media", Minutes: 10}),
	with(AuthPageOpened, KeysPage{Provider: "AIOZ Stream", ProviderID: "aioz", Tool: "aioz_list_media", Minutes: 10}),
	with(AIOZReport, Report{WatchTimeSum: "1", ViewCount: "2", Blocks: []ReportBlock{{Label: "country", Rows: []MetricRow{{"VN", "2", "100%"}}, Total: "2", Count: 3}}, Conversion: "c"}),

	with(MediaCallbackLog, CallbackNote{Provider: "qiniu", Kind: "asr_long", TaskID: "t1", Seq: 3}),
	with(MediaToolsAddedLog, ToolsAdded{Tools: []string{"vod_list_videos", "vod_get_video"}}),
	with(TaskProgress, TaskStatus{Subject: "transcription", TaskID: "t1", Status: "running", Step: 2, Steps: 4}),
	with(DoraRealtimeProgress, RealtimeLine{Final: true, End: "00:00:03.2", Text: "一二三。"}),
	with(VODWaitProgress, VODWait{Label: "transcoding", VideoID: "v1", Status: "transcoding", Renditions: "1 of 3 renditions ready"}),
	with(VODExportProgress, VODExport{Kind: "cdn", Path: "/tmp/t.csv"}),
	with(VODUploadProgress, VODUpload{File: "clip.mp4", Started: true, Done: "1.0 MiB", Total: "2.0 MiB", Percent: 50}),
	with(AIOZMediaProgress, MediaStatus{ID: "m1", Status: "transcoding"}),
	with(AIOZReportProgress, ReportStep{Breakdown: "country"}),
	with(AIOZSubtitleProgress, SubtitleStep{Step: SubtitleConverting, Sentences: 3, Cues: 2}),

	with(MediaProviders, Providers{Providers: []ProviderRow{{Provider: "aioz", Name: "AIOZ Stream", Configured: true, Source: "keyring"},
		{Provider: "qiniu", Name: "Qiniu", Note: "run mcp-media auth set qiniu"}}}),
	with(MediaToolsets, Toolsets{Enabled: []string{"aioz_media"}, Disabled: []string{"qiniu_core"}, Exposed: 9,
		Rows: []ToolsetRow{{Name: "media", Description: "d", Tools: 3, On: true}, {Name: "aioz_media", Description: "d", Provider: "aioz", Tools: 9, On: true},
			{Name: "qiniu_core", Description: "d", Provider: "qiniu", Tools: 6}}}),
	with(MediaEvents, Events{TaskID: "t1", Events: []EventRow{{Seq: 1, ReceivedAt: time.Unix(0, 0), Provider: "qiniu", Kind: "asr_long", TaskID: "t1", Summary: "done"}},
		More: true, Next: 1, Enabled: true}),

	with(VODVideoCard, VODVideoCardData{Heading: "🎬 Video", ID: "v1", Name: "Clip", Status: "ready", StatusCode: 1, Duration: "61.5 s", Size: "1.2 MiB",
		Dimensions: "1920×1080", Share: "password", OriginURL: "https://o", ThumbURL: "https://t", CreatedAt: "c",
		Renditions: []VODRenditionData{{Resolution: "720P", Status: "ready", Progress: "100%", URL: "https://r"}}, Notes: someNotes, Next: someNext}),
	with(VODVideoList, VODVideoListData{Search: "cl", SourceType: "upload", Rows: []VODVideoRowData{{ID: "v1", Name: "Clip", Status: "ready", Duration: "3.0 s", Share: "private", Renditions: 1}},
		Page: 1, PageSize: 15, Total: 33, NextPage: 2}),
	with(VODResult, VODResultData{Icon: "✅", Heading: "Done", Fields: someFields, Notes: someNotes, Next: someNext}),
	with(VODTable, VODTableData{Title: "Traffic", Columns: []string{"Day", "Bytes"}, Rows: [][]string{{"2026-01-01", "7"}}, Totals: someFields, Conversion: "c", Notes: someNotes}),
	with(VODEvent, VODEventData{EventType: "video_ready", VideoID: "v1", VideoName: "Clip", Duration: "3.0 s", Renditions: 1}),

	with(PiliStreamCard, PiliStreamCardData{Heading: "📺 Stream", Hub: "h", Stream: "s1", StatusLabel: "🟢 Live",
		Live: &PiliLive{Since: "2026-01-02 03:04:05", VideoFPS: 25, AudioFPS: 44, Viewers: 3}, Kbps: "1200", CreatedAt: "c", ExpireAt: "e",
		PublishSecurity: "static", Converts: []string{"480p"}, NropEnable: true,
		URLs:  &PiliURLs{ExpiresAt: "x", PushAuth: "static", RTMPPush: "rtmp://p", SRTPush: "srt://p", RTMPPlay: "rtmp://q", HLSPlay: "https://h", HDLPlay: "https://f", Cover: "https://c"},
		Notes: someNotes, Next: someNext}),
	with(PiliStreamList, PiliStreamListData{Hub: "h", Streams: []string{"s1"}, Marker: "m", LiveOnly: true, Prefix: "s"}),
	with(PiliLiveStatus, PiliLiveStatusData{Hub: "h", Live: 1, Requests: 2, Rows: []PiliLiveRow{{Stream: "s1", Label: "🟢 Live", Since: "t", Rate: "1 kbps", FPS: "25 / 44", ViewersText: "3"}}}),
	with(PiliRecording, PiliRecordingData{Heading: "💾 Replay saved", Hub: "h", Stream: "s1", Fname: "f.m3u8", Format: "m3u8", Start: "a", End: "b",
		PersistentID: "p", Bucket: "b", VodDomain: "v", Note: "n", Conversion: "c"}),
	with(PiliHistory, PiliHistoryData{Stream: "s1", Sessions: []PiliSession{{Start: "a", End: "b", Duration: "1h0m0s", Publisher: "1.2.3.4"}}, Conversion: "c"}),
	with(PiliStats, PiliStatsData{Stream: "s1", Points: []PiliStatsRow{{Time: "t", Kbps: "1", VideoFPS: 25, AudioFPS: 44, Width: 1280, Height: 720, Viewers: 3, BandwidthKbps: "2"}}, AvgKbps: "1", PeakKbps: "1", PeakViewers: 3, Conversion: "c"}),
	with(PiliHubList, PiliHubListData{Hubs: []string{"h"}, DefaultEnv: "QINIU_PILI_HUB", Default: "h"}),
	with(PiliHubCard, PiliHubCardData{Heading: "🏠 Hub", Name: "h", PublishSecurity: "static", StorageBucket: "b", ExpireDays: 7, VodDomain: "v",
		HlsPlus: true, CoverSeconds: 10, Nrop: true, NropInterval: 5, NropNotifyRate: 0.9, Profiles: []string{"480p"}, Domains: domainRows, Note: "n"}),
	with(PiliDomainList, PiliDomainListData{Heading: "🌐 Domains", Hub: "h", Domains: domainRows, Note: "n"}),
	with(PiliDomainCard, PiliDomainCardData{Hub: "h", Domain: "d", Type: "liveHls", Cname: "c", AntiLeech: "tsStartMD5", PlayKeysSet: true,
		CertEnable: true, CertName: "cert", ConnectCallback: "GET https://c", Allow: 1, Deny: 2, Rewrites: []PiliRewrite{{Pattern: "a", Replace: "b"}}}),
	with(PiliCasterCard, PiliCasterCardData{Heading: "🎬 Cloud director", Name: "c1", ID: "id", Status: "running", RunStart: "a", RunStop: "b",
		CanvasSet: true, Canvas: "1280x720", PgmOutput: "rtmp://o", PvwPreview: "https://p", Inputs: 2, StaticKeySet: true, URLQueriesHidden: []string{"pgm"}, Note: "n"}),
	with(PiliCasterList, PiliCasterListData{Casters: []PiliCasterRow{{Name: "c1", ID: "id", Status: "idle", RunStart: "a", RunStop: "b"}}, Marker: "m"}),
	with(PiliCasterDone, PiliCasterDoneData{Heading: "🗑️ Cloud director deleted", ID: "id", Done: "deleted", ReadBackErr: "e"}),
	with(PiliUsage, PiliUsageData{Metric: "bandwidth", Granularity: "day", Group: "domain", Columns: []string{"up", "down"},
		Rows: []PiliUsageRow{{Time: "t", Group: "d", Values: []string{"1 Mbps", "2 Mbps"}, Share: "100%"}}, More: 1, ShareOf: "up",
		TotalRow: []string{"1 Mbps", "2 Mbps"}, Totals: someFields, Conversion: "c"}),

	with(DoraTranscript, DoraTranscriptData{Mode: "long", Source: "s", TaskID: "t", Duration: "12.0 s", Speakers: 2, Sentences: 2, Extra: someFields,
		Text: "hello", Truncated: true, Rows: []SentenceRow{{Start: "00:00:00.0", End: "00:00:01.0", Speaker: "1", Text: "hello"}}, More: 1,
		VTTPath: "/tmp/a.vtt", Notes: someNotes, Next: someNext}),
	with(DoraTask, DoraTaskData{Icon: "⏳", Heading: "Transcription in progress", TaskID: "t", Status: "running", Fields: someFields,
		Delivery: "polled", Notes: someNotes, Next: someNext}),
	with(DoraVerdict, DoraVerdictData{Subject: "Audio", Source: "s", Decision: "⚠️ review", Fields: someFields,
		Segments: []SegmentRow{{From: "00:00:00", To: "00:00:05", Decision: "✅ pass", Risk: "none", Text: "hi"}}, More: 2, Notes: someNotes, Next: someNext}),
}

func TestEveryTemplateRenders(t *testing.T) {
	byName := map[string]sample{}
	for _, s := range samples {
		if _, dup := byName[s.name]; dup {
			t.Errorf("two samples for %s", s.name)
		}
		byName[s.name] = s
	}
	names := Names()
	sort.Strings(names)
	embedded := map[string]bool{}
	for _, n := range names {
		embedded[n] = true
		s, ok := byName[n]
		if !ok {
			t.Errorf("template %s has no sample in samples_test.go", n)
			continue
		}
		out, err := s.render()
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if strings.Contains(out, "<no value>") || strings.TrimSpace(out) == "" {
			t.Errorf("%s rendered a missing value or nothing:\n%s", n, out)
		}
	}
	for n := range byName {
		if !embedded[n] {
			t.Errorf("sample for %s, which is not an embedded template", n)
		}
	}
}

// A name that is not a template is an error, not a text.
func TestUnknownTemplate(t *testing.T) {
	if out, err := T[MediaRef]("aioz/nope").Render(MediaRef{}); err == nil || out != "" {
		t.Errorf("got %q, %v", out, err)
	}
}

// Samples of the subtitle, player and playlist templates (aioz_players.go).
func init() {
	samples = append(samples,
		with(AIOZChangeCard, ChangeCard{Icon: "💬", Heading: "Subtitle added", Fields: someFields, Conversions: []string{"SRT → WebVTT"},
			Preview: "WEBVTT", Notes: someNotes, Next: someNext}),
		with(AIOZSubtitles, Subtitles{MediaID: "m1", Rows: []SubtitleRow{{Language: "en", Status: "done", URL: "https://s", IsDefault: true}}, Total: 1, Family: "transcripts"}),
		with(AIOZPlayerCard, PlayerCard{Heading: "Player created", ID: "p1", Name: "Brand", IsDefault: true, Theme: []Field{{"main_color", "rgba(255, 0, 0, 1)"}},
			Controls: []Field{{"enable_controls", "true"}}, Logo: "https://l", LogoLink: "https://x", Conversions: []string{"c"}, Notes: someNotes, Next: someNext}),
		with(AIOZPlayerList, PlayerList{Search: "b", Rows: []PlayerRow{{ID: "p1", Name: "Brand", IsDefault: true, HasLogo: true}}, Total: 2, NextOffset: 1}),
		with(AIOZPlaylistCard, PlaylistCard{Heading: "Playlist", ID: "l1", Name: "Best of", Tags: "a,b", ItemCount: 1, Thumbnail: "https://t", Fields: someFields,
			Items: []PlaylistRow{{Position: 1, ItemID: "i1", VideoID: "m1", Title: "Clip", Marked: true}}, ItemsShown: true, Conversions: []string{"c"}, Notes: someNotes, Next: someNext}),
		with(AIOZPlaylistList, PlaylistList{Search: "b", Rows: []PlaylistListRow{{ID: "l1", Name: "Best of", Tags: "a", Items: 2}}, Total: 2, NextOffset: 1}),
	)
}
