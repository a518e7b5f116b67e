package mcpserver

import (
	"context"
	"errors"
	"strconv"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aliyun/iceapi"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/metrics"
	"github.com/mcp-media/mcp-media/internal/providers"
)

// Codes of mcp_media_provider_errors_total besides HTTP statuses and the
// providers' own codes.
const (
	codeBadArgument   = "bad_argument"   // an *argerr.Error: the agent's input
	codeNotConfigured = "not_configured" // no keys for the provider
	codeTransport     = "transport"      // no HTTP answer (DNS, connect, TLS, reset)
	codeTimeout       = "timeout"
	codeCancelled     = "cancelled"
	codeOther         = "other"
	providerNone      = "none" // a tool of no provider (media_*) failed on its own
)

// errorClass is the provider and low-cardinality code of a tool error:
// the provider named by the error when it names one, else the tool's; the
// provider's own error code, else the HTTP status. Messages, paths and
// request ids are never used.
func errorClass(err error, toolProvider string) (provider, code string) {
	provider = toolProvider
	var (
		ae   *argerr.Error
		nc   *credentials.NotConfiguredError
		vod  *vodapi.Error
		dora *doraapi.Error
		ice  *iceapi.APIError
		he   *httpx.APIError
	)
	switch {
	case errors.As(err, &ae):
		code = codeBadArgument
	case errors.As(err, &nc):
		provider, code = nc.Provider.ID, codeNotConfigured
	case errors.As(err, &vod):
		provider, code = "vod", strconv.Itoa(vod.Code)
	case errors.As(err, &dora):
		provider, code = "qiniu", strconv.Itoa(dora.Code)
	case errors.As(err, &ice):
		provider, code = "aliyun", ice.Code
		if metrics.Label(code) != code {
			code = statusCode(ice.Status)
		}
	case errors.As(err, &he):
		provider, code = he.Provider, statusCode(he.Status)
	case errors.Is(err, context.DeadlineExceeded):
		code = codeTimeout
	case errors.Is(err, context.Canceled):
		code = codeCancelled
	default:
		code = codeOther
	}
	if _, known := providers.ByID(provider); !known {
		provider = providerNone
	}
	return provider, metrics.Label(code)
}

// statusCode is an HTTP status as a label, or "transport" for none.
func statusCode(status int) string {
	if status == 0 {
		return codeTransport
	}
	return strconv.Itoa(status)
}
