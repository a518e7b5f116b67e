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
	HasMP4    bool // audio has no MP4 rendition (seed 001)
}

// AIOZ template names.
const (
	AIOZUploadProgress   = "aioz/upload_progress"
	AIOZUploadComplete   = "aioz/upload_complete"
	AIOZFileReceived     = "aioz/file_received"
	AIOZEncodingStarted  = "aioz/encoding_started"
	AIOZPartialFinished  = "aioz/partial_finished"
	AIOZEncodingFinished = "aioz/encoding_finished"
	AIOZEncodingFailed   = "aioz/encoding_failed"
)

// InsufficientBalance is seed 001's verbatim text for is_enough: false.
const InsufficientBalance = "> ⚠️ Your account balance is insufficient to transcode with the requested quality presets. Please top up your AIOZ wallet before proceeding."

// MetricTable fills aioz/metric_table: a breakdown or a time series.
type MetricTable struct {
	Title      string
	Dimension  string
	Rows       []MetricRow
	Conversion string // how the dates were understood
}

// MetricRow is one bucket.
type MetricRow struct {
	Key   string
	Value float64
}

// Report fills aioz/report, seed 000's combined analytics layout.
type Report struct {
	WatchTimeSum float64
	ViewCount    float64
	Blocks       []ReportBlock
	Conversion   string
}

// ReportBlock is one labelled breakdown, printed as indented JSON.
type ReportBlock struct {
	Label string
	JSON  string
}
