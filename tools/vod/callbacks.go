package vod

import (
	"context"

	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// CallbackInput takes no arguments.
type CallbackInput struct{}

// CallbackOutput is where the VOD service should send its events.
type CallbackOutput struct {
	Enabled        bool   `json:"enabled" jsonschema_description:"False when the server has no --public-url"`
	VideoURL       string `json:"video_url,omitempty" jsonschema_description:"Register for the event group video (video_ready)"`
	TranscodingURL string `json:"transcoding_url,omitempty" jsonschema_description:"Register for the event group transcoding (video_play_set_ready)"`
	Registration   string `json:"registration,omitempty" jsonschema_description:"The two rows for svc_notify.user_event_config, in the seed's layout (<user_id> is yours)"`
}

func (t *tools) callbackTool() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:  "vod_get_callback_url",
		Title: "VOD callback addresses",
		Description: "The addresses to register with the VOD notification service (spec §6 step 0: svc_notify.user_event_config) for the " +
			"video and transcoding event groups, so video_ready and video_play_set_ready reach this server's inbox (media_events). " +
			"Built from --public-url; says so when there is none.",
		Annotations: toolkit.Annotations{Idempotent: true},
	}, t.callbackURL)
}

func (t *tools) callbackURL(ctx context.Context, c *toolkit.Call, _ CallbackInput) (CallbackOutput, string, error) {
	if !t.env.Inbox.Enabled() {
		text, err := result("📭", "No callback address", [][2]string{{"Callbacks", "unavailable"}},
			[]string{"This server has no public URL, so the VOD service cannot call it back. Start it with --public-url " +
				"(an address the service can reach, forwarded to --callback-addr)."},
			[]string{"Until then, vod_upload_video and vod_transcode_video wait by polling."})
		return CallbackOutput{}, text, err
	}
	v, err := t.env.Inbox.StableCallback("vod", vodapi.EventVideoReady)
	if err != nil {
		return CallbackOutput{}, "", err
	}
	tr, err := t.env.Inbox.StableCallback("vod", vodapi.EventVideoPlaySetReady)
	if err != nil {
		return CallbackOutput{}, "", err
	}
	out := CallbackOutput{Enabled: true, VideoURL: v, TranscodingURL: tr,
		Registration: "<user_id> video " + v + " http\n<user_id> transcoding " + tr + " http"}
	text, err := result("📬", "VOD callback addresses", [][2]string{{"video (video_ready)", "`" + v + "`"}, {"transcoding (video_play_set_ready)", "`" + tr + "`"}},
		[]string{"These addresses are unguessable: treat them like passwords. They stay the same across restarts."},
		[]string{"Register them in svc_notify.user_event_config (one row per event group, protocol http).", "Received events: media_events with provider vod."})
	return out, text, err
}
