package vod

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// UpdateInput are vod_update_video's arguments.
type UpdateInput struct {
	VideoID        string `json:"video_id" jsonschema:"required,minLength=1,maxLength=128"`
	VideoName      string `json:"video_name,omitempty" jsonschema:"maxLength=255" jsonschema_description:"New name"`
	ThumbStorageID string `json:"thumb_storage_id,omitempty" jsonschema:"maxLength=128" jsonschema_description:"Storage id of the new cover image"`
	CoverPath      string `json:"cover_path,omitempty" jsonschema:"maxLength=4096" jsonschema_description:"Local .png or .jpg to upload through the storage service as the new cover"`
}

// UpdateOutput reports the change.
type UpdateOutput struct {
	Video          VideoView `json:"video"`
	Renamed        bool      `json:"renamed"`
	CoverReplaced  bool      `json:"cover_replaced"`
	ThumbStorageID string    `json:"thumb_storage_id,omitempty"`
	OldCoverURL    string    `json:"old_cover_url,omitempty" jsonschema_description:"The cover the service deleted"`
}

func (t *tools) update(ctx context.Context, c *toolkit.Call, in UpdateInput) (UpdateOutput, string, error) {
	var out UpdateOutput
	id, err := videoID("video_id", in.VideoID)
	if err != nil {
		return out, "", err
	}
	name, thumb, cover := strings.TrimSpace(in.VideoName), strings.TrimSpace(in.ThumbStorageID), strings.TrimSpace(in.CoverPath)
	switch {
	case name == "" && thumb == "" && cover == "":
		return out, "", argerr.New("video_name", "nothing to change", "give video_name, thumb_storage_id or cover_path")
	case thumb != "" && cover != "":
		return out, "", argerr.New("cover_path", "cannot be combined with thumb_storage_id", "give one of them")
	}
	if cover != "" {
		p, err := c.ReadPath("cover_path", cover, fileroot.Image)
		if err != nil {
			return out, "", err
		}
		if err := checkImage(p); err != nil {
			return out, "", err
		}
		cover = p
	}
	client, err := t.get()
	if err != nil {
		return out, "", err
	}
	before, err := client.GetVideo(ctx, id)
	if err != nil {
		return out, "", err
	}
	if cover != "" {
		if thumb, err = client.UploadFile(ctx, cover, nil); err != nil {
			return out, "", fmt.Errorf("uploading the cover failed, the video was not changed: %w", err)
		}
	}
	if err := client.UpdateVideo(ctx, id, vodapi.UpdateRequest{VideoName: name, ThumbStorageID: thumb}); err != nil {
		if cover != "" {
			return out, "", fmt.Errorf("the cover is in the storage service as %s, but updating the video failed: %w", thumb, err)
		}
		return out, "", err
	}
	out.Renamed, out.CoverReplaced, out.ThumbStorageID = name != "", thumb != "", thumb
	var notes []string
	if thumb != "" && before.ThumbURL != "" {
		out.OldCoverURL = before.ThumbURL
		notes = append(notes, "The old cover was deleted by the service (V6 deletes it when the cover is replaced): "+before.ThumbURL)
	}
	after, err := client.GetVideo(ctx, id)
	if err != nil {
		after = before
	}
	out.Video = view(after)
	text, err := card("✏️ Video updated", out.Video, notes, nil)
	return out, text, err
}

// checkImage accepts a readable .png or .jpg whose content says so
// (toolkit.PNGOrJPEG on fileroot.ImageFormat, the project's one image sniff).
func checkImage(p string) error {
	ext := strings.ToLower(filepath.Ext(p))
	if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
		return argerr.New("cover_path", fmt.Sprintf("%q is not a .png or .jpg file", p), "give a PNG or JPEG image")
	}
	f, err := os.Open(p)
	if err != nil {
		return argerr.New("cover_path", err.Error(), "give a readable local image")
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := f.Read(head)
	if !toolkit.PNGOrJPEG(head[:n]) {
		return argerr.New("cover_path", p+" is not a PNG or JPEG image by its content", "give a real PNG or JPEG file")
	}
	return nil
}

// DeleteInput are vod_delete_videos' arguments.
type DeleteInput struct {
	VideoIDs []string `json:"video_ids" jsonschema:"required,minItems=1,maxItems=100,minLength=1,maxLength=128" jsonschema_description:"One id (V10) or several (V11, all or nothing)"`
}

// DeletedVideo is what went with one video.
type DeletedVideo struct {
	VideoID    string   `json:"video_id"`
	Name       string   `json:"name"`
	Renditions []string `json:"renditions" jsonschema_description:"Resolutions deleted with it"`
	Cover      bool     `json:"cover" jsonschema_description:"Its cover was deleted too"`
	StorageID  string   `json:"storage_id"`
}

// DeleteOutput lists exactly what was deleted.
type DeleteOutput struct {
	Deleted   []DeletedVideo `json:"deleted"`
	Operation string         `json:"operation" jsonschema:"enum=V10,enum=V11"`
}

func (t *tools) delete(ctx context.Context, c *toolkit.Call, in DeleteInput) (DeleteOutput, string, error) {
	var out DeleteOutput
	var ids []string
	seen := map[string]bool{}
	for i, raw := range in.VideoIDs {
		id, err := videoID(fmt.Sprintf("video_ids.%d", i), raw)
		if err != nil {
			return out, "", err
		}
		if len(id) > 128 {
			return out, "", argerr.New(fmt.Sprintf("video_ids.%d", i), "is longer than 128 characters", "use the id from vod_list_videos")
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	client, err := t.get()
	if err != nil {
		return out, "", err
	}
	// Read each video first: an unknown id stops before anything is deleted,
	// and the result can say what the cascade takes with it.
	for i, id := range ids {
		v, err := client.GetVideo(ctx, id)
		if err != nil {
			if code := vodapi.CodeOf(err); code == 3102 || code == 3122 {
				return out, "", argerr.New(fmt.Sprintf("video_ids.%d", i), fmt.Sprintf("video %s was not found; nothing was deleted", id), "remove it from the list")
			}
			return out, "", err
		}
		d := DeletedVideo{VideoID: id, Name: v.VideoName, Cover: v.ThumbURL != "", StorageID: v.StorageID, Renditions: []string{}}
		for _, p := range v.PlaySet {
			d.Renditions = append(d.Renditions, p.Resolution)
		}
		out.Deleted = append(out.Deleted, d)
	}
	out.Operation = "V10"
	if len(ids) > 1 {
		out.Operation = "V11"
	}
	if err := client.DeleteVideos(ctx, ids); err != nil {
		return DeleteOutput{}, "", fmt.Errorf("nothing is known to be deleted: %w", err)
	}
	fields := [][2]string{}
	for _, d := range out.Deleted {
		what := "the video"
		if len(d.Renditions) > 0 {
			what += ", renditions " + strings.Join(d.Renditions, ", ")
		}
		if d.Cover {
			what += ", its cover"
		}
		fields = append(fields, [2]string{d.Name + " (`" + d.VideoID + "`)", what})
	}
	text, err := result("🗑️", fmt.Sprintf("Deleted %d video(s)", len(out.Deleted)), fields,
		[]string{"This cannot be undone: the service deleted each video with its renditions and cover."}, nil)
	return out, text, err
}
