package piliapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Domain types (spec §4.1.2, §4.2.3).
const (
	DomainPublishRtmp = "publishRtmp" // RTMP push
	DomainLiveRtmp    = "liveRtmp"    // RTMP play
	DomainLiveHls     = "liveHls"     // HLS play
	DomainLiveHdl     = "liveHdl"     // HTTP-FLV play
)

// HubDomain is one domain of a hub.
type HubDomain struct {
	Type       string `json:"type"`
	Domain     string `json:"domain"`
	Cname      string `json:"cname,omitempty"`
	CertEnable bool   `json:"certEnable,omitempty"`
	CertName   string `json:"certName,omitempty"`
}

// Nrop is the hub's porn-detection (鉴黄) config.
type Nrop struct {
	Enable     bool    `json:"enable"`
	Interval   int     `json:"interval"`
	NotifyURL  string  `json:"notifyURL"`
	NotifyRate float64 `json:"notifyRate"`
}

// AccessLog is the hub's live-log saving config.
type AccessLog struct {
	SaveBucket string `json:"saveBucket"`
	ExpireDays int    `json:"expireDays"`
}

// Hub is GetHub's answer (spec §4.1.2).
type Hub struct {
	Name                 string      `json:"hubName"`
	CreatedAt            int64       `json:"createdAt"`
	UpdatedAt            int64       `json:"updatedAt"`
	Domains              []HubDomain `json:"domains"`
	DefaultDomains       []HubDomain `json:"defaultDomains"`
	StorageBucket        string      `json:"storageBucket"`
	LiveDataExpireDays   int64       `json:"liveDataExpireDays"`
	PublishSecurity      string      `json:"publishSecurity"`
	Nrop                 Nrop        `json:"nrop"`
	PassiveCodecProfiles []string    `json:"passiveCodecProfiles"`
	Converts             []string    `json:"converts"`
	HlsPlus              bool        `json:"hlsPlus"`
	VodDomain            string      `json:"vodDomain"`
	AccessLog            AccessLog   `json:"accesslog"`
	SnapshotInterval     int         `json:"snapshotInterval"`
}

// UnmarshalJSON accepts both "hubName" (the example) and "name" (the table),
// spec quirk 1. encoding/json already matches the other keys
// case-insensitively (accesslog / accessLog).
func (h *Hub) UnmarshalJSON(b []byte) error {
	type plain Hub
	var v struct {
		plain
		AltName string `json:"name"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*h = Hub(v.plain)
	if h.Name == "" {
		h.Name = v.AltName
	}
	return nil
}

// DefaultDomain returns the hub's default domain of type typ, else its first
// domain of that type, else "".
func (h Hub) DefaultDomain(typ string) string {
	for _, d := range h.DefaultDomains {
		if d.Type == typ && d.Domain != "" {
			return d.Domain
		}
	}
	for _, d := range h.Domains {
		if d.Type == typ && d.Domain != "" {
			return d.Domain
		}
	}
	return ""
}

// ListHubs lists the account's hubs (spec §4.1.1).
func (c *Client) ListHubs(ctx context.Context) ([]string, error) {
	var out struct {
		Items []struct {
			Name    string `json:"name"`
			HubName string `json:"hubName"`
		} `json:"items"`
	}
	if err := c.get(ctx, c.pili, "/v2/hubs", nil, &out); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(out.Items))
	for _, it := range out.Items {
		n := it.Name
		if n == "" {
			n = it.HubName
		}
		names = append(names, n)
	}
	return names, nil
}

// GetHub reads a hub (spec §4.1.2).
func (c *Client) GetHub(ctx context.Context, hub string) (Hub, error) {
	var h Hub
	if err := need("hub", hub); err != nil {
		return h, err
	}
	err := c.get(ctx, c.pili, hubPath(hub), nil, &h)
	if h.Name == "" {
		h.Name = hub
	}
	return h, err
}

// SetHubSecurity sets the hub's push-auth scheme (expiry or expiry_sk) and
// key (spec §4.1.3).
func (c *Client) SetHubSecurity(ctx context.Context, hub, security, publishKey string) error {
	return c.setHub(ctx, hub, "/security",
		map[string]string{"publishSecurity": security, "publishKey": publishKey}, "security", security)
}

// setHub posts one hub setting, body, to the hub's path plus suffix once the
// hub and the other required values (name, value pairs) are there.
func (c *Client) setHub(ctx context.Context, hub, suffix string, body any, required ...string) error {
	if err := need(append([]string{"hub", hub}, required...)...); err != nil {
		return err
	}
	return c.post(ctx, c.pili, hubPath(hub)+suffix, body, nil, false)
}

// SetHubHlsPlus turns HLS low latency on or off (spec §4.1.4).
func (c *Client) SetHubHlsPlus(ctx context.Context, hub string, on bool) error {
	return c.setHub(ctx, hub, "/hlsplus", map[string]bool{"hlsPlus": on})
}

// SetHubPersistence sets the storage bucket and retention days, 60–1095
// (spec §4.1.5).
func (c *Client) SetHubPersistence(ctx context.Context, hub, bucket string, days int) error {
	return c.setHub(ctx, hub, "/persistence",
		map[string]any{"storageBucket": bucket, "liveDataExpireDays": days}, "bucket", bucket)
}

// SetHubSnapshot sets the cover snapshot interval in seconds; -1 turns
// covers off (spec §4.1.6).
func (c *Client) SetHubSnapshot(ctx context.Context, hub string, interval int) error {
	return c.setHub(ctx, hub, "/snapshot", map[string]int{"snapshotInterval": interval})
}

// ---- domains (spec §4.2) ----

// Callback is a domain's connect or disconnect callback config.
type Callback struct {
	Type          string            `json:"type"`
	URL           string            `json:"url"`
	Timeout       int64             `json:"timeout"`
	Vars          map[string]string `json:"vars,omitempty"`
	RetryTimes    int               `json:"retryTimes"`
	RetryInterval int               `json:"retryInterval"`
	SuccessCode   int               `json:"successCode"`
	FailCode      int               `json:"failCode"`
}

// IPLimit is a domain's CIDR allow and deny lists.
type IPLimit struct {
	WhiteList []string `json:"whitelist"`
	BlackList []string `json:"blacklist"`
}

// PlaySecurity is a domain's timestamp anti-leech config (spec §2.4). Key1
// and Key2 are secrets.
type PlaySecurity struct {
	Type        string `json:"type"`
	Key1        string `json:"key1,omitempty"`
	Key2        string `json:"key2,omitempty"`
	Range       int    `json:"range"`
	Rule        string `json:"rule"`
	Rule2       string `json:"rule2"`
	TsPart      string `json:"tsPart"`
	TsBase      int    `json:"tsBase"`
	SignPart    string `json:"signPart"`
	GapDuration int    `json:"gapDuration"`
}

// RewriteRule is one URL rewrite rule.
type RewriteRule struct {
	Pattern string `json:"pattern"`
	Replace string `json:"replace"`
}

// Domain is GetDomain's answer.
type Domain struct {
	Domain             string       `json:"domain"`
	Type               string       `json:"type"`
	Cname              string       `json:"cname"`
	ConnectCallback    Callback     `json:"connectCallback"`
	DisconnectCallback Callback     `json:"disconnectCallback"`
	IPLimit            IPLimit      `json:"ipLimit"`
	PlaySecurity       PlaySecurity `json:"playSecurity"`
	DisconnectDelay    int64        `json:"disconnectDelay"`
	URLRewrite         struct {
		Rules []RewriteRule `json:"rules"`
	} `json:"urlRewrite"`
	CertEnable bool   `json:"certEnable"`
	CertName   string `json:"certName"`
	Disable    bool   `json:"disable"`
}

// ListDomains lists a hub's domains.
func (c *Client) ListDomains(ctx context.Context, hub string) ([]HubDomain, error) {
	if err := need("hub", hub); err != nil {
		return nil, err
	}
	var out struct {
		Domains []HubDomain `json:"domains"`
	}
	err := c.get(ctx, c.pili, hubPath(hub)+"/domains", nil, &out)
	return out.Domains, err
}

// GetDomain reads one domain's config.
func (c *Client) GetDomain(ctx context.Context, hub, domain string) (Domain, error) {
	var d Domain
	if err := need("hub", hub, "domain", domain); err != nil {
		return d, err
	}
	err := c.get(ctx, c.pili, hubPath(hub)+"/domains/"+seg(domain), nil, &d)
	c.secret(d.PlaySecurity.Key1, d.PlaySecurity.Key2)
	return d, err
}

// BindDomain binds a push or play domain. The body uses the documented
// capital "Type" (spec quirk 2).
func (c *Client) BindDomain(ctx context.Context, hub, domain, typ string) error {
	if err := need("hub", hub, "domain", domain, "type", typ); err != nil {
		return err
	}
	return c.post(ctx, c.pili, hubPath(hub)+"/newdomains", map[string]string{"domain": domain, "Type": typ}, nil, false)
}

// UnbindDomain unbinds a domain. Like the example it sends
// Content-Type: application/json with no body.
func (c *Client) UnbindDomain(ctx context.Context, hub, domain string) error {
	if err := need("hub", hub, "domain", domain); err != nil {
		return err
	}
	_, err := c.pili.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: hubPath(hub) + "/domains/" + seg(domain), ContentType: ctJSON}, nil)
	return err
}

// BindVodDomain sets the VOD domain that serves recordings and snapshots.
func (c *Client) BindVodDomain(ctx context.Context, hub, domain string) error {
	if err := need("hub", hub, "domain", domain); err != nil {
		return err
	}
	return c.post(ctx, c.pili, hubPath(hub)+"/voddomain", map[string]string{"vodDomain": domain}, nil, false)
}

// SetDomainCert attaches a certificate uploaded to the Qiniu console, by name.
func (c *Client) SetDomainCert(ctx context.Context, hub, domain, certName string) error {
	if err := need("hub", hub, "domain", domain, "cert_name", certName); err != nil {
		return err
	}
	return c.post(ctx, c.pili, hubPath(hub)+"/domains/"+seg(domain)+"/cert", map[string]string{"certName": certName}, nil, false)
}

// SetDomainURLRewrite replaces the domain's rewrite rules; an empty list
// clears them.
func (c *Client) SetDomainURLRewrite(ctx context.Context, hub, domain string, rules []RewriteRule) error {
	if err := need("hub", hub, "domain", domain); err != nil {
		return err
	}
	if rules == nil {
		rules = []RewriteRule{}
	}
	return c.post(ctx, c.pili, hubPath(hub)+"/domains/"+seg(domain)+"/urlrewrite", map[string]any{"rules": rules}, nil, false)
}
