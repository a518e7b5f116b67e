// Package metrics is the server's Prometheus instrumentation: tool calls,
// their durations, provider errors, HTTP requests, live sessions and stored
// callback events, on a registry of its own (with the Go and process
// collectors) that /metrics serves.
//
// Labels are low-cardinality names only — tool names, provider ids, error
// codes, route classes and HTTP statuses; never an id, a URL or text that
// came from a request. Every label value passes Label, which turns
// anything that is not a short plain token into "other".
package metrics

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Outcomes of a tool call.
const (
	OutcomeOK        = "ok"         // a result
	OutcomeToolError = "tool_error" // a result with isError set
	OutcomeError     = "error"      // a JSON-RPC error (unknown tool, bad params)
)

// DurationBuckets are the tool-call histogram's upper bounds in seconds:
// 5 ms to 5 minutes (long ASR, uploads and exports take minutes).
var DurationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// Metrics holds the collectors. A nil *Metrics is valid and records
// nothing, so callers need no checks.
type Metrics struct {
	reg            *prometheus.Registry
	toolCalls      *prometheus.CounterVec
	toolDuration   *prometheus.HistogramVec
	providerErrors *prometheus.CounterVec
	httpRequests   *prometheus.CounterVec
	lateQueries    *prometheus.CounterVec
	sessions       atomic.Pointer[func() int]
	inboxEvents    atomic.Pointer[func() int]
	stateTrips     atomic.Pointer[func() int64]
}

// New returns metrics on a fresh registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		toolCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcp_media_tool_calls_total",
			Help: "Tool calls by tool and outcome (ok, tool_error: a result with isError, error: a JSON-RPC error).",
		}, []string{"tool", "outcome"}),
		toolDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mcp_media_tool_call_duration_seconds",
			Help:    "Tool call duration by tool, from the request's arrival to its result.",
			Buckets: DurationBuckets,
		}, []string{"tool"}),
		providerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcp_media_provider_errors_total",
			Help: "Tool errors by provider and code: the HTTP status or the provider's error code, bad_argument, not_configured, transport, timeout, cancelled or other.",
		}, []string{"provider", "code"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcp_media_http_requests_total",
			Help: "HTTP requests by route class (mcp, sse, message, callbacks, healthz, readyz, metrics, other) and status, counted when they end.",
		}, []string{"route", "status"}),
		lateQueries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mcp_media_inbox_late_queries_total",
			Help: "Queries made to a provider for a task whose one-shot callback was late (--callback-query-after), by kind and outcome: result (the lost callback's result entered the inbox), pending, error, gone.",
		}, []string{"kind", "outcome"}),
	}
	m.reg.MustRegister(m.toolCalls, m.toolDuration, m.providerErrors, m.httpRequests, m.lateQueries,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mcp_media_sessions_active",
			Help: "Live MCP sessions on this replica's streamable HTTP transport.",
		}, func() float64 { return read(&m.sessions) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mcp_media_inbox_events",
			Help: "Provider callback events stored in the inbox.",
		}, func() float64 { return read(&m.inboxEvents) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "mcp_media_state_round_trips_total",
			Help: "Round trips to the shared state store (Redis; a command or a pipeline each). Always 0 with the embedded store.",
		}, func() float64 {
			if f := m.stateTrips.Load(); f != nil {
				return float64((*f)())
			}
			return 0
		}),
	)
	return m
}

func read(p *atomic.Pointer[func() int]) float64 {
	if f := p.Load(); f != nil {
		return float64((*f)())
	}
	return 0
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry is the registry (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ToolCall records one finished tool call.
func (m *Metrics) ToolCall(tool, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	tool = Label(tool)
	m.toolCalls.WithLabelValues(tool, Label(outcome)).Inc()
	m.toolDuration.WithLabelValues(tool).Observe(d.Seconds())
}

// ProviderError records one error of a provider's tool.
func (m *Metrics) ProviderError(provider, code string) {
	if m == nil {
		return
	}
	m.providerErrors.WithLabelValues(Label(provider), Label(code)).Inc()
}

// HTTPRequest records one finished HTTP request.
func (m *Metrics) HTTPRequest(route string, status int) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(Label(route), strconv.Itoa(status)).Inc()
}

// LateQuery records one query for a late callback.
func (m *Metrics) LateQuery(kind, outcome string) {
	if m == nil {
		return
	}
	m.lateQueries.WithLabelValues(Label(kind), Label(outcome)).Inc()
}

// SessionsFrom sets what the sessions gauge reads (the latest call wins).
func (m *Metrics) SessionsFrom(f func() int) {
	if m != nil && f != nil {
		m.sessions.Store(&f)
	}
}

// StateRoundTripsFrom sets what the state round-trip counter reads.
func (m *Metrics) StateRoundTripsFrom(f func() int64) {
	if m != nil && f != nil {
		m.stateTrips.Store(&f)
	}
}

// InboxEventsFrom sets what the inbox gauge reads (the latest call wins).
func (m *Metrics) InboxEventsFrom(f func() int) {
	if m != nil && f != nil {
		m.inboxEvents.Store(&f)
	}
}

// maxLabel is the longest label value kept as it is.
const maxLabel = 64

// Label returns v when it is 1–64 characters of [A-Za-z0-9._-], else
// "other": a label never carries free text, and a misbehaving caller
// cannot grow the series without bound by sending new strings.
func Label(v string) string {
	if v == "" || len(v) > maxLabel {
		return "other"
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return "other"
		}
	}
	return v
}
