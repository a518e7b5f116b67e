// Package dora declares the Qiniu Dora tools: speech recognition
// (qiniu_asr, on by default), image and audio moderation (qiniu_censor, on
// by default), live stream moderation (qiniu_censor_streams) and document
// translation (qiniu_translate). Each tool builds a client from the
// configured keys at call time, so `mcp-media auth set qiniu` takes effect
// without a restart.
//
// Results that Qiniu delivers only by callback go to the server's callback
// inbox when a public URL is configured (the agent reads them with
// media_events); otherwise the tools poll where the API allows it and say
// so where it does not.
package dora

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/webvtt"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Toolset names.
const (
	ToolsetASR       = "qiniu_asr"
	ToolsetCensor    = "qiniu_censor"
	ToolsetStreams   = "qiniu_censor_streams"
	ToolsetTranslate = "qiniu_translate"
)

// Toolsets returns the Qiniu Dora toolsets. It registers the Dora callback
// summaries, and the queries for late callbacks, with env.Inbox when there
// is one.
func Toolsets(env *toolkit.Env) []toolkit.Toolset {
	t := newTools(env)
	if env.Inbox != nil {
		for _, k := range doraapi.Kinds {
			k := k
			env.Inbox.SetSummarizer(k, func(p json.RawMessage) (string, string) { return doraapi.Summarize(k, p) })
		}
		for k, p := range t.pollers() {
			env.Inbox.SetPoller(k, p)
		}
	}
	return t.toolsets()
}

func newTools(env *toolkit.Env) *tools {
	t := &tools{env: env, client: toolkit.NewClient(env, "qiniu", newClient), pollEvery: 5 * time.Second}
	if env.Sandbox {
		t.pollEvery = 500 * time.Millisecond
	}
	return t
}

func (t *tools) toolsets() []toolkit.Toolset {
	return []toolkit.Toolset{
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetASR, Provider: "qiniu",
			Description: "Qiniu Dora speech recognition: short clips, long recordings (timed sentences, speakers, WebVTT), realtime streams"}, t.asrTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetCensor, Provider: "qiniu",
			Description: "Qiniu Dora moderation of images and audio files: pass, review or block"}, t.censorTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetStreams, Provider: "qiniu",
			Description: "Qiniu Dora live stream moderation: audio stream, Shumei video stream and Yitu live voice censors (results by callback)"}, t.streamTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetTranslate, Provider: "qiniu",
			Description: "Qiniu Dora document translation (PDF, Word, PowerPoint, Excel) into a Kodo bucket"}, t.translateTools()...),
	}
}

type tools struct {
	env       *toolkit.Env
	client    toolkit.Client[*doraapi.Client]
	pollEvery time.Duration
}

// newClient builds a Dora client from the keys configured at call time.
func newClient(b toolkit.Binding) *doraapi.Client {
	return doraapi.New(doraapi.Config{
		ASRURL: b.Endpoint("asr"), ASRWSURL: b.Endpoint("asr_ws"),
		CensorURL: b.Endpoint("censor"), TranslateURL: b.Endpoint("translate"),
		AccessKey: b.Key("access_key"), SecretKey: b.Key("secret_key"),
		HTTP: b.HTTP, Redact: b.Redact, Log: b.Log, AllowPrivateURLs: b.AllowPrivateURLs,
	})
}

// reply renders a result's text. A template failure is a programming
// error; it is returned, so the tool reports an error rather than showing
// the failure as its text.
func reply[Out, D any](out Out, t templates.T[D], data D) (Out, string, error) {
	text, err := t.Render(data)
	if err != nil {
		var zero Out
		return zero, "", err
	}
	return out, text, nil
}

// shown is how a user-supplied URL (or a local path) appears in a result:
// a URL without its query or user info, where signed URLs keep their
// tokens (redact.URL marks a dropped query with "?…").
func shown(source string) string {
	source = strings.TrimSpace(source)
	if !strings.Contains(source, "://") {
		return source // a local path
	}
	return redact.URL(source)
}

// ---------------------------------------------------------------------------
// Callbacks and the inbox

// delivery is how one task's results reach the agent.
type delivery struct {
	callback string // URL given to Qiniu ("" for none)
	inbox    bool   // callback is this server's inbox
}

// inboxCallback returns a fresh inbox callback URL for a task of kind, or
// none when no public URL is configured.
func (t *tools) inboxCallback(kind string) (delivery, error) {
	if !t.env.Inbox.Enabled() {
		return delivery{}, nil
	}
	var opts []inbox.RouteOption
	switch kind {
	case doraapi.KindASRLong, doraapi.KindCensorAudio, doraapi.KindTranslate:
		opts = append(opts, inbox.OneShot) // one result per task: replays are refused
	}
	u, err := t.env.Inbox.NewCallback("qiniu", kind, opts...)
	if err != nil {
		return delivery{}, err
	}
	return delivery{callback: u, inbox: true}, nil
}

// streamCallback is the callback of a stream censor: the inbox's, else the
// agent's own callback_url, else an error (stream censors have no query API).
func (t *tools) streamCallback(kind, own string) (delivery, error) {
	if own = strings.TrimSpace(own); own != "" {
		return delivery{callback: own}, nil
	}
	d, err := t.inboxCallback(kind)
	if err != nil || d.inbox {
		return d, err
	}
	return d, argerr.New("callback_url", "this censor delivers results only by callback, and no public URL is configured for the callback inbox",
		"start the server with --public-url (an address Qiniu can reach, forwarded to --callback-addr), or pass callback_url of a receiver you run")
}

// cancel forgets the inbox route of a submission that failed.
func (t *tools) cancel(d delivery) {
	if d.inbox && t.env.Inbox != nil {
		t.env.Inbox.Cancel(d.callback)
	}
}

func (t *tools) bind(d delivery, taskID string) {
	if d.inbox && t.env.Inbox != nil {
		t.env.Inbox.Bind(d.callback, taskID)
	}
}

// record stores a result found by polling in the inbox (so media_events
// and a restart keep it), unless a callback will deliver it there anyway.
func (t *tools) record(d delivery, kind, taskID string, payload []byte) {
	if t.env.Inbox == nil || d.inbox || len(payload) == 0 {
		return
	}
	if ev, ok := t.env.Inbox.Latest(taskID); ok && ev.Kind == kind {
		return
	}
	t.env.Inbox.Add("qiniu", kind, taskID, payload)
}

// fromInbox returns the newest callback payload of kind for a task.
func (t *tools) fromInbox(kind, taskID string) ([]byte, bool) {
	if t.env.Inbox == nil {
		return nil, false
	}
	ev, ok := t.env.Inbox.Latest(taskID)
	if !ok || ev.Kind != kind {
		return nil, false
	}
	return ev.Payload, true
}

func (d delivery) text(taskID, pollTool string) string {
	switch {
	case d.inbox:
		return fmt.Sprintf("Qiniu will POST the results to this server's callback inbox: read them with `media_events` (task_id `%s`).", taskID)
	case d.callback != "":
		return "Qiniu will POST the results to your callback URL."
	case pollTool != "":
		return fmt.Sprintf("No public URL is configured for callbacks (`--public-url`), so results are polled: call `%s` with task_id `%s`.", pollTool, taskID)
	}
	return "No public URL is configured for callbacks (`--public-url`)."
}

func (d delivery) mode() string {
	switch {
	case d.inbox:
		return "inbox"
	case d.callback != "":
		return "callback_url"
	}
	return "poll"
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// ---------------------------------------------------------------------------
// WebVTT

// checkVTTPath validates a vtt_path before any work is done: a .vtt file
// that does not exist yet in an existing directory.
func checkVTTPath(c *toolkit.Call, p string) (string, error) {
	if p = strings.TrimSpace(p); p == "" {
		return "", nil
	}
	if !strings.EqualFold(filepath.Ext(p), ".vtt") {
		return "", argerr.New("vtt_path", "must end in .vtt", "give a path such as /home/me/talk.zh.vtt")
	}
	return c.WritePath("vtt_path", p)
}

// writeVTT writes sentences as WebVTT cues, making times valid for players
// (the docs' own example has overlapping sentences, quirk 38).
func writeVTT(p string, ss []doraapi.Sentence) error {
	cues := make([]webvtt.Cue, 0, len(ss))
	var prev time.Duration
	speakers := map[string]bool{}
	for _, s := range ss {
		speakers[s.Speaker] = true
	}
	for _, s := range ss {
		text := strings.TrimSpace(s.Text)
		if text == "" {
			continue
		}
		start, end := s.Start, s.End
		if start < prev {
			start = prev
		}
		if end <= start {
			end = start + time.Second
		}
		if len(speakers) > 1 && s.Speaker != "" {
			text = "<v Speaker " + s.Speaker + ">" + text
		}
		cues = append(cues, webvtt.Cue{Start: start, End: end, Text: text})
		prev = start
	}
	if len(cues) == 0 {
		return errors.New("the transcription has no sentences to write as WebVTT")
	}
	out := webvtt.Format(cues)
	if _, err := webvtt.Parse(out); err != nil {
		return fmt.Errorf("the WebVTT built from the transcription is not valid: %w", err)
	}
	f, err := fileroot.Create(p)
	if err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if _, err := f.WriteString(out); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return f.Close()
}

// ---------------------------------------------------------------------------
// Formatting helpers

// stamp formats an offset as hh:mm:ss.t.
func stamp(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000/100)
}

func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

// clip shortens long text for the chat; the structured result keeps all.
func clip(s string, n int) (string, bool) {
	r := []rune(s)
	if len(r) <= n {
		return s, false
	}
	return string(r[:n]), true
}

var decisionLabel = map[string]string{doraapi.Pass: "✅ pass", doraapi.Review: "⚠️ review", doraapi.Block: "⛔ block"}

func label(decision string) string {
	if l, ok := decisionLabel[decision]; ok {
		return l
	}
	if decision == "" {
		return "unknown"
	}
	return decision
}

// riskText is "porn (色情)", or "—".
func riskText(v doraapi.Verdict) string {
	switch {
	case v.RiskType == "" || v.RiskType == "none":
		return "—"
	case v.RiskLabel != "" && v.RiskLabel != v.RiskType:
		return v.RiskType + " (" + v.RiskLabel + ")"
	}
	return v.RiskType
}

// providerText keeps the provider's own verdict values.
func providerText(v doraapi.Verdict) string {
	parts := []string{}
	if v.ProviderLevel != "" {
		parts = append(parts, v.ProviderLevel)
	}
	if v.ProviderRiskType != nil {
		parts = append(parts, fmt.Sprintf("riskType %d", *v.ProviderRiskType))
	}
	if v.Score != nil {
		parts = append(parts, fmt.Sprintf("score %g", *v.Score))
	}
	return strings.Join(parts, ", ")
}
