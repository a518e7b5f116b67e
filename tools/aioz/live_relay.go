package aioz

// Live streams, continued: multicast relays, statistics and the public
// player configurations.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// MulticastOutput is where a key's stream is relayed.
type MulticastOutput struct {
	LiveStreamKeyID string   `json:"live_stream_key_id"`
	URLs            []string `json:"urls"`
}

// streamKey returns the client and the key's stream key (the multicast
// routes take it in their path); the client registers it for redaction.
func (t *tools) streamKey(ctx context.Context, id string) (*aiozapi.Client, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return nil, "", err
	}
	k, err := client.GetLiveStreamKey(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if k.StreamKey == "" {
		return nil, "", fmt.Errorf("AIOZ returned no stream key for %s", id)
	}
	return client, k.StreamKey, nil
}

func multicastResult(id string, m aiozapi.Multicast) (MulticastOutput, string, error) {
	out := MulticastOutput{LiveStreamKeyID: id, URLs: m.URLs}
	if out.URLs == nil {
		out.URLs = []string{}
	}
	text, err := templates.AIOZMulticast.Render(templates.Multicast{KeyID: id, URLs: out.URLs})
	return out, text, err
}

func (t *tools) getMulticast(ctx context.Context, _ *toolkit.Call, in LiveKeyIDInput) (MulticastOutput, string, error) {
	client, sk, err := t.streamKey(ctx, in.LiveStreamKeyID)
	if err != nil {
		return MulticastOutput{}, "", err
	}
	m, err := client.GetMulticast(ctx, sk)
	if err != nil {
		return MulticastOutput{}, "", err
	}
	return multicastResult(in.LiveStreamKeyID, m)
}

// SetMulticastInput are aioz_set_multicast's arguments.
type SetMulticastInput struct {
	LiveStreamKeyID string   `json:"live_stream_key_id" jsonschema:"required,minLength=1,maxLength=64"`
	URLs            []string `json:"urls" jsonschema:"required,minItems=1,maxItems=5" jsonschema_description:"rtmp:// or rtmps:// URLs (with the other service's stream key in them)"`
}

func (t *tools) setMulticast(ctx context.Context, _ *toolkit.Call, in SetMulticastInput) (MulticastOutput, string, error) {
	for i, u := range in.URLs {
		if !strings.HasPrefix(u, "rtmp://") && !strings.HasPrefix(u, "rtmps://") || len(u) > 2048 {
			return MulticastOutput{}, "", argerr.New(fmt.Sprintf("urls.%d", i), "is not an rtmp:// or rtmps:// URL", "give the RTMP ingest URL of the other service")
		}
	}
	client, sk, err := t.streamKey(ctx, in.LiveStreamKeyID)
	if err != nil {
		return MulticastOutput{}, "", err
	}
	m, err := client.SetMulticast(ctx, sk, in.URLs)
	if err != nil {
		return MulticastOutput{}, "", err
	}
	return multicastResult(in.LiveStreamKeyID, m)
}

func (t *tools) deleteMulticast(ctx context.Context, _ *toolkit.Call, in LiveKeyIDInput) (MulticastOutput, string, error) {
	client, sk, err := t.streamKey(ctx, in.LiveStreamKeyID)
	if err != nil {
		return MulticastOutput{}, "", err
	}
	if err := client.DeleteMulticast(ctx, sk); err != nil {
		return MulticastOutput{}, "", err
	}
	return multicastResult(in.LiveStreamKeyID, aiozapi.Multicast{})
}

// LiveStatsOutput is a broadcast's figures.
type LiveStatsOutput struct {
	StreamID        string  `json:"stream_id"`
	BitrateIn       float64 `json:"bitrate_in" jsonschema_description:"kbps"`
	BitrateOut      float64 `json:"bitrate_out" jsonschema_description:"kbps"`
	DataTransferred float64 `json:"data_transferred" jsonschema_description:"bytes"`
	FPSIn           int64   `json:"fps_in"`
	FPSOut          int64   `json:"fps_out"`
	CurrentView     int64   `json:"current_view"`
	TotalView       int64   `json:"total_view"`
}

func (t *tools) liveStatistics(ctx context.Context, _ *toolkit.Call, in StreamIDInput) (LiveStatsOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return LiveStatsOutput{}, "", err
	}
	s, err := client.LiveStatistics(ctx, in.StreamID)
	if err != nil {
		return LiveStatsOutput{}, "", err
	}
	out := LiveStatsOutput{StreamID: in.StreamID, BitrateIn: s.BitrateIn, BitrateOut: s.BitrateOut, DataTransferred: s.DataTransferred,
		FPSIn: s.FPSIn, FPSOut: s.FPSOut, CurrentView: s.CurrentView, TotalView: s.TotalView}
	text, err := templates.AIOZLiveStats.Render(templates.LiveStats{StreamID: in.StreamID, BitrateIn: fmt.Sprintf("%.0f kbps", s.BitrateIn),
		BitrateOut: fmt.Sprintf("%.0f kbps", s.BitrateOut), Transferred: humanBytes(s.DataTransferred), FPSIn: s.FPSIn, FPSOut: s.FPSOut,
		CurrentView: s.CurrentView, Total: s.TotalView})
	return out, text, err
}

// PlayerConfigInput are aioz_get_player_config's arguments.
type PlayerConfigInput struct {
	Kind string `json:"kind" jsonschema:"required,enum=media,enum=playlist,enum=live_stream" jsonschema_description:"media (M11), playlist (L10) or live_stream (a broadcast, S18)"`
	ID   string `json:"id" jsonschema:"required,minLength=1,maxLength=64" jsonschema_description:"Media, playlist or broadcast id"`
}

// PlayerConfigOutput is what the public player endpoint returned.
type PlayerConfigOutput struct {
	Kind   string         `json:"kind"`
	ID     string         `json:"id"`
	Config map[string]any `json:"config"`
}

func (t *tools) playerConfig(ctx context.Context, _ *toolkit.Call, in PlayerConfigInput) (PlayerConfigOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return PlayerConfigOutput{}, "", err
	}
	cfg, err := client.PlayerConfig(ctx, in.Kind, in.ID)
	if err != nil {
		return PlayerConfigOutput{}, "", err
	}
	if cfg == nil {
		cfg = map[string]any{}
	}
	raw, _ := json.MarshalIndent(cfg, "", "  ")
	text, err := templates.AIOZJSONBlock.Render(templates.JSONBlock{Heading: fmt.Sprintf("▶️ Player configuration — %s `%s`", in.Kind, in.ID), JSON: string(raw)})
	return PlayerConfigOutput{Kind: in.Kind, ID: in.ID, Config: cfg}, text, err
}
