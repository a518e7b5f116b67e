// Package ice declares the Alibaba Cloud ICE tools: aliyun_ice_upload_stream
// uploads a local media stream through CreateUploadStream and OSS (multipart,
// resumable, with per-part progress). The client is built from the keys
// configured at call time, so `mcp-media auth set aliyun` needs no restart.
package ice

import (
	"github.com/mcp-media/mcp-media/internal/clients/aliyun/iceapi"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// ToolsetName is the ICE toolset.
const ToolsetName = "aliyun_ice"

// Toolsets returns the ICE toolset.
func Toolsets(env *toolkit.Env) []toolkit.Toolset {
	t := &tools{env: env, client: toolkit.NewClient(env, "aliyun", newClient)}
	return []toolkit.Toolset{
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetName, Provider: "aliyun", Default: true,
			Description: "Alibaba Cloud ICE: upload local media streams (CreateUploadStream + OSS)"}, t.uploadTool()),
	}
}

type tools struct {
	env    *toolkit.Env
	client toolkit.Client[clientOrErr]
	// parallel is the number of concurrent part uploads (0: the client's
	// default, 3). The SDK resumes from the consecutive run of parts from
	// part 1, so with parallel uploads a part finished out of order before an
	// interruption may be sent again.
	parallel int
}

// clientOrErr carries New's error (a refused region) to the handler.
type clientOrErr struct {
	c   *iceapi.Client
	err error
}

func newClient(b toolkit.Binding) clientOrErr {
	region := b.Key("region_id")
	if region == "" {
		region = iceapi.DefaultRegion
	}
	c, err := iceapi.New(iceapi.Config{
		Endpoint: b.Endpoint("ice"), Region: region,
		AccessKeyID: b.Key("access_key_id"), AccessKeySecret: b.Key("access_key_secret"),
		HTTP: b.HTTP, Redact: b.Redact, Log: b.Log,
	})
	return clientOrErr{c: c, err: err}
}
