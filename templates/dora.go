package templates

// Qiniu Dora template names.
var (
	DoraTranscript = T[DoraTranscriptData]("qiniu/dora/transcript")
	DoraTask       = T[DoraTaskData]("qiniu/dora/task")
	DoraVerdict    = T[DoraVerdictData]("qiniu/dora/verdict")
)

// DoraTranscriptData fills qiniu/dora/transcript (short, long and realtime ASR).
type DoraTranscriptData struct {
	Mode      string // "short", "long", "realtime"
	Source    string
	TaskID    string
	Duration  string // "12.0 s"
	Speakers  int    // 0 when unknown or one
	Sentences int
	Extra     []Field
	Text      string
	Truncated bool // Text was cut for the chat; the structured result has all
	Rows      []SentenceRow
	More      int // sentences not shown
	VTTPath   string
	Notes     []string
	Next      []string
}

// SentenceRow is one timed sentence.
type SentenceRow struct {
	Start, End string // "00:01:02.300"
	Speaker    string
	Text       string
}

// Field is one row of a field/value table.
type Field struct {
	Name  string
	Value string
}

// DoraTaskData fills qiniu/dora/task: an asynchronous task submitted, pending,
// started, stopped or finished (long ASR, audio censor, stream censors,
// translation).
type DoraTaskData struct {
	Icon     string
	Heading  string
	TaskID   string
	Status   string
	Fields   []Field
	Delivery string // how the results reach the agent
	Notes    []string
	Next     []string
}

// DoraVerdictData fills qiniu/dora/verdict (image and audio moderation).
type DoraVerdictData struct {
	Subject  string // "Image", "Audio"
	Source   string
	Decision string // "✅ pass", "⚠️ review", "⛔ block"
	Fields   []Field
	Segments []SegmentRow
	More     int
	Notes    []string
	Next     []string
}

// SegmentRow is one moderated segment.
type SegmentRow struct {
	From, To string
	Decision string
	Risk     string
	Text     string
}

// DoraRealtimeProgress is the progress line of one realtime ASR result.
var DoraRealtimeProgress = T[RealtimeLine]("qiniu/dora/progress_realtime")

// RealtimeLine fills qiniu/dora/progress_realtime: one realtime ASR result.
type RealtimeLine struct {
	Final bool
	End   string // "00:00:03.2"
	Text  string
}
