package dora

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func (t *tools) censorTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_censor_image",
			Title:       "Moderate an image",
			Description: "Moderate an image (URL or local file) for politics, porn, ads, violence and more; answers pass, review or block.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.censorImage),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_censor_audio",
			Title:       "Moderate an audio file",
			Description: "Moderate an audio file by URL; waits for the verdict and risky segments unless wait is false.",
		}, t.censorAudio),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_audio_censor_result",
			Title:       "Read an audio moderation",
			Description: "Read an audio moderation task's verdict and risky segments.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.getAudioCensor),
	}
}

// Friendly risk names → each API's own (quirk 60: POLITICS for images,
// POLITICAL for audio; quirk 43: ANTHEN).
var (
	imageTypeNames = map[string]string{"politics": "POLITICS", "porn": "PORN", "ad": "AD", "ocr": "OCR", "logo": "LOGO",
		"behavior": "BEHAVIOR", "person": "PERSON", "violence": "VIOLENCE"}
	audioTypeNames = map[string]string{"politics": "POLITICAL", "anthem": "ANTHEN", "porn": "PORN", "ad": "AD", "moan": "MOAN", "sing": "SING"}
)

func providerTypes(names []string, table map[string]string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if p, ok := table[strings.ToLower(n)]; ok {
			out = append(out, p)
		} else {
			out = append(out, n) // the client names what is wrong
		}
	}
	return out
}

// ImageInput are qiniu_censor_image's arguments.
type ImageInput struct {
	URL     string   `json:"url,omitempty" jsonschema_description:"Image URL"`
	Path    string   `json:"path,omitempty" jsonschema_description:"Local image (sent inline; at most 7.5 MB)"`
	Checks  []string `json:"checks,omitempty" jsonschema:"enum=politics,enum=porn,enum=ad,enum=ocr,enum=logo,enum=behavior,enum=person,enum=violence" jsonschema_description:"Default: politics porn ad behavior"`
	Channel string   `json:"channel,omitempty" jsonschema:"enum=HEAD_IMG,enum=IMGS,enum=DYNAMIC,enum=ARTICLE,enum=COMMENT,enum=COVER,enum=PRODUCT,enum=GROUP_CHAT,enum=MESSAGE,enum=OFFLINE_TEST"`
	UserID  string   `json:"user_id,omitempty" jsonschema:"maxLength=256" jsonschema_description:"Your user's id (tokenId)"`
}

// ImageOutput is the image verdict.
type ImageOutput struct {
	Source string `json:"source"`
	doraapi.ImageVerdict
}

func (t *tools) censorImage(ctx context.Context, c *toolkit.Call, in ImageInput) (ImageOutput, string, error) {
	if in.Path != "" && in.URL == "" {
		p, err := c.ReadPath("path", in.Path, fileroot.Image)
		if err != nil {
			return ImageOutput{}, "", err
		}
		in.Path = p
	}
	if _, err := doraapi.CheckImageSource(in.URL, in.Path); err != nil {
		return ImageOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return ImageOutput{}, "", err
	}
	v, err := client.CensorImage(ctx, doraapi.ImageCensorRequest{URL: in.URL, Path: in.Path, Types: providerTypes(in.Checks, imageTypeNames),
		Channel: in.Channel, TokenID: in.UserID})
	if err != nil {
		return ImageOutput{}, "", err
	}
	out := ImageOutput{Source: shown(firstOf(in.URL, in.Path)), ImageVerdict: v}
	data := verdictData("Image", out.Source, v.Verdict)
	if v.OCRText != "" {
		data.Fields = append(data.Fields, templates.Field{Name: "Text in image", Value: v.OCRText})
	}
	if len(v.Labels) > 0 {
		data.Fields = append(data.Fields, templates.Field{Name: "Labels", Value: strings.Join(v.Labels, ", ")})
	}
	data.Fields = append(data.Fields, templates.Field{Name: "Request", Value: v.EntryID})
	return reply(out, templates.DoraVerdict, data)
}

func verdictData(subject, source string, v doraapi.Verdict) templates.DoraVerdictData {
	data := templates.DoraVerdictData{Subject: subject, Source: source, Decision: label(v.Decision)}
	data.Fields = append(data.Fields, templates.Field{Name: "Risk", Value: riskText(v)})
	if p := providerText(v); p != "" {
		data.Fields = append(data.Fields, templates.Field{Name: "Provider verdict", Value: p})
	}
	if v.Description != "" {
		data.Fields = append(data.Fields, templates.Field{Name: "Reason", Value: v.Description})
	}
	if v.Matched != "" {
		data.Fields = append(data.Fields, templates.Field{Name: "Matched", Value: v.Matched})
	}
	return data
}

// AudioInput are qiniu_censor_audio's arguments.
type AudioInput struct {
	URL            string   `json:"url" jsonschema:"required,minLength=1" jsonschema_description:"Audio file URL Qiniu can download"`
	Checks         []string `json:"checks,omitempty" jsonschema:"enum=politics,enum=anthem,enum=porn,enum=ad,enum=moan,enum=sing" jsonschema_description:"Default: politics porn moan"`
	Channel        string   `json:"channel,omitempty" jsonschema:"enum=GROUP_CHAT,enum=MESSAGE,enum=AUDIO_PROFILE"`
	AllSegments    bool     `json:"all_segments,omitempty" jsonschema_description:"Return every 10 s segment; not only risky ones"`
	UserID         string   `json:"user_id,omitempty" jsonschema:"maxLength=256" jsonschema_description:"Your user's id (tokenId)"`
	Wait           bool     `json:"wait,omitempty" jsonschema:"default=true" jsonschema_description:"false returns the task id at once"`
	TimeoutSeconds int      `json:"timeout_seconds,omitempty" jsonschema:"minimum=1,maximum=3600,default=600"`
}

// AudioCensorOutput is an audio moderation task.
type AudioCensorOutput struct {
	TaskID   string                     `json:"task_id"`
	Done     bool                       `json:"done"`
	Result   *doraapi.AudioCensorResult `json:"result,omitempty"`
	Delivery string                     `json:"delivery,omitempty" jsonschema:"enum=inbox,enum=poll"`
	TimedOut bool                       `json:"timed_out,omitempty"`
}

func (t *tools) censorAudio(ctx context.Context, c *toolkit.Call, in AudioInput) (AudioCensorOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return AudioCensorOutput{}, "", err
	}
	d, err := t.inboxCallback(doraapi.KindCensorAudio)
	if err != nil {
		return AudioCensorOutput{}, "", err
	}
	id, err := client.SubmitAudioCensor(ctx, doraapi.AudioCensorRequest{URL: in.URL, Types: providerTypes(in.Checks, audioTypeNames),
		Channel: in.Channel, TokenID: in.UserID, ReturnAllText: in.AllSegments, Callback: d.callback})
	if err != nil {
		t.cancel(d) // the route would wait for a task that does not exist
		return AudioCensorOutput{}, "", err
	}
	t.bind(d, id)
	if !in.Wait {
		out := AudioCensorOutput{TaskID: id, Delivery: d.mode()}
		return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "🛡️", Heading: "Audio moderation submitted", TaskID: id, Status: "submitted",
			Fields: []templates.Field{{Name: "Source", Value: shown(in.URL)}}, Delivery: d.text(id, "qiniu_get_audio_censor_result")})
	}
	timeout := time.Duration(in.TimeoutSeconds) * time.Second
	deadline := time.Now().Add(timeout)
	polls := 0
	for {
		if p, ok := t.fromInbox(doraapi.KindCensorAudio, id); ok {
			if r, err := doraapi.ParseAudioCensor(p); err == nil && r.Done {
				return audioResult(r, shown(in.URL), d, true)
			}
		}
		r, err := client.AudioCensorResult(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return AudioCensorOutput{}, "", stoppedWaiting(id, "qiniu_get_audio_censor_result")
			}
			return AudioCensorOutput{}, "", fmt.Errorf("audio moderation %s was submitted, but reading it failed: %w", id, err)
		}
		if r.Done {
			t.record(d, doraapi.KindCensorAudio, id, audioPayload(r))
			return audioResult(r, shown(in.URL), d, false)
		}
		polls++
		c.Progress(float64(polls), 0, templates.TaskProgress.Line(templates.TaskStatus{Subject: "audio moderation", TaskID: id, Status: "in progress"}))
		if time.Now().After(deadline) {
			break
		}
		if sleep(ctx, t.pollEvery) != nil {
			return AudioCensorOutput{}, "", stoppedWaiting(id, "qiniu_get_audio_censor_result")
		}
	}
	out := AudioCensorOutput{TaskID: id, Delivery: d.mode(), TimedOut: true}
	return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "⏳", Heading: "Audio moderation still running", TaskID: id, Status: "in progress",
		Fields: []templates.Field{{Name: "Source", Value: shown(in.URL)}, {Name: "Waited", Value: timeout.String()}}, Delivery: d.text(id, "qiniu_get_audio_censor_result")})
}

// audioPayload is a polled result in the callback's shape (p008: the same
// fields), for the inbox.
func audioPayload(r doraapi.AudioCensorResult) []byte {
	level := map[string]string{doraapi.Pass: "PASS", doraapi.Review: "REVIEW", doraapi.Block: "REJECT"}
	detail := []map[string]any{}
	for _, s := range r.Segments {
		d := map[string]any{"audioUrl": s.URL, "audioText": s.Text, "riskLevel": level[s.Verdict.Decision], "description": s.Verdict.Description,
			"audioStarttime": clockSeconds(s.From), "audioEndtime": clockSeconds(s.To)}
		if s.Verdict.ProviderRiskType != nil {
			d["riskType"] = *s.Verdict.ProviderRiskType
		}
		if s.Verdict.Matched != "" {
			d["audioMatchedItem"] = s.Verdict.Matched
		}
		detail = append(detail, d)
	}
	b, _ := json.Marshal(map[string]any{"code": 1100, "message": "polled", "entryId": r.EntryID, "audioText": r.Text, "audioTime": r.Seconds,
		"labels": r.Labels, "riskLevel": level[r.Verdict.Decision], "detail": detail})
	return b
}

func clockSeconds(s string) int {
	var h, m, sec int
	if _, err := fmt.Sscanf(s, "%d:%d:%d", &h, &m, &sec); err != nil {
		return 0
	}
	return h*3600 + m*60 + sec
}

const maxSegments = 20

func audioResult(r doraapi.AudioCensorResult, source string, d delivery, fromInbox bool) (AudioCensorOutput, string, error) {
	out := AudioCensorOutput{TaskID: r.EntryID, Done: r.Done, Result: &r, Delivery: d.mode()}
	if !r.Done {
		out.Result = nil
		return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "⏳", Heading: "Audio moderation in progress", TaskID: r.EntryID, Status: "in progress",
			Delivery: d.text(r.EntryID, "qiniu_get_audio_censor_result")})
	}
	data := verdictData("Audio", firstOf(source, r.EntryID), r.Verdict)
	if r.Seconds > 0 {
		data.Fields = append(data.Fields, templates.Field{Name: "Duration", Value: fmt.Sprintf("%d s", r.Seconds)})
	}
	if r.Gender != "" || len(r.Voice) > 0 {
		data.Fields = append(data.Fields, templates.Field{Name: "Voice", Value: strings.Join(append([]string{r.Gender}, r.Voice...), " ")})
	}
	data.Fields = append(data.Fields, templates.Field{Name: "Task ID", Value: r.EntryID})
	for i, s := range r.Segments {
		if i == maxSegments {
			data.More = len(r.Segments) - maxSegments
			break
		}
		data.Segments = append(data.Segments, templates.SegmentRow{From: s.From, To: s.To, Decision: label(s.Verdict.Decision), Risk: riskText(s.Verdict), Text: s.Text})
	}
	if fromInbox {
		data.Notes = append(data.Notes, "This result was delivered to the callback inbox.")
	}
	return reply(out, templates.DoraVerdict, data)
}

// GetAudioCensorInput are qiniu_get_audio_censor_result's arguments.
type GetAudioCensorInput struct {
	TaskID string `json:"task_id" jsonschema:"maxLength=256,required,minLength=1"`
}

func (t *tools) getAudioCensor(ctx context.Context, c *toolkit.Call, in GetAudioCensorInput) (AudioCensorOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return AudioCensorOutput{}, "", err
	}
	id := strings.TrimSpace(in.TaskID)
	r, err := client.AudioCensorResult(ctx, id)
	if err != nil {
		if p, ok := t.fromInbox(doraapi.KindCensorAudio, id); ok {
			if rr, perr := doraapi.ParseAudioCensor(p); perr == nil {
				return audioResult(rr, "", delivery{}, true)
			}
		}
		var de *doraapi.Error
		if errors.As(err, &de) && de.Code == 1902 {
			return AudioCensorOutput{}, "", argerr.New("task_id", err.Error(), "use the task_id qiniu_censor_audio returned")
		}
		return AudioCensorOutput{}, "", err
	}
	return audioResult(r, "", delivery{}, false)
}
