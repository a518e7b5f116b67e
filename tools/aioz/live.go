package aioz

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Live streams. A stream key is a publish credential: like a new API key's
// secret it goes to the OS keyring (aioz/stream_key/<id>) and is revealed
// only in a terminal; the agent gets the RTMP server URL and the command.

func (t *tools) liveTools() []toolkit.Tool {
	ro := toolkit.Annotations{ReadOnly: true, Idempotent: true}
	del := toolkit.Annotations{Destructive: true, Idempotent: true}
	spec := func(name, title, desc string, a toolkit.Annotations) toolkit.Spec {
		return toolkit.Spec{Name: name, Title: title, Description: desc, Annotations: a}
	}
	return []toolkit.Tool{
		toolkit.New(spec("aioz_create_live_stream_key", "Create a live stream key",
			"Create an RTMP channel (stream key). The key goes to the OS keyring, never into the chat; the result gives the RTMP server URL and the terminal command that reveals the key.", toolkit.Annotations{}), t.createLiveKey),
		toolkit.New(spec("aioz_list_live_stream_keys", "List live stream keys", "The account's stream keys of one type (video or audio), without the keys themselves.", ro), t.listLiveKeys),
		toolkit.New(spec("aioz_get_live_stream_key", "Get a live stream key", "One stream key: name, RTMP server, recording. Stores the stream key in the OS keyring (for auth reveal) when it is not there yet; it never enters the chat.", toolkit.Annotations{Idempotent: true}), t.getLiveKey),
		toolkit.New(spec("aioz_update_live_stream_key", "Update a live stream key", "Rename a stream key or change whether its broadcasts are recorded.", toolkit.Annotations{Idempotent: true}), t.updateLiveKey),
		toolkit.New(spec("aioz_delete_live_stream_key", "Delete a live stream key", "Delete a stream key with its broadcasts and multicast targets; encoders using it are cut off. Cannot be undone.", del), t.deleteLiveKey),
		toolkit.New(spec("aioz_create_streaming", "Start a broadcast", "Create a broadcast (live stream media) on a stream key, with its title, recording and qualities.", toolkit.Annotations{}), t.createStreaming),
		toolkit.New(spec("aioz_list_streamings", "List broadcasts", "A stream key's broadcasts, optionally searched by title or filtered by status.", ro), t.listStreamings),
		toolkit.New(spec("aioz_get_streaming", "Get a broadcast", "One broadcast: status, qualities, views and playback links.", ro), t.getStreaming),
		toolkit.New(spec("aioz_update_streaming", "Update a broadcast", "Change a broadcast's title, recording or qualities; AIOZ allows this only while it is live.", toolkit.Annotations{Idempotent: true}), t.updateStreaming),
		toolkit.New(spec("aioz_delete_streaming", "Delete a broadcast", "Delete a broadcast and its playback links. Cannot be undone.", del), t.deleteStreaming),
		toolkit.New(spec("aioz_set_streaming_thumbnail", "Set a broadcast thumbnail", "Upload a local .png or .jpg as a broadcast's thumbnail.", del), t.setStreamingThumbnail),
		toolkit.New(spec("aioz_delete_streaming_thumbnail", "Delete a broadcast thumbnail", "Remove a broadcast's thumbnail.", del), t.deleteStreamingThumbnail),
		toolkit.New(spec("aioz_get_live_recording", "Get a broadcast recording", "The recorded video of a broadcast made with save: true.", ro), t.liveRecording),
		toolkit.New(spec("aioz_get_multicast", "Get multicast targets", "Where a stream key's stream is relayed (other RTMP services).", ro), t.getMulticast),
		toolkit.New(spec("aioz_set_multicast", "Set multicast targets", "Relay a stream key's stream to up to five RTMP URLs, replacing the current targets.", del), t.setMulticast),
		toolkit.New(spec("aioz_delete_multicast", "Delete multicast targets", "Stop relaying a stream key's stream anywhere.", del), t.deleteMulticast),
		toolkit.New(spec("aioz_get_live_statistics", "Live statistics", "A broadcast's ingest and output bitrate, frame rates, viewers and data transferred.", ro), t.liveStatistics),
		toolkit.New(spec("aioz_get_player_config", "Public player configuration", "What a player loads for a media, a playlist or a live broadcast (the public player.json endpoints).", ro), t.playerConfig),
	}
}

func streamKeyAccount(id string) string { return "stream_key/" + id }

// LiveKeyView is a stream key without the key.
type LiveKeyView struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Type           string `json:"type,omitempty"`
	Save           bool   `json:"save" jsonschema_description:"Broadcasts are recorded"`
	RTMPURL        string `json:"rtmp_url" jsonschema_description:"RTMP server URL for the encoder"`
	KeyringAccount string `json:"keyring_account,omitempty" jsonschema_description:"Where the stream key is (service mcp-media)"`
	RevealCommand  string `json:"reveal_command,omitempty" jsonschema_description:"For the user's terminal; never run it for them"`
	CreatedAt      string `json:"created_at,omitempty"`
}

// LiveKeyOutput is one stream key.
type LiveKeyOutput struct {
	Key    LiveKeyView `json:"live_stream_key"`
	Stored bool        `json:"stored" jsonschema_description:"The stream key is in the OS keyring"`
}

// stored is a key's view with the reveal command when the keyring already
// holds its stream key.
func (t *tools) stored(k aiozapi.LiveStreamKey) LiveKeyView {
	v := LiveKeyView{ID: k.ID, Name: k.Name, Type: k.Type, Save: k.Save, RTMPURL: k.RTMPURL, CreatedAt: k.CreatedAt}
	if k.StreamKey != "" && t.env.Creds.Aux("aioz", streamKeyAccount(k.ID)) == k.StreamKey {
		v.KeyringAccount = "aioz/" + streamKeyAccount(k.ID)
		v.RevealCommand = "mcp-media auth reveal " + v.KeyringAccount
	}
	return v
}

// keep stores a stream key in the keyring and returns its view.
func (t *tools) keep(k aiozapi.LiveStreamKey) (LiveKeyView, error) {
	v := LiveKeyView{ID: k.ID, Name: k.Name, Type: k.Type, Save: k.Save, RTMPURL: k.RTMPURL, CreatedAt: k.CreatedAt}
	if k.StreamKey == "" {
		return v, fmt.Errorf("AIOZ returned no stream key")
	}
	if t.env.Creds.Aux("aioz", streamKeyAccount(k.ID)) != k.StreamKey {
		if err := t.env.Creds.SetAux("aioz", streamKeyAccount(k.ID), k.StreamKey); err != nil {
			return v, err
		}
	}
	v.KeyringAccount = "aioz/" + streamKeyAccount(k.ID)
	v.RevealCommand = "mcp-media auth reveal " + v.KeyringAccount
	return v, nil
}

func (t *tools) liveKeyResult(k aiozapi.LiveStreamKey, heading string, notes ...string) (LiveKeyOutput, string, error) {
	v, err := t.keep(k)
	d := templates.LiveKeyCard{Heading: heading, ID: v.ID, Name: v.Name, Type: v.Type, Save: v.Save, RTMPURL: v.RTMPURL, Account: v.KeyringAccount, Sandbox: t.env.Sandbox, Notes: notes}
	out := LiveKeyOutput{Key: v}
	if err != nil {
		d.StoreError = err.Error()
	} else {
		out.Stored, d.Stored = true, true
	}
	text, err := templates.AIOZLiveKeyCard.Render(d)
	return out, text, err
}

// CreateLiveKeyInput are aioz_create_live_stream_key's arguments.
type CreateLiveKeyInput struct {
	Name string `json:"name" jsonschema:"required,minLength=1,maxLength=255"`
	Type string `json:"type,omitempty" jsonschema:"enum=video,enum=audio,default=video"`
	Save bool   `json:"save,omitempty" jsonschema_description:"Record broadcasts (then aioz_get_live_recording finds them)"`
}

func (t *tools) createLiveKey(ctx context.Context, _ *toolkit.Call, in CreateLiveKeyInput) (LiveKeyOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return LiveKeyOutput{}, "", err
	}
	if in.Type == "" {
		in.Type = "video"
	}
	k, err := client.CreateLiveStreamKey(ctx, in.Name, in.Save, in.Type)
	if err != nil {
		return LiveKeyOutput{}, "", err
	}
	return t.liveKeyResult(k, "📡 Live Stream Key Created")
}

// ListLiveKeysInput are aioz_list_live_stream_keys' arguments.
type ListLiveKeysInput struct {
	AccountListInput
	Type string `json:"type,omitempty" jsonschema:"enum=video,enum=audio,default=video"`
}

// LiveKeyListOutput is a page of stream keys.
type LiveKeyListOutput struct {
	Keys []LiveKeyView `json:"live_stream_keys"`
	Page
}

func (t *tools) listLiveKeys(ctx context.Context, _ *toolkit.Call, in ListLiveKeysInput) (LiveKeyListOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return LiveKeyListOutput{}, "", err
	}
	if in.Type == "" {
		in.Type = "video"
	}
	list, err := client.ListLiveStreamKeys(ctx, in.query(), in.Type)
	if err != nil {
		return LiveKeyListOutput{}, "", err
	}
	out := LiveKeyListOutput{Keys: []LiveKeyView{}, Page: page(in.Offset, len(list.Keys), list.Total)}
	d := templates.LiveKeyList{Type: in.Type, Total: out.Total, NextOffset: out.NextOffset}
	for _, k := range list.Keys {
		v := t.stored(k) // read-only: keys not kept yet get no reveal command
		out.Keys = append(out.Keys, v)
		d.Rows = append(d.Rows, templates.LiveKeyRow{ID: v.ID, Name: v.Name, RTMPURL: v.RTMPURL, CreatedAt: v.CreatedAt, Save: v.Save})
	}
	text, err := templates.AIOZLiveKeyList.Render(d)
	return out, text, err
}

// LiveKeyIDInput names one stream key.
type LiveKeyIDInput struct {
	LiveStreamKeyID string `json:"live_stream_key_id" jsonschema:"required,minLength=1,maxLength=64" jsonschema_description:"Stream key id (find it with aioz_list_live_stream_keys)"`
}

func (t *tools) getLiveKey(ctx context.Context, _ *toolkit.Call, in LiveKeyIDInput) (LiveKeyOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return LiveKeyOutput{}, "", err
	}
	k, err := client.GetLiveStreamKey(ctx, in.LiveStreamKeyID)
	if err != nil {
		return LiveKeyOutput{}, "", err
	}
	return t.liveKeyResult(k, "📡 Live Stream Key")
}

// UpdateLiveKeyInput are aioz_update_live_stream_key's arguments.
type UpdateLiveKeyInput struct {
	LiveStreamKeyID string  `json:"live_stream_key_id" jsonschema:"required,minLength=1,maxLength=64"`
	Name            *string `json:"name,omitempty" jsonschema:"minLength=1,maxLength=255"`
	Save            *bool   `json:"save,omitempty"`
}

func (t *tools) updateLiveKey(ctx context.Context, _ *toolkit.Call, in UpdateLiveKeyInput) (LiveKeyOutput, string, error) {
	if in.Name == nil && in.Save == nil {
		return LiveKeyOutput{}, "", argerr.New("arguments", "nothing to change", "give name or save")
	}
	client, err := t.client.Get()
	if err != nil {
		return LiveKeyOutput{}, "", err
	}
	k, err := client.UpdateLiveStreamKey(ctx, in.LiveStreamKeyID, in.Name, in.Save)
	if err != nil {
		return LiveKeyOutput{}, "", err
	}
	if k.ID == "" { // an empty answer: read it back
		if k, err = client.GetLiveStreamKey(ctx, in.LiveStreamKeyID); err != nil {
			return LiveKeyOutput{}, "", fmt.Errorf("the update succeeded but reading the key back failed: %w", err)
		}
	}
	return t.liveKeyResult(k, "📡 Live Stream Key Updated")
}

func (t *tools) deleteLiveKey(ctx context.Context, _ *toolkit.Call, in LiveKeyIDInput) (DeletedOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return DeletedOutput{}, "", err
	}
	if err := client.DeleteLiveStreamKey(ctx, in.LiveStreamKeyID); err != nil {
		return DeletedOutput{}, "", err
	}
	var notes []string
	if err := t.env.Creds.DeleteAux("aioz", streamKeyAccount(in.LiveStreamKeyID)); err != nil {
		notes = append(notes, "Its keyring entry could not be removed: "+err.Error())
	}
	text, err := templates.AIOZDone.Render(templates.Done{Text: fmt.Sprintf("Deleted live stream key `%s`: encoders using it can no longer publish.", in.LiveStreamKeyID), Notes: notes})
	return DeletedOutput{ID: in.LiveStreamKeyID, Deleted: true}, text, err
}

// liveResolutions are the qualities OA allows for live streams.
var liveResolutions = map[string]bool{"144p": true, "240p": true, "360p": true, "720p": true, "1080p": true, "1440p": true, "2160p": true}

func liveQualities(in []QualityInput) ([]aiozapi.QualityConfig, []string, error) {
	for i, q := range in {
		if !liveResolutions[q.Resolution] {
			return nil, nil, argerr.New(fmt.Sprintf("qualities.%d.resolution", i), fmt.Sprintf("%q is not a live stream quality", q.Resolution), "use 2160p, 1440p, 1080p, 720p, 360p, 240p or 144p")
		}
	}
	return qualityConfigs("video", in)
}

// StreamingView is a broadcast as agents see it.
type StreamingView struct {
	ID              string            `json:"id"`
	Title           string            `json:"title"`
	Status          string            `json:"status,omitempty"`
	LiveStreamKeyID string            `json:"live_stream_key_id,omitempty"`
	Save            bool              `json:"save"`
	Qualities       []string          `json:"qualities,omitempty"`
	Views           int64             `json:"total_view,omitempty"`
	Links           map[string]string `json:"links,omitempty" jsonschema_description:"hls_url, player_url, iframe, thumbnail_url"`
	CreatedAt       string            `json:"created_at,omitempty"`
}

func streamingView(s aiozapi.Streaming) StreamingView {
	v := StreamingView{ID: s.ID, Title: s.Title, Status: s.Status, LiveStreamKeyID: s.LiveStreamKeyID, Save: s.Save, Qualities: s.Qualities,
		Views: s.TotalView, CreatedAt: s.CreatedAt, Links: map[string]string{}}
	for k, val := range map[string]string{"hls_url": s.Assets.HLSURL, "player_url": s.Assets.PlayerURL, "iframe": s.Assets.Iframe, "thumbnail_url": s.Assets.ThumbnailURL} {
		if val != "" {
			v.Links[k] = val
		}
	}
	if len(v.Links) == 0 {
		v.Links = nil
	}
	return v
}

// StreamingOutput is one broadcast.
type StreamingOutput struct {
	Streaming StreamingView `json:"streaming"`
	Warnings  []string      `json:"warnings,omitempty"`
}

func streamingResult(s aiozapi.Streaming, heading string, notes ...string) (StreamingOutput, string, error) {
	v := streamingView(s)
	text, err := templates.AIOZStreamingCard.Render(templates.StreamingCard{Heading: heading, ID: v.ID, Title: v.Title, Status: v.Status, KeyID: v.LiveStreamKeyID,
		Save: v.Save, Qualities: v.Qualities, HLS: s.Assets.HLSURL, Player: s.Assets.PlayerURL, Embed: s.Assets.Iframe, Thumbnail: s.Assets.ThumbnailURL,
		Views: v.Views, Notes: notes})
	return StreamingOutput{Streaming: v, Warnings: notes}, text, err
}

// CreateStreamingInput are aioz_create_streaming's arguments.
type CreateStreamingInput struct {
	LiveStreamKeyID string         `json:"live_stream_key_id" jsonschema:"required,minLength=1,maxLength=64"`
	Title           string         `json:"title" jsonschema:"required,minLength=1,maxLength=255"`
	Save            bool           `json:"save,omitempty" jsonschema_description:"Record the broadcast"`
	Qualities       []QualityInput `json:"qualities,omitempty" jsonschema:"maxItems=7" jsonschema_description:"Default: 1080p, 720p, 360p"`
}

func (t *tools) createStreaming(ctx context.Context, _ *toolkit.Call, in CreateStreamingInput) (StreamingOutput, string, error) {
	q, warnings, err := liveQualities(in.Qualities)
	if err != nil {
		return StreamingOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return StreamingOutput{}, "", err
	}
	s, err := client.CreateStreaming(ctx, in.LiveStreamKeyID, aiozapi.StreamingRequest{Title: in.Title, Save: &in.Save, Qualities: q})
	if err != nil {
		return StreamingOutput{}, "", err
	}
	if s.LiveStreamKeyID == "" {
		s.LiveStreamKeyID = in.LiveStreamKeyID
	}
	notes := append(warnings, fmt.Sprintf("Publish to it with the RTMP server and stream key of `%s` (aioz_get_live_stream_key gives the server and the reveal command).", in.LiveStreamKeyID))
	return streamingResult(s, "🎥 Broadcast Created", notes...)
}

// ListStreamingsInput are aioz_list_streamings' arguments.
type ListStreamingsInput struct {
	LiveStreamKeyID string `json:"live_stream_key_id" jsonschema:"required,minLength=1,maxLength=64"`
	Search          string `json:"search,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Match titles"`
	Status          string `json:"status,omitempty" jsonschema:"maxLength=32" jsonschema_description:"Only broadcasts with this status"`
	Limit           int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset          int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// StreamingListOutput is a page of broadcasts.
type StreamingListOutput struct {
	Streamings []StreamingView `json:"streamings"`
	Total      int             `json:"total"`
}

func (t *tools) listStreamings(ctx context.Context, _ *toolkit.Call, in ListStreamingsInput) (StreamingListOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return StreamingListOutput{}, "", err
	}
	list, err := client.SearchStreamings(ctx, in.LiveStreamKeyID, in.Search, in.Status, in.Offset, in.Limit)
	if err != nil {
		return StreamingListOutput{}, "", err
	}
	out := StreamingListOutput{Streamings: []StreamingView{}, Total: list.Total}
	d := templates.StreamingList{KeyID: in.LiveStreamKeyID, Total: list.Total}
	for _, s := range list.Media {
		v := streamingView(s)
		out.Streamings = append(out.Streamings, v)
		d.Rows = append(d.Rows, templates.StreamingRow{ID: v.ID, Title: v.Title, Status: v.Status, CreatedAt: v.CreatedAt, Save: v.Save})
	}
	text, err := templates.AIOZStreamingList.Render(d)
	return out, text, err
}

// StreamingIDInput names one broadcast of a key.
type StreamingIDInput struct {
	LiveStreamKeyID string `json:"live_stream_key_id" jsonschema:"required,minLength=1,maxLength=64"`
	StreamID        string `json:"stream_id" jsonschema:"required,minLength=1,maxLength=64" jsonschema_description:"Broadcast (live stream media) id, from aioz_list_streamings"`
}

func (t *tools) getStreaming(ctx context.Context, _ *toolkit.Call, in StreamingIDInput) (StreamingOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return StreamingOutput{}, "", err
	}
	s, err := client.GetStreaming(ctx, in.LiveStreamKeyID, in.StreamID)
	if err != nil {
		return StreamingOutput{}, "", err
	}
	return streamingResult(s, "🎥 Broadcast")
}

// UpdateStreamingInput are aioz_update_streaming's arguments.
type UpdateStreamingInput struct {
	StreamingIDInput
	Title     *string        `json:"title,omitempty" jsonschema:"minLength=1,maxLength=255"`
	Save      *bool          `json:"save,omitempty"`
	Qualities []QualityInput `json:"qualities,omitempty" jsonschema:"maxItems=7"`
}

func (t *tools) updateStreaming(ctx context.Context, _ *toolkit.Call, in UpdateStreamingInput) (StreamingOutput, string, error) {
	if in.Title == nil && in.Save == nil && in.Qualities == nil {
		return StreamingOutput{}, "", argerr.New("arguments", "nothing to change", "give title, save or qualities")
	}
	q, warnings, err := liveQualities(in.Qualities)
	if err != nil {
		return StreamingOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return StreamingOutput{}, "", err
	}
	req := aiozapi.StreamingRequest{StreamID: in.StreamID, Save: in.Save, Qualities: q}
	if in.Title != nil {
		req.Title = *in.Title
	}
	if err := client.UpdateStreaming(ctx, in.LiveStreamKeyID, req); err != nil {
		return StreamingOutput{}, "", err
	}
	s, err := client.GetStreaming(ctx, in.LiveStreamKeyID, in.StreamID)
	if err != nil {
		return StreamingOutput{}, "", fmt.Errorf("the update succeeded but reading the broadcast back failed: %w", err)
	}
	return streamingResult(s, "🎥 Broadcast Updated", warnings...)
}

func (t *tools) deleteStreaming(ctx context.Context, _ *toolkit.Call, in StreamingIDInput) (DeletedOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return DeletedOutput{}, "", err
	}
	if err := client.DeleteStreaming(ctx, in.LiveStreamKeyID, in.StreamID); err != nil {
		return DeletedOutput{}, "", err
	}
	text, err := templates.AIOZDone.Render(templates.Done{Text: fmt.Sprintf("Deleted broadcast `%s` of stream key `%s`.", in.StreamID, in.LiveStreamKeyID)})
	return DeletedOutput{ID: in.StreamID, Deleted: true}, text, err
}

// StreamIDInput names one broadcast.
type StreamIDInput struct {
	StreamID string `json:"stream_id" jsonschema:"required,minLength=1,maxLength=64" jsonschema_description:"Broadcast (live stream media) id, from aioz_list_streamings"`
}

// StreamThumbnailInput are aioz_set_streaming_thumbnail's arguments.
type StreamThumbnailInput struct {
	StreamID  string `json:"stream_id" jsonschema:"required,minLength=1,maxLength=64"`
	ImagePath string `json:"image_path" jsonschema:"required,maxLength=4096" jsonschema_description:"Local .png or .jpg file"`
}

// DoneOutput confirms a change to one object.
type DoneOutput struct {
	ID   string `json:"id"`
	Done bool   `json:"done"`
}

func (t *tools) setStreamingThumbnail(ctx context.Context, c *toolkit.Call, in StreamThumbnailInput) (DoneOutput, string, error) {
	path, err := checkImage(c, "image_path", in.ImagePath)
	if err != nil {
		return DoneOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return DoneOutput{}, "", err
	}
	if err := client.SetLiveThumbnail(ctx, in.StreamID, path); err != nil {
		return DoneOutput{}, "", err
	}
	text, err := templates.AIOZDone.Render(templates.Done{Text: fmt.Sprintf("🖼️ Set `%s` as the thumbnail of broadcast `%s`.", filepath.Base(in.ImagePath), in.StreamID)})
	return DoneOutput{ID: in.StreamID, Done: true}, text, err
}

func (t *tools) deleteStreamingThumbnail(ctx context.Context, _ *toolkit.Call, in StreamIDInput) (DoneOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return DoneOutput{}, "", err
	}
	if err := client.DeleteLiveThumbnail(ctx, in.StreamID); err != nil {
		return DoneOutput{}, "", err
	}
	text, err := templates.AIOZDone.Render(templates.Done{Text: fmt.Sprintf("Removed the thumbnail of broadcast `%s`.", in.StreamID)})
	return DoneOutput{ID: in.StreamID, Done: true}, text, err
}

func (t *tools) liveRecording(ctx context.Context, _ *toolkit.Call, in StreamIDInput) (StreamingOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return StreamingOutput{}, "", err
	}
	s, err := client.LiveVideo(ctx, in.StreamID)
	if err != nil {
		return StreamingOutput{}, "", err
	}
	return streamingResult(s, "📼 Broadcast Recording")
}
