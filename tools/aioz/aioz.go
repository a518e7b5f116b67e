// Package aioz declares the AIOZ Stream tools: media (upload, create, list,
// manage, wait), chapters, analytics, webhooks, the account (billing, API
// keys) and live streams. Each tool builds a client from the
// configured keys at call time, so `mcp-media auth set aioz` takes effect
// without a restart.
package aioz

import (
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Toolset names.
const (
	ToolsetMedia     = "aioz_media"
	ToolsetCaptions  = "aioz_captions"
	ToolsetAnalytics = "aioz_analytics"
	ToolsetWebhooks  = "aioz_webhooks"
	ToolsetAccount   = "aioz_account"
	ToolsetLive      = "aioz_live"
)

// Toolsets returns the AIOZ toolsets.
func Toolsets(env *toolkit.Env) []toolkit.Toolset {
	t := &tools{env: env, client: toolkit.NewClient(env, "aioz", newClient), now: time.Now, pollEvery: 5 * time.Second}
	if env.Sandbox {
		t.pollEvery = 500 * time.Millisecond
	}
	registerInbox(env)
	return []toolkit.Toolset{
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetMedia, Provider: "aioz",
			Description: "AIOZ Stream: upload, list, search and manage media"}, append(t.mediaTools(), t.mediaMoreTools()...)...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetCaptions, Provider: "aioz",
			Description: "AIOZ Stream: chapters (WebVTT per language)"}, t.chapterTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetAnalytics, Provider: "aioz",
			Description: "AIOZ Stream: metrics, breakdowns, time series, usage and reports"}, append(t.analyticsTools(), t.analyticsMoreTools()...)...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetWebhooks, Provider: "aioz",
			Description: "AIOZ Stream: webhooks into this server's callback inbox, checked before they count as active"}, t.webhookTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetAccount, Provider: "aioz",
			Description: "AIOZ Stream: account, balance, billing and API keys (secrets stay in the OS keyring)"}, t.accountTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetLive, Provider: "aioz",
			Description: "AIOZ Stream: live stream keys, broadcasts, multicast, statistics and public player configs"}, t.liveTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetPlayers, Provider: "aioz",
			Description: "AIOZ Stream: player themes (colours, sizes, controls, logo) and their videos"}, t.playerTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetPlaylists, Provider: "aioz",
			Description: "AIOZ Stream: playlists and the order of their videos"}, t.playlistTools()...),
	}
}

type tools struct {
	env       *toolkit.Env
	client    toolkit.Client[*aiozapi.Client]
	now       func() time.Time
	pollEvery time.Duration
}

// newClient builds an API client from the keys configured at call time.
func newClient(b toolkit.Binding) *aiozapi.Client {
	return aiozapi.New(aiozapi.Config{
		BaseURL: b.Endpoint("api"), PublicKey: b.Key("public_key"), SecretKey: b.Key("secret_key"),
		HTTP: b.HTTP, Redact: b.Redact, Log: b.Log,
	})
}

// event renders one of the seed-001 media event templates; the links of
// encoding_finished are the media's own, else the seed's patterns on the
// configured endpoint.
func (t *tools) event(tm templates.T[templates.MediaEvent], m aiozapi.Media, at time.Time) string {
	typ := m.Type
	if typ == "" {
		typ = "video"
	}
	a := m.Assets
	out, err := tm.Render(templates.MediaEvent{
		MediaID: m.ID, Title: m.Title, Type: typ, Timestamp: templates.Timestamp(at), HasMP4: typ != "audio",
		Links: templates.EventLinks{API: t.api(), HLS: a.HLSURL, HLSPlayer: a.HLSPlayerURL, HLSIframe: a.HLSIframe,
			DASH: a.DASHURL, DASHPlayer: a.DASHPlayerURL, DASHIframe: a.DASHIframe, Thumbnail: a.ThumbnailURL, MP4: a.MP4URL, Source: a.SourceURL},
	})
	if err != nil {
		return err.Error()
	}
	return out
}

// eventTime is when the media last changed, or now.
func eventTime(m aiozapi.Media, now time.Time) time.Time {
	for _, s := range []string{m.UpdatedAt, m.CreatedAt} {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t
		}
	}
	return now
}
