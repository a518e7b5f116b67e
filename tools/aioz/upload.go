package aioz

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// UploadInput are aioz_upload_media's arguments.
type UploadInput struct {
	FilePath        string             `json:"file_path" jsonschema:"required" jsonschema_description:"Absolute path of a local video or audio file"`
	Title           string             `json:"title,omitempty" jsonschema:"maxLength=512" jsonschema_description:"Media title (default: file name without extension)"`
	Type            string             `json:"type,omitempty" jsonschema:"enum=video,enum=audio" jsonschema_description:"Default: detected from the file"`
	Description     string             `json:"description,omitempty"`
	IsPublic        *bool              `json:"is_public,omitempty"`
	Tags            []string           `json:"tags,omitempty" jsonschema:"maxItems=50"`
	ChunkSizeMiB    int                `json:"chunk_size_mib,omitempty" jsonschema:"minimum=50,maximum=200,default=50" jsonschema_description:"Chunk size in MiB (50-200)"`
	Qualities       []QualityInput     `json:"qualities,omitempty" jsonschema_description:"Custom renditions; triggers the transcode cost check first"`
	DurationSeconds float64            `json:"duration_seconds,omitempty" jsonschema:"minimum=0" jsonschema_description:"Media length; required with qualities (for the cost check)"`
	Metadata        []aiozapi.Metadata `json:"metadata,omitempty" jsonschema:"maxItems=50"`
	MediaID         string             `json:"media_id,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Upload into this existing empty media (from aioz_create_media) instead of creating one; its title, type and qualities are kept"`
}

// UploadOutput is aioz_upload_media's result.
type UploadOutput struct {
	MediaID    string            `json:"media_id"`
	Title      string            `json:"title"`
	Type       string            `json:"type"`
	Status     string            `json:"status" jsonschema_description:"Status right after /complete (normally transcoding)"`
	SizeBytes  int64             `json:"size_bytes"`
	ChunkBytes int64             `json:"chunk_bytes"`
	Chunks     []ChunkOutput     `json:"chunks"`
	Resumed    bool              `json:"resumed" jsonschema_description:"An interrupted earlier upload of this file was continued"`
	UploadedAt string            `json:"uploaded_at"`
	Links      map[string]string `json:"links,omitempty" jsonschema_description:"Streaming links; empty until transcoding finishes (use aioz_wait_for_media)"`
	Warnings   []string          `json:"warnings,omitempty"`
	Note       string            `json:"note,omitempty"`
}

// ChunkOutput is one part of the upload.
type ChunkOutput struct {
	Index        int    `json:"index"`
	ContentRange string `json:"content_range"`
	MD5          string `json:"md5"`
	Sent         bool   `json:"sent" jsonschema_description:"Sent in this call (false: already uploaded by an interrupted earlier call)"`
}

func (t *tools) uploadTool() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:        "aioz_upload_media",
		Title:       "Upload media to AIOZ Stream",
		Description: "Upload a local video/audio file in chunks (MD5 each) with progress; a rerun for the same file resends only missing chunks. Returns the Upload Complete card.",
	}, t.upload)
}

func (t *tools) upload(ctx context.Context, c *toolkit.Call, in UploadInput) (UploadOutput, string, error) {
	var out UploadOutput
	info, err := c.ReadMedia("file_path", in.FilePath)
	if err != nil {
		return out, "", err
	}
	typ := in.Type
	if typ == "" {
		typ = info.Kind
	}
	title := toolkit.DefaultName(in.Title, strings.TrimSpace(in.FilePath))
	chunk := int64(in.ChunkSizeMiB) * aiozapi.MiB
	qualities, warnings, err := qualityConfigs(typ, in.Qualities)
	if err != nil {
		return out, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return out, "", err
	}
	if in.MediaID != "" {
		if typ, title, err = t.existingMedia(ctx, client, in, info.Kind); err != nil {
			return out, "", err
		}
	}
	if len(qualities) > 0 {
		if err := t.checkCost(ctx, client, typ, in.DurationSeconds, qualities); err != nil {
			return out, "", err
		}
	}

	up := &aiozapi.Upload{
		Client: client, Path: info.Path, ChunkSize: chunk, Endpoint: client.BaseURL(),
		Create: aiozapi.CreateMediaRequest{Title: title, Type: typ, Description: in.Description,
			IsPublic: in.IsPublic, Tags: in.Tags, Metadata: in.Metadata, Qualities: qualities},
		MediaID: in.MediaID,
	}
	if t.env.State != nil {
		up.State = &aiozapi.StateStore{Store: t.env.State}
	}
	up.OnChunk = func(ev aiozapi.ChunkEvent, plan []aiozapi.Chunk, done map[int]string) {
		// One notification per chunk, after it succeeded (seed 001: "after
		// each successful chunk"); skipped (resumed) chunks are not re-announced.
		if ev.Skipped || (ev.MD5 == "" && ev.Err == nil) {
			return
		}
		failed := -1
		if ev.Err != nil {
			failed = ev.Chunk.Index
		}
		c.Progress(float64(len(done)), float64(len(plan)), progressCard(title, plan, done, failed))
	}
	res, err := up.Run(ctx)
	if err != nil {
		var ue *aiozapi.UploadError
		if errors.As(err, &ue) {
			return out, "", err
		}
		if os.IsNotExist(err) || os.IsPermission(err) {
			return out, "", toolkit.UnreadableFile("file_path", err)
		}
		return out, "", err
	}

	if res.Title != "" {
		title = res.Title // a resumed media keeps the title it was created with
	}
	if res.Note != "" {
		// Notes (a resumed or adopted media, possible orphans) go in the
		// text too: agents relay the text, not structuredContent.
		warnings = append(warnings, res.Note)
	}
	out = UploadOutput{MediaID: res.MediaID, Title: title, Type: typ, SizeBytes: res.Size, ChunkBytes: chunk,
		Resumed: res.Resumed, Warnings: warnings, Note: res.Note}
	sent := map[int]bool{}
	for _, i := range res.Sent {
		sent[i] = true
	}
	for _, ch := range res.Chunks {
		out.Chunks = append(out.Chunks, ChunkOutput{Index: ch.Index, ContentRange: ch.ContentRange(res.Size), MD5: res.MD5[ch.Index], Sent: sent[ch.Index]})
	}
	at := res.CompletedAt
	if at.IsZero() {
		at = t.now().UTC()
	}
	out.UploadedAt = at.Format(time.RFC3339)
	out.Status = "transcoding"
	if m, err := client.GetMedia(ctx, res.MediaID); err == nil {
		out.Status, out.Links = m.Status, links(m.Assets)
	}
	text, err := templates.AIOZUploadComplete.Render(templates.MediaEvent{
		MediaID: res.MediaID, Title: title, Type: typ, Timestamp: templates.Timestamp(at), Warnings: warnings,
	})
	if err != nil {
		return out, "", err
	}
	return out, text, nil
}

// progressCard renders seed 001's chunk progress template.
func progressCard(title string, plan []aiozapi.Chunk, done map[int]string, failed int) string {
	p := templates.UploadProgress{Title: title, Done: len(done), Total: len(plan)}
	p.Bar = templates.Bar(p.Done, p.Total)
	if p.Total > 0 {
		p.Percent = 100 * p.Done / p.Total
	}
	current := -1
	if failed < 0 {
		for _, ch := range plan {
			if _, ok := done[ch.Index]; !ok {
				current = ch.Index
				break
			}
		}
	}
	for _, ch := range plan {
		row := templates.ChunkRow{Index: ch.Index, Size: chunkSize(ch.Len())}
		switch {
		case done[ch.Index] != "":
			row.MD5, row.Status = templates.MD5Valid, templates.ChunkDone
		case ch.Index == failed:
			row.MD5, row.Status = templates.MD5Pending, templates.ChunkFailed
		case ch.Index == current:
			row.MD5, row.Status = templates.MD5Pending, templates.ChunkUploading
		default:
			row.MD5, row.Status = "—", templates.ChunkPending
		}
		p.Rows = append(p.Rows, row)
	}
	s, err := templates.AIOZUploadProgress.Render(p)
	if err != nil {
		return err.Error()
	}
	return s
}

// chunkSize prints a chunk's size in the seed's "50 MB" style (MiB).
func chunkSize(n int64) string {
	if n < aiozapi.MiB {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%d MB", (n+aiozapi.MiB/2)/aiozapi.MiB)
}
