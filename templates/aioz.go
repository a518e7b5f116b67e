package templates

// Chunk statuses of the upload progress table (seed 001: ✅ completed,
// ⏳ current, ❌ failed).
const (
	ChunkDone      = "✅ Done"
	ChunkUploading = "⏳ Uploading"
	ChunkFailed    = "❌ Failed"
	ChunkPending   = "⬜ Pending"
	MD5Valid       = "✅ Valid"
	MD5Pending     = "⏳ Hashing"
)

// UploadProgress fills aioz/upload_progress.
type UploadProgress struct {
	Title   string
	Bar     string
	Percent int
	Done    int
	Total   int
	Rows    []ChunkRow
}

// ChunkRow is one row of the chunk table.
type ChunkRow struct {
	Index  int
	Size   string // "50 MB"
	MD5    string
	Status string
}

// MediaEvent fills upload_complete and the five webhook event templates.
type MediaEvent struct {
	MediaID   string
	Title     string
	Type      string
	Timestamp string
	HasMP4    bool       // audio has no MP4 rendition (seed 001)
	Links     EventLinks // encoding_finished's links (aioz_account.go)
	Warnings  []string   // quoted under upload_complete; the others ignore them
}

// AIOZ template names: seed 001's seven, reproduced to the character.
var (
	AIOZUploadProgress   = T[UploadProgress]("aioz/upload_progress")
	AIOZUploadComplete   = T[MediaEvent]("aioz/upload_complete")
	AIOZFileReceived     = T[MediaEvent]("aioz/file_received")
	AIOZEncodingStarted  = T[MediaEvent]("aioz/encoding_started")
	AIOZPartialFinished  = T[MediaEvent]("aioz/partial_finished")
	AIOZEncodingFinished = T[MediaEvent]("aioz/encoding_finished")
	AIOZEncodingFailed   = T[MediaEvent]("aioz/encoding_failed")
)

// AIOZ template names: the other results.
var (
	AIOZMediaCard      = T[MediaCard]("aioz/media_card")
	AIOZMediaList      = T[MediaList]("aioz/media_list")
	AIOZMediaCreated   = T[MediaCreated]("aioz/media_created")
	AIOZMediaUpdated   = T[MediaRef]("aioz/media_updated")
	AIOZMediaDeleted   = T[MediaRef]("aioz/media_deleted")
	AIOZThumbnailSet   = T[ThumbnailSet]("aioz/thumbnail_set")
	AIOZTranscodeCost  = T[TranscodeCost]("aioz/transcode_cost")
	AIOZWaitTimedOut   = T[WaitTimedOut]("aioz/wait_timed_out")
	AIOZChapters       = T[Chapters]("aioz/chapters")
	AIOZChapterAdded   = T[ChapterChange]("aioz/chapter_added")
	AIOZChapterDeleted = T[ChapterChange]("aioz/chapter_deleted")
	AIOZMetric         = T[Metric]("aioz/metric")
	AIOZMetricTable    = T[MetricTable]("aioz/metric_table")
	AIOZUsageData      = T[UsageData]("aioz/usage_data")
	AIOZAccount        = T[Account]("aioz/account")
	AIOZReport         = T[Report]("aioz/report")
)

// InsufficientBalance is seed 001's verbatim text for is_enough: false.
const InsufficientBalance = "> ⚠️ Your account balance is insufficient to transcode with the requested quality presets. Please top up your AIOZ wallet before proceeding."

// MetricTable fills aioz/metric_table: a breakdown or a time series, each
// value with its share of the total (see ShareRows).
type MetricTable struct {
	Title      string
	Dimension  string // the first column's heading
	Metric     string // the value column's heading, with its unit
	Rows       []MetricRow
	Total      string // "" for metrics that do not add up (rates, retention)
	Conversion string // how the dates were understood
}

// MetricRow is one bucket; Share is "" when the metric does not add up.
type MetricRow struct {
	Key   string
	Value string
	Share string
}

// Report fills aioz/report, seed 000's combined analytics: the two labelled
// figures, then one table per breakdown block in seed 000's order.
type Report struct {
	WatchTimeSum string
	ViewCount    string
	Blocks       []ReportBlock
	Conversion   string
}

// ReportBlock is one labelled breakdown (views per value).
type ReportBlock struct {
	Label string
	Rows  []MetricRow
	Total string
	Count int // the provider's total count of values
}

// MediaCard fills aioz/media_card: one media object.
type MediaCard struct {
	ID, Title, Type, Status string
	Duration                float64 // seconds; 0 leaves the row out
	Renditions              []Rendition
	Links                   MediaLinks
}

// Rendition is one quality of a media object and its transcoding status.
type Rendition struct {
	Name, Status string
}

// MediaLinks are a media object's playback URLs; "" leaves one out, and no
// HLS URL shows that links come after transcoding.
type MediaLinks struct {
	HLS, HLSPlayer, DASH, MP4, Thumbnail, Embed string
}

// MediaList fills aioz/media_list: a page of media.
type MediaList struct {
	Search     string // "" when the list was not searched
	Media      []MediaRow
	Total      int
	NextOffset int // 0 on the last page
}

// MediaRow is one media object in a list.
type MediaRow struct {
	ID, Title, Type, Status string
	Duration                float64 // seconds; 0 shows —
}

// MediaCreated fills aioz/media_created.
type MediaCreated struct {
	ID, Title, Type, Status string
	Warnings                []string
}

// MediaRef fills aioz/media_updated and aioz/media_deleted.
type MediaRef struct {
	ID, Title string
}

// ThumbnailSet fills aioz/thumbnail_set.
type ThumbnailSet struct {
	MediaID string
	File    string // the image's base name
}

// TranscodeCost fills aioz/transcode_cost.
type TranscodeCost struct {
	Type            string
	DurationSeconds float64
	Qualities       []string
	Price           float64
	IsEnough        bool   // false adds seed 001's InsufficientBalance text
	Balance         string // the account balance beside the price; "" leaves it out
}

// WaitTimedOut fills aioz/wait_timed_out: a media still transcoding (or
// never completed) when the wait ended.
type WaitTimedOut struct {
	MediaID    string
	Status     string
	Waited     string // "10m0s"
	Ready      int    // renditions done
	Renditions int
}

// Chapters fills aioz/chapters: a media's chapter files.
type Chapters struct {
	MediaID  string
	Chapters []ChapterRow
}

// ChapterRow is one language's chapter file.
type ChapterRow struct {
	Language, URL string
}

// ChapterChange fills aioz/chapter_added and aioz/chapter_deleted.
type ChapterChange struct {
	MediaID  string
	Language string
	Cues     int // chapters added
}

// Metric fills aioz/metric: one aggregated number.
type Metric struct {
	Metric, Aggregation string
	Value               float64
	Conversion          string
}

// UsageData fills aioz/usage_data: delivery usage as indented JSON.
type UsageData struct {
	JSON       string
	Conversion string
}

// Account fills aioz/account: who the keys belong to and what they can pay.
type Account struct {
	Name, ID, Email string
	Balance, Debt   string
	Wallet          string // wallet address; "" leaves the row out
}

// AIOZ progress lines.
var (
	AIOZMediaProgress    = T[MediaStatus]("aioz/progress_media")
	AIOZReportProgress   = T[ReportStep]("aioz/progress_report")
	AIOZSubtitleProgress = T[SubtitleStep]("aioz/progress_subtitle")
)

// MediaStatus fills aioz/progress_media: a media's status while a tool waits.
type MediaStatus struct {
	ID, Status string
}

// ReportStep fills aioz/progress_report: the breakdown being read.
type ReportStep struct {
	Breakdown string
}

// SubtitleStep fills aioz/progress_subtitle: one step of generating a
// subtitle from speech.
type SubtitleStep struct {
	Step      SubtitleStage
	MediaID   string
	File      string // "mp4", "source"
	Language  string
	Sentences int
	Cues      int
}

// SubtitleStage names a step of aioz_generate_subtitles.
type SubtitleStage string

// The steps of aioz_generate_subtitles, in order.
const (
	SubtitleReading    SubtitleStage = "read"
	SubtitleSubmitting SubtitleStage = "submit"
	SubtitleConverting SubtitleStage = "cues"
	SubtitleAdding     SubtitleStage = "add"
)
