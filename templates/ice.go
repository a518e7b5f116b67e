package templates

// Alibaba Cloud ICE template names.
var (
	ICEUploadProgress = T[ICEUploadProgressData]("aliyun/ice/upload_progress")
	ICEUploadComplete = T[ICEUploadCompleteData]("aliyun/ice/upload_complete")
)

// ICEUploadProgressData fills aliyun/ice/upload_progress: one line per part.
type ICEUploadProgressData struct {
	File    string
	Bar     string
	Percent int
	Part    int // parts on OSS
	Parts   int
	Done    string // "16.0 MiB"
	Total   string
	Rate    string // "85.3 MiB/s"
	Resumed bool   // this step announces parts of an earlier, interrupted run
}

// ICEUploadCompleteData fills aliyun/ice/upload_complete.
type ICEUploadCompleteData struct {
	File         string
	MediaID      string
	AssetCreated bool // ICE created the asset (no media_id given)
	FileURL      string
	Size         string
	Parts        int
	PartsSent    int
	PartSize     string
	Elapsed      string
	Throughput   string
	Resumed      bool
	ResumedSize  string
	Renewals     int
	Notes        []string
}
