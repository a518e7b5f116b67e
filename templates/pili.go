package templates

// Qiniu Pili template names.
const (
	QiniuStreamCard = "qiniu/pili/stream_card"
	QiniuStreamList = "qiniu/pili/stream_list"
	QiniuLiveStatus = "qiniu/pili/live_status"
	QiniuRecording  = "qiniu/pili/recording"
	QiniuHistory    = "qiniu/pili/history"
	QiniuStats      = "qiniu/pili/stats"
	QiniuHubList    = "qiniu/pili/hub_list"
	QiniuHubCard    = "qiniu/pili/hub_card"
	QiniuDomainList = "qiniu/pili/domain_list"
	QiniuDomainCard = "qiniu/pili/domain_card"
	QiniuCasterCard = "qiniu/pili/caster_card"
	QiniuCasterList = "qiniu/pili/caster_list"
	QiniuCasterDone = "qiniu/pili/caster_done"
	QiniuUsage      = "qiniu/pili/usage"
)

// QiniuHubListData fills qiniu/hub_list.
type QiniuHubListData struct {
	Hubs       []string
	DefaultEnv string // the variable naming the default hub
	Default    string // "" when no default hub is set
}

// QiniuHubCardData fills qiniu/hub_card: a hub's settings and domains.
type QiniuHubCardData struct {
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
	Domains         []QiniuDomainRow
	Note            string // quoted under the card
}

// QiniuDomainRow is one domain bound to a hub.
type QiniuDomainRow struct {
	Type       string
	Domain     string
	Cname      string
	CertEnable bool
	CertName   string
}

// QiniuDomainListData fills qiniu/domain_list.
type QiniuDomainListData struct {
	Heading string
	Hub     string
	Domains []QiniuDomainRow
	Note    string // quoted under the table
}

// QiniuDomainCardData fills qiniu/domain_card: one domain's settings, its
// anti-leech keys left out.
type QiniuDomainCardData struct {
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
	Rewrites           []QiniuRewrite
}

// QiniuRewrite is one URL rewrite rule, each side already made safe for a
// one-line code span.
type QiniuRewrite struct {
	Pattern string
	Replace string
}

// QiniuCasterCardData fills qiniu/caster_card: a cloud director, its static key
// never shown.
type QiniuCasterCardData struct {
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

// QiniuCasterListData fills qiniu/caster_list.
type QiniuCasterListData struct {
	Casters []QiniuCasterRow
	Marker  string // next page; "" when done
}

// QiniuCasterRow is one director in a list.
type QiniuCasterRow struct {
	Name, ID, Status  string
	RunStart, RunStop string
}

// QiniuCasterDoneData fills qiniu/caster_done: a director action whose result
// has no card (deleted, or reading the director back failed).
type QiniuCasterDoneData struct {
	Heading     string
	ID          string
	Done        string // "deleted", "started", "stopped"
	ReadBackErr string // why the director could not be read back
}

// QiniuHistoryData fills qiniu/history: a stream's push sessions.
type QiniuHistoryData struct {
	Stream     string
	Sessions   []QiniuSession
	Conversion string // how the range was read; "" when none was given
}

// QiniuSession is one push session.
type QiniuSession struct {
	Start, End string
	Duration   string // "1h0m0s"
	Publisher  string // client IP
}

// QiniuStatsData fills qiniu/stats: a stream's per-minute statistics.
type QiniuStatsData struct {
	Stream     string
	Points     []QiniuStatsRow
	Conversion string
}

// QiniuStatsRow is one minute of a stream.
type QiniuStatsRow struct {
	Time               string
	Kbps               string
	VideoFPS, AudioFPS int64
	Width, Height      int64
	Viewers            int64
	BandwidthKbps      string
}

// QiniuUsageData fills qiniu/usage: a usage time series as a table.
type QiniuUsageData struct {
	Metric      string
	Granularity string
	Group       string   // the grouping column; "" for none
	Columns     []string // value fields, in column order
	Rows        []QiniuUsageRow
	More        int // rows left out of the table
	Totals      []Field
	Conversion  string
}

// QiniuUsageRow is one time (and group) of usage, its values formatted
// with their units in Columns' order.
type QiniuUsageRow struct {
	Time   string
	Group  string
	Values []string
}
