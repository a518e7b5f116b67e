package dora

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/webvtt"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

func TestToolsetsAndAnnotations(t *testing.T) {
	sets := Toolsets(&toolkit.Env{})
	want := map[string]struct {
		def   bool
		tools string
	}{
		ToolsetASR:       {false, "qiniu_transcribe_short qiniu_transcribe_long qiniu_get_transcription qiniu_transcribe_realtime"},
		ToolsetCensor:    {false, "qiniu_censor_image qiniu_censor_audio qiniu_get_audio_censor_result"},
		ToolsetStreams:   {false, "qiniu_start_audio_stream_censor qiniu_stop_audio_stream_censor qiniu_start_video_stream_censor qiniu_stop_video_stream_censor qiniu_start_voice_censor qiniu_stop_voice_censor"},
		ToolsetTranslate: {false, "qiniu_translate_document qiniu_get_translation"},
	}
	if len(sets) != len(want) {
		t.Fatalf("%d toolsets", len(sets))
	}
	for _, ts := range sets {
		w, ok := want[ts.Name]
		if !ok || ts.Default != w.def || ts.Provider != "qiniu" {
			t.Errorf("toolset %s: default %v", ts.Name, ts.Default)
		}
		var names []string
		for _, tl := range ts.Tools() {
			names = append(names, tl.Name)
			if !tl.Annotations.OpenWorld || tl.Toolset != ts.Name || tl.Provider != "qiniu" {
				t.Errorf("%s: spec %+v", tl.Name, tl.Spec)
			}
			if tl.Annotations.Destructive {
				t.Errorf("%s claims to be destructive", tl.Name)
			}
			if strings.Count(strings.TrimSuffix(tl.Description, "."), ". ") > 0 || len(tl.Description) > 160 {
				t.Errorf("%s: description is not one short sentence: %q", tl.Name, tl.Description)
			}
		}
		if strings.Join(names, " ") != w.tools {
			t.Errorf("%s tools = %v", ts.Name, names)
		}
	}
}

func TestDefaultToolsetsSize(t *testing.T) {
	total := 0
	for _, ts := range Toolsets(&toolkit.Env{}) {
		if !ts.Default {
			continue
		}
		for _, tl := range ts.Tools() {
			b, err := json.Marshal(tl.MCP())
			if err != nil {
				t.Fatal(err)
			}
			total += len(b)
		}
	}
	t.Logf("default Dora tools/list entries: %d bytes", total)
	if total > 16000 {
		t.Errorf("default Dora tools take %d bytes of tools/list", total)
	}
}

func TestNotConfigured(t *testing.T) {
	h := newHarness(t)
	h.env.Creds = &credentials.Store{Sandbox: map[string]map[string]string{}, Redact: h.red}
	r := h.call("qiniu_transcribe_short", map[string]any{"url": "https://x.example/a.wav"})
	if !r.IsError || !strings.Contains(r.Text, "mcp-media auth set qiniu") {
		t.Fatalf("%+v", r)
	}
}

func TestWrongSecretNamesAuthSet(t *testing.T) {
	h := newHarness(t, withSecret("not-the-secret-key-00000000000000000000"))
	for name, args := range map[string]any{
		"qiniu_transcribe_short":   map[string]any{"url": "https://x.example/a.wav"},
		"qiniu_censor_image":       map[string]any{"url": "https://x.example/a.jpg"},
		"qiniu_get_transcription":  map[string]any{"task_id": "abc"},
		"qiniu_translate_document": map[string]any{"url": "https://x.example/a.pdf", "to": "en", "bucket": "b"},
	} {
		r := h.call(name, args)
		if !r.IsError || !strings.Contains(r.Text, "mcp-media auth set qiniu") {
			t.Errorf("%s: %+v", name, r)
		}
		if strings.Contains(r.Text, "not-the-secret-key") {
			t.Errorf("%s leaked the secret: %s", name, r.Text)
		}
	}
}

func TestTranscribeShort(t *testing.T) {
	h := newHarness(t)
	p := writeFile(t, "hello.wav", wavBytes(16000, 1, 3*time.Second))
	r := h.mustCall("qiniu_transcribe_short", map[string]any{"path": p, "hot_words": []string{"七牛"}})
	if r.Str("text") != "[sandbox] wav audio, 3000 ms" || r.Get("duration_seconds") != 3.0 || r.Str("format") != "wav" {
		t.Errorf("data = %v", r.Data)
	}
	for _, want := range []string{"## 🗣️ Transcription", "| **Duration** | 3.0 s |", "> [sandbox] wav audio, 3000 ms"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
}

// Inputs over the documented limits are refused before anything is sent,
// with a message naming the limit.
func TestLimitsRefusedBeforeSending(t *testing.T) {
	big := make([]byte, 25<<20)
	copy(big, wavBytes(16000, 1, time.Second))
	cases := []struct {
		name, tool string
		args       func(t *testing.T) map[string]any
		arg, want  string
	}{
		{"61 s clip", "qiniu_transcribe_short", func(t *testing.T) map[string]any {
			return map[string]any{"path": writeFile(t, "long.wav", wavBytes(16000, 1, 61*time.Second))}
		}, "path", "at most 60 s"},
		{"25 MB file", "qiniu_transcribe_short", func(t *testing.T) map[string]any {
			return map[string]any{"path": writeFile(t, "big.wav", big)}
		}, "path", "at most 20 MB"},
		{"unsupported format", "qiniu_transcribe_short", func(t *testing.T) map[string]any {
			return map[string]any{"path": writeFile(t, "a.flac", append([]byte("fLaC"), make([]byte, 64)...))}
		}, "path", "short ASR accepts mp3, wav"},
		{"invalid sample rate (WAV)", "qiniu_transcribe_short", func(t *testing.T) map[string]any {
			return map[string]any{"path": writeFile(t, "a.wav", wavBytes(22050, 1, time.Second))}
		}, "path", "22050 Hz"},
		{"invalid sample rate (realtime PCM)", "qiniu_transcribe_realtime", func(t *testing.T) map[string]any {
			return map[string]any{"path": writeFile(t, "a.pcm", make([]byte, 6400)), "sample_rate": 22050}
		}, "sample_rate", "sample_rate"},
		{"realtime unsupported format", "qiniu_transcribe_realtime", func(t *testing.T) map[string]any {
			return map[string]any{"path": writeFile(t, "a.mp3", []byte("<!doctype html><html>oops</html>"))}
		}, "path", "HTML"},
		{"25 MB image", "qiniu_censor_image", func(t *testing.T) map[string]any {
			jpeg := make([]byte, 25<<20)
			copy(jpeg, "\xFF\xD8\xFF") // a JPEG by content, so the size is what is refused
			return map[string]any{"path": writeFile(t, "a.jpg", jpeg)}
		}, "path", "10 MB request limit"},
		{"hot word", "qiniu_transcribe_long", func(t *testing.T) map[string]any {
			return map[string]any{"url": "https://x.example/a.wav", "hot_words": []string{"x"}}
		}, "hot_words", "hot_words"},
		{"speakers", "qiniu_transcribe_long", func(t *testing.T) map[string]any {
			return map[string]any{"url": "https://x.example/a.wav", "speakers": 5}
		}, "speakers", "at most 4"},
		{"vtt without wait", "qiniu_transcribe_long", func(t *testing.T) map[string]any {
			return map[string]any{"url": "https://x.example/a.wav", "wait": false, "vtt_path": filepath.Join(t.TempDir(), "a.vtt")}
		}, "vtt_path", "needs wait"},
		{"document format", "qiniu_translate_document", func(t *testing.T) map[string]any {
			return map[string]any{"url": "https://x.example/a.txt", "to": "en", "bucket": "b"}
		}, "url", "pdf, doc, docx"},
		{"video stream not rtmp", "qiniu_start_video_stream_censor", func(t *testing.T) map[string]any {
			return map[string]any{"url": "https://x.example/live.m3u8", "callback_url": "https://cb.example/x"}
		}, "url", "rtmp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.call(c.tool, c.args(t))
			if !r.IsError || !strings.Contains(r.Text, "invalid argument `"+c.arg+"`: ") || !strings.Contains(r.Text, c.want) {
				t.Fatalf("got %+v, want an error about `%s` naming %q", r.Text, c.arg, c.want)
			}
			h.noRequests()
		})
	}
}

func TestTranscribeLongWaitsWithProgressAndWritesVTT(t *testing.T) {
	h := newHarness(t)
	u := serveBytes(t, "talk.wav", wavBytes(16000, 1, 12*time.Second))
	vtt := filepath.Join(t.TempDir(), "talk.zh.vtt")
	r := h.mustCall("qiniu_transcribe_long", map[string]any{"url": u, "speakers": 2, "vtt_path": vtt, "replace": []map[string]string{{"from": "第", "to": "D"}}})
	if r.Get("done") != true || r.Str("status") != "TASK_SUCC" || r.Get("duration_seconds") != 12.0 || r.Str("delivery") != "poll" {
		t.Fatalf("data = %v", r.Data)
	}
	ss, _ := r.Get("sentences").([]any)
	if len(ss) != 3 || ss[1].(map[string]any)["speaker"] != "2" {
		t.Errorf("sentences = %v", ss)
	}
	prog := h.progressMessages()
	if len(prog) != 3 || !strings.Contains(prog[0], "LOADING (1/4)") || !strings.Contains(prog[2], "PROGRESSING (3/4)") {
		t.Errorf("progress = %q", prog)
	}
	b, err := os.ReadFile(vtt)
	if err != nil {
		t.Fatal(err)
	}
	cues, err := webvtt.Parse(string(b))
	if err != nil || len(cues) != 3 || !strings.HasPrefix(cues[1].Text, "<v Speaker 2>") {
		t.Errorf("vtt = %v %v\n%s", cues, err, b)
	}
	for _, want := range []string{"| **Speakers** | 2 |", "| 00:00:05.0 | 00:00:10.0 | 2 |", "Written to `" + vtt + "`"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
	// An existing file is never overwritten.
	r = h.call("qiniu_get_transcription", map[string]any{"task_id": r.Str("task_id"), "vtt_path": vtt})
	if !r.IsError || !strings.Contains(r.Text, "already exists") {
		t.Errorf("%+v", r)
	}
}

func TestTranscribeLongNoPublicURLPolls(t *testing.T) {
	h := newHarness(t)
	r := h.mustCall("qiniu_transcribe_long", map[string]any{"url": "https://cdn.example/a.mp3", "wait": false})
	id := r.Str("task_id")
	if id == "" || r.Str("delivery") != "poll" || !strings.Contains(r.Text, "No public URL is configured") || !strings.Contains(r.Text, "`qiniu_get_transcription`") {
		t.Fatalf("%s", r.Text)
	}
	var body map[string]any
	reqs := h.fake.Requests()
	_ = json.Unmarshal(reqs[0].Body, &body)
	if _, has := body["callback"]; has {
		t.Errorf("a callback was sent without a public URL: %v", body["callback"])
	}
	var got tooltest.Result
	for i := 0; i < 4; i++ {
		got = h.mustCall("qiniu_get_transcription", map[string]any{"task_id": id})
	}
	if got.Get("done") != true || !strings.Contains(got.Text, "[sandbox] 第1句。") {
		t.Errorf("%s", got.Text)
	}
	r = h.call("qiniu_get_transcription", map[string]any{"task_id": "no-such-task"})
	if !r.IsError || !strings.Contains(r.Text, "task_id") || !strings.Contains(r.Text, "4208") {
		t.Errorf("%+v", r)
	}
}

// A long ASR task whose result comes by callback ends up in the inbox,
// bound to its task id and summarised.
func TestTranscribeLongCallbackReachesInbox(t *testing.T) {
	h := newHarness(t, withInbox())
	r := h.mustCall("qiniu_transcribe_long", map[string]any{"url": "https://cdn.example/a.mp3", "wait": false})
	id := r.Str("task_id")
	if r.Str("delivery") != "inbox" || !strings.Contains(r.Text, "`media_events`") || !strings.Contains(r.Text, id) {
		t.Fatalf("%s", r.Text)
	}
	var body map[string]any
	_ = json.Unmarshal(h.fake.Requests()[0].Body, &body)
	if cb, _ := body["callback"].(string); !strings.Contains(cb, "/callbacks/") {
		t.Fatalf("callback = %v", body["callback"])
	}
	for i := 0; i < 3; i++ { // the fake advances one state per query
		h.fake.Advance()
	}
	h.fake.Flush()
	ev, ok := h.env.Inbox.Latest(id)
	if !ok || ev.Kind != "asr_long" || ev.Provider != "qiniu" || !strings.Contains(ev.Summary, "transcription done: 6 sentences") {
		t.Fatalf("inbox event = %+v %v", ev, ok)
	}
	// Waiting picks the inbox result up.
	got := h.mustCall("qiniu_get_transcription", map[string]any{"task_id": id})
	if got.Get("done") != true {
		t.Errorf("%v", got.Data)
	}
}

func TestTranscribeRealtime(t *testing.T) {
	h := newHarness(t)
	p := writeFile(t, "live.wav", wavBytes(16000, 1, 2200*time.Millisecond))
	r := h.mustCall("qiniu_transcribe_realtime", map[string]any{"path": p, "language": "zh"})
	if r.Str("text") != "[sandbox] 一二。" || r.Get("audio_seconds") != 2.2 || r.Str("ended") != "end_of_audio" || r.Str("decoder") != "wav" {
		t.Errorf("data = %v", r.Data)
	}
	prog := h.progressMessages()
	want := []string{"partial 00:00:01.0: [sandbox] 一", "partial 00:00:02.0: [sandbox] 一二", "final 00:00:02.2: [sandbox] 一二。"}
	if strings.Join(prog, "|") != strings.Join(want, "|") {
		t.Errorf("progress = %q", prog)
	}
	s := h.fake.RealtimeSessions()[0]
	if s.DroppedBytes != 0 || !s.Ended || s.Params.Get("model_type") != "1" {
		t.Errorf("session = %+v", s)
	}
}

func TestCensorImageAndAudio(t *testing.T) {
	h := newHarness(t)
	r := h.mustCall("qiniu_censor_image", map[string]any{"url": "https://img.example/reject/x.jpg", "checks": []string{"violence", "porn"}})
	if r.Str("verdict", "decision") != "block" || r.Str("verdict", "risk_type") != "terrorism" || r.Str("verdict", "provider_level") != "REJECT" {
		t.Errorf("data = %v", r.Data)
	}
	var body map[string]any
	_ = json.Unmarshal(h.fake.Requests()[0].Body, &body)
	if body["type"] != "VIOLENCE_PORN" {
		t.Errorf("type = %v", body["type"])
	}
	for _, want := range []string{"## 🛡️ Image moderation: ⛔ block", "| **Risk** | terrorism (暴恐) |", "REJECT, riskType 400, score 900"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
	u := serveBytes(t, "review/voice.wav", wavBytes(16000, 1, 15*time.Second))
	a := h.mustCall("qiniu_censor_audio", map[string]any{"url": u, "checks": []string{"anthem", "politics"}})
	if a.Get("done") != true || a.Str("result", "verdict", "decision") != "review" || a.Str("result", "verdict", "risk_type") != "anthem" {
		t.Errorf("data = %v", a.Data)
	}
	if !strings.Contains(a.Text, "| 00:00:10 | 00:00:15 | ⚠️ review | anthem (国歌) |") {
		t.Errorf("text:\n%s", a.Text)
	}
	g := h.mustCall("qiniu_get_audio_censor_result", map[string]any{"task_id": a.Str("task_id")})
	if g.Str("result", "verdict", "decision") != "review" {
		t.Errorf("%v", g.Data)
	}
	if r := h.call("qiniu_get_audio_censor_result", map[string]any{"task_id": "nope"}); !r.IsError || !strings.Contains(r.Text, "1902") {
		t.Errorf("%+v", r)
	}
}

func TestStreamCensorsNeedACallback(t *testing.T) {
	h := newHarness(t)
	for name, args := range map[string]any{
		"qiniu_start_audio_stream_censor": map[string]any{"url": "rtmp://live.example/hub/s"},
		"qiniu_start_video_stream_censor": map[string]any{"url": "rtmp://live.example/hub/s"},
		"qiniu_start_voice_censor":        map[string]any{"url": "rtmp://live.example/hub/s"},
	} {
		r := h.call(name, args)
		if !r.IsError || !strings.Contains(r.Text, "--public-url") || !strings.Contains(r.Text, "callback_url") {
			t.Errorf("%s: %+v", name, r)
		}
	}
	h.noRequests()
}

func TestStreamCensorsDeliverToInbox(t *testing.T) {
	h := newHarness(t, withInbox())
	a := h.mustCall("qiniu_start_audio_stream_censor", map[string]any{"url": "rtmp://live.example/hub/reject", "all_segments": true})
	v := h.mustCall("qiniu_start_video_stream_censor", map[string]any{"url": "rtmp://live.example/hub/review", "all_frames": true})
	y := h.mustCall("qiniu_start_voice_censor", map[string]any{"url": "https://live.example/hub/reject-porn.m3u8"})
	for _, r := range []tooltest.Result{a, v, y} {
		if r.Str("status") != "started" || r.Str("delivery") != "inbox" || !strings.Contains(r.Text, "`media_events`") {
			t.Fatalf("%s", r.Text)
		}
	}
	h.fake.Advance()
	h.fake.Flush()
	for _, c := range []struct {
		r    tooltest.Result
		kind string
		want string
	}{
		{a, "censor_audio_stream", "audio block (politics)"},
		{v, "censor_video_stream", "review"},
		{y, "censor_voice", "audio block (porn)"},
	} {
		ev, ok := h.env.Inbox.Latest(c.r.Str("task_id"))
		if !ok || ev.Kind != c.kind || !strings.Contains(ev.Summary, c.want) {
			t.Errorf("%s: event %+v %v", c.kind, ev, ok)
		}
	}
	for tool, r := range map[string]tooltest.Result{"qiniu_stop_audio_stream_censor": a, "qiniu_stop_video_stream_censor": v, "qiniu_stop_voice_censor": y} {
		s := h.mustCall(tool, map[string]any{"task_id": r.Str("task_id")})
		if s.Str("status") != "stopped" {
			t.Errorf("%s: %v", tool, s.Data)
		}
	}
	h.fake.Flush()
	ev, _ := h.env.Inbox.Latest(a.Str("task_id"))
	if !strings.Contains(ev.Summary, "(stream finished)") {
		t.Errorf("last audio stream event = %q", ev.Summary)
	}
}

func TestTranslate(t *testing.T) {
	h := newHarness(t)
	r := h.mustCall("qiniu_translate_document", map[string]any{"url": "https://docs.example/r.pdf", "to": "en", "bucket": "out", "output": "pdf"})
	id := r.Str("task_id")
	if r.Str("delivery") != "poll" || !strings.Contains(r.Text, "callback.invalid") || !strings.Contains(r.Text, "`qiniu_get_translation`") {
		t.Fatalf("%s", r.Text)
	}
	g := h.mustCall("qiniu_get_translation", map[string]any{"task_id": id})
	if g.Get("done") != false {
		t.Errorf("%v", g.Data)
	}
	g = h.mustCall("qiniu_get_translation", map[string]any{"task_id": id})
	if g.Get("done") != true || g.Str("file_key") != "sandbox/translate/"+id+".pdf" || !strings.Contains(g.Text, "Translation done") {
		t.Errorf("%v\n%s", g.Data, g.Text)
	}

	hi := newHarness(t, withInbox())
	r = hi.mustCall("qiniu_translate_document", map[string]any{"url": "https://docs.example/r.docx", "to": "jp", "bucket": "out"})
	if r.Str("delivery") != "inbox" {
		t.Fatalf("%s", r.Text)
	}
	hi.fake.Advance()
	hi.fake.Flush()
	if ev, ok := hi.env.Inbox.Latest(r.Str("task_id")); !ok || !strings.Contains(ev.Summary, "translation done") {
		t.Errorf("event = %+v", ev)
	}
}

// A user-supplied URL is echoed without its query (where signed URLs keep
// their tokens), in the text and in the structured result.
func TestURLQueriesNotEchoed(t *testing.T) {
	const token = "token=mysecretdownloadtoken"
	h := newHarness(t, withInbox())
	audio := serveBytes(t, "pass/voice.wav", wavBytes(16000, 1, 15*time.Second)) + "?" + token
	calls := []struct {
		tool string
		args map[string]any
	}{
		{"qiniu_transcribe_short", map[string]any{"url": serveBytes(t, "a.wav", wavBytes(16000, 1, time.Second)) + "?" + token}},
		{"qiniu_transcribe_long", map[string]any{"url": audio, "wait": false}},
		{"qiniu_transcribe_long", map[string]any{"url": audio}},
		{"qiniu_censor_image", map[string]any{"url": "https://img.example/pass/x.jpg?" + token}},
		{"qiniu_censor_audio", map[string]any{"url": audio, "wait": false}},
		{"qiniu_censor_audio", map[string]any{"url": audio}},
		{"qiniu_start_audio_stream_censor", map[string]any{"url": "rtmp://live.example/hub/s?" + token}},
		{"qiniu_start_video_stream_censor", map[string]any{"url": "rtmp://live.example/hub/s?" + token}},
		{"qiniu_start_voice_censor", map[string]any{"url": "https://live.example/hub/s.m3u8?" + token}},
		{"qiniu_translate_document", map[string]any{"url": "https://docs.example/r.pdf?" + token, "to": "en", "bucket": "out"}},
	}
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		calls = append(calls, struct {
			tool string
			args map[string]any
		}{"qiniu_transcribe_realtime", map[string]any{"url": serveBytes(t, "b.wav", wavBytes(16000, 1, 400*time.Millisecond)) + "?" + token}})
	}
	for _, c := range calls {
		r := h.mustCall(c.tool, c.args)
		b, _ := json.Marshal(r.Data)
		if strings.Contains(r.Text, "mysecretdownloadtoken") || strings.Contains(string(b), "mysecretdownloadtoken") {
			t.Errorf("%s echoed the URL's query:\n%s\n%s", c.tool, r.Text, b)
		}
		if !strings.Contains(r.Text, "?…") {
			t.Errorf("%s does not show the URL with its query marked as dropped:\n%s", c.tool, r.Text)
		}
	}
}

// A template that cannot render is an error, not the result's text.
func TestRenderFailureIsAnError(t *testing.T) {
	missing := templates.T[templates.DoraTaskData]("qiniu/dora/missing")
	out, text, err := reply(StreamOutput{TaskID: "x"}, missing, templates.DoraTaskData{})
	if err == nil || text != "" || out.TaskID != "" {
		t.Errorf("reply = %+v, %q, %v", out, text, err)
	}
}

// Speaker ids are escaped in the timed-sentence table.
func TestTranscriptSpeakerEscaped(t *testing.T) {
	ss := []doraapi.Sentence{{Text: "a", Speaker: "1|x", End: time.Second}, {Text: "b", Speaker: "2", Start: time.Second, End: 2 * time.Second}}
	text, err := templates.DoraTranscript.Render(transcriptData("long", "s", "t", 2*time.Second, "ab", ss))
	if err != nil || !strings.Contains(text, `| 1\|x | a |`) {
		t.Errorf("%v\n%s", err, text)
	}
}
