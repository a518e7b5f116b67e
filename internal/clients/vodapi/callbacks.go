package vodapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Callback event types (spec §6).
const (
	EventVideoReady        = "video_ready"
	EventVideoPlaySetReady = "video_play_set_ready"
)

// CallbackPlaySet is a play_set item of video_ready.
type CallbackPlaySet struct {
	PlaySetID             string `json:"play_set_id"`
	TransTaskConfigTempID int    `json:"trans_task_config_temp_id"`
	Resolution            string `json:"resolution"`
	URL                   string `json:"url"`
	FileSize              int64  `json:"file_size"`
	VideoWidth            int    `json:"video_width"`
	VideoHeight           int    `json:"video_height"`
	VideoDuration         int64  `json:"video_duration"`
}

// Callback is either event's body: video_ready fills the video fields and
// PlaySet, video_play_set_ready the rendition fields at the top level.
type Callback struct {
	EventType     string `json:"event_type"`
	VideoID       string `json:"video_id"`
	StorageID     string `json:"storage_id,omitempty"`
	SourceType    string `json:"source_type,omitempty"`
	SourceID      string `json:"source_id,omitempty"`
	URLOrigin     string `json:"url_origin,omitempty"`
	ThumbURL      string `json:"thumb_url,omitempty"`
	FileSize      int64  `json:"file_size"`
	VideoName     string `json:"video_name,omitempty"`
	VideoWidth    int    `json:"video_width"`
	VideoHeight   int    `json:"video_height"`
	VideoDuration int64  `json:"video_duration"`

	PlaySet []CallbackPlaySet `json:"play_set,omitempty"`

	PlaySetID             string `json:"play_set_id,omitempty"`
	TransTaskConfigTempID int    `json:"trans_task_config_temp_id,omitempty"`
	Resolution            string `json:"resolution,omitempty"`
	URL                   string `json:"url,omitempty"`
}

// ParseCallback decodes and checks a callback body; want is the event type
// the route receiving it is for ("" accepts either).
func ParseCallback(body []byte, want string) (Callback, error) {
	var cb Callback
	if err := json.Unmarshal(body, &cb); err != nil {
		return cb, fmt.Errorf("not a VOD callback: %v", err)
	}
	switch cb.EventType {
	case EventVideoReady, EventVideoPlaySetReady:
	default:
		return cb, fmt.Errorf("event_type %q is not video_ready or video_play_set_ready", cb.EventType)
	}
	if want != "" && cb.EventType != want {
		return cb, fmt.Errorf("a %s event arrived on the %s address", cb.EventType, want)
	}
	if strings.TrimSpace(cb.VideoID) == "" {
		return cb, errors.New("video_id is missing")
	}
	if cb.EventType == EventVideoPlaySetReady && cb.PlaySetID == "" {
		return cb, errors.New("play_set_id is missing")
	}
	return cb, nil
}

// DedupeKey is (event_type, video_id, play_set_id).
func (cb Callback) DedupeKey() string {
	return cb.EventType + "\x00" + cb.VideoID + "\x00" + cb.PlaySetID
}

// Summary is one line for the inbox listing.
func (cb Callback) Summary() string {
	if cb.EventType == EventVideoPlaySetReady {
		return fmt.Sprintf("rendition %s (%s) of video %s is ready", cb.PlaySetID, cb.Resolution, cb.VideoID)
	}
	name := cb.VideoName
	if name == "" {
		name = cb.VideoID
	}
	return fmt.Sprintf("video %s (%s) is ready, %d rendition(s)", cb.VideoID, name, len(cb.PlaySet))
}
