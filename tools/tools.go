// Package tools assembles every provider's toolsets into one inventory.
// Adding a provider means adding its Toolsets call here, and its core
// toolset: the few tools of its main tasks, on by default.
package tools

import (
	"github.com/mcp-media/mcp-media/tools/aioz"
	"github.com/mcp-media/mcp-media/tools/aliyun/ice"
	"github.com/mcp-media/mcp-media/tools/media"
	"github.com/mcp-media/mcp-media/tools/qiniu/dora"
	"github.com/mcp-media/mcp-media/tools/qiniu/pili"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/vod"
)

// core is a provider's default toolset. Every other toolset is opt-in:
// one media_toolsets call (or --toolsets) away. A provider whose only
// toolset is small (aliyun_ice) keeps it as its default instead.
type core struct {
	spec  toolkit.ToolsetSpec
	tools []string
}

var cores = []core{
	{toolkit.ToolsetSpec{Name: "aioz_core", Provider: "aioz", Default: true,
		Description: "AIOZ Stream essentials: upload, find, inspect and wait for a media"},
		[]string{"aioz_upload_media", "aioz_list_media", "aioz_get_media", "aioz_wait_for_media"}},
	{toolkit.ToolsetSpec{Name: "qiniu_core", Provider: "qiniu", Default: true,
		Description: "Qiniu essentials: create a Pili stream, its push/play URLs and live status; short speech to text; image moderation"},
		[]string{"qiniu_create_stream", "qiniu_stream_urls", "qiniu_get_live_status",
			"qiniu_transcribe_short", "qiniu_censor_image"}},
	{toolkit.ToolsetSpec{Name: "vod_core", Provider: "vod", Default: true,
		Description: "VOD essentials: upload a video, list and search videos (with their renditions)"},
		// vod_get_video stays in vod: the list already carries each video's
		// renditions, and the default list has no room for a third copy of
		// the video schema (mcp-media://vod/videos/{video_id} reads a card).
		[]string{"vod_upload_video", "vod_list_videos"}},
}

// Inventory returns every toolset the binary knows, bound to env: the
// media toolset, then each provider's core toolset followed by its own.
func Inventory(env *toolkit.Env) toolkit.Inventory {
	sets := []toolkit.Toolset{media.Toolset(env)}
	byProvider := map[string][]toolkit.Toolset{}
	var order []string
	for _, group := range [][]toolkit.Toolset{aioz.Toolsets(env), pili.Toolsets(env), dora.Toolsets(env), ice.Toolsets(env), vod.Toolsets(env)} {
		for _, ts := range group {
			if _, ok := byProvider[ts.Provider]; !ok {
				order = append(order, ts.Provider)
			}
			byProvider[ts.Provider] = append(byProvider[ts.Provider], ts)
		}
	}
	for _, p := range order {
		for _, c := range cores {
			if c.spec.Provider == p {
				sets = append(sets, toolkit.CoreToolset(c.spec, byProvider[p], c.tools...))
			}
		}
		sets = append(sets, byProvider[p]...)
	}
	return toolkit.Inventory{Toolsets: sets}
}
