package vod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/internal/mediafile"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// UploadInput are vod_upload_video's arguments.
type UploadInput struct {
	FilePath      string `json:"file_path" jsonschema:"required,minLength=1,maxLength=4096" jsonschema_description:"Absolute path of a local video file"`
	VideoName     string `json:"video_name,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Default: the file name without extension"`
	SourceType    string `json:"source_type,omitempty" jsonschema:"maxLength=64,default=upload"`
	SourceID      string `json:"source_id,omitempty" jsonschema:"maxLength=128"`
	SkipAutoTrans bool   `json:"skip_auto_trans,omitempty" jsonschema_description:"Ignore the account's automatic transcoding rules for this video"`
	WaitInput
}

// FileView describes the uploaded file.
type FileView struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"size_bytes"`
	Format    string `json:"format"`
}

// UploadOutput is vod_upload_video's result.
type UploadOutput struct {
	VideoID   string     `json:"video_id"`
	StorageID string     `json:"storage_id"`
	File      FileView   `json:"file"`
	Steps     []string   `json:"steps" jsonschema_description:"What was done, in order"`
	Video     VideoView  `json:"video"`
	Wait      WaitReport `json:"wait"`
}

func (t *tools) uploadTool() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:  "vod_upload_video",
		Title: "Upload a video to the VOD service",
		// The storage upload is POST {storage}/storage/api/upload (the seed's
		// example path, not a documented contract; MCP_MEDIA_VOD_STORAGE_URL
		// overrides the host), then V1 with source_type upload.
		Description: "Upload a local video file to the VOD storage service, streamed with progress, then create the video; " +
			"optionally wait until it is ready (by the video_ready callback, else by polling).",
	}, t.upload)
}

func (t *tools) upload(ctx context.Context, c *toolkit.Call, in UploadInput) (UploadOutput, string, error) {
	var out UploadOutput
	info, err := c.ReadMedia("file_path", in.FilePath)
	if err != nil {
		return out, "", err
	}
	if info.Kind != mediafile.Video {
		return out, "", argerr.New("file_path", fmt.Sprintf("%s is %s audio, not a video", info.Path, info.Format), "give a video file (mp4, mov, mkv, webm…)")
	}
	name := toolkit.DefaultName(in.VideoName, info.Path)
	client, err := t.get()
	if err != nil {
		return out, "", err
	}
	out.File = FileView{Path: info.Path, SizeBytes: info.Size, Format: info.Format}
	base := filepath.Base(info.Path)
	c.Progress(0, float64(info.Size), templates.VODUploadProgress.Line(templates.VODUpload{File: base, Total: Human(info.Size)}))
	sid, err := client.UploadFile(ctx, info.Path, func(sent, total int64) {
		c.Progress(float64(sent), float64(total), templates.VODUploadProgress.Line(templates.VODUpload{File: base, Started: true,
			Done: Human(sent), Total: Human(total), Percent: int(percent(sent, total))}))
	})
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return out, "", toolkit.UnreadableFile("file_path", err)
		}
		return out, "", fmt.Errorf("storage upload failed, nothing was created: %w", err)
	}
	out.StorageID = sid
	out.Steps = append(out.Steps, fmt.Sprintf("storage upload: %s → storage_id %s", Human(info.Size), sid))
	id, err := t.createVideo(ctx, client, vodapi.CreateRequest{StorageID: sid, SourceType: in.SourceType, SourceID: in.SourceID,
		VideoName: name, SkipAutoTrans: in.SkipAutoTrans})
	if err != nil {
		return out, "", fmt.Errorf("the file is in the storage service as storage_id %s, but creating the video (V1) failed: %w. "+
			"Retry with vod_create_video and that storage_id (no need to upload again)", sid, err)
	}
	out.VideoID = id
	out.Steps = append(out.Steps, "V1 create: video "+id)
	var notes []string
	v := vodapi.Video{ID: id, StorageID: sid, VideoName: name, Status: vodapi.VideoUploading, FileSize: info.Size, SourceType: in.SourceType}
	if in.Wait {
		o, err := t.wait(ctx, c, client, waitSpec{videoID: id, kind: vodapi.EventVideoReady, label: "Waiting for video_ready",
			done: func(v vodapi.Video) bool { return v.Status == vodapi.VideoReady }, timeout: time.Duration(in.TimeoutSeconds) * time.Second})
		if err != nil {
			return out, "", fmt.Errorf("video %s was created, but waiting for it failed: %w", id, err)
		}
		out.Wait = report(o)
		v = o.Video
		if o.Done {
			out.Steps = append(out.Steps, fmt.Sprintf("ready after %s (told by %s)", o.Waited.Round(time.Millisecond), o.By))
		} else {
			notes = append(notes, fmt.Sprintf("Not ready after %s; vod_get_video shows its status.", o.Waited.Round(time.Second)))
		}
	} else if got, err := client.GetVideo(ctx, id); err == nil {
		v = got
	}
	out.Video = view(v)
	next := []string{"vod_transcode_video once it is `ready` (only after video_ready)."}
	if !t.env.Inbox.Enabled() {
		notes = append(notes, "No callback inbox (--public-url): waits poll the service instead of receiving video_ready.")
	}
	notes = append(append([]string{}, out.Steps...), notes...)
	text, err := card("🎉 Upload complete", out.Video, notes, next)
	return out, text, err
}

func percent(a, b int64) int64 {
	if b <= 0 {
		return 100
	}
	return 100 * a / b
}
