package templates

// VODVideoCardData fills vod/video_card: one video of the VOD service.
type VODVideoCardData struct {
	Heading     string // "🎬 Video", "🔗 Shared video"
	ID, Name    string
	Status      string // by name, e.g. "ready"
	StatusCode  int
	Duration    string // "61.5 s"; "" while unknown
	Size        string // human size
	Dimensions  string // "1920×1080"; "" while unknown
	Share       string // private, password, public
	OriginURL   string
	ThumbURL    string
	CreatedAt   string
	Renditions  []VODRenditionData
	Notes, Next []string
}

// VODRenditionData is one play_set entry.
type VODRenditionData struct {
	Resolution, Status, Progress, URL string
}

// VODVideoListData fills vod/video_list.
type VODVideoListData struct {
	Search, SourceType string
	Rows               []VODVideoRowData
	Page, PageSize     int
	Total              int
	NextPage           int // 0 on the last page
}

// VODVideoRowData is one video in a list.
type VODVideoRowData struct {
	ID, Name, Status, Duration, Share string
	Renditions                        int
}

// VODResultData fills vod/result: the outcome of one operation as a field
// table, with notes (warnings) and next steps.
type VODResultData struct {
	Icon, Heading string
	Fields        []Field
	Notes, Next   []string
}

// VODTableData fills vod/table: traffic figures as a table with totals.
type VODTableData struct {
	Title      string
	Columns    []string
	Rows       [][]string
	Totals     []Field
	Conversion string // how dates were understood / snapped
	Notes      []string
}

// VODEventData fills vod/event: a received callback in one line, as the
// inbox lists and announces it.
type VODEventData struct {
	EventType, VideoID, VideoName, PlaySetID, Resolution, Duration string
	Renditions                                                     int
}

// VOD template names.
var (
	VODVideoCard = T[VODVideoCardData]("vod/video_card")
	VODVideoList = T[VODVideoListData]("vod/video_list")
	VODResult    = T[VODResultData]("vod/result")
	VODTable     = T[VODTableData]("vod/table")
	VODEvent     = T[VODEventData]("vod/event")
)

// VOD progress lines.
var (
	VODWaitProgress   = T[VODWait]("vod/progress_wait")
	VODExportProgress = T[VODExport]("vod/progress_export")
	VODUploadProgress = T[VODUpload]("vod/progress_upload")
)

// VODWait fills vod/progress_wait: a video's state while a tool waits.
type VODWait struct {
	Label      string // what is waited for
	VideoID    string
	Status     string
	Renditions string // "1 of 3 renditions ready"
}

// VODExport fills vod/progress_export.
type VODExport struct {
	Kind, Path string
}

// VODUpload fills vod/progress_upload: before the first byte (Started false)
// and after each part.
type VODUpload struct {
	File        string // base name
	Started     bool
	Done, Total string // human sizes
	Percent     int
}
