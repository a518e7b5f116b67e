package doraapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/httpx"
)

// ---------------------------------------------------------------------------
// Stream censors: smart audio stream (p003), Shumei video stream (p009),
// Yitu live voice (p010). Results arrive only by callback.

// AudioStreamRequest starts moderating a live audio stream.
type AudioStreamRequest struct {
	Types []string // AudioStreamTypes; default DEFAULT (= POLITICAL_PORN_MOAN_AD)
	// StreamType is NORMAL (a stream URL, default), AGORA, ZEGO or TRTC; the
	// vendor parameters go in Params as documented.
	StreamType       string
	URL              string
	Params           map[string]any // agoraParam / zegoParam / trtcParam, by StreamType
	TokenID          string
	Channel          string // StreamChannels (required)
	Room             string
	ReturnAllText    bool
	ReturnPreText    bool
	ReturnPreAudio   bool
	ReturnFinishInfo bool
	Callback         string // required
}

// StartAudioStreamCensor submits the stream and returns its entryId.
func (c *Client) StartAudioStreamCensor(ctx context.Context, req AudioStreamRequest) (string, error) {
	types, err := joinTypes("types", req.Types, AudioStreamTypes, "DEFAULT")
	if err != nil {
		return "", err
	}
	st := firstNonEmpty(strings.ToUpper(req.StreamType), "NORMAL")
	if err := checkCallback("callback_url", req.Callback); err != nil {
		return "", err
	}
	if !slices.Contains(StreamChannels, req.Channel) {
		return "", &argerr.Error{Arg: "channel", Problem: "must be one of " + strings.Join(StreamChannels, ", ")}
	}
	data := map[string]any{"streamType": st, "tokenId": firstNonEmpty(req.TokenID, DefaultTokenID), "channel": req.Channel}
	switch st {
	case "NORMAL":
		u, err := url.Parse(strings.TrimSpace(req.URL))
		if err != nil || u.Scheme == "" || u.Host == "" {
			return "", &argerr.Error{Arg: "url", Problem: "must be a stream URL (rtmp, http-flv or hls)"}
		}
		data["url"] = strings.TrimSpace(req.URL)
	case "AGORA", "ZEGO", "TRTC":
		if len(req.Params) == 0 {
			return "", &argerr.Error{Arg: "params", Problem: st + " streams need their " + strings.ToLower(st) + "Param fields"}
		}
		data[strings.ToLower(st)+"Param"] = req.Params
	default:
		return "", &argerr.Error{Arg: "stream_type", Problem: "must be NORMAL, AGORA, ZEGO or TRTC"}
	}
	if req.Room != "" {
		data["room"] = req.Room
	}
	for k, v := range map[string]bool{"returnAllText": req.ReturnAllText, "returnPreText": req.ReturnPreText,
		"returnPreAudio": req.ReturnPreAudio, "returnFinishInfo": req.ReturnFinishInfo} {
		if v {
			data[k] = true
		}
	}
	out, err := c.shumei(ctx, "audio stream censor", "/anti_fraud/v2/audiostream", map[string]any{"type": types, "data": data, "callback": req.Callback}, false)
	if err != nil {
		return "", err
	}
	if out.id() == "" {
		return "", fmt.Errorf("qiniu audio stream censor: the answer carried no entryId")
	}
	return out.id(), nil
}

// StopAudioStreamCensor tells the censor the stream has closed.
func (c *Client) StopAudioStreamCensor(ctx context.Context, entryID string) error {
	id, err := taskID(entryID)
	if err != nil {
		return err
	}
	_, err = c.shumei(ctx, "audio stream censor (finish)", "/anti_fraud/v2/finish_audiostream", map[string]string{"entryId": id}, false)
	return err
}

// VideoStreamRequest starts moderating a live video stream (rtmp only).
type VideoStreamRequest struct {
	URL             string
	ImageTypes      []string // VideoImageTypes; default DEFAULT (= POLITICS_PORN_AD)
	AudioTypes      []string // VideoAudioTypes; default DEFAULT (= POLITICAL_PORN_AD)
	NoAudio         bool     // audioType NONE
	TokenID         string
	StreamName      string
	Room            string
	ReturnAllImg    bool
	ReturnAllText   bool
	DetectFrequency float64 // seconds between frames, 1–60; default 3
	ImgCallback     string  // required
	AudioCallback   string  // required unless NoAudio
}

// StartVideoStreamCensor submits the stream and returns its entryId.
func (c *Client) StartVideoStreamCensor(ctx context.Context, req VideoStreamRequest) (string, error) {
	u, err := url.Parse(strings.TrimSpace(req.URL))
	if err != nil || u.Scheme != "rtmp" || u.Host == "" {
		return "", &argerr.Error{Arg: "url", Problem: "must be an rtmp:// stream (the video stream censor supports rtmp only)"}
	}
	imgType, err := joinTypes("image_types", req.ImageTypes, VideoImageTypes, "DEFAULT")
	if err != nil {
		return "", err
	}
	audioType := "NONE"
	if !req.NoAudio {
		if audioType, err = joinTypes("audio_types", req.AudioTypes, VideoAudioTypes, "DEFAULT"); err != nil {
			return "", err
		}
		if err := checkCallback("callback_url", req.AudioCallback); err != nil {
			return "", err
		}
	}
	if err := checkCallback("callback_url", req.ImgCallback); err != nil {
		return "", err
	}
	if req.DetectFrequency != 0 && (req.DetectFrequency < 1 || req.DetectFrequency > 60) {
		return "", &argerr.Error{Arg: "frame_interval_seconds", Problem: "must be 1 to 60 seconds"}
	}
	data := map[string]any{"url": strings.TrimSpace(req.URL), "tokenId": firstNonEmpty(req.TokenID, DefaultTokenID)}
	if req.ReturnAllImg {
		data["returnAllImg"] = 1
	}
	if req.ReturnAllText {
		data["returnAllText"] = true
	}
	if req.DetectFrequency != 0 {
		data["detectFrequency"] = req.DetectFrequency
	}
	if req.StreamName != "" {
		data["streamName"] = req.StreamName
	}
	if req.Room != "" {
		data["room"] = req.Room
	}
	body := map[string]any{"imgType": imgType, "audioType": audioType, "imgCallback": req.ImgCallback, "data": data}
	if !req.NoAudio {
		body["audioCallback"] = req.AudioCallback
	}
	out, err := c.shumei(ctx, "video stream censor", "/anti_fraud/v3/videostream", body, false)
	if err != nil {
		return "", err
	}
	if out.id() == "" {
		return "", fmt.Errorf("qiniu video stream censor: the answer carried no entryId")
	}
	return out.id(), nil
}

// StopVideoStreamCensor closes a video stream censor task.
func (c *Client) StopVideoStreamCensor(ctx context.Context, entryID string) error {
	id, err := taskID(entryID)
	if err != nil {
		return err
	}
	_, err = c.shumei(ctx, "video stream censor (finish)", "/anti_fraud/v3/finish_videostream", map[string]string{"entryId": id}, false)
	return err
}

// VoiceCensorRequest starts the Yitu live voice censor.
type VoiceCensorRequest struct {
	URL               string // rtmp, hls (.m3u8) or hdl (.flv)
	AudioID           string // unique stream id (required)
	Lang              string // default MANDARIN
	Scene             string // default GENERAL_SCENE (quirk 11)
	ReturnAllText     bool
	ReturnBeforeText  bool
	ReturnBeforeAudio bool
	ClientInfo        map[string]string // userId, roomId, userNick, …, uip
	Callback          string            // required
}

// CheckVoiceStreamURL applies p010's stream kinds.
func CheckVoiceStreamURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return &argerr.Error{Arg: "url", Problem: "must be a stream URL"}
	}
	ext := strings.ToLower(path.Ext(u.Path))
	switch {
	case u.Scheme == "rtmp":
	case (u.Scheme == "http" || u.Scheme == "https") && (ext == ".m3u8" || ext == ".flv"):
	default:
		return &argerr.Error{Arg: "url", Problem: "must be an rtmp stream, an HLS (.m3u8) or an HTTP-FLV (.flv) URL (the live voice censor's formats)"}
	}
	return nil
}

// StartVoiceCensor submits the stream and returns its requestId.
func (c *Client) StartVoiceCensor(ctx context.Context, req VoiceCensorRequest) (string, error) {
	if err := CheckVoiceStreamURL(req.URL); err != nil {
		return "", err
	}
	if strings.TrimSpace(req.AudioID) == "" {
		return "", &argerr.Error{Arg: "audio_id", Problem: "is required (a unique id for the stream)"}
	}
	if err := checkCallback("callback_url", req.Callback); err != nil {
		return "", err
	}
	data := map[string]any{"audioUrl": strings.TrimSpace(req.URL), "audioId": req.AudioID}
	for k, v := range map[string]bool{"returnAllText": req.ReturnAllText, "returnBeforeText": req.ReturnBeforeText, "returnBeforeAudio": req.ReturnBeforeAudio} {
		if v {
			data[k] = true
		}
	}
	ci := req.ClientInfo
	if ci == nil {
		ci = map[string]string{} // quirk 76: required, every field optional
	}
	body := map[string]any{"callback": req.Callback, "data": data, "clientInfo": ci}
	if req.Lang != "" {
		body["lang"] = req.Lang
	}
	if req.Scene != "" {
		body["scene"] = req.Scene
	}
	var out yituEnvelope
	if err := c.do(ctx, c.yitu, httpx.Request{Method: http.MethodPost, Path: "/v1/antispam/streamscan", JSON: body}, &out); err != nil {
		return "", err
	}
	if out.Rtn != 0 {
		return "", yituError("live voice censor", yituCodes, out.Rtn, out.Message, out.RequestID)
	}
	if out.RequestID == "" {
		return "", fmt.Errorf("qiniu live voice censor: the answer carried no requestId")
	}
	return out.RequestID, nil
}

type yituEnvelope struct {
	Rtn       int    `json:"rtn"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

// StopVoiceCensor closes a live voice censor task.
func (c *Client) StopVoiceCensor(ctx context.Context, requestID string) error {
	id, err := taskID(requestID)
	if err != nil {
		return err
	}
	var out yituEnvelope
	if err := c.do(ctx, c.yitu, httpx.Request{Method: http.MethodPost, Path: "/v1/antispam/streamclose",
		JSON: map[string]string{"requestId": id}}, &out); err != nil {
		return err
	}
	if out.Rtn != 0 {
		return yituError("live voice censor (close)", yituCodes, out.Rtn, out.Message, out.RequestID)
	}
	return nil
}

func checkCallback(arg, raw string) error {
	if strings.TrimSpace(raw) == "" {
		return &argerr.Error{Arg: arg, Problem: "a callback URL is required: this censor delivers results only by callback"}
	}
	return checkHTTPURL(arg, raw)
}
