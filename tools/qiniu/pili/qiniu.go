// Package qiniu declares the Qiniu live streaming cloud (Pili) tools: live
// stream control (qiniu_live, on by default), hubs and domains
// (qiniu_live_admin), /statd usage (qiniu_live_usage) and the cloud director
// (qiniu_caster). Each tool builds a client from the configured keys at call
// time, so `mcp-media auth set qiniu` takes effect without a restart.
//
// Keys never reach a result: hub/stream publish keys, play anti-leech keys
// and caster static keys are registered with the redaction set and left out
// of every output. The signed push and play URLs of qiniu_stream_urls are
// that tool's deliverable and are returned (their tokens are not registered
// for redaction); a URL that would have to carry a key itself (static push
// auth) is withheld with an explanation. expiry_sk push URLs are given: their
// token is the AccessKey, an identifier, and a signature by the SecretKey.
package pili

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/piliapi"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
	"github.com/mcp-media/mcp-media/internal/timerange"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Toolset names.
const (
	ToolsetLive   = "qiniu_live"
	ToolsetAdmin  = "qiniu_live_admin"
	ToolsetUsage  = "qiniu_live_usage"
	ToolsetCaster = "qiniu_caster"
)

// Environment variables read by the tools (besides the provider catalogue's
// keys and endpoint overrides).
const (
	// EnvHub is the default hub when a tool's `hub` argument is omitted.
	EnvHub = "MCP_MEDIA_QINIU_HUB"
	// EnvPublishKey is the hub push-auth key (expiry/dynamic) used to sign
	// push URLs, and the key qiniu_set_hub_security installs for expiry.
	EnvPublishKey = "MCP_MEDIA_QINIU_PUBLISH_KEY"
)

// Toolsets returns the Qiniu Pili toolsets.
func Toolsets(env *toolkit.Env) []toolkit.Toolset {
	return newTools(env, time.Now).toolsets()
}

func newTools(env *toolkit.Env, now func() time.Time) *tools {
	return &tools{env: env, client: toolkit.NewClient(env, "qiniu", newConn), now: now, keys: map[string]string{}}
}

func (t *tools) toolsets() []toolkit.Toolset {
	return []toolkit.Toolset{
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetLive, Provider: "qiniu",
			Description: "Qiniu Pili live streams: create, inspect, live status, disable/enable, record, snapshot, transcode, signed URLs"}, t.liveTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetAdmin, Provider: "qiniu",
			Description: "Qiniu Pili hubs (push security, HLS low latency, storage, cover), domains and per-stream porn detection"}, t.adminTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetUsage, Provider: "qiniu",
			Description: "Qiniu Pili usage statistics (/statd): traffic, transcode, porn detection, director and relay usage"}, t.usageTools()...),
		toolkit.NewToolset(toolkit.ToolsetSpec{Name: ToolsetCaster, Provider: "qiniu",
			Description: "Qiniu cloud director (云导播): create, update, start, stop, list, delete"}, t.casterTools()...),
	}
}

type tools struct {
	env    *toolkit.Env
	client toolkit.Client[conn]
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]string // hub → publish key installed by this process (memory only)
}

func (t *tools) getenv(name string) string {
	if t.env.Getenv == nil {
		return ""
	}
	return strings.TrimSpace(t.env.Getenv(name))
}

// conn is a Pili client and the keys it was built from, which URLs signed
// locally (expiry_sk) need.
type conn struct {
	*piliapi.Client
	keys qiniuauth.Credentials
}

// newConn builds a Pili client from the keys configured at call time.
func newConn(b toolkit.Binding) conn {
	keys := qiniuauth.Credentials{AccessKey: b.Key("access_key"), SecretKey: b.Key("secret_key")}
	return conn{keys: keys, Client: piliapi.New(piliapi.Config{
		PiliURL: b.Endpoint("pili"), CasterURL: b.Endpoint("caster"),
		AccessKey: keys.AccessKey, SecretKey: keys.SecretKey,
		HTTP: b.HTTP, Redact: b.Redact, Log: b.Log,
	})}
}

// hub resolves the hub argument: the value given, else MCP_MEDIA_QINIU_HUB.
func (t *tools) hub(h string) (string, error) {
	if h = strings.TrimSpace(h); h != "" {
		return h, nil
	}
	if d := t.getenv(EnvHub); d != "" {
		return d, nil
	}
	return "", argerr.New("hub", "is required: no default hub is configured",
		"pass `hub` (qiniu_list_hubs lists them), or set "+EnvHub+" in the server's environment")
}

// secret registers values for redaction (keys read from Qiniu answers).
func (t *tools) secret(v ...string) {
	if t.env.Redact != nil {
		t.env.Redact.Add(v...)
	}
}

// publishKey is the hub push key this process knows: one installed by
// qiniu_set_hub_security (in memory, then the OS keyring), else
// MCP_MEDIA_QINIU_PUBLISH_KEY.
func (t *tools) publishKey(hub string) string {
	t.mu.Lock()
	k := t.keys[hub]
	t.mu.Unlock()
	if k == "" && t.env.Creds != nil {
		k = t.env.Creds.Aux("qiniu", auxPublishKey(hub))
	}
	if k == "" {
		k = t.getenv(EnvPublishKey)
	}
	t.secret(k)
	return k
}

// rememberKey keeps a publish key for this process and, when it can, in the
// OS keyring so it survives a restart; the error says why it could not.
func (t *tools) rememberKey(hub, key string) error {
	t.secret(key)
	t.mu.Lock()
	t.keys[hub] = key
	t.mu.Unlock()
	if t.env.Creds == nil {
		return errors.New("no credential store")
	}
	return t.env.Creds.SetAux("qiniu", auxPublishKey(hub), key)
}

func auxPublishKey(hub string) string { return "publish_key/" + hub }

func randomKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var (
	ro       = toolkit.Annotations{ReadOnly: true, Idempotent: true}
	setIdem  = toolkit.Annotations{Idempotent: true}
	replaces = toolkit.Annotations{Destructive: true, Idempotent: true}
	additive = toolkit.Annotations{}
	// overwrites: each call starts new work, and a given file name replaces
	// an existing file of that name.
	overwrites = toolkit.Annotations{Destructive: true}
	streamRE   = regexp.MustCompile(`^[0-9A-Za-z]{4,200}$`)
	profileRE  = regexp.MustCompile(`^(480p|720p|wmt_.+)$`)
	durationRE = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*([a-z]*)$`)
)

// ---- times ----

// beijing is Qiniu's zone: dates without a zone are read in it.
var beijing = piliapi.Beijing

// fmtTime shows a Unix time in Beijing time; 0 is "".
func fmtTime(u int64) string {
	if u <= 0 {
		return ""
	}
	return time.Unix(u, 0).In(beijing).Format(time.RFC3339)
}

// instant parses one point in time (any form timerange accepts; a date
// alone means its last second when end is true, its first otherwise).
func (t *tools) instant(arg, s string, end bool) (time.Time, error) {
	u, err := timerange.Instant(s, end, t.now(), beijing)
	return u, argerr.Named(err, arg)
}

// Span is how a time range was understood.
type Span struct {
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	FromUnix   int64  `json:"from_unix,omitempty"`
	ToUnix     int64  `json:"to_unix,omitempty"`
	Conversion string `json:"conversion,omitempty"`
}

// span parses from/to; an empty from uses def (which may be "" for "no
// range").
func (t *tools) span(from, to, def string) (Span, error) {
	if strings.TrimSpace(from) == "" {
		if strings.TrimSpace(to) != "" {
			return Span{}, argerr.New("from", "is required when `to` is given", "give both, or a range like 'last 2 hours' in `from`")
		}
		if def == "" {
			return Span{}, nil
		}
		from = def
	}
	r, err := timerange.Parse(from, to, t.now(), beijing)
	if err != nil {
		return Span{}, err
	}
	return Span{From: fmtTime(r.FromUnix), To: fmtTime(r.ToUnix), FromUnix: r.FromUnix, ToUnix: r.ToUnix,
		Conversion: r.Note + "; dates without a zone are Beijing time"}, nil
}

// parseDuration accepts Go durations ("90m", "1h30m"), "N unit" with units
// s, min, h, d, w (and their long forms), and plain seconds.
func parseDuration(arg, s string) (time.Duration, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	if d, err := time.ParseDuration(in); err == nil && d > 0 {
		return d, nil
	}
	m := durationRE.FindStringSubmatch(in)
	if m != nil {
		n, _ := strconv.ParseFloat(m[1], 64)
		unit := map[string]time.Duration{"": time.Second, "s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
			"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
			"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
			"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
			"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour}[m[2]]
		if unit > 0 && n > 0 {
			return time.Duration(n * float64(unit)), nil
		}
	}
	return 0, argerr.New(arg, fmt.Sprintf("%q is not a duration", s), "use forms like 90m, 2h, 1h30m, 3 days or 3600 (seconds)")
}

// ---- small helpers ----

func kbps(bps int64) string { return strconv.FormatFloat(float64(bps)/1000, 'f', 0, 64) }

func checkStream(arg, s string) error {
	if strings.TrimSpace(s) == "" {
		return argerr.New(arg, "is required", "give the stream title")
	}
	return nil
}
