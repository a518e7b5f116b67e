package aioz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/sandbox"
	"github.com/mcp-media/mcp-media/internal/webvtt"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

const vttEN = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello\n"

// The acceptance: a second subtitle in en-US when en exists is
// reported with the existing one named, and nothing is deleted (B5).
func TestSecondSubtitleSamePrimaryLanguage(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	m := h.fake.SeedMedia(aiozfake.MediaSeed{Title: "Talk"})[0]
	h.run.OK(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "en", "vtt_text": vttEN})
	h.run.Fails(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "en-US", "vtt_text": vttEN},
		"already has a subtitle in en (en", "Nothing was deleted", "aioz_delete_subtitle", `"en"`)
	for _, r := range h.fake.Requests() {
		if r.Method == "DELETE" {
			t.Fatalf("the tool deleted something: %s %s", r.Method, r.Path)
		}
	}
	list := h.run.OK(t, "aioz_list_subtitles", map[string]any{"media_id": m})
	if list.Num("total") != 1 || !strings.Contains(list.Text, "| en |") {
		t.Errorf("subtitles after the refusal: %s", list.Text)
	}
	// Another primary language is fine.
	h.run.OK(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "vi", "vtt_text": vttEN})
}

func TestSubtitleFilesDefaultAndDelete(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	m := h.fake.SeedMedia(aiozfake.MediaSeed{Title: "Talk"})[0]
	dir := t.TempDir()
	srt := filepath.Join(dir, "talk.srt")
	os.WriteFile(srt, []byte("1\n00:00:01,000 --> 00:00:02,500\nBonjour\n\n2\n00:00:03,000 --> 00:00:04,000\nSalut\n"), 0o600)
	res := h.run.OK(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "fr-CA", "file_path": srt})
	if res.Str("source") != "srt_file" || res.Num("cues") != 2 || !strings.Contains(res.Str("conversion"), "SRT → WebVTT") || !strings.Contains(res.Text, "SRT → WebVTT") {
		t.Errorf("SRT add: %s\n%s", res.Str(), res.Text)
	}
	vtt := filepath.Join(dir, "en.vtt")
	os.WriteFile(vtt, []byte(vttEN), 0o600)
	h.run.OK(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "en", "file_path": vtt})
	h.run.Fails(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "english", "vtt_text": vttEN}, "`language`")
	h.run.Fails(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "de", "vtt_text": "not webvtt"}, "`vtt_text`")
	h.run.Fails(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "de", "file_path": filepath.Join(dir, "x.txt")}, "`file_path`")
	h.run.Fails(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "de"}, "`file_path`")

	h.run.OK(t, "aioz_set_default_subtitle", map[string]any{"media_id": m, "language": "en"})
	list := h.run.OK(t, "aioz_list_subtitles", map[string]any{"media_id": m})
	if list.Str("default") != "en" {
		t.Errorf("default: %s", list.Str())
	}
	// B14: deleting the default says to set a new one.
	del := h.run.OK(t, "aioz_delete_subtitle", map[string]any{"media_id": m, "language": "en"})
	if !strings.Contains(del.Text, "no default subtitle now") || !strings.Contains(del.Text, "aioz_set_default_subtitle") || !strings.Contains(del.Text, "fr-CA") {
		t.Errorf("B14 reminder missing:\n%s", del.Text)
	}
	// Deleting one that is not the default says nothing of the sort.
	del = h.run.OK(t, "aioz_delete_subtitle", map[string]any{"media_id": m, "language": "fr-CA"})
	if strings.Contains(del.Text, "default") {
		t.Errorf("reminder for a non-default subtitle:\n%s", del.Text)
	}
	h.run.Fails(t, "aioz_delete_subtitle", map[string]any{"media_id": m, "language": "fr-CA"}, "`language`", "has no fr-CA subtitle (it has no subtitles)")
	h.run.OK(t, "aioz_add_subtitle", map[string]any{"media_id": m, "language": "en-GB", "vtt_text": vttEN})
	h.run.Fails(t, "aioz_set_default_subtitle", map[string]any{"media_id": m, "language": "en"}, "`language`", "it has subtitles in en-GB")
}

// sandboxRunner runs the AIOZ tools against a started sandbox, as
// `serve --sandbox` does.
func sandboxRunner(t *testing.T, providers ...string) (*sandbox.Sandbox, *tooltest.Runner, *[]string) {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{Step: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	creds := map[string]map[string]string{}
	var secrets []string
	for _, p := range providers {
		creds[p] = sb.Creds[p]
		for _, v := range sb.Creds[p] {
			secrets = append(secrets, v)
		}
	}
	var progress []string
	set := &redact.Set{}
	env := &toolkit.Env{
		Creds:    &credentials.Store{Redact: set, Getenv: func(string) string { return "" }, Sandbox: creds},
		Redact:   set,
		Getenv:   func(k string) string { return sb.Env[k] },
		StateDir: t.TempDir(),
		Sandbox:  true,
		ProgressSink: func(_, _ float64, msg string) {
			progress = append(progress, msg)
		},
	}
	run := tooltest.NewRunner(env, Toolsets(env), secrets...)
	run.ProgressToken = "tok"
	return sb, run, &progress
}

// The acceptance: on a sandbox media, aioz_generate_subtitles
// produces a WebVTT subtitle whose cues come from the Qiniu transcript.
func TestGenerateSubtitlesOnSandbox(t *testing.T) {
	_, run, progress := sandboxRunner(t, "aioz", "qiniu")
	media := run.OK(t, "aioz_list_media", map[string]any{"search": "Behind the scenes"})
	id := media.Get("media").([]any)[0].(map[string]any)["id"].(string)
	res := run.OK(t, "aioz_generate_subtitles", map[string]any{"media_id": id, "language": "zh-CN"})
	vtt := res.Str("vtt")
	cues, err := webvtt.Parse(vtt)
	if err != nil {
		t.Fatalf("generated WebVTT does not parse: %v\n%s", err, vtt)
	}
	// The Dora fake cuts the audio into 5 s sentences "第1句。", "第2句。", …
	// (the first with a "[sandbox] " prefix).
	if len(cues) == 0 || float64(len(cues)) != res.Num("sentences") || !strings.Contains(cues[0].Text, "第1句") || cues[0].End != 5*time.Second {
		t.Errorf("cues do not come from the transcript: %+v", cues)
	}
	task := res.Str("task_id")
	if task == "" || !strings.Contains(res.Text, "Subtitle added") || !strings.Contains(res.Text, "第1句") {
		t.Errorf("result:\n%s", res.Text)
	}
	// The subtitle is stored, and the fake received the MP4 URL.
	list := run.OK(t, "aioz_list_subtitles", map[string]any{"media_id": id})
	if !strings.Contains(list.Text, "| zh-CN |") {
		t.Errorf("subtitle not stored: %s", list.Text)
	}
	if !strings.HasSuffix(res.Str("audio_url"), "/media/"+id+"/mp4") {
		t.Errorf("audio_url %q", res.Str("audio_url"))
	}
	// A second run for the same primary language is refused by the
	// service; the transcript is kept and nothing is deleted (B5).
	again := run.Fails(t, "aioz_generate_subtitles", map[string]any{"media_id": id, "language": "zh"}, "already has a subtitle in zh (zh-CN", "Nothing was deleted", "qiniu_get_transcription")
	if strings.Contains(again.Text, "Subtitle added") {
		t.Errorf("refusal reads like a success: %s", again.Text)
	}
	if len(*progress) < 5 || !strings.Contains(strings.Join(*progress, "\n"), "Qiniu transcription "+task) {
		t.Errorf("progress: %q", *progress)
	}
}

func TestGenerateSubtitlesNeedsQiniu(t *testing.T) {
	sb, run, _ := sandboxRunner(t, "aioz")
	n := len(sb.AIOZ.Requests())
	run.Fails(t, "aioz_generate_subtitles", map[string]any{"media_id": "whatever", "language": "en"}, "Qiniu is not configured", "mcp-media auth set qiniu", "QINIU_ACCESS_KEY")
	if len(sb.AIOZ.Requests()) != n {
		t.Error("requests were sent before the Qiniu check")
	}
	run.Fails(t, "aioz_generate_subtitles", map[string]any{"media_id": "whatever", "language": "english"}, "`language`")
}
