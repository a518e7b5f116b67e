package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestExposition(t *testing.T) {
	m := New()
	m.ToolCall("aioz_list_media", OutcomeOK, 30*time.Millisecond)
	m.ToolCall("aioz_list_media", OutcomeToolError, 2*time.Second)
	m.ProviderError("vod", "3108")
	m.HTTPRequest("mcp", 200)
	m.SessionsFrom(func() int { return 3 })
	m.InboxEventsFrom(func() int { return 7 })
	m.LateQuery("asr_long", "pending")
	m.LateQuery("asr_long", "result")
	out := scrape(t, m)
	for _, want := range []string{
		`mcp_media_tool_calls_total{outcome="ok",tool="aioz_list_media"} 1`,
		`mcp_media_tool_calls_total{outcome="tool_error",tool="aioz_list_media"} 1`,
		`mcp_media_tool_call_duration_seconds_bucket{tool="aioz_list_media",le="0.005"} 0`,
		`mcp_media_tool_call_duration_seconds_bucket{tool="aioz_list_media",le="0.05"} 1`,
		`mcp_media_tool_call_duration_seconds_bucket{tool="aioz_list_media",le="300"} 2`,
		`mcp_media_tool_call_duration_seconds_count{tool="aioz_list_media"} 2`,
		`mcp_media_provider_errors_total{code="3108",provider="vod"} 1`,
		`mcp_media_http_requests_total{route="mcp",status="200"} 1`,
		"mcp_media_sessions_active 3",
		"mcp_media_inbox_events 7",
		`mcp_media_inbox_late_queries_total{kind="asr_long",outcome="pending"} 1`,
		`mcp_media_inbox_late_queries_total{kind="asr_long",outcome="result"} 1`,
		"go_goroutines ",
		"process_start_time_seconds ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestGaugesWithoutSourceReadZero(t *testing.T) {
	out := scrape(t, New())
	for _, want := range []string{"mcp_media_sessions_active 0", "mcp_media_inbox_events 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestNilRecordsNothing(t *testing.T) {
	var m *Metrics
	m.ToolCall("x", OutcomeOK, time.Second)
	m.ProviderError("x", "y")
	m.HTTPRequest("x", 200)
	m.SessionsFrom(func() int { return 1 })
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 404 {
		t.Errorf("nil metrics handler: %d", rec.Code)
	}
}

func TestLabel(t *testing.T) {
	cases := []struct{ in, want string }{
		{"aioz_list_media", "aioz_list_media"},
		{"InvalidParameter.Region", "InvalidParameter.Region"},
		{"404", "404"},
		{"", "other"},
		{"has space", "other"},
		{"https://example.com/x", "other"},
		{`quote"`, "other"},
		{strings.Repeat("a", 65), "other"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
	}
	for _, c := range cases {
		if got := Label(c.in); got != c.want {
			t.Errorf("Label(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Every series keeps its label values bounded: a flood of distinct junk
// names lands in one "other" series.
func TestJunkLabelsCollapse(t *testing.T) {
	m := New()
	for i := 0; i < 100; i++ {
		m.ToolCall("name with spaces "+strings.Repeat("x", i), OutcomeError, time.Millisecond)
	}
	out := scrape(t, m)
	if !strings.Contains(out, `mcp_media_tool_calls_total{outcome="error",tool="other"} 100`) {
		t.Errorf("junk names not collapsed:\n%s", out)
	}
}
