package vod

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func (t *tools) videoTools() []toolkit.Tool {
	return []toolkit.Tool{
		t.uploadTool(),
		toolkit.New(toolkit.Spec{
			Name: "vod_create_video", Title: "Create a VOD video from a storage id",
			Description: "V1: create a video from a file already in the storage service (its storage_id). A storage id that already has a video is refused (3106) and that video's id is given when it can be found.",
		}, t.create),
		toolkit.New(toolkit.Spec{
			Name: "vod_list_videos", Title: "List or search VOD videos",
			Description: "A page of videos (15 by default; search or source_type filters) with the total, statuses by name and durations in seconds (V2, V5 to search).",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.list),
		toolkit.New(toolkit.Spec{
			Name: "vod_get_video", Title: "Get a VOD video",
			Description: "One video's card: status, size, duration, sharing, cover, and its renditions (play_set) with status, progress and URL (V3).",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.getVideo),
		toolkit.New(toolkit.Spec{
			Name: "vod_get_shared_video", Title: "Open a shared VOD video",
			Description: "V4: a video as a share link recipient sees it, with the share password when it needs one. Access denied (3108) means the video is private or the password is wrong.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.getShared),
		toolkit.New(toolkit.Spec{
			Name: "vod_update_video", Title: "Rename a VOD video or replace its cover",
			Description: "V6: new name and/or new cover (a thumb_storage_id, or a local .png/.jpg uploaded through the storage service first). Replacing the cover DELETES the old cover.",
			Annotations: toolkit.Annotations{Destructive: true},
		}, t.update),
		toolkit.New(toolkit.Spec{
			Name: "vod_set_share", Title: "Set how a VOD video is shared",
			Description: "V7: private, password (a password of 1–16 characters is required) or public. Checked before anything is sent.",
			Annotations: toolkit.Annotations{Idempotent: true},
		}, t.setShare),
		t.transcodeTool(),
		toolkit.New(toolkit.Spec{
			Name: "vod_delete_videos", Title: "Delete VOD videos",
			Description: "V10 (one id) or V11 (several, all or nothing): deletes each video with its renditions and its cover. Cannot be undone; the result lists exactly what was deleted.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.delete),
		t.callbackTool(),
	}
}

// CreateInput are vod_create_video's arguments.
type CreateInput struct {
	StorageID     string `json:"storage_id" jsonschema:"required,minLength=1,maxLength=128" jsonschema_description:"File id in the storage service"`
	SourceType    string `json:"source_type,omitempty" jsonschema:"maxLength=64,default=upload" jsonschema_description:"Caller-defined source type, e.g. upload or streaming"`
	SourceID      string `json:"source_id,omitempty" jsonschema:"maxLength=128"`
	VideoName     string `json:"video_name,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Default: the file name in the storage service"`
	SkipAutoTrans bool   `json:"skip_auto_trans,omitempty" jsonschema_description:"Ignore the account's automatic transcoding rules for this video"`
}

// CreateOutput is the new video.
type CreateOutput struct {
	VideoID   string    `json:"video_id"`
	StorageID string    `json:"storage_id"`
	Video     VideoView `json:"video"`
}

func (t *tools) create(ctx context.Context, c *toolkit.Call, in CreateInput) (CreateOutput, string, error) {
	client, err := t.get()
	if err != nil {
		return CreateOutput{}, "", err
	}
	id, err := t.createVideo(ctx, client, vodapi.CreateRequest{StorageID: strings.TrimSpace(in.StorageID), SourceType: in.SourceType,
		SourceID: in.SourceID, VideoName: in.VideoName, SkipAutoTrans: in.SkipAutoTrans})
	if err != nil {
		return CreateOutput{}, "", err
	}
	out := CreateOutput{VideoID: id, StorageID: in.StorageID}
	v, err := client.GetVideo(ctx, id)
	if err != nil {
		v = vodapi.Video{ID: id, StorageID: in.StorageID, VideoName: in.VideoName, Status: vodapi.VideoUploading}
	}
	out.Video = view(v)
	text, err := card("🆕 Video created", out.Video, nil, []string{
		"The video turns `ready` when the service sends video_ready; vod_get_video shows its status.",
		"Transcode only after that (vod_transcode_video)."})
	return out, text, err
}

// createVideo is V1, explaining 3106 with the existing video when found.
func (t *tools) createVideo(ctx context.Context, client *vodapi.Client, r vodapi.CreateRequest) (string, error) {
	if r.SourceType == "" {
		r.SourceType = "upload"
	}
	id, err := client.CreateVideo(ctx, r)
	if vodapi.CodeOf(err) == 3106 {
		if existing := findByStorage(ctx, client, r.StorageID); existing != "" {
			return "", fmt.Errorf("%w. The existing video with storage id %s is `%s` (vod_get_video shows it)", err, r.StorageID, existing)
		}
	}
	return id, err
}

// findByStorage looks through the library (bounded) for a storage id.
func findByStorage(ctx context.Context, client *vodapi.Client, storageID string) string {
	for page := 1; page <= 20; page++ {
		l, err := client.ListVideos(ctx, vodapi.ListQuery{Page: page, PageSize: 100})
		if err != nil {
			return ""
		}
		for _, v := range l.Videos {
			if v.StorageID == storageID {
				return v.ID
			}
		}
		if page*100 >= l.Count || len(l.Videos) == 0 {
			return ""
		}
	}
	return ""
}

// ListInput are vod_list_videos' arguments.
type ListInput struct {
	Search     string `json:"search,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Video id or (part of a) name; uses V5"`
	SourceType string `json:"source_type,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Only videos of this source type; uses V5"`
	Page       int    `json:"page,omitempty" jsonschema:"minimum=1,default=1"`
	PageSize   int    `json:"page_size,omitempty" jsonschema:"minimum=1,maximum=100,default=15" jsonschema_description:"The service's default is 15"`
}

// ListOutput is a page of videos.
type ListOutput struct {
	Videos   []VideoView `json:"videos"`
	Total    int         `json:"total" jsonschema_description:"Videos matching, over all pages"`
	Showing  int         `json:"showing"`
	Page     int         `json:"page"`
	PageSize int         `json:"page_size"`
	NextPage int         `json:"next_page,omitempty" jsonschema_description:"Pass as page for more; absent on the last page"`
	Searched bool        `json:"searched" jsonschema_description:"V5 (search) was used rather than V2"`
}

func (t *tools) list(ctx context.Context, c *toolkit.Call, in ListInput) (ListOutput, string, error) {
	client, err := t.get()
	if err != nil {
		return ListOutput{}, "", err
	}
	q := vodapi.ListQuery{Search: strings.TrimSpace(in.Search), SourceType: strings.TrimSpace(in.SourceType), Page: in.Page, PageSize: in.PageSize}
	l, err := client.ListVideos(ctx, q)
	if err != nil {
		return ListOutput{}, "", err
	}
	out := ListOutput{Total: l.Count, Page: in.Page, PageSize: in.PageSize, Searched: q.Searching(), Videos: []VideoView{}}
	d := templates.VODVideoListData{Search: q.Search, SourceType: q.SourceType, Page: in.Page, PageSize: in.PageSize, Total: l.Count}
	for _, v := range l.Videos {
		vv := view(v)
		out.Videos = append(out.Videos, vv)
		d.Rows = append(d.Rows, templates.VODVideoRowData{ID: vv.ID, Name: vv.Name, Status: vv.Status, Duration: showSeconds(vv.DurationSeconds),
			Share: vv.Share, Renditions: len(vv.Renditions)})
	}
	out.Showing = len(out.Videos)
	if in.Page*in.PageSize < l.Count && len(l.Videos) > 0 {
		out.NextPage, d.NextPage = in.Page+1, in.Page+1
	}
	text, err := templates.VODVideoList.Render(d)
	return out, text, err
}

// GetInput names a video.
type GetInput struct {
	VideoID string `json:"video_id" jsonschema:"required,minLength=1,maxLength=128"`
}

// VideoOutput is one video.
type VideoOutput struct {
	Video VideoView `json:"video"`
}

func (t *tools) getVideo(ctx context.Context, c *toolkit.Call, in GetInput) (VideoOutput, string, error) {
	id, err := videoID("video_id", in.VideoID)
	if err != nil {
		return VideoOutput{}, "", err
	}
	client, err := t.get()
	if err != nil {
		return VideoOutput{}, "", err
	}
	v, err := client.GetVideo(ctx, id)
	if err != nil {
		return VideoOutput{}, "", err
	}
	out := VideoOutput{Video: view(v)}
	var next []string
	if v.Status != vodapi.VideoReady && v.Status != vodapi.VideoDeleted && v.Status != vodapi.VideoFailed {
		next = append(next, "Not ready yet: wait for video_ready (vod_upload_video with wait, or call vod_get_video again).")
	}
	text, err := card("🎬 Video", out.Video, nil, next)
	return out, text, err
}

// SharedInput are vod_get_shared_video's arguments.
type SharedInput struct {
	VideoID  string `json:"video_id" jsonschema:"required,minLength=1,maxLength=128"`
	Password string `json:"password,omitempty" jsonschema:"maxLength=16" jsonschema_description:"The share password, when the video needs one"`
}

func (t *tools) getShared(ctx context.Context, c *toolkit.Call, in SharedInput) (VideoOutput, string, error) {
	id, err := videoID("video_id", in.VideoID)
	if err != nil {
		return VideoOutput{}, "", err
	}
	client, err := t.get()
	if err != nil {
		return VideoOutput{}, "", err
	}
	v, err := client.GetSharedVideo(ctx, id, in.Password)
	if vodapi.CodeOf(err) == 3108 {
		return VideoOutput{}, "", fmt.Errorf("%w. For a shared video this means it is private, or it needs a password and `password` is missing or wrong; "+
			"the owner can change this with vod_set_share", err)
	}
	if err != nil {
		return VideoOutput{}, "", err
	}
	out := VideoOutput{Video: view(v)}
	text, err := card("🔗 Shared video", out.Video, nil, nil)
	return out, text, err
}

// ShareInput are vod_set_share's arguments.
type ShareInput struct {
	VideoID  string `json:"video_id" jsonschema:"required,minLength=1,maxLength=128"`
	State    string `json:"shared_state" jsonschema:"required,enum=private,enum=password,enum=public" jsonschema_description:"private: owner only; password: anyone with the password; public: anyone with the link"`
	Password string `json:"password,omitempty" jsonschema:"maxLength=256" jsonschema_description:"1–16 characters; required with shared_state password, not allowed otherwise"`
}

// ShareOutput reports the new state (never the password).
type ShareOutput struct {
	VideoID     string `json:"video_id"`
	Share       string `json:"share" jsonschema:"enum=private,enum=password,enum=public"`
	PasswordSet bool   `json:"password_set"`
}

func (t *tools) setShare(ctx context.Context, c *toolkit.Call, in ShareInput) (ShareOutput, string, error) {
	id, err := videoID("video_id", in.VideoID)
	if err != nil {
		return ShareOutput{}, "", err
	}
	state, ok := vodapi.ShareState(in.State)
	if !ok {
		return ShareOutput{}, "", argerr.New("shared_state", fmt.Sprintf("%q is not a share state", in.State), "use private, password or public")
	}
	n := len([]rune(in.Password))
	switch {
	case n > vodapi.MaxPasswordLen:
		return ShareOutput{}, "", argerr.New("password", fmt.Sprintf("has %d characters; the VOD service allows 0–16", n), "use at most 16 characters")
	case state == vodapi.SharePassword && n == 0:
		return ShareOutput{}, "", argerr.New("password", "is required with shared_state password", "give a password of 1–16 characters, or use shared_state public")
	case state != vodapi.SharePassword && n > 0:
		return ShareOutput{}, "", argerr.New("password", "is only used with shared_state password", "remove it, or use shared_state password")
	}
	client, err := t.get()
	if err != nil {
		return ShareOutput{}, "", err
	}
	if err := client.SetShare(ctx, id, state, in.Password); err != nil {
		return ShareOutput{}, "", err
	}
	out := ShareOutput{VideoID: id, Share: in.State, PasswordSet: n > 0}
	desc := map[string]string{"private": "only you can open it", "password": "anyone with the link and the password can open it",
		"public": "anyone with the link can open it"}[in.State]
	text, err := result("🔐", "Sharing updated", [][2]string{{"Video ID", "`" + id + "`"}, {"Sharing", in.State + " — " + desc}}, nil,
		[]string{"Recipients open it with vod_get_shared_video."})
	return out, text, err
}
