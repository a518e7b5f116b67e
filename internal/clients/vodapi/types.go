package vodapi

import (
	"fmt"
	"time"
)

// Video is the §4.1 object.
type Video struct {
	ID            string    `json:"id"`
	CreatedAt     string    `json:"created_at"`
	UpdatedAt     string    `json:"updated_at"`
	SourceType    string    `json:"source_type"`
	SourceID      string    `json:"source_id"`
	Status        int       `json:"status"`
	StorageID     string    `json:"storage_id"`
	OriginURL     string    `json:"origin_url"`
	ThumbURL      string    `json:"thumb_url"`
	FileSize      int64     `json:"file_size"`
	VideoName     string    `json:"video_name"`
	VideoWidth    int       `json:"video_width"`
	VideoHeight   int       `json:"video_height"`
	VideoDuration int64     `json:"video_duration"` // milliseconds
	SharedState   int       `json:"shared_state"`
	SharePassword string    `json:"share_password"`
	PlaySet       []PlaySet `json:"play_set"`
}

// PlaySet is one rendition of a video.
type PlaySet struct {
	CreatedAt             string  `json:"created_at"`
	UpdatedAt             string  `json:"updated_at"`
	StorageID             string  `json:"storage_id"`
	Status                int     `json:"status"`
	TransProgress         float64 `json:"trans_progress"`
	TransTaskConfigTempID int     `json:"trans_task_config_temp_id"`
	URL                   string  `json:"url"`
	FileSize              int64   `json:"file_size"`
	VideoWidth            int     `json:"video_width"`
	VideoHeight           int     `json:"video_height"`
	VideoDuration         int64   `json:"video_duration"`
	Resolution            string  `json:"resolution"`
}

// Video statuses (§3.1).
const (
	VideoInitial   = 0
	VideoReady     = 1
	VideoUploading = 2
	VideoFailed    = 3
	VideoDeleted   = 4
)

var videoStatus = map[int]string{0: "initial", 1: "ready", 2: "uploading", 3: "upload_failed", 4: "deleted"}

// VideoStatusName is a §3.1 status by name ("ready" for 1).
func VideoStatusName(s int) string { return statusName(videoStatus, s) }

// statusName is s by name in names, or "unknown(s)".
func statusName(names map[int]string, s int) string {
	if n, ok := names[s]; ok {
		return n
	}
	return fmt.Sprintf("unknown(%d)", s)
}

// Rendition statuses (§3.2).
const (
	PlaySetInitial     = 0
	PlaySetReady       = 1
	PlaySetTranscoding = 2
	PlaySetTranscoded  = 3
	PlaySetFailed      = 4
	PlaySetUploading   = 5
	PlaySetUploadFail  = 6
	PlaySetDeleted     = 7
)

var playSetStatus = map[int]string{0: "initial", 1: "ready", 2: "transcoding", 3: "transcoded", 4: "transcode_failed",
	5: "uploading", 6: "upload_failed", 7: "deleted"}

// PlaySetStatusName is a §3.2 status by name.
func PlaySetStatusName(s int) string { return statusName(playSetStatus, s) }

// Share states (§3.3).
const (
	SharePrivate  = 0
	SharePassword = 1
	SharePublic   = 2
)

var shareNames = []string{"private", "password", "public"}

// ShareStateName is a §3.3 state by name.
func ShareStateName(s int) string {
	if s >= 0 && s < len(shareNames) {
		return shareNames[s]
	}
	return fmt.Sprintf("unknown(%d)", s)
}

// ShareState parses a name ("private", "password", "public").
func ShareState(name string) (int, bool) {
	for i, n := range shareNames {
		if n == name {
			return i, true
		}
	}
	return 0, false
}

// MaxPasswordLen is V7's limit (0–16 characters).
const MaxPasswordLen = 16

// MaxWindow is the 90-day span of V12, V15 and V16.
const MaxWindow = 90 * 24 * time.Hour

// Beijing is Asia/Shanghai: UTC+8 without daylight saving.
var Beijing = time.FixedZone("CST", 8*3600)

// BeijingMidnight reports whether ts (Unix seconds) is 00:00 in Beijing.
func BeijingMidnight(ts int64) bool { return (ts+8*3600)%86400 == 0 }

// FloorBeijing snaps t to the Beijing midnight that starts its day.
func FloorBeijing(t time.Time) time.Time {
	b := t.In(Beijing)
	return time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, Beijing)
}

// Default page sizes (§7).
const (
	DefaultPageSize        = 15 // V2, V5
	DefaultSummaryPageSize = 20 // V13
)
