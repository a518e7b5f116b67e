package templates

import "testing"

// TestLines pins each one-line template (progress messages, log lines) to
// the text agents and clients have been shown, with no trailing newline.
func TestLines(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{TaskProgress.Line(TaskStatus{Subject: "transcription", TaskID: "t1", Status: "running", Step: 2, Steps: 4}), "transcription t1: running (2/4)"},
		{TaskProgress.Line(TaskStatus{Subject: "audio moderation", TaskID: "t2", Status: "in progress"}), "audio moderation t2: in progress"},
		{DoraRealtimeProgress.Line(RealtimeLine{End: "00:00:01.0", Text: "一"}), "partial 00:00:01.0: 一"},
		{DoraRealtimeProgress.Line(RealtimeLine{Final: true, End: "00:00:01.2", Text: "一。"}), "final 00:00:01.2: 一。"},
		{VODWaitProgress.Line(VODWait{Label: "ready", VideoID: "v1", Status: "transcoding", Renditions: "0 of 2 ready"}), "ready: video v1 is transcoding (0 of 2 ready)"},
		{VODExportProgress.Line(VODExport{Kind: "cdn", Path: "/tmp/a.csv"}), "Exporting cdn traffic to /tmp/a.csv"},
		{VODUploadProgress.Line(VODUpload{File: "a.mp4", Total: "2.0 MiB"}), "Uploading a.mp4 (2.0 MiB) to the storage service"},
		{VODUploadProgress.Line(VODUpload{File: "a.mp4", Started: true, Done: "1.0 MiB", Total: "2.0 MiB", Percent: 50}), "Uploading a.mp4: 1.0 MiB of 2.0 MiB (50%)"},
		{AIOZMediaProgress.Line(MediaStatus{ID: "m1", Status: "new"}), "media m1 is `new`"},
		{AIOZReportProgress.Line(ReportStep{Breakdown: "country"}), "breakdown by country"},
		{AIOZSubtitleProgress.Line(SubtitleStep{Step: SubtitleReading, MediaID: "m1"}), "reading media m1"},
		{AIOZSubtitleProgress.Line(SubtitleStep{Step: SubtitleSubmitting, File: "mp4"}), "sending the mp4 file to Qiniu long speech recognition"},
		{AIOZSubtitleProgress.Line(SubtitleStep{Step: SubtitleConverting, Sentences: 4, Cues: 3}), "4 sentences → 3 WebVTT cues"},
		{AIOZSubtitleProgress.Line(SubtitleStep{Step: SubtitleAdding, Language: "en", MediaID: "m1"}), "adding the en subtitle to media m1"},
		{MediaCallbackLog.Line(CallbackNote{Provider: "vod", Kind: "video_ready", TaskID: "v1", Seq: 7}), "callback received: vod video_ready task v1 (seq 7); read it with media_events"},
		{MediaToolsAddedLog.Line(ToolsAdded{Tools: []string{"a", "b"}}), "2 tools added for newly configured providers: a, b"},
		{MediaToolsAddedLog.Line(ToolsAdded{Tools: []string{"a"}}), "1 tool added for newly configured providers: a"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if got := T[MediaStatus]("aioz/nope").Line(MediaStatus{}); got != `no template "aioz/nope"` {
		t.Errorf("a missing template's line is %q, want its error", got)
	}
}
