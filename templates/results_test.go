package templates

import (
	"strings"
	"testing"
)

// The one-line AIOZ results, to the character (they were Sprintf calls in
// tools/aioz before they became templates).
func TestAIOZShortResults(t *testing.T) {
	check := func(name, got string, err error, want string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s:\ngot  %q\nwant %q", name, got, want)
		}
	}
	out, err := AIOZMetric.Render(Metric{Metric: "view", Aggregation: "count", Value: 7, Conversion: "c"})
	check("metric", out, err, "view count: 7\n\n(c)")
	out, err = AIOZMetric.Render(Metric{Metric: "watch_time", Aggregation: "sum", Value: 12.25, Conversion: "c"})
	check("metric fraction", out, err, "watch_time sum: 12.25\n\n(c)")
	out, err = AIOZUsageData.Render(UsageData{JSON: "{\n  \"total\": 0\n}", Conversion: "c"})
	check("usage", out, err, "{\n  \"total\": 0\n}\n\n(c)")
	out, err = AIOZMediaCreated.Render(MediaCreated{ID: "m1", Title: "Clip", Type: "video", Status: "new"})
	check("created", out, err, "Created video media **Clip** (`m1`), status `new`. Upload its file with aioz_upload_media and media_id `m1`.")
	out, err = AIOZMediaCreated.Render(MediaCreated{ID: "m1", Title: "Clip", Type: "video", Status: "new", Warnings: []string{"a", "b"}})
	check("created with warnings", out, err, "Created video media **Clip** (`m1`), status `new`. Upload its file with aioz_upload_media and media_id `m1`.\n> ⚠️ a\n> ⚠️ b")
	out, err = AIOZTranscodeCost.Render(TranscodeCost{Type: "video", DurationSeconds: 60.4, Qualities: []string{"360p", "1080p"}, Price: 1.23, IsEnough: true})
	check("cost", out, err, "Transcoding 360p, 1080p (video, 60 s) costs 1.23. Balance sufficient: true.")
	out, err = AIOZTranscodeCost.Render(TranscodeCost{Type: "audio", DurationSeconds: 60, Qualities: []string{"highest"}, Price: 2})
	check("cost too high", out, err, "Transcoding highest (audio, 60 s) costs 2. Balance sufficient: false.\n\n"+InsufficientBalance)
	out, err = AIOZMediaUpdated.Render(MediaRef{ID: "m1", Title: "Clip"})
	check("updated", out, err, "Updated media `m1` (**Clip**).")
	out, err = AIOZMediaDeleted.Render(MediaRef{ID: "m1"})
	check("deleted", out, err, "Deleted media `m1`.")
	out, err = AIOZThumbnailSet.Render(ThumbnailSet{MediaID: "m1", File: "a.png"})
	check("thumbnail", out, err, "Thumbnail of `m1` set from a.png.")
	out, err = AIOZWaitTimedOut.Render(WaitTimedOut{MediaID: "m1", Status: "transcoding", Waited: "10m0s", Ready: 1, Renditions: 2})
	check("wait", out, err, "Media `m1` is still `transcoding` after 10m0s (1 of 2 renditions ready). Call aioz_wait_for_media again later.")
	out, err = AIOZWaitTimedOut.Render(WaitTimedOut{MediaID: "m1", Status: "new", Waited: "1s"})
	check("wait new", out, err, "Media `m1` is still `new` after 1s (0 of 0 renditions ready). Call aioz_wait_for_media again later. It is `new`: its file was never completed — upload it with aioz_upload_media.")
	out, err = AIOZChapterAdded.Render(ChapterChange{MediaID: "m1", Language: "en", Cues: 3})
	check("chapter added", out, err, "Added 3 chapters (en) to media `m1`.")
	out, err = AIOZChapterDeleted.Render(ChapterChange{MediaID: "m1", Language: "en"})
	check("chapter deleted", out, err, "Deleted the en chapters of media `m1`.")
}

// Upload warnings follow seed 001's text, which is otherwise unchanged.
func TestUploadCompleteWarnings(t *testing.T) {
	plain, err := AIOZUploadComplete.Render(placeholders)
	if err != nil {
		t.Fatal(err)
	}
	ev := placeholders
	ev.Warnings = []string{"a", "b"}
	out, err := AIOZUploadComplete.Render(ev)
	if err != nil {
		t.Fatal(err)
	}
	if want := plain + "\n> ⚠️ a\n\n> ⚠️ b\n"; out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
	if strings.Contains(plain, "⚠️") {
		t.Error("no warnings should show none")
	}
}
