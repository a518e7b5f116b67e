package aioz

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/webvtt"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Subtitles (spec §6.3): the OpenAPI caption paths first, seed 001's
// transcript paths on 404 (the client does the fallback). One subtitle per
// primary language: the service refuses a second one, and the tool names
// the existing one and offers deleting it, never deleting by itself (B5).
// Deleting the default leaves none, so the tool says to set another (B14).

func (t *tools) subtitleTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_add_subtitle",
			Title:       "Add a subtitle",
			Description: "Attach a subtitle to a media for one language (BCP 47 tag): a local .vtt file, a local .srt file (converted to WebVTT, conversion reported) or inline WebVTT. One subtitle per primary language (en and en-US collide).",
		}, t.addSubtitle),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_list_subtitles",
			Title:       "List subtitles",
			Description: "A media's subtitles per language, with the default marked.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.listSubtitles),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_set_default_subtitle",
			Title:       "Set the default subtitle",
			Description: "Make one language the media's default subtitle (the others stop being default).",
			Annotations: toolkit.Annotations{Idempotent: true},
		}, t.setDefaultSubtitle),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_subtitle",
			Title:       "Delete a subtitle",
			Description: "Remove a media's subtitle for one language. Deleting the default leaves no default.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deleteSubtitle),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_generate_subtitles",
			Title:       "Generate subtitles from speech",
			Description: "Transcribe a media's MP4 (or source) with Qiniu long speech recognition, turn the timed sentences into WebVTT and add them as the media's subtitle in the given language. Needs Qiniu configured (mcp-media auth set qiniu); reports progress; can take minutes.",
		}, t.generateSubtitles),
	}
}

func primary(tag string) string {
	p, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(p)
}

// AddSubtitleInput are aioz_add_subtitle's arguments.
type AddSubtitleInput struct {
	MediaID  string `json:"media_id" jsonschema:"required,minLength=1,maxLength=256"`
	Language string `json:"language" jsonschema:"required,maxLength=35" jsonschema_description:"BCP 47 tag: en, vi, en-US, fr-CA"`
	FilePath string `json:"file_path,omitempty" jsonschema:"maxLength=4096" jsonschema_description:"Local .vtt file, or .srt file (converted to WebVTT)"`
	VTTText  string `json:"vtt_text,omitempty" jsonschema:"maxLength=1000000" jsonschema_description:"WebVTT text (instead of file_path)"`
}

// SubtitleOutput is a stored subtitle.
type SubtitleOutput struct {
	MediaID    string           `json:"media_id"`
	Subtitle   aiozapi.Subtitle `json:"subtitle"`
	Cues       int              `json:"cues"`
	Source     string           `json:"source" jsonschema:"enum=vtt_file,enum=srt_file,enum=vtt_text,enum=speech"`
	Conversion string           `json:"conversion,omitempty" jsonschema_description:"What was converted (SRT → WebVTT)"`
	Family     string           `json:"family" jsonschema:"enum=captions,enum=transcripts" jsonschema_description:"The API paths that took it"`
}

func (t *tools) addSubtitle(ctx context.Context, c *toolkit.Call, in AddSubtitleInput) (SubtitleOutput, string, error) {
	if err := webvtt.ValidLanguage(in.Language); err != nil {
		return SubtitleOutput{}, "", argerr.Named(err, "language")
	}
	out := SubtitleOutput{MediaID: in.MediaID}
	var text string
	var cues []webvtt.Cue
	var err error
	switch {
	case in.FilePath != "" && in.VTTText != "":
		return SubtitleOutput{}, "", argerr.New("file_path", "and vtt_text are both given", "give only one of them")
	case in.FilePath != "":
		data, name, rerr := readLocal(c, "file_path", in.FilePath, []string{".vtt", ".srt"}, subtitleKind, "a local .vtt or .srt subtitle file")
		if rerr != nil {
			return SubtitleOutput{}, "", rerr
		}
		// A file's content is never quoted back (over a network transport
		// that would read files out a line at a time): the line number and
		// the fix are enough when the files are not confined.
		fileErr := func(err error, kind, fix string) error {
			if c.FilesConfined() {
				return argerr.New("file_path", "the file is not valid "+kind, fix)
			}
			var ae *argerr.Error
			if errors.As(err, &ae) {
				line, _, _ := strings.Cut(ae.Problem, ":")
				return argerr.New("file_path", "the file is not valid "+kind+" ("+line+")", ae.Fix)
			}
			return argerr.New("file_path", "the file is not valid "+kind, fix)
		}
		if strings.HasSuffix(strings.ToLower(name), ".srt") {
			out.Source = "srt_file"
			if text, cues, err = webvtt.FromSRT(string(data)); err != nil {
				return SubtitleOutput{}, "", fileErr(err, "SRT", "give a SubRip file: numbered blocks, \"00:00:01,000 --> 00:00:04,000\", then the text")
			}
			out.Conversion = fmt.Sprintf("%s: SRT → WebVTT (%d cues; decimal commas → points)", name, len(cues))
		} else {
			out.Source, text = "vtt_file", string(data)
			if cues, err = webvtt.Parse(text); err != nil {
				return SubtitleOutput{}, "", fileErr(err, "WebVTT", "give a WebVTT file (it starts with a WEBVTT line, then timed cues)")
			}
		}
	case in.VTTText != "":
		out.Source, text = "vtt_text", in.VTTText
		if cues, err = webvtt.Parse(text); err != nil {
			return SubtitleOutput{}, "", argerr.Named(err, "vtt_text")
		}
	default:
		return SubtitleOutput{}, "", argerr.New("file_path", "or vtt_text is required", "give a .vtt or .srt file path, or the WebVTT text")
	}
	client, err := t.client.Get()
	if err != nil {
		return SubtitleOutput{}, "", err
	}
	sub, family, err := t.putSubtitle(ctx, client, in.MediaID, in.Language, text)
	if err != nil {
		return SubtitleOutput{}, "", err
	}
	out.Subtitle, out.Family, out.Cues = sub, family, len(cues)
	return done(out)(subtitleAdded(out, nil, ""))
}

func subtitleAdded(out SubtitleOutput, notes []string, preview string) (string, error) {
	fields := []templates.Field{{Name: "Media ID", Value: out.MediaID}, {Name: "Language", Value: out.Subtitle.Language}, {Name: "Cues", Value: fmt.Sprint(out.Cues)}}
	if out.Subtitle.URL != "" {
		fields = append(fields, templates.Field{Name: "File", Value: out.Subtitle.URL})
	}
	if out.Family == aiozapi.FamilyTranscripts {
		notes = append(notes, "Stored through the /transcripts paths: the /captions paths answered 404.")
	}
	d := templates.ChangeCard{Icon: "💬", Heading: "Subtitle added", Fields: fields, Notes: notes, Preview: preview}
	if out.Conversion != "" {
		d.Conversions = []string{out.Conversion}
	}
	if !out.Subtitle.IsDefault {
		d.Next = []string{"Make it the default with `aioz_set_default_subtitle` (language `" + out.Subtitle.Language + "`)."}
	}
	return templates.AIOZChangeCard.Render(d)
}

// putSubtitle uploads a checked WebVTT text. When the service refuses it
// because the primary language is taken (B5), the error names the
// existing subtitle and offers deleting it first; nothing is deleted.
func (t *tools) putSubtitle(ctx context.Context, client *aiozapi.Client, mediaID, lang, vtt string) (aiozapi.Subtitle, string, error) {
	sub, family, err := client.AddSubtitle(ctx, mediaID, lang, []byte(vtt))
	if err != nil {
		if httpx.StatusOf(err) == 400 {
			if list, lerr := client.ListSubtitles(ctx, mediaID, 0, 100); lerr == nil {
				for _, ex := range list.Subtitles {
					if primary(ex.Language) == primary(lang) {
						def := ""
						if ex.IsDefault {
							def = ", the default subtitle"
						}
						return sub, family, fmt.Errorf("media %s already has a subtitle in %s (%s%s), and AIOZ keeps one subtitle per primary language, so %s was refused. Nothing was deleted. Do you want to delete the existing %s subtitle first (aioz_delete_subtitle with language %q) and then add this one again? (%w)",
							mediaID, primary(lang), ex.Language, def, lang, ex.Language, ex.Language, err)
					}
				}
			}
		}
		return sub, family, err
	}
	if sub.Language == "" {
		sub.Language = lang
	}
	return sub, family, nil
}

// ListSubtitlesInput are aioz_list_subtitles' arguments.
type ListSubtitlesInput struct {
	MediaID string `json:"media_id" jsonschema:"required,minLength=1,maxLength=256"`
	Limit   int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset  int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// SubtitleListOutput is a page of subtitles.
type SubtitleListOutput struct {
	MediaID   string             `json:"media_id"`
	Subtitles []aiozapi.Subtitle `json:"subtitles"`
	Total     int                `json:"total"`
	Default   string             `json:"default,omitempty" jsonschema_description:"Language of the default subtitle"`
	Family    string             `json:"family" jsonschema:"enum=captions,enum=transcripts"`
}

func (t *tools) listSubtitles(ctx context.Context, c *toolkit.Call, in ListSubtitlesInput) (SubtitleListOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return SubtitleListOutput{}, "", err
	}
	list, err := client.ListSubtitles(ctx, in.MediaID, in.Offset, in.Limit)
	if err != nil {
		return SubtitleListOutput{}, "", err
	}
	out := SubtitleListOutput{MediaID: in.MediaID, Subtitles: list.Subtitles, Total: list.Total, Family: list.Family}
	if out.Subtitles == nil {
		out.Subtitles = []aiozapi.Subtitle{}
	}
	d := templates.Subtitles{MediaID: in.MediaID, Total: list.Total, Family: list.Family}
	for _, s := range out.Subtitles {
		if s.IsDefault {
			out.Default = s.Language
		}
		d.Rows = append(d.Rows, templates.SubtitleRow{Language: s.Language, Status: s.Status, URL: s.URL, IsDefault: s.IsDefault})
	}
	text, err := templates.AIOZSubtitles.Render(d)
	return out, text, err
}

// SubtitleLangInput names one media's subtitle.
type SubtitleLangInput struct {
	MediaID  string `json:"media_id" jsonschema:"required,minLength=1,maxLength=256"`
	Language string `json:"language" jsonschema:"required,minLength=1,maxLength=35" jsonschema_description:"The subtitle's language tag as listed"`
}

// SubtitleChangeOutput confirms a change to one subtitle.
type SubtitleChangeOutput struct {
	MediaID  string   `json:"media_id"`
	Language string   `json:"language"`
	Done     string   `json:"done" jsonschema:"enum=default_set,enum=deleted"`
	Family   string   `json:"family" jsonschema:"enum=captions,enum=transcripts"`
	Notes    []string `json:"notes"`
}

func (t *tools) setDefaultSubtitle(ctx context.Context, c *toolkit.Call, in SubtitleLangInput) (SubtitleChangeOutput, string, error) {
	if err := webvtt.ValidLanguage(in.Language); err != nil {
		return SubtitleChangeOutput{}, "", argerr.Named(err, "language")
	}
	client, err := t.client.Get()
	if err != nil {
		return SubtitleChangeOutput{}, "", err
	}
	family, err := client.SetDefaultSubtitle(ctx, in.MediaID, in.Language)
	if err != nil {
		return SubtitleChangeOutput{}, "", t.noSuchSubtitle(ctx, client, in, err)
	}
	out := SubtitleChangeOutput{MediaID: in.MediaID, Language: in.Language, Done: "default_set", Family: family, Notes: []string{}}
	return done(out)(changeCard("⭐", "Default subtitle set", []templates.Field{{Name: "Media ID", Value: in.MediaID}, {Name: "Default", Value: in.Language}},
		[]string{"Any other subtitle of this media is no longer the default."}, nil))
}

func (t *tools) deleteSubtitle(ctx context.Context, c *toolkit.Call, in SubtitleLangInput) (SubtitleChangeOutput, string, error) {
	if err := webvtt.ValidLanguage(in.Language); err != nil {
		return SubtitleChangeOutput{}, "", argerr.Named(err, "language")
	}
	client, err := t.client.Get()
	if err != nil {
		return SubtitleChangeOutput{}, "", err
	}
	// B14 needs to know beforehand whether this one is the default.
	var wasDefault bool
	var others []string
	if list, err := client.ListSubtitles(ctx, in.MediaID, 0, 100); err == nil {
		for _, s := range list.Subtitles {
			if strings.EqualFold(s.Language, in.Language) {
				wasDefault = s.IsDefault
			} else {
				others = append(others, s.Language)
			}
		}
	}
	family, err := client.DeleteSubtitle(ctx, in.MediaID, in.Language)
	if err != nil {
		return SubtitleChangeOutput{}, "", t.noSuchSubtitle(ctx, client, in, err)
	}
	out := SubtitleChangeOutput{MediaID: in.MediaID, Language: in.Language, Done: "deleted", Family: family, Notes: []string{}}
	var next []string
	if wasDefault {
		note := "This was the default subtitle; the media has no default subtitle now."
		if len(others) > 0 {
			note += " Set a new one with aioz_set_default_subtitle (" + strings.Join(others, ", ") + " remain)."
			next = append(next, "Set a new default with `aioz_set_default_subtitle`.")
		}
		out.Notes = append(out.Notes, note)
	}
	return done(out)(changeCard("🗑️", "Subtitle deleted", []templates.Field{{Name: "Media ID", Value: in.MediaID}, {Name: "Language", Value: in.Language}}, out.Notes, next))
}

// noSuchSubtitle explains a 404 on one language: when the media exists, the
// languages it has (tags must match as listed, en-US is not en).
func (t *tools) noSuchSubtitle(ctx context.Context, client *aiozapi.Client, in SubtitleLangInput, err error) error {
	if httpx.StatusOf(err) != 404 {
		return err
	}
	list, lerr := client.ListSubtitles(ctx, in.MediaID, 0, 100)
	if lerr != nil {
		return err
	}
	var langs []string
	for _, s := range list.Subtitles {
		langs = append(langs, s.Language)
	}
	has := "no subtitles"
	if len(langs) > 0 {
		has = "subtitles in " + strings.Join(langs, ", ")
	}
	return argerr.New("language", fmt.Sprintf("media %s has no %s subtitle (it has %s)", in.MediaID, in.Language, has), "give one of the listed language tags exactly (aioz_list_subtitles)")
}

// ---------------------------------------------------------------------------
// aioz_generate_subtitles: AIOZ media → Qiniu long ASR → WebVTT → subtitle

// GenerateInput are aioz_generate_subtitles' arguments.
type GenerateInput struct {
	MediaID        string `json:"media_id" jsonschema:"required,minLength=1,maxLength=256"`
	Language       string `json:"language" jsonschema:"required,maxLength=35" jsonschema_description:"BCP 47 tag of the spoken language, used for the subtitle (Qiniu recognises Mandarin: zh, zh-CN)"`
	Source         string `json:"source,omitempty" jsonschema:"enum=auto,enum=mp4,enum=source,default=auto" jsonschema_description:"Which file Qiniu downloads: the MP4 rendition, the uploaded source, or auto (MP4 when there is one)"`
	TimeoutSeconds int    `json:"timeout_seconds,omitempty" jsonschema:"minimum=10,maximum=3600,default=900"`
}

// GenerateOutput is the generated subtitle.
type GenerateOutput struct {
	SubtitleOutput
	TaskID    string  `json:"task_id" jsonschema_description:"The Qiniu long-ASR task"`
	AudioURL  string  `json:"audio_url" jsonschema_description:"What Qiniu transcribed (query removed)"`
	Seconds   float64 `json:"seconds"`
	Sentences int     `json:"sentences"`
	VTT       string  `json:"vtt" jsonschema_description:"The WebVTT file that was added"`
}

// newDoraClient builds a Qiniu Dora client from the keys configured now.
func newDoraClient(b toolkit.Binding) *doraapi.Client {
	return doraapi.New(doraapi.Config{
		ASRURL: b.Endpoint("asr"), ASRWSURL: b.Endpoint("asr_ws"),
		CensorURL: b.Endpoint("censor"), TranslateURL: b.Endpoint("translate"),
		AccessKey: b.Key("access_key"), SecretKey: b.Key("secret_key"),
		HTTP: b.HTTP, Redact: b.Redact, Log: b.Log,
	})
}

func (t *tools) generateSubtitles(ctx context.Context, c *toolkit.Call, in GenerateInput) (GenerateOutput, string, error) {
	if err := webvtt.ValidLanguage(in.Language); err != nil {
		return GenerateOutput{}, "", argerr.Named(err, "language")
	}
	const steps = 6
	dora, err := toolkit.NewClient(t.env, "qiniu", newDoraClient).Get()
	if err != nil {
		var nc *credentials.NotConfiguredError
		if errors.As(err, &nc) {
			return GenerateOutput{}, "", fmt.Errorf("aioz_generate_subtitles transcribes with Qiniu speech recognition, and Qiniu is not configured: run `mcp-media auth set qiniu` (access_key, secret_key) or set QINIU_ACCESS_KEY and QINIU_SECRET_KEY, then call again. Or add a subtitle file you have with aioz_add_subtitle. (%s)", nc.Error())
		}
		return GenerateOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return GenerateOutput{}, "", err
	}
	c.Progress(1, steps, templates.AIOZSubtitleProgress.Line(templates.SubtitleStep{Step: templates.SubtitleReading, MediaID: in.MediaID}))
	m, err := client.GetMedia(ctx, in.MediaID)
	if err != nil {
		return GenerateOutput{}, "", err
	}
	if m.Status != "done" {
		return GenerateOutput{}, "", argerr.New("media_id", fmt.Sprintf("media %s is %q, not done: its files are not ready to download", in.MediaID, m.Status), "wait with aioz_wait_for_media, then call again")
	}
	src, which := m.Assets.MP4URL, "mp4"
	if in.Source == "source" || src == "" && in.Source != "mp4" {
		src, which = m.Assets.SourceURL, "source"
	}
	if src == "" {
		return GenerateOutput{}, "", argerr.New("source", fmt.Sprintf("media %s has no %s file URL", in.MediaID, which), "use source \"auto\" or the other file")
	}
	shownURL := redact.URL(src)
	c.Progress(2, steps, templates.AIOZSubtitleProgress.Line(templates.SubtitleStep{Step: templates.SubtitleSubmitting, MediaID: in.MediaID, File: which}))
	sub, err := dora.SubmitLongASR(ctx, doraapi.LongASRRequest{AudioURL: src, AudioName: which})
	if err != nil {
		return GenerateOutput{}, "", fmt.Errorf("the %s file of media %s was not accepted by Qiniu for transcription: %w", which, in.MediaID, err)
	}
	task, err := t.waitASR(ctx, c, dora, sub.TaskID, time.Duration(in.TimeoutSeconds)*time.Second)
	if err != nil {
		return GenerateOutput{}, "", err
	}
	cues := sentenceCues(task.Result.Sentences)
	if len(cues) == 0 {
		return GenerateOutput{}, "", fmt.Errorf("no speech was recognised in media %s (Qiniu task %s), so no subtitle was added", in.MediaID, sub.TaskID)
	}
	vtt := webvtt.Format(cues)
	if _, err := webvtt.Parse(vtt); err != nil {
		return GenerateOutput{}, "", fmt.Errorf("the transcript of task %s did not make a valid WebVTT file, so no subtitle was added: %w", sub.TaskID, err)
	}
	c.Progress(5, steps, templates.AIOZSubtitleProgress.Line(templates.SubtitleStep{Step: templates.SubtitleConverting, MediaID: in.MediaID,
		Sentences: len(task.Result.Sentences), Cues: len(cues)}))
	c.Progress(6, steps, templates.AIOZSubtitleProgress.Line(templates.SubtitleStep{Step: templates.SubtitleAdding, MediaID: in.MediaID, Language: in.Language}))
	s, family, err := t.putSubtitle(ctx, client, in.MediaID, in.Language, vtt)
	if err != nil {
		return GenerateOutput{}, "", fmt.Errorf("the transcript is ready (Qiniu task %s, read it with qiniu_get_transcription) but adding it as a subtitle failed: %w", sub.TaskID, err)
	}
	out := GenerateOutput{SubtitleOutput: SubtitleOutput{MediaID: in.MediaID, Subtitle: s, Cues: len(cues), Source: "speech", Family: family},
		TaskID: sub.TaskID, AudioURL: shownURL, Seconds: task.Result.Duration.Seconds(), Sentences: len(task.Result.Sentences), VTT: vtt}
	var notes []string
	if p := primary(in.Language); p != "zh" && p != "cmn" {
		notes = append(notes, "Qiniu long speech recognition is trained for Mandarin; the subtitle is labelled "+in.Language+" as asked, so check that the text matches the spoken language.")
	}
	if t.env.Sandbox {
		notes = append(notes, "Sandbox: the transcript comes from the Qiniu Dora fake.")
	}
	out.Conversion = fmt.Sprintf("Qiniu task %s: %d timed sentences → %d WebVTT cues", sub.TaskID, len(task.Result.Sentences), len(cues))
	return done(out)(subtitleAdded(out.SubtitleOutput, notes, preview(vtt, 8)))
}

// waitASR polls a long-ASR task until it is done, reporting each status.
func (t *tools) waitASR(ctx context.Context, c *toolkit.Call, dora *doraapi.Client, id string, timeout time.Duration) (doraapi.LongASRTask, error) {
	deadline := t.now().Add(timeout)
	last := -1
	for {
		task, err := dora.LongASRTask(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return task, fmt.Errorf("stopped waiting (cancelled); Qiniu task %s keeps running — read it later with qiniu_get_transcription; no subtitle was added", id)
			}
			return task, fmt.Errorf("the transcription was submitted to Qiniu (task %s), but reading it failed; no subtitle was added: %w", id, err)
		}
		if task.Done && task.Result != nil {
			return task, nil
		}
		if task.Status != last {
			last = task.Status
			c.Progress(3+min(float64(task.Status)/2, 1.5), 6, templates.TaskProgress.Line(templates.TaskStatus{Subject: "Qiniu transcription", TaskID: id, Status: task.StatusText}))
		}
		if t.now().After(deadline) {
			return task, fmt.Errorf("the Qiniu task %s is still %s after %s; no subtitle was added yet. Read it later with qiniu_get_transcription and add its WebVTT with aioz_add_subtitle, or call again with a longer timeout_seconds", id, task.StatusText, timeout)
		}
		timer := time.NewTimer(t.pollEvery)
		select {
		case <-ctx.Done():
			timer.Stop()
			return task, fmt.Errorf("stopped waiting (cancelled); Qiniu task %s keeps running — read it later with qiniu_get_transcription; no subtitle was added", id)
		case <-timer.C:
		}
	}
}

// sentenceCues turns timed sentences into cues: empty sentences are
// dropped, a cue never starts before the previous one and always lasts at
// least 100 ms.
func sentenceCues(ss []doraapi.Sentence) []webvtt.Cue {
	var cues []webvtt.Cue
	for _, s := range ss {
		text := strings.TrimSpace(s.Text)
		if text == "" {
			continue
		}
		start, end := s.Start, s.End
		if n := len(cues); n > 0 && start < cues[n-1].Start {
			start = cues[n-1].Start
		}
		if end <= start {
			end = start + 100*time.Millisecond
		}
		cues = append(cues, webvtt.Cue{Start: start, End: end, Text: text})
	}
	return cues
}

// preview is the first n lines of a text, with "…" when there is more.
func preview(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= n {
		return strings.Join(lines, "\n")
	}
	return strings.Join(lines[:n], "\n") + "\n…"
}
