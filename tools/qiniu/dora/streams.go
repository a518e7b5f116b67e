package dora

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func (t *tools) streamTools() []toolkit.Tool {
	start := toolkit.Annotations{}
	stop := toolkit.Annotations{Idempotent: true}
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_start_audio_stream_censor",
			Title:       "Moderate a live audio stream",
			Description: "Start moderating a live audio stream; results arrive by callback (read them with media_events).",
			Annotations: start,
		}, t.startAudioStream),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_stop_audio_stream_censor",
			Title:       "Stop audio stream moderation",
			Description: "Stop moderating a live audio stream.",
			Annotations: stop,
		}, t.stopAudioStream),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_start_video_stream_censor",
			Title:       "Moderate a live video stream",
			Description: "Start moderating an rtmp live video stream's frames and audio; results arrive by callback (read them with media_events).",
			Annotations: start,
		}, t.startVideoStream),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_stop_video_stream_censor",
			Title:       "Stop video stream moderation",
			Description: "Stop moderating a live video stream.",
			Annotations: stop,
		}, t.stopVideoStream),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_start_voice_censor",
			Title:       "Moderate live voice",
			Description: "Start the Yitu live voice censor on an rtmp, HLS or FLV stream; results arrive by callback (read them with media_events).",
			Annotations: start,
		}, t.startVoice),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_stop_voice_censor",
			Title:       "Stop live voice moderation",
			Description: "Stop the Yitu live voice censor on a stream.",
			Annotations: stop,
		}, t.stopVoice),
	}
}

// StreamOutput is a started or stopped stream censor.
type StreamOutput struct {
	TaskID   string `json:"task_id"`
	Censor   string `json:"censor" jsonschema:"enum=audio_stream,enum=video_stream,enum=voice"`
	Status   string `json:"status" jsonschema:"enum=started,enum=stopped"`
	Delivery string `json:"delivery,omitempty" jsonschema:"enum=inbox,enum=callback_url"`
}

func (t *tools) started(censor, heading, id, source string, d delivery, stopTool string) (StreamOutput, string, error) {
	out := StreamOutput{TaskID: id, Censor: censor, Status: "started", Delivery: d.mode()}
	return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "🛡️", Heading: heading, TaskID: id, Status: "started",
		Fields: []templates.Field{{Name: "Stream", Value: shown(source)}}, Delivery: d.text(id, ""),
		Next: []string{fmt.Sprintf("Stop it with `%s` (task_id `%s`) when the stream ends; Qiniu keeps moderating (and billing) until then.", stopTool, id)}})
}

func (t *tools) stopped(censor, heading, id string) (StreamOutput, string, error) {
	out := StreamOutput{TaskID: id, Censor: censor, Status: "stopped"}
	return reply(out, templates.DoraTask, templates.DoraTaskData{Icon: "⏹️", Heading: heading, TaskID: id, Status: "stopped",
		Next: []string{fmt.Sprintf("Results received so far: `media_events` with task_id `%s`.", id)}})
}

// StopInput stops a stream censor.
type StopInput struct {
	TaskID string `json:"task_id" jsonschema:"maxLength=256,required,minLength=1"`
}

// AudioStreamInput are qiniu_start_audio_stream_censor's arguments.
type AudioStreamInput struct {
	URL         string   `json:"url" jsonschema:"required,minLength=1" jsonschema_description:"Stream URL (rtmp, flv or hls)"`
	Channel     string   `json:"channel,omitempty" jsonschema:"enum=LIVE_ROOM,enum=VOICE_ROOM,enum=VOICE_CHAT,default=LIVE_ROOM"`
	Checks      []string `json:"checks,omitempty" jsonschema:"enum=politics,enum=anthem,enum=porn,enum=ad,enum=moan,enum=sing" jsonschema_description:"Default: politics porn moan ad"`
	AllSegments bool     `json:"all_segments,omitempty" jsonschema_description:"Report every segment; not only rejected ones"`
	Room        string   `json:"room,omitempty" jsonschema:"maxLength=256"`
	UserID      string   `json:"user_id,omitempty" jsonschema:"maxLength=256" jsonschema_description:"Your user's id (tokenId)"`
	CallbackURL string   `json:"callback_url,omitempty" jsonschema_description:"Your own receiver; default: this server's inbox"`
}

func (t *tools) startAudioStream(ctx context.Context, c *toolkit.Call, in AudioStreamInput) (StreamOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return StreamOutput{}, "", err
	}
	d, err := t.streamCallback(doraapi.KindCensorAudioStream, in.CallbackURL)
	if err != nil {
		return StreamOutput{}, "", err
	}
	id, err := client.StartAudioStreamCensor(ctx, doraapi.AudioStreamRequest{URL: in.URL, Channel: in.Channel,
		Types: providerTypes(in.Checks, audioTypeNames), ReturnAllText: in.AllSegments, Room: in.Room, TokenID: in.UserID,
		ReturnFinishInfo: true, Callback: d.callback})
	if err != nil {
		t.cancel(d) // the route would wait for a task that does not exist
		return StreamOutput{}, "", err
	}
	t.bind(d, id)
	return t.started("audio_stream", "Audio stream moderation started", id, in.URL, d, "qiniu_stop_audio_stream_censor")
}

func (t *tools) stopAudioStream(ctx context.Context, c *toolkit.Call, in StopInput) (StreamOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return StreamOutput{}, "", err
	}
	if err := client.StopAudioStreamCensor(ctx, in.TaskID); err != nil {
		return StreamOutput{}, "", err
	}
	return t.stopped("audio_stream", "Audio stream moderation stopped", strings.TrimSpace(in.TaskID))
}

// VideoStreamInput are qiniu_start_video_stream_censor's arguments.
type VideoStreamInput struct {
	URL           string   `json:"url" jsonschema:"required,minLength=1" jsonschema_description:"rtmp:// stream URL"`
	ImageChecks   []string `json:"image_checks,omitempty" jsonschema:"enum=politics,enum=person,enum=violence,enum=porn,enum=ad,enum=logo,enum=behavior" jsonschema_description:"Default: politics porn ad"`
	AudioChecks   []string `json:"audio_checks,omitempty" jsonschema:"enum=politics,enum=porn,enum=ad,enum=moan" jsonschema_description:"Default: politics porn ad"`
	NoAudio       bool     `json:"no_audio,omitempty" jsonschema_description:"Check frames only"`
	FrameInterval float64  `json:"frame_interval_seconds,omitempty" jsonschema:"minimum=1,maximum=60,default=3"`
	AllFrames     bool     `json:"all_frames,omitempty" jsonschema_description:"Report every frame; not only risky ones"`
	AllSegments   bool     `json:"all_segments,omitempty" jsonschema_description:"Report every audio segment"`
	Room          string   `json:"room,omitempty" jsonschema:"maxLength=256"`
	UserID        string   `json:"user_id,omitempty" jsonschema:"maxLength=256" jsonschema_description:"Your user's id (tokenId)"`
	CallbackURL   string   `json:"callback_url,omitempty" jsonschema_description:"Your own receiver; default: this server's inbox"`
}

var videoImageNames = map[string]string{"politics": "POLITICS", "person": "PERSON", "violence": "VIOLENCE", "porn": "PORN", "ad": "AD", "logo": "LOGO", "behavior": "BEHAVIOR"}

func (t *tools) startVideoStream(ctx context.Context, c *toolkit.Call, in VideoStreamInput) (StreamOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return StreamOutput{}, "", err
	}
	d, err := t.streamCallback(doraapi.KindCensorVideoStream, in.CallbackURL)
	if err != nil {
		return StreamOutput{}, "", err
	}
	req := doraapi.VideoStreamRequest{URL: in.URL, ImageTypes: providerTypes(in.ImageChecks, videoImageNames),
		AudioTypes: providerTypes(in.AudioChecks, audioTypeNames), NoAudio: in.NoAudio, DetectFrequency: in.FrameInterval,
		ReturnAllImg: in.AllFrames, ReturnAllText: in.AllSegments, Room: in.Room, TokenID: in.UserID,
		ImgCallback: d.callback, AudioCallback: d.callback} // contentType tells frames from audio
	id, err := client.StartVideoStreamCensor(ctx, req)
	if err != nil {
		t.cancel(d) // the route would wait for a task that does not exist
		return StreamOutput{}, "", err
	}
	t.bind(d, id)
	return t.started("video_stream", "Video stream moderation started", id, in.URL, d, "qiniu_stop_video_stream_censor")
}

func (t *tools) stopVideoStream(ctx context.Context, c *toolkit.Call, in StopInput) (StreamOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return StreamOutput{}, "", err
	}
	if err := client.StopVideoStreamCensor(ctx, in.TaskID); err != nil {
		return StreamOutput{}, "", err
	}
	return t.stopped("video_stream", "Video stream moderation stopped", strings.TrimSpace(in.TaskID))
}

// VoiceInput are qiniu_start_voice_censor's arguments.
type VoiceInput struct {
	URL         string `json:"url" jsonschema:"required,minLength=1" jsonschema_description:"rtmp stream, HLS (.m3u8) or HTTP-FLV (.flv) URL"`
	StreamID    string `json:"stream_id,omitempty" jsonschema:"maxLength=256" jsonschema_description:"Unique id of the stream (audioId); default: generated"`
	AllText     bool   `json:"all_text,omitempty" jsonschema_description:"Report passing text too"`
	BeforeText  bool   `json:"before_text,omitempty" jsonschema_description:"Include the minute of text before a violation"`
	CallbackURL string `json:"callback_url,omitempty" jsonschema_description:"Your own receiver; default: this server's inbox"`
}

func (t *tools) startVoice(ctx context.Context, c *toolkit.Call, in VoiceInput) (StreamOutput, string, error) {
	if err := doraapi.CheckVoiceStreamURL(in.URL); err != nil {
		return StreamOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return StreamOutput{}, "", err
	}
	d, err := t.streamCallback(doraapi.KindCensorVoice, in.CallbackURL)
	if err != nil {
		return StreamOutput{}, "", err
	}
	audioID := strings.TrimSpace(in.StreamID)
	if audioID == "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		audioID = "mcp-media-" + hex.EncodeToString(b)
	}
	id, err := client.StartVoiceCensor(ctx, doraapi.VoiceCensorRequest{URL: in.URL, AudioID: audioID, ReturnAllText: in.AllText,
		ReturnBeforeText: in.BeforeText, Callback: d.callback})
	if err != nil {
		t.cancel(d) // the route would wait for a task that does not exist
		return StreamOutput{}, "", err
	}
	t.bind(d, id)
	return t.started("voice", "Live voice moderation started", id, in.URL, d, "qiniu_stop_voice_censor")
}

func (t *tools) stopVoice(ctx context.Context, c *toolkit.Call, in StopInput) (StreamOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return StreamOutput{}, "", err
	}
	if err := client.StopVoiceCensor(ctx, in.TaskID); err != nil {
		return StreamOutput{}, "", err
	}
	return t.stopped("voice", "Live voice moderation stopped", strings.TrimSpace(in.TaskID))
}
