package pilifake

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestHubRoutes(t *testing.T) {
	e := newEnv(t, "test", "testhub2")
	steps := []struct {
		name, method, target, body string
		code                       int
		contains                   []string
	}{
		{"list hubs", "GET", "/v2/hubs", "", 200, []string{`{"items":[{"name":"test"},{"name":"testhub2"}]}`}},
		{"get hub", "GET", "/v2/hubs/test", "", 200, []string{`"hubName":"test"`, `"accesslog":{"saveBucket":"","expireDays":0}`,
			`"defaultDomains":[{"type":"liveRtmp","domain":"pili-live-rtmp.test.cloudvdn.com"}`,
			`{"type":"publishRtmp","domain":"pili-publish.test.cloudvdn.com","cname":"pili-publish.test.cloudvdn.com.publish.z0.pili.pilidns.com"}`,
			`"publishSecurity":"none"`, `"converts":[]`, `"snapshotInterval":10`, `"vodDomain":"pili-vod.test.cloudvdn.com"`,
			`"nrop":{"enable":false,"interval":5,"notifyURL":"","notifyRate":0.8}`}},
		{"get unknown hub", "GET", "/v2/hubs/nohub", "", 404, []string{`{"error":"not found"}`}},
		{"security expiry", "POST", "/v2/hubs/test/security", `{"publishSecurity":"expiry","publishKey":"12345678"}`, 200, nil},
		{"security reflected", "GET", "/v2/hubs/test", "", 200, []string{`"publishSecurity":"expiry"`}},
		{"security expiry_sk", "POST", "/v2/hubs/test/security", `{"publishSecurity":"expiry_sk","publishKey":""}`, 200, nil},
		{"security none refused", "POST", "/v2/hubs/test/security", `{"publishSecurity":"none","publishKey":"x"}`, 400, nil},
		{"security static refused", "POST", "/v2/hubs/test/security", `{"publishSecurity":"static","publishKey":"x"}`, 400, nil},
		{"security expiry without key", "POST", "/v2/hubs/test/security", `{"publishSecurity":"expiry"}`, 400, nil},
		{"security unknown hub", "POST", "/v2/hubs/nohub/security", `{"publishSecurity":"expiry","publishKey":"k"}`, 404, nil},
		{"hlsplus", "POST", "/v2/hubs/test/hlsplus", `{"hlsPlus":true}`, 200, nil},
		{"hlsplus reflected", "GET", "/v2/hubs/test", "", 200, []string{`"hlsPlus":true`}},
		{"hlsplus missing", "POST", "/v2/hubs/test/hlsplus", `{}`, 400, nil},
		{"persistence", "POST", "/v2/hubs/test/persistence", `{"storageBucket":"test1z0","liveDataExpireDays":60}`, 200, nil},
		{"persistence reflected", "GET", "/v2/hubs/test", "", 200, []string{`"storageBucket":"test1z0"`, `"liveDataExpireDays":60`}},
		{"persistence 59 days", "POST", "/v2/hubs/test/persistence", `{"storageBucket":"b","liveDataExpireDays":59}`, 400, nil},
		{"persistence 1096 days", "POST", "/v2/hubs/test/persistence", `{"storageBucket":"b","liveDataExpireDays":1096}`, 400, nil},
		{"persistence 1095 days", "POST", "/v2/hubs/test/persistence", `{"storageBucket":"b","liveDataExpireDays":1095}`, 200, nil},
		{"persistence no bucket", "POST", "/v2/hubs/test/persistence", `{"liveDataExpireDays":60}`, 400, nil},
		{"snapshot interval", "POST", "/v2/hubs/test/snapshot", `{"snapshotInterval":30}`, 200, nil},
		{"snapshot off", "POST", "/v2/hubs/test/snapshot", `{"snapshotInterval":-1}`, 200, nil},
		{"snapshot reflected", "GET", "/v2/hubs/test", "", 200, []string{`"snapshotInterval":-1`}},
		{"snapshot 0", "POST", "/v2/hubs/test/snapshot", `{"snapshotInterval":0}`, 400, nil},
		{"invalid json", "POST", "/v2/hubs/test/snapshot", `{`, 400, nil},
		{"wrong method", "DELETE", "/v2/hubs/test", "", 404, []string{`{"error":"not found"}`}},
		{"unknown path", "GET", "/v2/nothing", "", 404, []string{`{"error":"not found"}`}},
		{"static caster API not implemented", "GET", "/v1/static/casters/x", "", 404, nil},
	}
	for _, s := range steps {
		expect(t, s.name, e.do(s.method, s.target, s.body), s.code, s.contains...)
	}
	// Documented "200 OK" answers have no body.
	if r := e.do("POST", "/v2/hubs/test/hlsplus", `{"hlsPlus":false}`); r.body != "" {
		t.Errorf("hlsplus body %q", r.body)
	}
	// POST with a non-JSON Content-Type is refused (请求结构 requires JSON).
	expect(t, "text/plain POST", e.doCT("POST", "/v2/hubs/test/hlsplus", "text/plain", `{"hlsPlus":true}`), 400)
}

func TestHubJSONIsValidAndComplete(t *testing.T) {
	e := newEnv(t)
	var hub map[string]json.RawMessage
	if err := json.Unmarshal([]byte(e.do("GET", "/v2/hubs/test", "").body), &hub); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hubName", "createdAt", "updatedAt", "domains", "defaultDomains", "storageBucket",
		"liveDataExpireDays", "publishSecurity", "nrop", "passiveCodecProfiles", "converts", "hlsPlus",
		"vodDomain", "accesslog", "snapshotInterval"} {
		if _, ok := hub[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
}

func TestDomainRoutes(t *testing.T) {
	e := newEnv(t, "test", "other")
	steps := []struct {
		name, method, target, body string
		code                       int
		contains                   []string
	}{
		{"list domains", "GET", "/v2/hubs/test/domains", "", 200, []string{
			`{"type":"publishRtmp","domain":"pili-publish.test.cloudvdn.com","cname":"pili-publish.test.cloudvdn.com.publish.z0.pili.pilidns.com","certEnable":false,"certName":""}`,
			`"pili-live-hls.test.cloudvdn.com.live-hls.z0.pili.pilidns.com"`, `"type":"liveHdl"`}},
		{"get domain", "GET", "/v2/hubs/test/domains/pili-publish.test.cloudvdn.com", "", 200, []string{
			`"domain":"pili-publish.test.cloudvdn.com","type":"publishRtmp"`,
			`"connectCallback":{"type":"","url":"","timeout":0,"vars":null,"retryTimes":0,"retryInterval":0,"successCode":0,"failCode":0}`,
			`"ipLimit":{"blacklist":[],"whitelist":[]}`,
			`"playSecurity":{"type":"","key1":"","key2":"","range":0,"rule":"","rule2":"","tsPart":"","tsBase":0,"signPart":"","gapDuration":0}`,
			`"urlRewrite":{"rules":[]}`, `"disable":false`}},
		{"get unknown domain", "GET", "/v2/hubs/test/domains/nope.com", "", 404, []string{`{"error":"not found"}`}},
		// Capital "Type" as documented (quirk 2).
		{"bind domain", "POST", "/v2/hubs/test/newdomains", `{"domain":"pili-publish.test.example.com","Type":"liveRtmp"}`, 200, nil},
		{"bind lower-case type", "POST", "/v2/hubs/test/newdomains", `{"domain":"hdl.example.com","type":"liveHdl"}`, 200, nil},
		{"bound domain listed", "GET", "/v2/hubs/test/domains", "", 200, []string{
			`{"type":"liveRtmp","domain":"pili-publish.test.example.com","cname":"pili-publish.test.example.com.live-rtmp.z0.pili.pilidns.com"`}},
		{"bind duplicate", "POST", "/v2/hubs/other/newdomains", `{"domain":"hdl.example.com","Type":"liveHdl"}`, 400, nil},
		{"bind bad type", "POST", "/v2/hubs/test/newdomains", `{"domain":"x.example.com","Type":"rtc"}`, 400, nil},
		{"bind no domain", "POST", "/v2/hubs/test/newdomains", `{"Type":"liveHls"}`, 400, nil},
		{"cert", "POST", "/v2/hubs/test/domains/hdl.example.com/cert", `{"certName":"5f1e9dc7f9537d6b370xx010"}`, 200, nil},
		{"cert reflected", "GET", "/v2/hubs/test/domains/hdl.example.com", "", 200, []string{`"certEnable":true,"certName":"5f1e9dc7f9537d6b370xx010"`}},
		{"cert missing name", "POST", "/v2/hubs/test/domains/hdl.example.com/cert", `{}`, 400, nil},
		{"cert unknown domain", "POST", "/v2/hubs/test/domains/no.example.com/cert", `{"certName":"c"}`, 404, nil},
		{"urlrewrite", "POST", "/v2/hubs/test/domains/hdl.example.com/urlrewrite", `{"rules":[{"pattern":"(.+)/test/(.+)","replace":"${1}/test/live/${2}"}]}`, 200, nil},
		{"urlrewrite reflected", "GET", "/v2/hubs/test/domains/hdl.example.com", "", 200, []string{`"urlRewrite":{"rules":[{"pattern":"(.+)/test/(.+)","replace":"${1}/test/live/${2}"}]}`}},
		{"urlrewrite bad regexp", "POST", "/v2/hubs/test/domains/hdl.example.com/urlrewrite", `{"rules":[{"pattern":"(","replace":"x"}]}`, 400, nil},
		{"urlrewrite missing rules", "POST", "/v2/hubs/test/domains/hdl.example.com/urlrewrite", `{}`, 400, nil},
		{"urlrewrite clear", "POST", "/v2/hubs/test/domains/hdl.example.com/urlrewrite", `{"rules":[]}`, 200, nil},
		{"voddomain", "POST", "/v2/hubs/test/voddomain", `{"vodDomain":"pili-vod.testhub.cloudvdn.com"}`, 200, nil},
		{"voddomain reflected", "GET", "/v2/hubs/test", "", 200, []string{`"vodDomain":"pili-vod.testhub.cloudvdn.com"`}},
		{"voddomain missing", "POST", "/v2/hubs/test/voddomain", `{}`, 400, nil},
		{"unbind", "DELETE", "/v2/hubs/test/domains/pili-publish.test.cloudvdn.com", "", 200, nil},
		{"unbind again", "DELETE", "/v2/hubs/test/domains/pili-publish.test.cloudvdn.com", "", 404, nil},
		{"unbound gone from defaults", "GET", "/v2/hubs/test", "", 200, nil},
	}
	for _, s := range steps {
		expect(t, s.name, e.do(s.method, s.target, s.body), s.code, s.contains...)
	}
	// The documented unbind request carries Content-Type: application/json and no body.
	expect(t, "unbind with json content type", e.doCT("DELETE", "/v2/hubs/test/domains/hdl.example.com", "application/json", ""), 200)
	if body := e.do("GET", "/v2/hubs/test", "").body; strings.Contains(body, `"type":"publishRtmp","domain":"pili-publish.test.cloudvdn.com"`) {
		t.Errorf("unbound domain still in hub: %s", body)
	}
	// Quota of 20 domains per hub.
	for i := 0; i < 20; i++ {
		e.do("POST", "/v2/hubs/other/newdomains", `{"domain":"d`+string(rune('a'+i))+`.example.com","Type":"liveHls"}`)
	}
	expect(t, "domain quota", e.do("POST", "/v2/hubs/other/newdomains", `{"domain":"last.example.com","Type":"liveHls"}`), 400)
}
