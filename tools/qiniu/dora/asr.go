package dora

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func (t *tools) asrTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_transcribe_short",
			Title:       "Transcribe a short clip",
			Description: "Transcribe a clip of at most 60 s and 20 MB (URL or local file) with Qiniu short speech recognition.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.transcribeShort),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_transcribe_long",
			Title:       "Transcribe a long recording",
			Description: "Transcribe a recording by URL into timed sentences with speakers; waits with progress unless wait is false.",
		}, t.transcribeLong),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_transcription",
			Title:       "Read a long transcription",
			Description: "Read a long transcription task's status and result; optionally save it as a WebVTT file.",
			Annotations: toolkit.Annotations{Idempotent: true},
		}, t.getTranscription),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_transcribe_realtime",
			Title:       "Transcribe in real time",
			Description: "Stream a local audio/video file or a live stream URL to Qiniu realtime speech recognition; partial results arrive as progress.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.transcribeRealtime),
	}
}

// SentenceView is one timed sentence.
type SentenceView struct {
	Start   float64    `json:"start_seconds"`
	End     float64    `json:"end_seconds"`
	Speaker string     `json:"speaker,omitempty"`
	Text    string     `json:"text"`
	Words   []WordView `json:"words,omitempty"`
}

// WordView is one character or punctuation mark with its timing.
type WordView struct {
	Text  string  `json:"text"`
	Start float64 `json:"start_seconds"`
	End   float64 `json:"end_seconds"`
	Type  int     `json:"type,omitempty" jsonschema_description:"Bitmask: 1 character 2 punctuation 4 digit 8 replaced 16 disfluency 32 space 64 hot word"`
}

func sentenceViews(ss []doraapi.Sentence, words bool) []SentenceView {
	out := make([]SentenceView, 0, len(ss))
	for _, s := range ss {
		v := SentenceView{Start: seconds(s.Start), End: seconds(s.End), Speaker: s.Speaker, Text: s.Text}
		if words {
			for _, w := range s.Words {
				v.Words = append(v.Words, WordView{Text: w.Text, Start: seconds(w.Start), End: seconds(w.End), Type: w.Type})
			}
		}
		out = append(out, v)
	}
	return out
}

// maxRows bounds the sentences shown in the chat text.
const maxRows = 30

func transcriptData(mode, source, taskID string, d time.Duration, text string, ss []doraapi.Sentence) templates.DoraTranscriptData {
	data := templates.DoraTranscriptData{Mode: mode, Source: source, TaskID: taskID, Sentences: len(ss)}
	if d > 0 {
		data.Duration = fmt.Sprintf("%.1f s", d.Seconds())
	}
	data.Text, data.Truncated = clip(text, 2000)
	speakers := map[string]bool{}
	for _, s := range ss {
		if s.Speaker != "" {
			speakers[s.Speaker] = true
		}
	}
	data.Speakers = len(speakers)
	for i, s := range ss {
		if i == maxRows {
			data.More = len(ss) - maxRows
			break
		}
		data.Rows = append(data.Rows, templates.SentenceRow{Start: stamp(s.Start), End: stamp(s.End), Speaker: s.Speaker, Text: s.Text})
	}
	return data
}

// ---------------------------------------------------------------------------
// qiniu_transcribe_short

// ShortInput are qiniu_transcribe_short's arguments.
type ShortInput struct {
	URL      string   `json:"url,omitempty" jsonschema_description:"Audio or video URL Qiniu can download"`
	Path     string   `json:"path,omitempty" jsonschema_description:"Local audio or video file (sent inline)"`
	HotWords []string `json:"hot_words,omitempty" jsonschema:"maxItems=100" jsonschema_description:"Hot words: 2–4 Chinese characters each"`
}

// ShortOutput is the transcription.
type ShortOutput struct {
	Text      string  `json:"text"`
	RequestID string  `json:"request_id,omitempty"`
	Source    string  `json:"source"`
	Format    string  `json:"format,omitempty"`
	Seconds   float64 `json:"duration_seconds,omitempty"`
}

func (t *tools) transcribeShort(ctx context.Context, c *toolkit.Call, in ShortInput) (ShortOutput, string, error) {
	if (in.URL == "") == (in.Path == "") {
		return ShortOutput{}, "", argerr.New("url", "give exactly one of `url` and `path`", "")
	}
	if in.Path != "" {
		p, err := c.ReadPath("path", in.Path, fileroot.Media)
		if err != nil {
			return ShortOutput{}, "", err
		}
		in.Path = p
	}
	client, err := t.client.Get()
	if err != nil {
		return ShortOutput{}, "", err
	}
	res, err := client.ShortASR(ctx, doraapi.ShortASRRequest{URL: in.URL, Path: in.Path, HotWords: in.HotWords})
	if err != nil {
		return ShortOutput{}, "", err
	}
	out := ShortOutput{Text: res.Text, RequestID: res.RequestID, Source: shown(firstOf(in.URL, in.Path))}
	var d time.Duration
	if a := res.Audio; a != nil {
		out.Format, out.Seconds, d = a.Format, seconds(a.Duration), a.Duration
	}
	data := transcriptData("short", out.Source, "", d, res.Text, nil)
	if out.Format != "" {
		data.Extra = append(data.Extra, templates.Field{Name: "Format", Value: out.Format})
	}
	return reply(out, templates.DoraTranscript, data)
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// ---------------------------------------------------------------------------
// qiniu_transcribe_long and qiniu_get_transcription

// Replacement is one word-replacement rule.
type Replacement struct {
	From string `json:"from" jsonschema:"maxLength=256,required,minLength=1"`
	To   string `json:"to" jsonschema:"maxLength=256"`
}

// LongInput are qiniu_transcribe_long's arguments.
type LongInput struct {
	URL            string        `json:"url" jsonschema:"required,minLength=1" jsonschema_description:"Audio URL Qiniu can download"`
	Speakers       *int          `json:"speakers,omitempty" jsonschema:"minimum=0,maximum=4" jsonschema_description:"1 (default); 2–4 to separate that many; 0 to detect"`
	WordTimings    bool          `json:"word_timings,omitempty" jsonschema_description:"Timing per character"`
	Punctuation    *bool         `json:"punctuation,omitempty" jsonschema:"default=true"`
	ConvertNumbers *bool         `json:"convert_numbers,omitempty" jsonschema:"default=true" jsonschema_description:"Arabic digits instead of Chinese numerals"`
	Disfluency     bool          `json:"disfluency,omitempty" jsonschema_description:"Mark filler words"`
	HotWords       []string      `json:"hot_words,omitempty" jsonschema:"maxItems=100" jsonschema_description:"2–4 Chinese characters or 4–8 bytes mixed"`
	Replace        []Replacement `json:"replace,omitempty" jsonschema_description:"Words to replace in the text"`
	Format         string        `json:"format,omitempty" jsonschema_description:"Audio encoding when the URL does not tell (wav, mp3…)"`
	SampleRate     int           `json:"sample_rate,omitempty" jsonschema:"minimum=1"`
	Wait           bool          `json:"wait,omitempty" jsonschema:"default=true" jsonschema_description:"false returns the task id at once"`
	TimeoutSeconds int           `json:"timeout_seconds,omitempty" jsonschema:"minimum=1,maximum=7200,default=1800"`
	VTTPath        string        `json:"vtt_path,omitempty" jsonschema_description:"Write a new WebVTT subtitle file here (needs wait)"`
}

// TranscriptionOutput is a long transcription task.
type TranscriptionOutput struct {
	TaskID     string         `json:"task_id"`
	Status     string         `json:"status" jsonschema:"enum=LOADING,enum=QUEUEING,enum=PROGRESSING,enum=TASK_SUCC"`
	Done       bool           `json:"done"`
	Text       string         `json:"text,omitempty"`
	Seconds    float64        `json:"duration_seconds,omitempty"`
	Sentences  []SentenceView `json:"sentences,omitempty"`
	VTTPath    string         `json:"vtt_path,omitempty"`
	Delivery   string         `json:"delivery,omitempty" jsonschema:"enum=inbox,enum=poll" jsonschema_description:"How the result arrives: the callback inbox or polling"`
	TimedOut   bool           `json:"timed_out,omitempty"`
	FromInbox  bool           `json:"from_inbox,omitempty"`
	StatusCode int            `json:"status_code"`
}

func (t *tools) transcribeLong(ctx context.Context, c *toolkit.Call, in LongInput) (TranscriptionOutput, string, error) {
	wait := in.Wait
	vtt, err := checkVTTPath(c, in.VTTPath)
	if err != nil {
		return TranscriptionOutput{}, "", err
	}
	if vtt != "" && !wait {
		return TranscriptionOutput{}, "", argerr.New("vtt_path", "needs wait: true", "drop vtt_path, or pass it to qiniu_get_transcription once the task is done")
	}
	if err := doraapi.CheckHotWords("hot_words", in.HotWords, true); err != nil {
		return TranscriptionOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return TranscriptionOutput{}, "", err
	}
	d, err := t.inboxCallback(doraapi.KindASRLong)
	if err != nil {
		return TranscriptionOutput{}, "", err
	}
	req := doraapi.LongASRRequest{AudioURL: in.URL, Callback: d.callback, AUE: in.Format, SampleRate: in.SampleRate,
		AudioName: audioName(in.URL), ByWords: in.WordTimings, HotWords: in.HotWords, AddPunctuation: in.Punctuation,
		ConvertNumber: in.ConvertNumbers, NumOfSpeakers: in.Speakers, Disfluency: in.Disfluency}
	for _, r := range in.Replace {
		req.Replacements = append(req.Replacements, doraapi.WordReplace{Keywords: r.From, Replace: r.To})
	}
	sub, err := client.SubmitLongASR(ctx, req)
	if err != nil {
		t.cancel(d) // the route would wait for a task that does not exist
		return TranscriptionOutput{}, "", err
	}
	t.bind(d, sub.TaskID)
	if !wait {
		out := TranscriptionOutput{TaskID: sub.TaskID, Status: doraapi.LASRStatusNames[0], Delivery: d.mode()}
		return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "🗣️", Heading: "Transcription submitted", TaskID: sub.TaskID, Status: out.Status,
			Fields: []templates.Field{{Name: "Source", Value: shown(in.URL)}}, Delivery: d.text(sub.TaskID, "qiniu_get_transcription")})
	}
	timeout := time.Duration(in.TimeoutSeconds) * time.Second
	return t.waitLong(ctx, c, client, d, sub.TaskID, shown(in.URL), timeout, vtt, in.WordTimings)
}

// waitLong polls a task (and watches the inbox) until it is done.
func (t *tools) waitLong(ctx context.Context, c *toolkit.Call, client *doraapi.Client, d delivery, id, source string, timeout time.Duration, vtt string, words bool) (TranscriptionOutput, string, error) {
	deadline := time.Now().Add(timeout)
	last := -1
	var task doraapi.LongASRTask
	for {
		if p, ok := t.fromInbox(doraapi.KindASRLong, id); ok {
			if tk, err := doraapi.ParseLongASR(p); err == nil && tk.Done {
				return t.longResult(tk, d, source, vtt, words, true)
			}
		}
		var err error
		task, err = client.LongASRTask(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return TranscriptionOutput{}, "", stoppedWaiting(id, "qiniu_get_transcription")
			}
			return TranscriptionOutput{}, "", fmt.Errorf("transcription task %s was submitted, but reading it failed: %w", id, err)
		}
		if task.Done {
			if b, err := json.Marshal(lasrPayload(task)); err == nil {
				t.record(d, doraapi.KindASRLong, id, b)
			}
			return t.longResult(task, d, source, vtt, words, false)
		}
		if task.Status != last {
			last = task.Status
			c.Progress(float64(task.Status+1), 4, templates.TaskProgress.Line(templates.TaskStatus{Subject: "transcription", TaskID: id, Status: task.StatusText, Step: task.Status + 1, Steps: 4}))
		}
		if time.Now().After(deadline) {
			break
		}
		if sleep(ctx, t.pollEvery) != nil {
			return TranscriptionOutput{}, "", stoppedWaiting(id, "qiniu_get_transcription")
		}
	}
	out := TranscriptionOutput{TaskID: id, Status: task.StatusText, StatusCode: task.Status, Delivery: d.mode(), TimedOut: true}
	return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "⏳", Heading: "Transcription still running", TaskID: id, Status: task.StatusText,
		Fields: []templates.Field{{Name: "Source", Value: source}, {Name: "Waited", Value: timeout.String()}}, Delivery: d.text(id, "qiniu_get_transcription")})
}

func stoppedWaiting(id, tool string) error {
	return fmt.Errorf("stopped waiting (cancelled); task %s keeps running at Qiniu — read it later with %s", id, tool)
}

// lasrPayload rebuilds the callback-shaped body of a polled task, so the
// inbox holds the same payload either way.
func lasrPayload(t doraapi.LongASRTask) map[string]any {
	detail := []map[string]any{}
	if t.Result != nil {
		for _, s := range t.Result.Sentences {
			d := map[string]any{"sentences": s.Text, "startTime": fmt.Sprint(s.Start.Milliseconds()), "endTime": fmt.Sprint(s.End.Milliseconds()), "speakerId": s.Speaker}
			if len(s.Words) > 0 {
				ws := []map[string]any{}
				for _, w := range s.Words {
					ws = append(ws, map[string]any{"words": w.Text, "startTime": fmt.Sprint(w.Start.Milliseconds()), "endTime": fmt.Sprint(w.End.Milliseconds()), "transcribeType": fmt.Sprint(w.Type)})
				}
				d["wordsPiece"] = ws
			}
			detail = append(detail, d)
		}
	}
	data := map[string]any{"statusCode": t.Status, "statusText": t.StatusText}
	if t.Result != nil {
		data["speechResult"] = map[string]any{"resultText": t.Result.Text, "duration": t.Result.Duration.Milliseconds(), "detail": detail}
	}
	return map[string]any{"rtn": 0, "message": "polled", "taskId": t.TaskID, "requestId": t.RequestID, "data": data}
}

func (t *tools) longResult(task doraapi.LongASRTask, d delivery, source, vtt string, words, fromInbox bool) (TranscriptionOutput, string, error) {
	out := TranscriptionOutput{TaskID: task.TaskID, Status: task.StatusText, StatusCode: task.Status, Done: task.Done, Delivery: d.mode(), FromInbox: fromInbox}
	if !task.Done || task.Result == nil {
		return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "⏳", Heading: "Transcription in progress", TaskID: task.TaskID, Status: task.StatusText,
			Delivery: "Call `qiniu_get_transcription` again in a while."})
	}
	r := task.Result
	out.Text, out.Seconds = r.Text, seconds(r.Duration)
	out.Sentences = sentenceViews(r.Sentences, words || hasWords(r.Sentences))
	data := transcriptData("long", source, task.TaskID, r.Duration, r.Text, r.Sentences)
	if vtt != "" {
		if err := writeVTT(vtt, r.Sentences); err != nil {
			data.Notes = append(data.Notes, "The WebVTT file was not written: "+err.Error())
		} else {
			out.VTTPath, data.VTTPath = vtt, vtt
		}
	}
	if fromInbox {
		data.Notes = append(data.Notes, "This result was delivered to the callback inbox.")
	}
	return reply(out, templates.DoraTranscript, data)
}

// audioName is the file name in a URL's path (never its query, which may
// carry a signature).
func audioName(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	if n := path.Base(u.Path); n != "." && n != "/" {
		return n
	}
	return ""
}

func hasWords(ss []doraapi.Sentence) bool {
	for _, s := range ss {
		if len(s.Words) > 0 {
			return true
		}
	}
	return false
}

// GetTranscriptionInput are qiniu_get_transcription's arguments.
type GetTranscriptionInput struct {
	TaskID  string `json:"task_id" jsonschema:"maxLength=256,required,minLength=1"`
	VTTPath string `json:"vtt_path,omitempty" jsonschema_description:"Write a new WebVTT subtitle file here when done"`
}

func (t *tools) getTranscription(ctx context.Context, c *toolkit.Call, in GetTranscriptionInput) (TranscriptionOutput, string, error) {
	vtt, err := checkVTTPath(c, in.VTTPath)
	if err != nil {
		return TranscriptionOutput{}, "", err
	}
	id := strings.TrimSpace(in.TaskID)
	client, err := t.client.Get()
	if err != nil {
		return TranscriptionOutput{}, "", err
	}
	task, err := client.LongASRTask(ctx, id)
	if err != nil {
		// The task may have expired at Qiniu while its callback is kept.
		if p, ok := t.fromInbox(doraapi.KindASRLong, id); ok {
			if tk, perr := doraapi.ParseLongASR(p); perr == nil {
				return t.longResult(tk, delivery{}, "", vtt, false, true)
			}
		}
		var de *doraapi.Error
		if errors.As(err, &de) && de.Code == 4208 {
			return TranscriptionOutput{}, "", argerr.New("task_id", err.Error(), "use the task_id qiniu_transcribe_long returned")
		}
		return TranscriptionOutput{}, "", err
	}
	if task.Done {
		if b, err := json.Marshal(lasrPayload(task)); err == nil {
			t.record(delivery{}, doraapi.KindASRLong, id, b)
		}
	}
	return t.longResult(task, delivery{}, "", vtt, false, false)
}

// ---------------------------------------------------------------------------
// qiniu_transcribe_realtime

// RealtimeInput are qiniu_transcribe_realtime's arguments.
type RealtimeInput struct {
	Path       string   `json:"path,omitempty" jsonschema_description:"Local audio/video file; WAV or raw PCM (.pcm) needs no ffmpeg"`
	URL        string   `json:"url,omitempty" jsonschema_description:"Media or live stream URL (http(s) incl. HLS or rtmp); needs ffmpeg"`
	SampleRate int      `json:"sample_rate,omitempty" jsonschema:"enum=8000,enum=16000,enum=32000,enum=44100,enum=48000" jsonschema_description:"Rate of a raw .pcm file (default 16000)"`
	Language   string   `json:"language,omitempty" jsonschema:"enum=zh,enum=en,enum=mixed,default=zh"`
	KeyWords   []string `json:"key_words,omitempty" jsonschema_description:"Preferred words (2–4 characters each)"`
	MaxSeconds int      `json:"max_seconds,omitempty" jsonschema:"minimum=1,maximum=3600,default=300" jsonschema_description:"Stop after this much audio"`
}

// RealtimeOutput is the session's transcript.
type RealtimeOutput struct {
	Text       string         `json:"text"`
	Sentences  []SentenceView `json:"sentences"`
	Seconds    float64        `json:"audio_seconds"`
	Results    int            `json:"results"`
	Partials   int            `json:"partials"`
	Ended      string         `json:"ended" jsonschema:"enum=end_of_audio,enum=max_duration,enum=server_closed"`
	SampleRate int            `json:"sample_rate"`
	Decoder    string         `json:"decoder" jsonschema:"enum=wav,enum=pcm,enum=ffmpeg"`
}

var modelTypes = map[string]int{"zh": 1, "en": 2, "mixed": 0}

func (t *tools) transcribeRealtime(ctx context.Context, c *toolkit.Call, in RealtimeInput) (RealtimeOutput, string, error) {
	if (in.URL == "") == (in.Path == "") {
		return RealtimeOutput{}, "", argerr.New("path", "give exactly one of `path` and `url`", "")
	}
	if in.Path != "" {
		p, err := c.ReadPath("path", in.Path, fileroot.Media)
		if err != nil {
			return RealtimeOutput{}, "", err
		}
		in.Path = p
	}
	client, err := t.client.Get()
	if err != nil {
		return RealtimeOutput{}, "", err
	}
	maxDur := time.Duration(in.MaxSeconds) * time.Second
	opts := doraapi.RealtimeOptions{
		Input:    doraapi.RealtimeInput{Path: in.Path, URL: in.URL, SampleRate: in.SampleRate},
		KeyWords: in.KeyWords, MaxDuration: maxDur,
		OnResult: func(r doraapi.RealtimeResult) { c.Progress(float64(r.Seq), 0, progressLine(r)) },
	}
	if in.Language != "" {
		m := modelTypes[in.Language]
		opts.ModelType = &m
	}
	tr, err := client.Realtime(ctx, opts)
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
			return RealtimeOutput{}, "", err
		}
		return RealtimeOutput{}, "", err
	}
	out := RealtimeOutput{Text: tr.Text, Sentences: sentenceViews(tr.Sentences, false), Seconds: seconds(tr.Audio), Results: tr.Results,
		Partials: tr.Partials, Ended: tr.Ended, SampleRate: tr.SampleRate, Decoder: tr.Decoder}
	data := transcriptData("realtime", shown(firstOf(in.Path, in.URL)), "", tr.Audio, tr.Text, tr.Sentences)
	data.Extra = []templates.Field{{Name: "Audio sent", Value: fmt.Sprintf("%.1f s at %d Hz (%s)", tr.Audio.Seconds(), tr.SampleRate, tr.Decoder)},
		{Name: "Results", Value: fmt.Sprintf("%d (%d partial)", tr.Results, tr.Partials)}}
	if tr.Ended == doraapi.EndedMax {
		data.Notes = append(data.Notes, fmt.Sprintf("Stopped at max_seconds (%d s); the rest of the input was not transcribed.", int(maxDur.Seconds())))
	}
	if tr.Ended == doraapi.EndedServer {
		data.Notes = append(data.Notes, "Qiniu ended the session before the input did.")
	}
	return reply(out, templates.DoraTranscript, data)
}

// progressLine is one progress message: "partial 00:00:03.2: text".
func progressLine(r doraapi.RealtimeResult) string {
	return templates.DoraRealtimeProgress.Line(templates.RealtimeLine{Final: r.Final, End: stamp(r.End), Text: r.Text})
}
