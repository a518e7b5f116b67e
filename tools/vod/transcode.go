package vod

import (
	"context"
	"fmt"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// TranscodeInput are vod_transcode_video's arguments.
type TranscodeInput struct {
	VideoID    string `json:"video_id" jsonschema:"required,minLength=1,maxLength=128"`
	TemplateID int    `json:"task_config_temp_id" jsonschema:"required,minimum=1" jsonschema_description:"Transcode template id (from the transcoding service)"`
	Redo       bool   `json:"redo,omitempty" jsonschema_description:"DESTRUCTIVE: delete the existing transcode and transcode again"`
	WaitInput
}

// TranscodeOutput is vod_transcode_video's result.
type TranscodeOutput struct {
	VideoID    string     `json:"video_id"`
	TemplateID int        `json:"task_config_temp_id"`
	Redo       bool       `json:"redo"`
	Replaced   []string   `json:"replaced" jsonschema_description:"Renditions deleted by redo"`
	Video      VideoView  `json:"video"`
	Wait       WaitReport `json:"wait"`
}

func (t *tools) transcodeTool() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:  "vod_transcode_video",
		Title: "Transcode a VOD video",
		Description: "V9: transcode a video with a template (task_config_temp_id). Reads the video first and refuses unless it is ready " +
			"(status 1): the service transcodes only after video_ready. `redo` is DESTRUCTIVE: it deletes the existing transcode. " +
			"Optionally waits for video_play_set_ready, with progress.",
		Annotations: toolkit.Annotations{Destructive: true},
	}, t.transcode)
}

func (t *tools) transcode(ctx context.Context, c *toolkit.Call, in TranscodeInput) (TranscodeOutput, string, error) {
	out := TranscodeOutput{TemplateID: in.TemplateID, Redo: in.Redo, Replaced: []string{}}
	id, err := videoID("video_id", in.VideoID)
	if err != nil {
		return out, "", err
	}
	out.VideoID = id
	client, err := t.get()
	if err != nil {
		return out, "", err
	}
	v, err := client.GetVideo(ctx, id)
	if err != nil {
		return out, "", err
	}
	if v.Status != vodapi.VideoReady {
		return out, "", argerr.New("video_id", fmt.Sprintf("video %s is `%s` (status %d), not ready: the VOD service transcodes only after video_ready; nothing was sent",
			id, vodapi.VideoStatusName(v.Status), v.Status), "wait for it (vod_upload_video with wait, or vod_get_video until status is ready), then try again")
	}
	if len(v.PlaySet) > 0 && !in.Redo {
		return out, "", argerr.New("redo", fmt.Sprintf("video %s already has a transcode (%s); nothing was sent", id, renditionSummary(v)),
			"pass redo: true to delete it and transcode again")
	}
	for _, p := range v.PlaySet {
		out.Replaced = append(out.Replaced, p.Resolution)
	}
	if err := client.Transcode(ctx, id, in.TemplateID, in.Redo); err != nil {
		return out, "", err
	}
	var notes []string
	if in.Redo && len(out.Replaced) > 0 {
		notes = append(notes, fmt.Sprintf("redo deleted the existing transcode (%v).", out.Replaced))
	}
	if in.Wait {
		o, err := t.wait(ctx, c, client, waitSpec{videoID: id, kind: vodapi.EventVideoPlaySetReady, label: "Waiting for video_play_set_ready",
			match: func(cb vodapi.Callback) bool { return cb.TransTaskConfigTempID == in.TemplateID },
			done: func(v vodapi.Video) bool {
				for _, p := range v.PlaySet {
					if p.TransTaskConfigTempID == in.TemplateID && p.Status == vodapi.PlaySetReady {
						return true
					}
				}
				return false
			}, timeout: time.Duration(in.TimeoutSeconds) * time.Second})
		if err != nil {
			return out, "", fmt.Errorf("the transcode of %s was started, but waiting for it failed: %w", id, err)
		}
		out.Wait = report(o)
		v = o.Video
		if o.Done {
			notes = append(notes, fmt.Sprintf("Rendition ready after %s (told by %s).", o.Waited.Round(time.Millisecond), o.By))
		} else {
			notes = append(notes, "Not finished yet; vod_get_video shows its progress.")
		}
	} else if got, err := client.GetVideo(ctx, id); err == nil {
		v = got
	}
	out.Video = view(v)
	heading := "⚙️ Transcode started"
	if out.Wait.Ready {
		heading = "✅ Transcode finished"
	}
	text, err := card(heading, out.Video, notes, nil)
	return out, text, err
}
