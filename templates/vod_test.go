package templates

import "testing"

// The VOD one-line event, to the character: the inbox lists and announces
// it as the summary of a callback.
func TestVODEventLine(t *testing.T) {
	for _, tc := range []struct {
		d    VODEventData
		want string
	}{
		{VODEventData{EventType: "video_ready", VideoID: "v1", VideoName: "Clip | 1", Duration: "61.5 s", Renditions: 0},
			"✅ Video `v1` (Clip \\| 1) is ready, 61.5 s, with 0 rendition(s); it can be transcoded now.\n"},
		{VODEventData{EventType: "video_play_set_ready", VideoID: "v1", PlaySetID: "p1", Resolution: "720P"},
			"🎞️ Rendition `p1` (720P) of video `v1` is ready.\n"},
	} {
		got, err := VODEvent.Render(tc.d)
		if err != nil || got != tc.want {
			t.Errorf("got %q (%v), want %q", got, err, tc.want)
		}
	}
}

func TestVODListCount(t *testing.T) {
	got, err := VODVideoList.Render(VODVideoListData{Rows: []VODVideoRowData{{ID: "v1", Name: "a", Status: "ready"}}, Page: 1, PageSize: 15, Total: 33, NextPage: 2})
	want := "## 🎬 Videos\n\n| Name | Video ID | Status | Duration | Renditions | Sharing |\n|------|----------|--------|----------|------------|---------|\n" +
		"| a | `v1` | `ready` | — | 0 |  |\n\nShowing 1 of 33 (page 1, 15 per page) — next page: page 2.\n"
	if err != nil || got != want {
		t.Errorf("got %q (%v)\nwant %q", got, err, want)
	}
}
