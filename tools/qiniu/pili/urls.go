package pili

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/piliapi"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// maxURLValidity caps how long signed URLs stay valid: a leaked URL keeps
// working until its expiry.
const maxURLValidity = 7 * 24 * time.Hour

// URLsInput are qiniu_stream_urls' arguments.
type URLsInput struct {
	StreamArg
	ExpiresIn string `json:"expires_in,omitempty" jsonschema_description:"Validity: 30m, 2h, 1d (default 1h; at most 7 days)"`
	ExpiresAt string `json:"expires_at,omitempty" jsonschema_description:"Or an absolute expiry (date/time), at most 7 days ahead"`
}

// URLsOutput is a stream's card with its URLs and notes.
type URLsOutput struct {
	StreamView
	URLs  *URLSet  `json:"urls"`
	Notes []string `json:"notes,omitempty"`
}

// URLSet are a stream's push and play URLs. Signed URLs carry expiring
// tokens, never a key.
type URLSet struct {
	ExpiresAt   string `json:"expires_at"`
	ExpiresUnix int64  `json:"expires_unix"`
	PushAuth    string `json:"push_auth"`
	RTMPPush    string `json:"rtmp_push,omitempty"`
	SRTPush     string `json:"srt_push,omitempty"`
	RTMPPlay    string `json:"rtmp_play,omitempty"`
	HLSPlay     string `json:"hls_play,omitempty"`
	HDLPlay     string `json:"hdl_play,omitempty"`
	Cover       string `json:"cover,omitempty"`
	PlaySigned  bool   `json:"play_signed"`
}

// streamURLs computes the URLs locally: the hub gives the domains and the
// push-auth scheme, each play domain its anti-leech settings, and the keys
// sign. The tokens are the deliverable, so they are not registered for
// redaction; keys are, and a URL that would contain one is withheld. An
// expiry_sk token is "AccessKey:signature": the AccessKey is an identifier
// (never registered), the SecretKey only signs.
func (t *tools) streamURLs(ctx context.Context, _ *toolkit.Call, in URLsInput) (URLsOutput, string, error) {
	now := t.now()
	exp := now.Add(time.Hour)
	switch {
	case in.ExpiresIn != "" && in.ExpiresAt != "":
		return URLsOutput{}, "", argerr.New("expires_at", "give `expires_in` or `expires_at`, not both", "")
	case in.ExpiresIn != "":
		d, err := parseDuration("expires_in", in.ExpiresIn)
		if err != nil {
			return URLsOutput{}, "", err
		}
		if d > maxURLValidity {
			return URLsOutput{}, "", argerr.New("expires_in", fmt.Sprintf("%q is longer than the cap of 7 days", in.ExpiresIn),
				"give at most 7d (168h); call qiniu_stream_urls again for fresh URLs later")
		}
		exp = now.Add(d)
	case in.ExpiresAt != "":
		u, err := t.instant("expires_at", in.ExpiresAt, true)
		if err != nil {
			return URLsOutput{}, "", err
		}
		if !u.After(now) {
			return URLsOutput{}, "", argerr.New("expires_at", fmt.Sprintf("%s is not in the future", fmtTime(u.Unix())), "give a later time or use `expires_in`")
		}
		if u.Sub(now) > maxURLValidity {
			return URLsOutput{}, "", argerr.New("expires_at", fmt.Sprintf("%s is more than the cap of 7 days ahead", fmtTime(u.Unix())),
				"give a time before "+fmtTime(now.Add(maxURLValidity).Unix())+"; call qiniu_stream_urls again for fresh URLs later")
		}
		exp = u
	}
	hub, err := t.hub(in.Hub)
	if err != nil {
		return URLsOutput{}, "", err
	}
	title := strings.TrimSpace(in.Stream)
	if err := checkStream("stream", title); err != nil {
		return URLsOutput{}, "", err
	}
	c, err := t.client.Get()
	if err != nil {
		return URLsOutput{}, "", err
	}
	h, err := c.GetHub(ctx, hub)
	if err != nil {
		return URLsOutput{}, "", err
	}
	st, stErr := c.GetStream(ctx, hub, title)
	var v URLsOutput
	switch {
	case stErr == nil:
		v.StreamView = t.viewOf(ctx, c.Client, hub, title, st)
	case piliapi.IsNotFound(stErr):
		v.StreamView = StreamView{Hub: hub, Stream: title, Status: "offline", PublishSecurity: "hub default"}
		v.Notes = []string{"The stream does not exist yet; Qiniu creates it on the first push."}
	default:
		return URLsOutput{}, "", stErr
	}
	u := &URLSet{ExpiresAt: fmtTime(exp.Unix()), ExpiresUnix: exp.Unix()}
	v.URLs = u
	note := func(s string) { v.Notes = append(v.Notes, s) }
	// withheld keeps a URL out of the result when it would carry a
	// registered secret (the redaction set would mask it anyway).
	withheld := func(s string) bool { return t.env.Redact != nil && t.env.Redact.Contains(s) }

	// Push.
	security, key := h.PublishSecurity, ""
	if st.PublishSecurity != "" {
		security, key = st.PublishSecurity, st.PublishKey
	}
	if security == "" {
		security = qiniuauth.PublishSecurityNone
	}
	u.PushAuth = security
	if key == "" && security != qiniuauth.PublishSecurityExpirySK {
		key = t.publishKey(hub)
	}
	pushDomain := h.DefaultDomain(piliapi.DomainPublishRtmp)
	pushOK := true
	switch {
	case pushDomain == "":
		pushOK = false
		note("No RTMP push domain is bound to the hub: bind one with qiniu_bind_domain (type publishRtmp).")
	case security == qiniuauth.PublishSecurityNone:
		note("⚠️ The hub has no push authentication: anyone with the push URL can publish. Turn it on with qiniu_set_hub_security.")
	case security == qiniuauth.PublishSecurityStatic:
		pushOK = false
		note("Push URLs are withheld: static push auth puts the publish key itself in the URL, and mcp-media never shows keys. Switch the hub to expiry with qiniu_set_hub_security.")
	case (security == qiniuauth.PublishSecurityExpiry || security == qiniuauth.PublishSecurityDynamic) && key == "":
		pushOK = false
		note(fmt.Sprintf("Push URLs need the hub's publish key (%s auth), which the Qiniu API does not return: install one with qiniu_set_hub_security, or set %s in the server's environment.", security, EnvPublishKey))
	}
	if pushOK {
		auth := qiniuauth.PushAuth{Security: security, PublishKey: key, Credentials: c.keys, ExpireAt: exp.Unix(), Nonce: now.Unix()}
		if security == qiniuauth.PublishSecurityExpirySK && t.env.Redact != nil {
			// "AccessKey:signature" is this URL's token and the deliverable;
			// any other signature after the AccessKey stays masked.
			t.env.Redact.Deliver(c.keys.ExpirySKToken(hub, title, exp.Unix()))
		}
		rtmp, err1 := qiniuauth.RTMPPublishURL(pushDomain, hub, title, auth)
		srt, err2 := qiniuauth.SRTPublishURL(pushDomain, hub, title, auth)
		switch {
		case err1 != nil || err2 != nil:
			note(fmt.Sprintf("Push URLs could not be built for push auth %q; qiniu_set_hub_security sets expiry or expiry_sk.", security))
		case withheld(rtmp) || withheld(srt):
			note("Push URLs are withheld: they would carry a key, and mcp-media never shows keys. Switch the hub to expiry with qiniu_set_hub_security.")
		default:
			u.RTMPPush, u.SRTPush = rtmp, srt
			if security != qiniuauth.PublishSecurityNone {
				note("The push must START before " + u.ExpiresAt + "; a push already running is not cut at expiry.")
			}
			note("OBS: paste the SRT URL as the server and leave the stream key empty (OBS 25+).")
		}
	}

	// Play.
	type play struct {
		typ string
		dst *string
		mk  func(domain, hub, title string) string
	}
	signed, unsigned := 0, 0
	for _, p := range []play{
		{piliapi.DomainLiveRtmp, &u.RTMPPlay, qiniuauth.RTMPPlayURL},
		{piliapi.DomainLiveHls, &u.HLSPlay, qiniuauth.HLSPlayURL},
		{piliapi.DomainLiveHdl, &u.HDLPlay, qiniuauth.HDLPlayURL},
	} {
		domain := h.DefaultDomain(p.typ)
		if domain == "" {
			continue
		}
		raw := p.mk(domain, hub, title)
		d, err := c.GetDomain(ctx, hub, domain)
		if err != nil {
			note(fmt.Sprintf("Could not read play domain %s (%v); its URL is given unsigned.", domain, err))
			*p.dst = raw
			unsigned++
			continue
		}
		ps := d.PlaySecurity
		switch {
		case ps.Type == "" || ps.Type == "none" || ps.Key1 == "":
			*p.dst = raw
			unsigned++
		case (ps.Type == "tsExpireMD5" || ps.Type == "tsStartMD5") && simpleRule(ps):
			tt := exp.Unix()
			if ps.Type == "tsStartMD5" {
				tt = now.Unix()
				note(fmt.Sprintf("%s signs the start time: its play URL is valid for %d s from now (domain setting), not until the expiry.", domain, ps.Range))
			}
			s, err := qiniuauth.SignPlayURL(raw, ps.Key1, tt)
			if err != nil || withheld(s) {
				note("The play URL of " + domain + " could not be signed safely; it is withheld.")
				continue
			}
			*p.dst = s
			signed++
		default:
			note(fmt.Sprintf("Play domain %s uses a custom anti-leech rule (%s) that mcp-media cannot sign; its URL is withheld.", domain, ps.Type))
		}
	}
	u.PlaySigned = signed > 0 && unsigned == 0
	if u.RTMPPlay == "" && u.HLSPlay == "" && u.HDLPlay == "" {
		note("No play URL: bind a play domain with qiniu_bind_domain (liveRtmp, liveHls or liveHdl).")
	}

	// Cover.
	if cover := snapshotDomain(h); cover != "" && h.SnapshotInterval != -1 {
		u.Cover = qiniuauth.SnapshotURL(cover, hub, title)
	} else if h.SnapshotInterval == -1 {
		note("Covers are off for this hub (qiniu_set_hub_cover turns them on).")
	} else {
		note("No cover URL: the hub lists no snapshot (cover) domain.")
	}
	text, err := urlCard("🔗 Stream URLs", v,
		"Give the push URL to the publisher (OBS: RTMP server + stream key, or the SRT URL)",
		"Give a play URL to viewers; after the expiry call qiniu_stream_urls again",
		"Check the push: qiniu_get_live_status")
	if err != nil {
		return URLsOutput{}, "", err
	}
	return v, text, nil
}

// simpleRule reports whether a play-security config is the documented
// sign=md5(key+path+t)&t=<hex> scheme of spec §2.4.
func simpleRule(ps piliapi.PlaySecurity) bool {
	return (ps.TsPart == "" || ps.TsPart == "t") && (ps.SignPart == "" || ps.SignPart == "sign") &&
		(ps.TsBase == 0 || ps.TsBase == 16) && (ps.Rule == "" || ps.Rule == "$(key)$(path)$(_t)")
}

// snapshotDomain finds a cover (直播封面) domain; the API's domain types
// have none, so a domain named or typed "snapshot" is used.
func snapshotDomain(h piliapi.Hub) string {
	for _, d := range append(append([]piliapi.HubDomain{}, h.DefaultDomains...), h.Domains...) {
		if strings.Contains(strings.ToLower(d.Type+" "+d.Domain), "snapshot") {
			return d.Domain
		}
	}
	return ""
}
