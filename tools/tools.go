// Package tools assembles every provider's toolsets into one inventory.
// Adding a provider means adding its Toolsets call here.
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

// Inventory returns every toolset the binary knows, bound to env.
func Inventory(env *toolkit.Env) toolkit.Inventory {
	var sets []toolkit.Toolset
	sets = append(sets, media.Toolset(env))
	sets = append(sets, aioz.Toolsets(env)...)
	sets = append(sets, pili.Toolsets(env)...)
	sets = append(sets, dora.Toolsets(env)...)
	sets = append(sets, ice.Toolsets(env)...)
	sets = append(sets, vod.Toolsets(env)...)
	return toolkit.Inventory{Toolsets: sets}
}
