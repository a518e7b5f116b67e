package templates

import (
	"fmt"
	"strings"
)

// The AIOZ account templates: webhooks, API keys, billing, live streams.

// AIOZ account template names.
var (
	AIOZWebhookCard     = T[WebhookCard]("aioz/webhook_card")
	AIOZWebhookList     = T[WebhookList]("aioz/webhook_list")
	AIOZWebhookCheck    = T[WebhookCheck]("aioz/webhook_check")
	AIOZWebhookReceived = T[WebhookCheck]("aioz/webhook_check_received")
	AIOZAPIKeyCreated   = T[APIKeyCreated]("aioz/api_key_created")
	AIOZAPIKeyList      = T[APIKeyList]("aioz/api_key_list")
	AIOZBilling         = T[Billing]("aioz/billing")
	AIOZLiveKeyCard     = T[LiveKeyCard]("aioz/live_key_card")
	AIOZLiveKeyList     = T[LiveKeyList]("aioz/live_key_list")
	AIOZStreamingCard   = T[StreamingCard]("aioz/streaming_card")
	AIOZStreamingList   = T[StreamingList]("aioz/streaming_list")
	AIOZLiveStats       = T[LiveStats]("aioz/live_stats")
	AIOZMulticast       = T[Multicast]("aioz/multicast")
	AIOZJSONBlock       = T[JSONBlock]("aioz/json_block")
	AIOZDone            = T[Done]("aioz/done")
	AIOZMediaStats      = T[MediaStats]("aioz/media_stats")
)

// WebhookCard fills aioz/webhook_card: one webhook and, after a create or
// an update, what its check returned (rule A8: active only after a check).
type WebhookCard struct {
	Heading  string // "🔔 Webhook created"
	ID, Name string
	URL      string // shown as given; "" when it is this server's inbox
	Inbox    bool   // the URL is this server's callback inbox
	Events   []string
	Checked  bool   // a check request was made in this call
	CheckOK  bool   // …and AIOZ reported the URL reachable
	CheckMsg string // the check's answer or error
	LastSeen string // last_triggered_at
	Notes    []string
}

// WebhookList fills aioz/webhook_list.
type WebhookList struct {
	Rows       []WebhookRow
	Total      int
	NextOffset int
}

// WebhookRow is one webhook in a list.
type WebhookRow struct {
	ID, Name, URL string
	Events        []string
	LastTriggered string
}

// WebhookCheck fills aioz/webhook_check (the result of a check) and
// aioz/webhook_check_received (the check's test delivery in the inbox).
type WebhookCheck struct {
	ID        string
	OK        bool
	Message   string
	Timestamp string
}

// APIKeyCreated fills aioz/api_key_created. The secret is never part of
// it: only its masked form and where it is kept.
type APIKeyCreated struct {
	ID, Name, Type string
	Masked         string // "sk_a…9f3c"
	ExpiresAt      string
	TTL            string // "30d (2592000 s)"
	Account        string // keyring account, e.g. aioz/api_key/<id>
	Stored         bool   // false: the keyring refused it
	StoreError     string
	InUse          bool // --use: the server now authenticates with it
	UseError       string
	Sandbox        bool // kept in the sandbox's memory, not the OS keyring
}

// APIKeyList fills aioz/api_key_list.
type APIKeyList struct {
	Rows       []APIKeyRow
	Total      int
	NextOffset int
}

// APIKeyRow is one key in a list.
type APIKeyRow struct {
	ID, Name, Type, Masked, ExpiresAt, Status string
	InUse                                     bool // the key this server authenticates with
	Stored                                    bool // its secret is in the keyring
}

// Billing fills aioz/billing.
type Billing struct {
	Balance    string
	From, To   string
	Usage      []BillingFigure
	TopUps     []TopUpRow
	Months     []BillingMonth
	Conversion string
	Notes      []string
}

// BillingFigure is one usage figure with its cost.
type BillingFigure struct {
	Name, Amount, Cost string
}

// TopUpRow is one wallet top-up.
type TopUpRow struct {
	When, Amount, Status, TransactionID string
}

// BillingMonth is one monthly billing.
type BillingMonth struct {
	Month, Storage, Delivery, Transcode, Cost string
}

// LiveKeyCard fills aioz/live_key_card: a stream key without its secret.
type LiveKeyCard struct {
	Heading    string
	ID, Name   string
	Type       string
	Save       bool
	RTMPURL    string
	Account    string // keyring account, e.g. aioz/stream_key/<id>
	Stored     bool
	StoreError string
	Sandbox    bool // kept in the sandbox's memory, not the OS keyring
	Notes      []string
}

// LiveKeyList fills aioz/live_key_list.
type LiveKeyList struct {
	Type       string
	Rows       []LiveKeyRow
	Total      int
	NextOffset int
}

// LiveKeyRow is one stream key in a list.
type LiveKeyRow struct {
	ID, Name, RTMPURL, CreatedAt string
	Save                         bool
}

// StreamingCard fills aioz/streaming_card: one broadcast.
type StreamingCard struct {
	Heading                       string
	ID, Title, Status, KeyID      string
	Save                          bool
	Qualities                     []string
	HLS, Player, Embed, Thumbnail string
	Views                         int64
	Notes                         []string
}

// StreamingList fills aioz/streaming_list.
type StreamingList struct {
	KeyID string
	Rows  []StreamingRow
	Total int
}

// StreamingRow is one broadcast in a list.
type StreamingRow struct {
	ID, Title, Status, CreatedAt string
	Save                         bool
}

// LiveStats fills aioz/live_stats.
type LiveStats struct {
	StreamID                           string
	BitrateIn, BitrateOut, Transferred string
	FPSIn, FPSOut, CurrentView, Total  int64
}

// Multicast fills aioz/multicast: where a key's stream is relayed.
type Multicast struct {
	KeyID string
	URLs  []string
}

// JSONBlock fills aioz/json_block: a heading and indented JSON.
type JSONBlock struct {
	Heading string
	JSON    string
}

// Done fills aioz/done: a one-line confirmation plus notes.
type Done struct {
	Text  string
	Notes []string
}

// MediaStats fills aioz/media_stats: media ranked by views (N5).
type MediaStats struct {
	Rows       []MediaStatRow
	Total      int
	NextOffset int
	Conversion string
}

// MediaStatRow is one media with its view count.
type MediaStatRow struct {
	ID, Title, Type string
	Views           int64
	Duration        float64
}

// DefaultAPI and DefaultEmbed are AIOZ's production hosts, the seed's
// template patterns.
const (
	DefaultAPI   = "https://api.aiozstream.network/api"
	DefaultEmbed = "https://embed.aiozstream.network"
)

// EventLinks are the links of the encoding_finished card: the media's own
// links where it has them, otherwise seed 001's patterns on the configured
// API endpoint (API; "" means production) — so with no overrides the card
// is the seed's template to the character.
type EventLinks struct {
	API                          string
	HLS, HLSPlayer, HLSIframe    string
	DASH, DASHPlayer, DASHIframe string
	Thumbnail, MP4, Source       string
}

const iframeFmt = `<iframe src="%s" width="100%%" height="100%%" frameborder="0" scrolling="no" allowfullscreen="true"></iframe>`

// Link returns one link of the encoding_finished card by name: hls,
// hls_player, hls_iframe, dash, dash_player, dash_iframe, thumbnail, mp4,
// source.
func (e MediaEvent) Link(name string) string {
	l := e.Links
	api := strings.TrimRight(l.API, "/")
	if api == "" {
		api = DefaultAPI
	}
	m := api + "/media/" + e.MediaID
	pick := func(have, def string) string {
		if have != "" {
			return have
		}
		return def
	}
	hlsPlayer := pick(l.HLSPlayer, DefaultEmbed+"/vod/hls/"+e.MediaID)
	dashPlayer := pick(l.DASHPlayer, DefaultEmbed+"/vod/dash/"+e.MediaID)
	switch name {
	case "hls":
		return pick(l.HLS, m+"/manifest.m3u8")
	case "hls_player":
		return hlsPlayer
	case "hls_iframe":
		return pick(l.HLSIframe, fmt.Sprintf(iframeFmt, hlsPlayer))
	case "dash":
		return pick(l.DASH, m+"/manifest")
	case "dash_player":
		return dashPlayer
	case "dash_iframe":
		return pick(l.DASHIframe, fmt.Sprintf(iframeFmt, dashPlayer))
	case "thumbnail":
		return pick(l.Thumbnail, m+"/thumbnail?resolution=original")
	case "mp4":
		return pick(l.MP4, m+"/mp4")
	case "source":
		return pick(l.Source, m+"/source")
	}
	return ""
}
