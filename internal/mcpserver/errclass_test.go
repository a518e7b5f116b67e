package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aliyun/iceapi"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/redact"
)

func TestErrorClass(t *testing.T) {
	qiniu, _ := providers.ByID("qiniu")
	set := &redact.Set{}
	cases := []struct {
		name         string
		err          error
		toolProvider string
		provider     string
		code         string
	}{
		{"argument", argerr.New("limit", "must be at most 100", ""), "aioz", "aioz", "bad_argument"},
		{"wrapped argument", fmt.Errorf("listing: %w", argerr.New("", "bad", "")), "vod", "vod", "bad_argument"},
		{"argument of a media tool", argerr.New("enable", "unknown", ""), "", "none", "bad_argument"},
		{"not configured", &credentials.NotConfiguredError{Provider: qiniu}, "", "qiniu", "not_configured"},
		{"http status", &httpx.APIError{Provider: "aioz", Status: 404, Code: "media not found: abc123", Message: "no media abc123"}, "aioz", "aioz", "404"},
		{"transport failure", &httpx.APIError{Provider: "qiniu", Message: "dial tcp: refused"}, "qiniu", "qiniu", "transport"},
		{"scrubbed wrapper keeps the chain", set.Error(&httpx.APIError{Provider: "aioz", Status: 429}), "aioz", "aioz", "429"},
		{"unknown provider in an error", &httpx.APIError{Provider: "https://evil.example/x", Status: 500}, "", "none", "500"},
		{"vod errcode", &vodapi.Error{Code: 3108, Msg: "签名错误 for key sk-123"}, "vod", "vod", "3108"},
		{"dora code", &doraapi.Error{Code: 1902, RequestID: "req-999"}, "qiniu", "qiniu", "1902"},
		{"alibaba code", &iceapi.APIError{Code: "InvalidParameter.Region", Status: 400, RequestID: "r-1"}, "aliyun", "aliyun", "InvalidParameter.Region"},
		{"alibaba code with text falls back to status", &iceapi.APIError{Code: "bad code: see https://x", Status: 403}, "aliyun", "aliyun", "403"},
		{"timeout", fmt.Errorf("waiting: %w", context.DeadlineExceeded), "vod", "vod", "timeout"},
		{"cancelled", context.Canceled, "aioz", "aioz", "cancelled"},
		{"anything else", errors.New("file /home/me/secret.mp4 not found"), "aioz", "aioz", "other"},
	}
	for _, c := range cases {
		p, code := errorClass(c.err, c.toolProvider)
		if p != c.provider || code != c.code {
			t.Errorf("%s: (%s, %s), want (%s, %s)", c.name, p, code, c.provider, c.code)
		}
	}
}
