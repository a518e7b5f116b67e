package pilifake

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// Domain types (GetHub / BindDomain, spec §4.1.2, §4.2.3).
const (
	DomainPublishRtmp = "publishRtmp"
	DomainLiveRtmp    = "liveRtmp"
	DomainLiveHls     = "liveHls"
	DomainLiveHdl     = "liveHdl"
)

var cnameSuffix = map[string]string{
	DomainPublishRtmp: ".publish.z0.pili.pilidns.com",
	DomainLiveRtmp:    ".live-rtmp.z0.pili.pilidns.com",
	DomainLiveHls:     ".live-hls.z0.pili.pilidns.com",
	DomainLiveHdl:     ".live-hdl.z0.pili.pilidns.com", // INFERRED
}

type nropConf struct {
	Enable     bool    `json:"enable"`
	Interval   int     `json:"interval"`
	NotifyURL  string  `json:"notifyURL"`
	NotifyRate float64 `json:"notifyRate"`
}

type accessLog struct {
	SaveBucket string `json:"saveBucket"`
	ExpireDays int    `json:"expireDays"`
}

type rewriteRule struct {
	Pattern string `json:"pattern"`
	Replace string `json:"replace"`
}

type domain struct {
	Type, Domain, Cname string
	CertEnable          bool
	CertName            string
	Rules               []rewriteRule
}

type hub struct {
	Name                 string
	CreatedAt, UpdatedAt int64
	Domains              []*domain
	Defaults             map[string]string // type -> domain
	StorageBucket        string
	LiveDataExpireDays   int64
	PublishSecurity      string
	PublishKey           string
	Nrop                 nropConf
	PassiveCodecProfiles []string
	Converts             []string
	HlsPlus              bool
	VodDomain            string
	AccessLog            accessLog
	SnapshotInterval     int
	streams              map[string]*stream
}

// addHub creates a hub with default domains (the GetHub example's naming).
func (s *Server) addHub(name string) {
	now := unix(s.now())
	base := strings.ToLower(name) + ".cloudvdn.com"
	h := &hub{
		Name: name, CreatedAt: now, UpdatedAt: now,
		Defaults:             map[string]string{},
		StorageBucket:        strings.ToLower(name) + "-live",
		LiveDataExpireDays:   60,
		PublishSecurity:      "none",
		Nrop:                 nropConf{Interval: 5, NotifyRate: 0.8},
		PassiveCodecProfiles: []string{"480p", "720p"},
		Converts:             []string{},
		VodDomain:            "pili-vod." + base,
		SnapshotInterval:     10,
		streams:              map[string]*stream{},
	}
	for _, d := range []struct{ t, prefix string }{
		{DomainPublishRtmp, "pili-publish."},
		{DomainLiveRtmp, "pili-live-rtmp."},
		{DomainLiveHls, "pili-live-hls."},
		{DomainLiveHdl, "pili-live-hdl."},
	} {
		dn := d.prefix + base
		h.Domains = append(h.Domains, &domain{Type: d.t, Domain: dn, Cname: dn + cnameSuffix[d.t]})
		h.Defaults[d.t] = dn
	}
	s.hubs[name] = h
}

// hubFor looks the path's hub up; the caller holds s.mu. Unknown hubs are
// 404 {"error":"not found"} (INFERRED, spec §4.1.2).
func (s *Server) hubFor(w http.ResponseWriter, r *http.Request) *hub {
	h := s.hubs[r.PathValue("hub")]
	if h == nil {
		writeErr(w, http.StatusNotFound, "not found")
	}
	return h
}

func (s *Server) listHubs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.hubs))
	for n := range s.hubs {
		names = append(names, n)
	}
	sort.Strings(names)
	type item struct {
		Name string `json:"name"`
	}
	items := make([]item, len(names))
	for i, n := range names {
		items[i] = item{n}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

type hubDomainJSON struct {
	Type   string `json:"type"`
	Domain string `json:"domain"`
	Cname  string `json:"cname"`
}

type defaultDomainJSON struct {
	Type   string `json:"type"`
	Domain string `json:"domain"`
}

func (s *Server) getHub(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubFor(w, r)
	if h == nil {
		return
	}
	domains := []hubDomainJSON{}
	for _, d := range h.Domains {
		domains = append(domains, hubDomainJSON{d.Type, d.Domain, d.Cname})
	}
	defaults := []defaultDomainJSON{}
	for _, t := range []string{DomainLiveRtmp, DomainPublishRtmp, DomainLiveHls, DomainLiveHdl} {
		if dn, ok := h.Defaults[t]; ok {
			defaults = append(defaults, defaultDomainJSON{t, dn})
		}
	}
	writeJSON(w, http.StatusOK, struct {
		HubName              string              `json:"hubName"`
		CreatedAt            int64               `json:"createdAt"`
		UpdatedAt            int64               `json:"updatedAt"`
		Domains              []hubDomainJSON     `json:"domains"`
		DefaultDomains       []defaultDomainJSON `json:"defaultDomains"`
		StorageBucket        string              `json:"storageBucket"`
		LiveDataExpireDays   int64               `json:"liveDataExpireDays"`
		PublishSecurity      string              `json:"publishSecurity"`
		Nrop                 nropConf            `json:"nrop"`
		PassiveCodecProfiles []string            `json:"passiveCodecProfiles"`
		Converts             []string            `json:"converts"`
		HlsPlus              bool                `json:"hlsPlus"`
		VodDomain            string              `json:"vodDomain"`
		AccessLog            accessLog           `json:"accesslog"`
		SnapshotInterval     int                 `json:"snapshotInterval"`
	}{h.Name, h.CreatedAt, h.UpdatedAt, domains, defaults, h.StorageBucket, h.LiveDataExpireDays,
		h.PublishSecurity, h.Nrop, h.PassiveCodecProfiles, h.Converts, h.HlsPlus, h.VodDomain,
		h.AccessLog, h.SnapshotInterval})
}

// updateHub is the shape every hub setting shares: find the hub, decode the
// JSON body into body, let apply check it and change the hub (it returns a
// 400 message, or "" when it applied the change), then stamp and answer.
func (s *Server) updateHub(w http.ResponseWriter, r *http.Request, body any, apply func(h *hub) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubFor(w, r)
	if h == nil {
		return
	}
	if !decodeBody(w, r, body, false) {
		return
	}
	if msg := apply(h); msg != "" {
		writeErr(w, http.StatusBadRequest, msg)
		return
	}
	h.UpdatedAt = unix(s.now())
	writeOK(w)
}

func (s *Server) setHubSecurity(w http.ResponseWriter, r *http.Request) {
	var body struct {
		PublishSecurity string  `json:"publishSecurity"`
		PublishKey      *string `json:"publishKey"`
	}
	s.updateHub(w, r, &body, func(h *hub) string {
		// Only expiry and expiry_sk are accepted by the API (spec quirk 3).
		if body.PublishSecurity != "expiry" && body.PublishSecurity != "expiry_sk" {
			return "invalid publishSecurity"
		}
		if body.PublishKey == nil || (body.PublishSecurity == "expiry" && *body.PublishKey == "") {
			return "publishKey required"
		}
		h.PublishSecurity, h.PublishKey = body.PublishSecurity, *body.PublishKey
		return ""
	})
}

func (s *Server) setHubHlsPlus(w http.ResponseWriter, r *http.Request) {
	var body struct {
		HlsPlus *bool `json:"hlsPlus"`
	}
	s.updateHub(w, r, &body, func(h *hub) string {
		if body.HlsPlus == nil {
			return "hlsPlus required"
		}
		h.HlsPlus = *body.HlsPlus
		return ""
	})
}

func (s *Server) setHubPersistence(w http.ResponseWriter, r *http.Request) {
	var body struct {
		StorageBucket      string `json:"storageBucket"`
		LiveDataExpireDays *int64 `json:"liveDataExpireDays"`
	}
	s.updateHub(w, r, &body, func(h *hub) string {
		if body.StorageBucket == "" {
			return "storageBucket required"
		}
		// "取值范围为60 ~ 1095".
		if body.LiveDataExpireDays == nil || *body.LiveDataExpireDays < 60 || *body.LiveDataExpireDays > 1095 {
			return "liveDataExpireDays must be 60-1095"
		}
		h.StorageBucket, h.LiveDataExpireDays = body.StorageBucket, *body.LiveDataExpireDays
		return ""
	})
}

func (s *Server) setHubSnapshot(w http.ResponseWriter, r *http.Request) {
	var body struct {
		SnapshotInterval *int `json:"snapshotInterval"`
	}
	s.updateHub(w, r, &body, func(h *hub) string {
		// -1 turns the cover off; otherwise a positive interval (INFERRED).
		if body.SnapshotInterval == nil || (*body.SnapshotInterval != -1 && *body.SnapshotInterval <= 0) {
			return "snapshotInterval must be -1 or > 0"
		}
		h.SnapshotInterval = *body.SnapshotInterval
		return ""
	})
}

// ---- domains ----

func (s *Server) findDomain(h *hub, name string) (int, *domain) {
	for i, d := range h.Domains {
		if d.Domain == name {
			return i, d
		}
	}
	return -1, nil
}

func (s *Server) domainFor(w http.ResponseWriter, r *http.Request) (*hub, int, *domain) {
	h := s.hubFor(w, r)
	if h == nil {
		return nil, -1, nil
	}
	i, d := s.findDomain(h, r.PathValue("domain"))
	if d == nil {
		writeErr(w, http.StatusNotFound, "not found")
	}
	return h, i, d
}

func (s *Server) listDomains(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hubFor(w, r)
	if h == nil {
		return
	}
	type item struct {
		Type       string `json:"type"`
		Domain     string `json:"domain"`
		Cname      string `json:"cname"`
		CertEnable bool   `json:"certEnable"`
		CertName   string `json:"certName"`
	}
	items := []item{}
	for _, d := range h.Domains {
		items = append(items, item{d.Type, d.Domain, d.Cname, d.CertEnable, d.CertName})
	}
	writeJSON(w, http.StatusOK, map[string]any{"domains": items})
}

type callbackJSON struct {
	Type          string            `json:"type"`
	URL           string            `json:"url"`
	Timeout       int64             `json:"timeout"`
	Vars          map[string]string `json:"vars"`
	RetryTimes    int               `json:"retryTimes"`
	RetryInterval int               `json:"retryInterval"`
	SuccessCode   int               `json:"successCode"`
	FailCode      int               `json:"failCode"`
}

type playSecurityJSON struct {
	Type        string `json:"type"`
	Key1        string `json:"key1"`
	Key2        string `json:"key2"`
	Range       int    `json:"range"`
	Rule        string `json:"rule"`
	Rule2       string `json:"rule2"`
	TsPart      string `json:"tsPart"`
	TsBase      int    `json:"tsBase"`
	SignPart    string `json:"signPart"`
	GapDuration int    `json:"gapDuration"`
}

func (s *Server) getDomain(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, d := s.domainFor(w, r)
	if d == nil {
		return
	}
	rules := d.Rules
	if rules == nil {
		rules = []rewriteRule{}
	}
	// Callbacks, IP limits and playSecurity are console-only (spec §4.2.2);
	// they are reported with the example's zero values.
	writeJSON(w, http.StatusOK, struct {
		Domain             string                   `json:"domain"`
		Type               string                   `json:"type"`
		Cname              string                   `json:"cname"`
		ConnectCallback    callbackJSON             `json:"connectCallback"`
		DisconnectCallback callbackJSON             `json:"disconnectCallback"`
		IPLimit            map[string][]string      `json:"ipLimit"`
		PlaySecurity       playSecurityJSON         `json:"playSecurity"`
		DisconnectDelay    int64                    `json:"disconnectDelay"`
		URLRewrite         map[string][]rewriteRule `json:"urlRewrite"`
		CertEnable         bool                     `json:"certEnable"`
		CertName           string                   `json:"certName"`
		Disable            bool                     `json:"disable"`
	}{
		Domain: d.Domain, Type: d.Type, Cname: d.Cname,
		IPLimit:    map[string][]string{"whitelist": {}, "blacklist": {}},
		URLRewrite: map[string][]rewriteRule{"rules": rules},
		CertEnable: d.CertEnable, CertName: d.CertName,
	})
}

func (s *Server) bindDomain(w http.ResponseWriter, r *http.Request) {
	// The documented body is {"domain":..., "Type":...} with a capital T
	// (spec quirk 2); encoding/json also matches "type".
	var body struct {
		Domain string `json:"domain"`
		Type   string `json:"Type"`
	}
	s.updateHub(w, r, &body, func(h *hub) string {
		if body.Domain == "" {
			return "domain required"
		}
		if _, ok := cnameSuffix[body.Type]; !ok {
			return "invalid domain type"
		}
		for _, other := range s.hubs {
			if _, d := s.findDomain(other, body.Domain); d != nil {
				return "domain already bound" // fake-only
			}
		}
		if len(h.Domains) >= 20 { // "20 domains per hub" quota; fake-only error
			return "domain quota exceeded"
		}
		h.Domains = append(h.Domains, &domain{Type: body.Type, Domain: body.Domain, Cname: body.Domain + cnameSuffix[body.Type]})
		return ""
	})
}

func (s *Server) unbindDomain(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, i, d := s.domainFor(w, r)
	if d == nil {
		return
	}
	h.Domains = append(h.Domains[:i], h.Domains[i+1:]...)
	for t, dn := range h.Defaults {
		if dn == d.Domain {
			delete(h.Defaults, t)
		}
	}
	h.UpdatedAt = unix(s.now())
	writeOK(w)
}

func (s *Server) bindVodDomain(w http.ResponseWriter, r *http.Request) {
	var body struct {
		VodDomain string `json:"vodDomain"`
	}
	s.updateHub(w, r, &body, func(h *hub) string {
		if body.VodDomain == "" {
			return "vodDomain required"
		}
		h.VodDomain = body.VodDomain
		return ""
	})
}

func (s *Server) setDomainCert(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, d := s.domainFor(w, r)
	if d == nil {
		return
	}
	var body struct {
		CertName string `json:"certName"`
	}
	if !decodeBody(w, r, &body, false) {
		return
	}
	if body.CertName == "" {
		writeErr(w, http.StatusBadRequest, "certName required")
		return
	}
	d.CertEnable, d.CertName = true, body.CertName
	writeOK(w)
}

func (s *Server) setDomainURLRewrite(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, d := s.domainFor(w, r)
	if d == nil {
		return
	}
	var body struct {
		Rules *[]rewriteRule `json:"rules"`
	}
	if !decodeBody(w, r, &body, false) {
		return
	}
	if body.Rules == nil {
		writeErr(w, http.StatusBadRequest, "rules required")
		return
	}
	for _, rule := range *body.Rules {
		if rule.Pattern == "" || rule.Replace == "" {
			writeErr(w, http.StatusBadRequest, "pattern and replace required")
			return
		}
		if _, err := regexp.Compile(rule.Pattern); err != nil {
			writeErr(w, http.StatusBadRequest, "invalid pattern")
			return
		}
	}
	d.Rules = append([]rewriteRule{}, (*body.Rules)...) // empty clears (INFERRED)
	writeOK(w)
}
