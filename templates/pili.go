package templates

// Qiniu Pili template names.
var (
	PiliStreamCard = T[PiliStreamCardData]("qiniu/pili/stream_card")
	PiliStreamList = T[PiliStreamListData]("qiniu/pili/stream_list")
	PiliLiveStatus = T[PiliLiveStatusData]("qiniu/pili/live_status")
	PiliRecording  = T[PiliRecordingData]("qiniu/pili/recording")
	PiliHistory    = T[PiliHistoryData]("qiniu/pili/history")
	PiliStats      = T[PiliStatsData]("qiniu/pili/stats")
	PiliHubList    = T[PiliHubListData]("qiniu/pili/hub_list")
	PiliHubCard    = T[PiliHubCardData]("qiniu/pili/hub_card")
	PiliDomainList = T[PiliDomainListData]("qiniu/pili/domain_list")
	PiliDomainCard = T[PiliDomainCardData]("qiniu/pili/domain_card")
	PiliCasterCard = T[PiliCasterCardData]("qiniu/pili/caster_card")
	PiliCasterList = T[PiliCasterListData]("qiniu/pili/caster_list")
	PiliCasterDone = T[PiliCasterDoneData]("qiniu/pili/caster_done")
	PiliUsage      = T[PiliUsageData]("qiniu/pili/usage")
)

// PiliHubListData fills qiniu/pili/hub_list.
type PiliHubListData struct {
	Hubs       []string
	DefaultEnv string // the variable naming the default hub
	Default    string // "" when no default hub is set
}

// PiliHubCardData fills qiniu/pili/hub_card: a hub's settings and domains.
type PiliHubCardData struct {
	Heading         string
	Name            string
	PublishSecurity string // "" shows none
	StorageBucket   string // "" shows not set
	ExpireDays      int64
	VodDomain       string // "" shows not set
	HlsPlus         bool
	CoverSeconds    int // -1: covers off
	Nrop            bool
	NropInterval    int
	NropNotifyRate  float64
	Profiles        []string
	Domains         []PiliDomainRow
	Note            string // quoted under the card
}

// PiliDomainRow is one domain bound to a hub.
type PiliDomainRow struct {
	Type       string
	Domain     string
	Cname      string
	CertEnable bool
	CertName   string
}

// PiliDomainListData fills qiniu/pili/domain_list.
type PiliDomainListData struct {
	Heading string
	Hub     string
	Domains []PiliDomainRow
	Note    string // quoted under the table
}

// PiliDomainCardData fills qiniu/pili/domain_card: one domain's settings, its
// anti-leech keys left out.
type PiliDomainCardData struct {
	Hub                string
	Domain             string
	Type               string
	Cname              string
	AntiLeech          string // anti-leech type; "" shows off
	PlayKeysSet        bool
	CertEnable         bool
	CertName           string
	Disabled           bool
	ConnectCallback    string // "<type> <url>"; "" shows off
	DisconnectCallback string
	Allow, Deny        int // IP rules
	Rewrites           []PiliRewrite
}

// PiliRewrite is one URL rewrite rule, each side already made safe for a
// one-line code span.
type PiliRewrite struct {
	Pattern string
	Replace string
}

// PiliCasterCardData fills qiniu/pili/caster_card: a cloud director, its static key
// never shown.
type PiliCasterCardData struct {
	Heading          string
	Name             string
	ID               string
	Status           string
	RunStart         string // "" when there is no run window
	RunStop          string
	CanvasSet        bool
	Canvas           string // resolution
	PgmOutput        string // publish URL, query hidden; "" leaves the row out
	PvwPreview       string // play URL, query hidden; "" leaves the row out
	Inputs           int    // monitors with a URL, of 8
	StaticKeySet     bool
	URLQueriesHidden []string
	Note             string // quoted under the card
}

// PiliCasterListData fills qiniu/pili/caster_list.
type PiliCasterListData struct {
	Casters []PiliCasterRow
	Marker  string // next page; "" when done
}

// PiliCasterRow is one director in a list.
type PiliCasterRow struct {
	Name, ID, Status  string
	RunStart, RunStop string
}

// PiliCasterDoneData fills qiniu/pili/caster_done: a director action whose result
// has no card (deleted, or reading the director back failed).
type PiliCasterDoneData struct {
	Heading     string
	ID          string
	Done        string // "deleted", "started", "stopped"
	ReadBackErr string // why the director could not be read back
}

// PiliHistoryData fills qiniu/pili/history: a stream's push sessions.
type PiliHistoryData struct {
	Stream     string
	Sessions   []PiliSession
	Conversion string // how the range was read; "" when none was given
}

// PiliSession is one push session.
type PiliSession struct {
	Start, End string
	Duration   string // "1h0m0s"
	Publisher  string // client IP
}

// PiliStatsData fills qiniu/pili/stats: a stream's per-minute statistics.
type PiliStatsData struct {
	Stream      string
	Points      []PiliStatsRow
	AvgKbps     string // over the points
	PeakKbps    string
	PeakViewers int64
	Conversion  string
}

// PiliStatsRow is one minute of a stream.
type PiliStatsRow struct {
	Time               string
	Kbps               string
	VideoFPS, AudioFPS int64
	Width, Height      int64
	Viewers            int64
	BandwidthKbps      string
}

// PiliUsageData fills qiniu/pili/usage: a usage time series as a table.
type PiliUsageData struct {
	Metric      string
	Granularity string
	Group       string   // the grouping column; "" for none
	Columns     []string // value fields, in column order
	Rows        []PiliUsageRow
	More        int      // rows left out of the table
	ShareOf     string   // the column each row's Share is of ("" for none)
	TotalRow    []string // the totals in Columns' order, formatted
	Totals      []Field
	Conversion  string
}

// PiliUsageRow is one time (and group) of usage, its values formatted
// with their units in Columns' order.
type PiliUsageRow struct {
	Time   string
	Group  string
	Values []string
	Share  string // of the ShareOf total
}

// PiliStreamCardData fills qiniu/pili/stream_card: a stream's card, never
// with a publish key.
type PiliStreamCardData struct {
	Heading         string
	Hub, Stream     string
	StatusLabel     string    // "🟢 Live", "⚪ Offline", …
	Live            *PiliLive // nil when not live
	Kbps            string    // the live bitrate
	CreatedAt       string
	ExpireAt        string
	PublishSecurity string
	Converts        []string
	NropEnable      bool
	URLs            *PiliURLs // nil leaves the URL section out
	Notes           []string
	Next            []string
}

// PiliLive is a live stream's push.
type PiliLive struct {
	Since              string
	VideoFPS, AudioFPS int
	Viewers            int64
}

// PiliURLs are a stream's signed URLs; "" leaves one out.
type PiliURLs struct {
	ExpiresAt                                            string
	PushAuth                                             string
	RTMPPush, SRTPush, RTMPPlay, HLSPlay, HDLPlay, Cover string
}

// PiliStreamListData fills qiniu/pili/stream_list.
type PiliStreamListData struct {
	Hub      string
	Streams  []string
	Marker   string // next page; "" when done
	LiveOnly bool
	Prefix   string
}

// PiliLiveStatusData fills qiniu/pili/live_status.
type PiliLiveStatusData struct {
	Hub      string
	Live     int // streams live
	Requests int // batch requests made
	Rows     []PiliLiveRow
}

// PiliLiveRow is one stream's live status, formatted ("—" when offline).
type PiliLiveRow struct {
	Stream      string
	Label       string // "🟢 Live", "⚪ Offline", "❓ Not found"
	Since       string // "" shows —
	Rate        string // "1200 kbps"
	FPS         string // "25 / 44"
	ViewersText string
}

// PiliRecordingData fills qiniu/pili/recording: a saved replay or snapshot.
type PiliRecordingData struct {
	Heading      string
	Hub, Stream  string
	Fname        string
	Format       string
	Start, End   string // End "" for a snapshot
	PersistentID string // the asynchronous task; "" when the file is there
	Bucket       string
	VodDomain    string
	Note         string
	Conversion   string
}
