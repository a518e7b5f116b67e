package pili

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/piliapi"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func (t *tools) adminTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_list_hubs",
			Title:       "List hubs",
			Description: "The account's live hubs (直播空间).",
			Annotations: ro,
		}, t.listHubs),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_hub",
			Title:       "Get hub",
			Description: "A hub's domains, push auth, storage, HLS low latency, cover and porn-detection settings.",
			Annotations: ro,
		}, t.getHub),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_set_hub_security",
			Title:       "Set hub push security",
			Description: "Set the hub's push auth to expiry (mcp-media installs a publish key it never shows) or expiry_sk (signed with the account keys). Existing push URLs stop working.",
			Annotations: toolkit.Annotations{Destructive: true},
		}, t.setHubSecurity),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_set_hub_hls_plus",
			Title:       "Set HLS low latency",
			Description: "Turn HLS low latency (HLS+) on or off for a hub.",
			Annotations: setIdem,
		}, t.setHubHlsPlus),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_set_hub_storage",
			Title:       "Set hub storage",
			Description: "Set the bucket (North China, public) and retention days (60-1095) for a hub's recordings; shorter retention deletes older data sooner.",
			Annotations: replaces,
		}, t.setHubStorage),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_set_hub_cover",
			Title:       "Set hub cover",
			Description: "Set the live cover snapshot interval in seconds, or -1 to turn covers off.",
			Annotations: setIdem,
		}, t.setHubCover),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_list_domains",
			Title:       "List hub domains",
			Description: "A hub's push and play domains with CNAMEs and certificates.",
			Annotations: ro,
		}, t.listDomains),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_domain",
			Title:       "Get domain",
			Description: "A domain's callbacks, IP limits, anti-leech type, URL rewrite and certificate (keys never shown).",
			Annotations: ro,
		}, t.getDomain),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_bind_domain",
			Title:       "Bind domain",
			Description: "Bind a push (publishRtmp) or play (liveRtmp, liveHls, liveHdl) domain; it needs an ICP filing and a CNAME.",
			Annotations: additive,
		}, t.bindDomain),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_unbind_domain",
			Title:       "Unbind domain",
			Description: "Unbind a domain: pushing or playing through it stops.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.unbindDomain),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_bind_vod_domain",
			Title:       "Bind VOD domain",
			Description: "Set the VOD domain that serves a hub's recordings and snapshots (replaces the current one).",
			Annotations: replaces,
		}, t.bindVodDomain),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_set_domain_cert",
			Title:       "Set domain certificate",
			Description: "Replace a domain's SSL certificate with one uploaded to the Qiniu console, by name.",
			Annotations: replaces,
		}, t.setDomainCert),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_set_domain_url_rewrite",
			Title:       "Set URL rewrite",
			Description: "Replace a domain's URL rewrite rules (regex pattern → replace); [] clears them.",
			Annotations: replaces,
		}, t.setURLRewrite),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_set_stream_nrop",
			Title:       "Set stream porn detection",
			Description: "Turn porn detection (鉴黄) on or off for one stream; the hub's detection settings apply.",
			Annotations: setIdem,
		}, t.setStreamNrop),
	}
}

// NoInput takes no arguments.
type NoInput struct{}

// HubsOutput lists hub names.
type HubsOutput struct {
	Hubs []string `json:"hubs"`
}

func (t *tools) listHubs(ctx context.Context, _ *toolkit.Call, _ NoInput) (HubsOutput, string, error) {
	c, err := t.client.Get()
	if err != nil {
		return HubsOutput{}, "", err
	}
	hubs, err := c.ListHubs(ctx)
	if err != nil {
		return HubsOutput{}, "", err
	}
	out := HubsOutput{Hubs: hubs}
	text, err := templates.PiliHubList.Render(templates.PiliHubListData{Hubs: hubs, DefaultEnv: EnvHub, Default: t.getenv(EnvHub)})
	if err != nil {
		return HubsOutput{}, "", err
	}
	return out, text, nil
}

// hubCard renders a hub, with an optional note under it.
func hubCard(heading string, h piliapi.Hub, note string) (string, error) {
	return templates.PiliHubCard.Render(templates.PiliHubCardData{
		Heading: heading, Name: h.Name, PublishSecurity: h.PublishSecurity,
		StorageBucket: h.StorageBucket, ExpireDays: h.LiveDataExpireDays, VodDomain: h.VodDomain,
		HlsPlus: h.HlsPlus, CoverSeconds: h.SnapshotInterval,
		Nrop: h.Nrop.Enable, NropInterval: h.Nrop.Interval, NropNotifyRate: h.Nrop.NotifyRate,
		Profiles: h.PassiveCodecProfiles, Domains: domainRows(h.Domains), Note: note,
	})
}

func domainRows(ds []piliapi.HubDomain) []templates.PiliDomainRow {
	rows := make([]templates.PiliDomainRow, 0, len(ds))
	for _, d := range ds {
		rows = append(rows, templates.PiliDomainRow{Type: d.Type, Domain: d.Domain, Cname: d.Cname, CertEnable: d.CertEnable, CertName: d.CertName})
	}
	return rows
}

// hubAfter reads the hub back after a change.
func (t *tools) hubAfter(ctx context.Context, c *piliapi.Client, hub, heading string, note string) (piliapi.Hub, string, error) {
	h, err := c.GetHub(ctx, hub)
	if err != nil {
		return piliapi.Hub{}, "", fmt.Errorf("the change was made but reading the hub back failed: %w", err)
	}
	h = cleanHub(h)
	text, err := hubCard(heading, h, note)
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	return h, text, nil
}

// cleanHub turns absent lists into empty ones, as the output schema wants.
func cleanHub(h piliapi.Hub) piliapi.Hub {
	return h
}

func (t *tools) hubClient(h string) (*piliapi.Client, string, error) {
	hub, err := t.hub(h)
	if err != nil {
		return nil, "", err
	}
	c, err := t.client.Get()
	return c.Client, hub, err
}

func (t *tools) getHub(ctx context.Context, _ *toolkit.Call, in HubArg) (piliapi.Hub, string, error) {
	c, hub, err := t.hubClient(in.Hub)
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	h, err := c.GetHub(ctx, hub)
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	h = cleanHub(h)
	text, err := hubCard("🏠 Hub", h, "")
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	return h, text, nil
}

// SecurityInput are qiniu_set_hub_security's arguments.
type SecurityInput struct {
	HubArg
	Scheme string `json:"scheme" jsonschema:"required,enum=expiry,enum=expiry_sk"`
}

func (t *tools) setHubSecurity(ctx context.Context, _ *toolkit.Call, in SecurityInput) (piliapi.Hub, string, error) {
	c, hub, err := t.hubClient(in.Hub)
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	key, note := "", "expiry_sk: push tokens are signed with the account's SecretKey; no separate key to keep."
	if in.Scheme == qiniuauth.PublishSecurityExpiry {
		if key = t.getenv(EnvPublishKey); key != "" {
			note = "expiry: the publish key from " + EnvPublishKey + " was installed (never shown); qiniu_stream_urls signs with it."
		} else {
			key = randomKey()
			note = "expiry: a new random publish key was installed (never shown); qiniu_stream_urls signs push URLs with it."
		}
		t.secret(key)
	}
	if err := c.SetHubSecurity(ctx, hub, in.Scheme, key); err != nil {
		return piliapi.Hub{}, "", err
	}
	if key != "" {
		if err := t.rememberKey(hub, key); err != nil {
			note += " It could not be saved in the OS keyring (" + err.Error() + "), so it is kept in memory only until the server stops; set " +
				EnvPublishKey + " to the hub's key to sign after a restart."
		} else {
			note += " It is kept in the OS keyring (service mcp-media, account qiniu/" + auxPublishKey(hub) + ") and survives restarts."
		}
	} else {
		t.mu.Lock()
		delete(t.keys, hub)
		t.mu.Unlock()
	}
	return t.hubAfter(ctx, c, hub, "🔐 Push security set", note+" Push URLs issued before this change no longer work.")
}

// HlsPlusInput are qiniu_set_hub_hls_plus' arguments.
type HlsPlusInput struct {
	HubArg
	Enabled bool `json:"enabled" jsonschema:"required"`
}

func (t *tools) setHubHlsPlus(ctx context.Context, _ *toolkit.Call, in HlsPlusInput) (piliapi.Hub, string, error) {
	c, hub, err := t.hubClient(in.Hub)
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	if err := c.SetHubHlsPlus(ctx, hub, in.Enabled); err != nil {
		return piliapi.Hub{}, "", err
	}
	return t.hubAfter(ctx, c, hub, "⚡ HLS low latency set", "")
}

// StorageInput are qiniu_set_hub_storage's arguments.
type StorageInput struct {
	HubArg
	Bucket     string `json:"bucket" jsonschema:"maxLength=256,required"`
	ExpireDays int    `json:"expire_days" jsonschema:"required,minimum=60,maximum=1095"`
}

func (t *tools) setHubStorage(ctx context.Context, _ *toolkit.Call, in StorageInput) (piliapi.Hub, string, error) {
	if strings.TrimSpace(in.Bucket) == "" {
		return piliapi.Hub{}, "", argerr.New("bucket", "is empty", "give an existing public bucket in North China (华北)")
	}
	c, hub, err := t.hubClient(in.Hub)
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	if err := c.SetHubPersistence(ctx, hub, strings.TrimSpace(in.Bucket), in.ExpireDays); err != nil {
		return piliapi.Hub{}, "", err
	}
	return t.hubAfter(ctx, c, hub, "🗄️ Storage set", "E-commerce live streams must be kept 1095 days by regulation.")
}

// CoverInput are qiniu_set_hub_cover's arguments.
type CoverInput struct {
	HubArg
	IntervalSeconds int `json:"interval_seconds" jsonschema:"required,minimum=-1"`
}

func (t *tools) setHubCover(ctx context.Context, _ *toolkit.Call, in CoverInput) (piliapi.Hub, string, error) {
	if in.IntervalSeconds == 0 {
		return piliapi.Hub{}, "", argerr.New("interval_seconds", "is 0", "give a positive interval in seconds, or -1 to turn covers off")
	}
	c, hub, err := t.hubClient(in.Hub)
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	if err := c.SetHubSnapshot(ctx, hub, in.IntervalSeconds); err != nil {
		return piliapi.Hub{}, "", err
	}
	return t.hubAfter(ctx, c, hub, "🖼️ Cover interval set", "")
}

// DomainsOutput lists a hub's domains.
type DomainsOutput struct {
	Hub     string              `json:"hub"`
	Domains []piliapi.HubDomain `json:"domains"`
}

// domainTable renders a hub's domains, with an optional note under them.
func domainTable(hub, heading string, ds []piliapi.HubDomain, note string) (string, error) {
	return templates.PiliDomainList.Render(templates.PiliDomainListData{Heading: heading, Hub: hub, Domains: domainRows(ds), Note: note})
}

func (t *tools) listDomains(ctx context.Context, _ *toolkit.Call, in HubArg) (DomainsOutput, string, error) {
	c, hub, err := t.hubClient(in.Hub)
	if err != nil {
		return DomainsOutput{}, "", err
	}
	ds, err := c.ListDomains(ctx, hub)
	if err != nil {
		return DomainsOutput{}, "", err
	}
	text, err := domainTable(hub, "🌐 Domains", ds, "")
	if err != nil {
		return DomainsOutput{}, "", err
	}
	return DomainsOutput{Hub: hub, Domains: ds}, text, nil
}

// DomainArg names a domain of a hub.
type DomainArg struct {
	HubArg
	Domain string `json:"domain" jsonschema:"maxLength=256,required"`
}

// DomainOutput is a domain's config, anti-leech keys left out.
type DomainOutput struct {
	Hub         string         `json:"hub"`
	Domain      piliapi.Domain `json:"domain"`
	PlayKeysSet bool           `json:"play_keys_set"`
}

func (t *tools) domainOut(hub string, d piliapi.Domain) (DomainOutput, string, error) {
	set := d.PlaySecurity.Key1 != "" || d.PlaySecurity.Key2 != ""
	d.PlaySecurity.Key1, d.PlaySecurity.Key2 = "", ""
	out := DomainOutput{Hub: hub, Domain: d, PlayKeysSet: set}
	v := templates.PiliDomainCardData{Hub: hub, Domain: d.Domain, Type: d.Type, Cname: d.Cname, PlayKeysSet: set,
		CertEnable: d.CertEnable, CertName: d.CertName, Disabled: d.Disable,
		ConnectCallback: callback(d.ConnectCallback), DisconnectCallback: callback(d.DisconnectCallback),
		Allow: len(d.IPLimit.WhiteList), Deny: len(d.IPLimit.BlackList)}
	if d.PlaySecurity.Type != "none" {
		v.AntiLeech = d.PlaySecurity.Type
	}
	for _, r := range d.URLRewrite.Rules {
		v.Rewrites = append(v.Rewrites, templates.PiliRewrite{Pattern: oneLine(r.Pattern), Replace: oneLine(r.Replace)})
	}
	text, err := templates.PiliDomainCard.Render(v)
	if err != nil {
		return DomainOutput{}, "", err
	}
	return out, text, nil
}

// callback is a domain callback as "<type> <url>", or "" when it is off.
func callback(cb piliapi.Callback) string {
	if cb.Type == "" {
		return ""
	}
	return cb.Type + " " + cb.URL
}

// oneLine keeps a value on its list item's line, in one code span.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "`", "'").Replace(s)
}

func (t *tools) domainClient(a DomainArg) (*piliapi.Client, string, string, error) {
	d := strings.TrimSpace(a.Domain)
	if d == "" {
		return nil, "", "", argerr.New("domain", "is empty", "give the domain name, e.g. pili-live-hls.example.com")
	}
	c, hub, err := t.hubClient(a.Hub)
	return c, hub, d, err
}

func (t *tools) getDomain(ctx context.Context, _ *toolkit.Call, in DomainArg) (DomainOutput, string, error) {
	c, hub, domain, err := t.domainClient(in)
	if err != nil {
		return DomainOutput{}, "", err
	}
	d, err := c.GetDomain(ctx, hub, domain)
	if err != nil {
		return DomainOutput{}, "", err
	}
	return t.domainOut(hub, d)
}

// BindInput are qiniu_bind_domain's arguments.
type BindInput struct {
	DomainArg
	Type string `json:"type" jsonschema:"required,enum=publishRtmp,enum=liveRtmp,enum=liveHls,enum=liveHdl"`
}

func (t *tools) domainsAfter(ctx context.Context, c *piliapi.Client, hub, heading, note string) (DomainsOutput, string, error) {
	ds, err := c.ListDomains(ctx, hub)
	if err != nil {
		return DomainsOutput{}, "", fmt.Errorf("the change was made but listing the domains failed: %w", err)
	}
	text, err := domainTable(hub, heading, ds, note)
	if err != nil {
		return DomainsOutput{}, "", err
	}
	return DomainsOutput{Hub: hub, Domains: ds}, text, nil
}

func (t *tools) bindDomain(ctx context.Context, _ *toolkit.Call, in BindInput) (DomainsOutput, string, error) {
	c, hub, domain, err := t.domainClient(in.DomainArg)
	if err != nil {
		return DomainsOutput{}, "", err
	}
	if err := c.BindDomain(ctx, hub, domain, in.Type); err != nil {
		return DomainsOutput{}, "", err
	}
	return t.domainsAfter(ctx, c, hub, "🌐 Domain bound", "Point a CNAME record for "+domain+" at the CNAME shown above before using it.")
}

func (t *tools) unbindDomain(ctx context.Context, _ *toolkit.Call, in DomainArg) (DomainsOutput, string, error) {
	c, hub, domain, err := t.domainClient(in)
	if err != nil {
		return DomainsOutput{}, "", err
	}
	if err := c.UnbindDomain(ctx, hub, domain); err != nil {
		return DomainsOutput{}, "", err
	}
	return t.domainsAfter(ctx, c, hub, "🌐 Domain unbound", domain+" no longer pushes or plays.")
}

func (t *tools) bindVodDomain(ctx context.Context, _ *toolkit.Call, in DomainArg) (piliapi.Hub, string, error) {
	c, hub, domain, err := t.domainClient(in)
	if err != nil {
		return piliapi.Hub{}, "", err
	}
	if err := c.BindVodDomain(ctx, hub, domain); err != nil {
		return piliapi.Hub{}, "", err
	}
	return t.hubAfter(ctx, c, hub, "📼 VOD domain set", "Recordings and snapshots are served through "+domain+".")
}

// CertInput are qiniu_set_domain_cert's arguments.
type CertInput struct {
	DomainArg
	CertName string `json:"cert_name" jsonschema:"maxLength=256,required" jsonschema_description:"Certificate name from the Qiniu console (SSL certificates)"`
}

func (t *tools) setDomainCert(ctx context.Context, _ *toolkit.Call, in CertInput) (DomainOutput, string, error) {
	c, hub, domain, err := t.domainClient(in.DomainArg)
	if err != nil {
		return DomainOutput{}, "", err
	}
	if strings.TrimSpace(in.CertName) == "" {
		return DomainOutput{}, "", argerr.New("cert_name", "is empty", "give the certificate's name as shown in the Qiniu console")
	}
	if err := c.SetDomainCert(ctx, hub, domain, strings.TrimSpace(in.CertName)); err != nil {
		return DomainOutput{}, "", err
	}
	d, err := c.GetDomain(ctx, hub, domain)
	if err != nil {
		return DomainOutput{}, "", fmt.Errorf("the certificate was set but reading the domain back failed: %w", err)
	}
	return t.domainOut(hub, d)
}

// RewriteInput are qiniu_set_domain_url_rewrite's arguments.
type RewriteInput struct {
	DomainArg
	Rules []RuleArg `json:"rules" jsonschema:"required"`
}

// RuleArg is one rewrite rule.
type RuleArg struct {
	Pattern string `json:"pattern" jsonschema:"required" jsonschema_description:"Regex over the full URL, e.g. (.+)/live/(.+)/playlist.m3u8"`
	Replace string `json:"replace" jsonschema:"required" jsonschema_description:"Result with ${n} groups; must be <scheme>://<domain>/<hub>/<stream>[.<ext>]?<query>"`
}

func (t *tools) setURLRewrite(ctx context.Context, _ *toolkit.Call, in RewriteInput) (DomainOutput, string, error) {
	c, hub, domain, err := t.domainClient(in.DomainArg)
	if err != nil {
		return DomainOutput{}, "", err
	}
	rules := []piliapi.RewriteRule{}
	for i, r := range in.Rules {
		if strings.TrimSpace(r.Pattern) == "" || strings.TrimSpace(r.Replace) == "" {
			return DomainOutput{}, "", argerr.New(fmt.Sprintf("rules.%d", i), "needs both pattern and replace", "")
		}
		rules = append(rules, piliapi.RewriteRule{Pattern: r.Pattern, Replace: r.Replace})
	}
	if err := c.SetDomainURLRewrite(ctx, hub, domain, rules); err != nil {
		return DomainOutput{}, "", err
	}
	d, err := c.GetDomain(ctx, hub, domain)
	if err != nil {
		return DomainOutput{}, "", fmt.Errorf("the rules were set but reading the domain back failed: %w", err)
	}
	return t.domainOut(hub, d)
}

// NropInput are qiniu_set_stream_nrop's arguments.
type NropInput struct {
	StreamArg
	Enabled bool `json:"enabled" jsonschema:"required"`
}

func (t *tools) setStreamNrop(ctx context.Context, _ *toolkit.Call, in NropInput) (StreamView, string, error) {
	c, hub, title, err := t.target(in.StreamArg)
	if err != nil {
		return StreamView{}, "", err
	}
	if err := c.SetStreamNrop(ctx, hub, title, in.Enabled); err != nil {
		return StreamView{}, "", notFound(err, hub, title)
	}
	v, err := t.view(ctx, c, hub, title)
	if err != nil {
		return StreamView{}, "", fmt.Errorf("porn detection was set but reading the stream back failed: %w", err)
	}
	next := "Per-stream detection uses the hub's interval, threshold and callback URL (console settings; qiniu_get_hub shows them)"
	return cardResult("🔍 Porn detection set", v, next)
}
