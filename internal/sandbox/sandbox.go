// Package sandbox starts the built-in fake providers on 127.0.0.1 and hands
// out the endpoints and keys that point mcp-media at them, so `--sandbox`
// and `demo` work with no account. Keys are random per run and registered
// for redaction like real ones. Only the command and tests import it.
package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/icefake"
	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/ossfake"
	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/dorafake"
	"github.com/mcp-media/mcp-media/internal/fakes/qiniu/pilifake"
	"github.com/mcp-media/mcp-media/internal/fakes/vodfake"
)

// SandboxHub is the Pili hub the sandbox creates, and SandboxLiveStream a
// stream in it that is live from the start.
const (
	SandboxHub        = "sandbox-hub"
	SandboxLiveStream = "studiofeed"
	// SandboxVODStorageID is a file in the VOD sandbox's storage service
	// that has no video yet (vod_create_video can use it once).
	SandboxVODStorageID = "sbx-storage-intro"
)

// Sandbox is a set of running fakes.
type Sandbox struct {
	// Creds are the fake keys per provider, for credentials.Store.Sandbox.
	Creds map[string]map[string]string
	// Env overrides the endpoint variables (MCP_MEDIA_AIOZ_URL, ...).
	Env map[string]string

	AIOZ *aiozfake.Server
	Pili *pilifake.Server
	Dora *dorafake.Server
	VOD  *vodfake.Server
	ICE  *icefake.Server
	OSS  *ossfake.Server

	servers []*http.Server
}

// Options tune the fakes.
type Options struct {
	// Step is the fakes' pace for long work (transcoding); default 1s.
	Step time.Duration
	// AIOZRateLimit is the AIOZ fake's requests per minute (0: its default,
	// 600, which a stress run exceeds on purpose or not).
	AIOZRateLimit int
}

// Start runs every fake on its own loopback port.
func Start(opts Options) (*Sandbox, error) {
	if opts.Step == 0 {
		opts.Step = time.Second
	}
	sb := &Sandbox{Creds: map[string]map[string]string{}, Env: map[string]string{}}
	pub, sec := "sbx-pub-"+token(), "sbx-sec-"+token()
	sb.AIOZ = aiozfake.New(aiozfake.Options{PublicKey: pub, SecretKey: sec, Step: opts.Step, RateLimit: opts.AIOZRateLimit})
	sb.AIOZ.SeedMedia(
		aiozfake.MediaSeed{Title: "Product launch keynote", Tags: []string{"launch"}, Duration: 1820, View: 5400, CreatedAt: time.Now().Add(-30 * 24 * time.Hour)},
		aiozfake.MediaSeed{Title: "Behind the scenes", Duration: 312, View: 870, CreatedAt: time.Now().Add(-12 * 24 * time.Hour)},
		aiozfake.MediaSeed{Title: "Weekly podcast #12", Type: "audio", Duration: 2710, View: 1320, CreatedAt: time.Now().Add(-5 * 24 * time.Hour)},
	)
	url, err := sb.serve(sb.AIOZ)
	if err != nil {
		return nil, err
	}
	sb.Creds["aioz"] = map[string]string{"public_key": pub, "secret_key": sec}
	sb.Env["MCP_MEDIA_AIOZ_URL"] = url + "/api"

	ak, sk := "sbx-ak-"+token(), "sbx-sk-"+token()
	sb.Pili = pilifake.New(pilifake.Options{AccessKey: ak, SecretKey: sk, Hubs: []string{SandboxHub}})
	if url, err = sb.serve(sb.Pili); err != nil {
		return nil, err
	}
	sb.Creds["qiniu"] = map[string]string{"access_key": ak, "secret_key": sk}
	sb.Env["MCP_MEDIA_QINIU_PILI_URL"] = url
	sb.Env["MCP_MEDIA_QINIU_CASTER_URL"] = url
	sb.Env["MCP_MEDIA_QINIU_HUB"] = SandboxHub
	// One stream is already live, as if an encoder were pushing, so the
	// live tools have something to show in `serve --sandbox`.
	sb.Pili.StartPush(SandboxHub, SandboxLiveStream)

	// Dora (ASR, censors, translation) shares the Qiniu keys; every Dora
	// endpoint is the one fake, WebSocket included.
	sb.Dora = dorafake.New(dorafake.Options{AccessKey: ak, SecretKey: sk, Step: opts.Step})
	if url, err = sb.serve(sb.Dora); err != nil {
		return nil, err
	}
	for _, name := range []string{"MCP_MEDIA_QINIU_ASR_URL", "MCP_MEDIA_QINIU_CENSOR_URL", "MCP_MEDIA_QINIU_TRANSLATE_URL"} {
		sb.Env[name] = url
	}
	sb.Env["MCP_MEDIA_QINIU_ASR_WS_URL"] = "ws" + strings.TrimPrefix(url, "http")

	// Alibaba Cloud ICE: the OSS fake first, since ICE hands out its address.
	sb.OSS = ossfake.New()
	ossURL, err := sb.serve(sb.OSS)
	if err != nil {
		return nil, err
	}
	aliID, aliSecret := "sbx-LTAI-"+token(), "sbx-alisk-"+token()
	sb.ICE = icefake.New(icefake.Options{AccessKeyID: aliID, AccessKeySecret: aliSecret, Region: "cn-shanghai",
		OSS: sb.OSS, OSSEndpoint: ossURL, Bucket: "outin-sandbox"})
	if url, err = sb.serve(sb.ICE); err != nil {
		return nil, err
	}
	sb.Creds["aliyun"] = map[string]string{"access_key_id": aliID, "access_key_secret": aliSecret, "region_id": "cn-shanghai"}
	sb.Env["MCP_MEDIA_ICE_URL"] = url

	// VOD: a small library with traffic history. The base URL is the
	// endpoint override, not a credential field, so the e2e proxies that
	// rewrite MCP_MEDIA_VOD_URL see every request.
	vt := "sbx-vod-" + token()
	sb.VOD = vodfake.New(vodfake.Options{Token: vt, Step: opts.Step})
	if url, err = sb.serve(sb.VOD); err != nil {
		return nil, err
	}
	day := 24 * time.Hour
	sb.VOD.Seed(url,
		vodfake.VideoSeed{Name: "Product launch keynote", Created: time.Now().Add(-40 * day), Size: 734003200, DurationMS: 1820000, Template: 3},
		vodfake.VideoSeed{Name: "Behind the scenes", Created: time.Now().Add(-12 * day), Size: 98566144, DurationMS: 312000, SharedState: 2},
		vodfake.VideoSeed{Name: "Customer interview", Created: time.Now().Add(-3 * day), Size: 157286400, DurationMS: 655500, SharedState: 1, Password: "sbx-share-" + token()[:6]},
	)
	sb.VOD.AddStorage(SandboxVODStorageID, "Intro reel", 52428800)
	sb.Creds["vod"] = map[string]string{"token": vt}
	sb.Env["MCP_MEDIA_VOD_URL"] = url
	sb.Env["MCP_MEDIA_VOD_STORAGE_URL"] = url
	return sb, nil
}

func (sb *Sandbox) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sb.Close()
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	sb.servers = append(sb.servers, srv)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

// Getenv returns the sandbox endpoints first, then the process environment
// for everything else (never the real providers' keys: those come from
// Creds).
func (sb *Sandbox) Getenv(name string) string {
	if v, ok := sb.Env[name]; ok {
		return v
	}
	return os.Getenv(name)
}

// Close stops every fake.
func (sb *Sandbox) Close() {
	for _, s := range sb.servers {
		_ = s.Close()
	}
	if sb.AIOZ != nil {
		sb.AIOZ.Close()
	}
	if sb.Dora != nil {
		sb.Dora.Close()
	}
	if sb.VOD != nil {
		sb.VOD.Close()
	}
}

func token() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
