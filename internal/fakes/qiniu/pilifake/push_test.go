package pilifake

import (
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
)

// URLs signed by qiniuauth verify; a wrong key, a tampered path, an
// expired URL or a foreign AccessKey do not.
func TestVerifyPush(t *testing.T) {
	e := newEnv(t)
	creds := qiniuauth.Credentials{AccessKey: testAK, SecretKey: testSK}
	exp := t0.Add(time.Hour).Unix()
	const domain = "pili-publish.test.cloudvdn.com"
	build := func(a qiniuauth.PushAuth, title string) (string, string) {
		rtmp, err1 := qiniuauth.RTMPPublishURL(domain, "test", title, a)
		srt, err2 := qiniuauth.SRTPublishURL(domain, "test", title, a)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		return rtmp, srt
	}

	expect(t, "security expiry_sk", e.do("POST", "/v2/hubs/test/security", `{"publishSecurity":"expiry_sk","publishKey":""}`), 200)
	rtmp, srt := build(qiniuauth.PushAuth{Security: "expiry_sk", Credentials: creds, ExpireAt: exp}, "s1")
	for _, u := range []string{rtmp, srt} {
		if err := e.s.VerifyPush(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	other := qiniuauth.Credentials{AccessKey: testAK, SecretKey: "another-secret-key"}
	badRTMP, badSRT := build(qiniuauth.PushAuth{Security: "expiry_sk", Credentials: other, ExpireAt: exp}, "s1")
	for name, u := range map[string]string{
		"wrong secret key (rtmp)": badRTMP,
		"wrong secret key (srt)":  badSRT,
		"other stream":            strings.Replace(rtmp, "/test/s1?", "/test/s2?", 1),
		"later expiry":            strings.Replace(rtmp, "e=", "e=9", 1),
		"foreign access key":      strings.Replace(rtmp, "token="+testAK, "token=AKforeign", 1),
		"unknown hub":             strings.Replace(rtmp, "/test/", "/nohub/", 1),
		"not a push URL":          "https://example.com/test/s1",
	} {
		if err := e.s.VerifyPush(u); err == nil {
			t.Errorf("%s: %s verified", name, u)
		}
	}
	e.clk.Add(2 * time.Hour)
	if err := e.s.VerifyPush(rtmp); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired URL: %v", err)
	}

	expect(t, "security expiry", e.do("POST", "/v2/hubs/test/security", `{"publishSecurity":"expiry","publishKey":"pk-12345678"}`), 200)
	exp = e.clk.Now().Add(time.Hour).Unix()
	rtmp, srt = build(qiniuauth.PushAuth{Security: "expiry", PublishKey: "pk-12345678", ExpireAt: exp}, "s1")
	for _, u := range []string{rtmp, srt} {
		if err := e.s.VerifyPush(u); err != nil {
			t.Errorf("expiry %s: %v", u, err)
		}
	}
	wrong, _ := build(qiniuauth.PushAuth{Security: "expiry", PublishKey: "not-the-key", ExpireAt: exp}, "s1")
	if err := e.s.VerifyPush(wrong); err == nil {
		t.Error("expiry URL signed with another publish key verified")
	}
}
