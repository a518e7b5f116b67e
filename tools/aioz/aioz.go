// Package aioz declares the AIOZ Stream tools: media (upload, create, list,
// manage, wait), chapters and analytics. Each tool builds a client from the
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
)

// Toolsets returns the AIOZ toolsets.
func Toolsets(env *toolkit.Env) []toolkit.Toolset {
	t := &tools{env: env, client: toolkit.NewClient(env, "aioz", newClient), now: time.Now, pollEvery: 5 * time.Second}
	if env.Sandbox {
		t.pollEvery = 500 * time.Millisecond
	}
	return []toolkit.Toolset{
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetMedia, Provider: "aioz",
			Description: "AIOZ Stream: upload, list, search and manage media"}, t.mediaTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetCaptions, Provider: "aioz",
			Description: "AIOZ Stream: chapters (WebVTT per language)"}, t.chapterTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetAnalytics, Provider: "aioz",
			Description: "AIOZ Stream: metrics, breakdowns, time series, usage and reports"}, t.analyticsTools()...),
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

// event renders one of the seed-001 media event templates.
func event(tm templates.T[templates.MediaEvent], m aiozapi.Media, at time.Time) string {
	typ := m.Type
	if typ == "" {
		typ = "video"
	}
	out, err := tm.Render(templates.MediaEvent{
		MediaID: m.ID, Title: m.Title, Type: typ, Timestamp: templates.Timestamp(at), HasMP4: typ != "audio",
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
