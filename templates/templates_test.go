package templates

import (
	"os"
	"strings"
	"testing"
)

// seed001 holds, verbatim, the excerpts of seed 001 (the AIOZ Stream skill
// page, 001_1bd893c17492d387.txt) that these golden tests compare with: the
// response templates from "### 📤 During Upload" to the end of the
// encoding_failed block, and the insufficient-balance paragraph. The page
// was flattened, so its whitespace is collapsed; so is ours before comparing.
const seed001 = "testdata/seed001_excerpts.txt"

// normalise collapses whitespace the way the flattened seed page did.
func normalise(s string) string { return strings.Join(strings.Fields(s), " ") }

func loadSeed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(seed001)
	if err != nil {
		t.Fatal(err)
	}
	return normalise(string(b))
}

// placeholders renders the templates with the seed's own placeholder words,
// so the output must appear in the seed text character for character.
var placeholders = MediaEvent{MediaID: "{media_id}", Title: "{title}", Type: "{type}", Timestamp: "{timestamp}", HasMP4: true}

func TestTemplatesReproduceSeed001(t *testing.T) {
	seed := loadSeed(t)
	progress := UploadProgress{Title: "{title}", Bar: "{bar}", Done: 0, Total: 0, Rows: []ChunkRow{
		{0, "50 MB", MD5Valid, ChunkDone}, {1, "50 MB", MD5Valid, ChunkDone}, {2, "50 MB", MD5Valid, ChunkDone},
		{3, "50 MB", MD5Valid, ChunkDone}, {4, "10 MB", MD5Valid, ChunkUploading},
	}}
	out, err := AIOZUploadProgress.Render(progress)
	if err != nil {
		t.Fatal(err)
	}
	// The seed's progress line has placeholders where we print numbers.
	got := strings.Replace(normalise(out), "{bar} 0% (0 of 0 chunks)", "{bar} {percent}% ({done} of {total} chunks)", 1)
	if !strings.Contains(seed, got) {
		t.Errorf("rendered %s is not in seed 001:\n%s", AIOZUploadProgress, got)
	}
	for _, tm := range []T[MediaEvent]{AIOZUploadComplete, AIOZFileReceived, AIOZEncodingStarted, AIOZPartialFinished, AIOZEncodingFinished, AIOZEncodingFailed} {
		t.Run(tm.Name(), func(t *testing.T) {
			out, err := tm.Render(placeholders)
			if err != nil {
				t.Fatal(err)
			}
			if got := normalise(out); !strings.Contains(seed, got) {
				t.Errorf("rendered %s is not in seed 001:\n%s", tm, got)
			}
		})
	}
	if !strings.Contains(seed, normalise(InsufficientBalance)) {
		t.Error("InsufficientBalance text differs from seed 001")
	}
}

func TestUploadCompleteFilled(t *testing.T) {
	out, err := AIOZUploadComplete.Render(MediaEvent{MediaID: "m-1", Title: "My | Clip\nTwo", Type: "video", Timestamp: "2026-11-21 06:00:00"})
	if err != nil {
		t.Fatal(err)
	}
	want := "## 🎉 Upload Complete!\n\nYour media has been successfully uploaded and is now being processed.\n\n" +
		"| Field | Value |\n|--------------|------------------------|\n| **Media ID** | m-1 |\n| **Title** | My \\| Clip Two |\n" +
		"| **Type** | video |\n| **Status** | `transcoding` |\n| **Uploaded** | 2026-11-21 06:00:00 UTC |\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("got\n%s\nwant prefix\n%s", out, want)
	}
}

func TestEncodingFinishedAudioHasNoMP4(t *testing.T) {
	ev := placeholders
	ev.HasMP4 = false
	out, err := AIOZEncodingFinished.Render(ev)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "MP4:") {
		t.Error("audio media must not show an MP4 link")
	}
}

func TestBar(t *testing.T) {
	for _, c := range []struct {
		done, total int
		want        string
	}{
		{0, 3, "░░░░░░░░░░"}, {1, 3, "███░░░░░░░"}, {2, 3, "███████░░░"}, {3, 3, "██████████"}, {4, 5, "████████░░"}, {0, 0, "░░░░░░░░░░"},
	} {
		if got := Bar(c.done, c.total); got != c.want {
			t.Errorf("Bar(%d,%d)=%s want %s", c.done, c.total, got, c.want)
		}
	}
}
