package qiniuauth

import "testing"

// Worked examples of the push-auth page (qiniu-pili.md §2.3, p059), verbatim.
func TestPushTokens(t *testing.T) {
	if got, want := ExpiryToken("12345678", "testhub", "teststreamtitle", 1584522520), "zYvN7rHgJiw2QUSo_xRoBZIf1kM="; got != want {
		t.Errorf("expiry token = %q, want %q", got, want)
	}
	if got, want := sample.ExpirySKToken("testhub", "teststreamtitle", 1584522520), "7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:NfI2OWGCMdFDTLOfeUd-zSPVrFY="; got != want {
		t.Errorf("expiry_sk token = %q, want %q", got, want)
	}
	if got, want := DynamicToken("12345678", "testhub", "teststreamtitle", 1584374401), "DUxp5_kAg5UpPQND1vLRH0k2Kj8="; got != want {
		t.Errorf("dynamic token = %q, want %q", got, want)
	}
	// The same primitive, as the dora spec §3.1.4 states it.
	if got, want := sample.EncodedSign("/testhub/teststreamtitle?e=1584522520"), "NfI2OWGCMdFDTLOfeUd-zSPVrFY="; got != want {
		t.Errorf("EncodedSign = %q, want %q", got, want)
	}
}

func TestRTMPAndSRTPublishURLs(t *testing.T) {
	const d, hub, st = "publish.domain.com", "testhub", "teststreamtitle"
	cases := []struct {
		name string
		auth PushAuth
		rtmp string
		srt  string
	}{
		{"none", PushAuth{Security: PublishSecurityNone},
			"rtmp://publish.domain.com/testhub/teststreamtitle",
			"srt://publish.domain.com:1935?streamid=#!::h=testhub/teststreamtitle,m=publish,domain=publish.domain.com"},
		{"empty means none", PushAuth{},
			"rtmp://publish.domain.com/testhub/teststreamtitle",
			"srt://publish.domain.com:1935?streamid=#!::h=testhub/teststreamtitle,m=publish,domain=publish.domain.com"},
		{"static", PushAuth{Security: PublishSecurityStatic, PublishKey: "123"},
			"rtmp://publish.domain.com/testhub/teststreamtitle?key=123",
			"srt://publish.domain.com:1935?streamid=#!::h=testhub/teststreamtitle,m=publish,domain=publish.domain.com,key=123"},
		{"expiry", PushAuth{Security: PublishSecurityExpiry, PublishKey: "12345678", ExpireAt: 1584522520},
			"rtmp://publish.domain.com/testhub/teststreamtitle?expire=1584522520&token=zYvN7rHgJiw2QUSo_xRoBZIf1kM=",
			"srt://publish.domain.com:1935?streamid=#!::h=testhub/teststreamtitle,m=publish,domain=publish.domain.com,expire=1584522520,token=zYvN7rHgJiw2QUSo_xRoBZIf1kM="},
		{"expiry_sk", PushAuth{Security: PublishSecurityExpirySK, Credentials: sample, ExpireAt: 1584522520},
			"rtmp://publish.domain.com/testhub/teststreamtitle?e=1584522520&token=7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:NfI2OWGCMdFDTLOfeUd-zSPVrFY=",
			// SRT example of p062, verbatim.
			"srt://publish.domain.com:1935?streamid=#!::h=testhub/teststreamtitle,m=publish,domain=publish.domain.com,e=1584522520,token=7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:NfI2OWGCMdFDTLOfeUd-zSPVrFY="},
		{"dynamic", PushAuth{Security: PublishSecurityDynamic, PublishKey: "12345678", Nonce: 1584374401},
			"rtmp://publish.domain.com/testhub/teststreamtitle?nonce=1584374401&token=DUxp5_kAg5UpPQND1vLRH0k2Kj8=",
			"srt://publish.domain.com:1935?streamid=#!::h=testhub/teststreamtitle,m=publish,domain=publish.domain.com,nonce=1584374401,token=DUxp5_kAg5UpPQND1vLRH0k2Kj8="},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := RTMPPublishURL(d, hub, st, c.auth)
			if err != nil || got != c.rtmp {
				t.Errorf("RTMP = %q, %v; want %q", got, err, c.rtmp)
			}
			got, err = SRTPublishURL(d, hub, st, c.auth)
			if err != nil || got != c.srt {
				t.Errorf("SRT = %q, %v; want %q", got, err, c.srt)
			}
		})
	}
	for _, bad := range []PushAuth{
		{Security: "bogus"},
		{Security: PublishSecurityStatic},
		{Security: PublishSecurityExpiry},
		{Security: PublishSecurityDynamic},
		{Security: PublishSecurityExpirySK},
	} {
		if _, err := RTMPPublishURL(d, hub, st, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// The RTMP 推流地址 page (p061) example
// rtmp://publish-rtmp.test.com/PiliSDKTest/streamTitle?e=1463023142&token=7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:-5IVlpFNNGJHwv-2qKwVIakC0ME=
// does NOT reproduce with the p059 sample SK (its SK is unknown). The spec
// states the sample SK gives dx-nj3eccydpj_xJTnI-gursJes=; we test the rule.
func TestP061ExampleUsesUnknownSK(t *testing.T) {
	got, err := RTMPPublishURL("publish-rtmp.test.com", "PiliSDKTest", "streamTitle",
		PushAuth{Security: PublishSecurityExpirySK, Credentials: sample, ExpireAt: 1463023142})
	want := "rtmp://publish-rtmp.test.com/PiliSDKTest/streamTitle?e=1463023142&token=7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:dx-nj3eccydpj_xJTnI-gursJes="
	if err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
}

// Anti-leech examples of qiniu-pili.md §2.4 (p060 and per-protocol pages).
func TestPlaySign(t *testing.T) {
	const exp = 1635163200 // 2021/10/25 20:00:00 +08:00
	sign, tt := PlaySign("test", "/testHub/testStream.m3u8", exp)
	if tt != "61769c40" || sign != "86ccb64b114f599e14eb660de7a813a5" {
		t.Fatalf("HLS sign=%s t=%s", sign, tt)
	}
	cases := []struct{ name, in, want string }{
		{"hls", "http://pili-hls.pilitest.com/testHub/testStream.m3u8",
			"http://pili-hls.pilitest.com/testHub/testStream.m3u8?sign=86ccb64b114f599e14eb660de7a813a5&t=61769c40"},
		{"rtmp", "rtmp://pili-rtmp.pilitest.com/testHub/testStream",
			"rtmp://pili-rtmp.pilitest.com/testHub/testStream?sign=279d57cfdd4ad03fdace3072d0065ef5&t=61769c40"},
		// The HDL page's example shows sign=65667901baf24fbb6fae8dec6acd86b0,
		// which is md5 over the path WITHOUT its leading '/', contradicting the
		// stated formula (spec quirk 7). We follow the formula.
		{"hdl per formula", "http://pili-hdl.pilitest.com/testHub/testStream.flv",
			"http://pili-hdl.pilitest.com/testHub/testStream.flv?sign=cd36f66e03e537fa2299442d16abba30&t=61769c40"},
		{"existing query", "http://h/testHub/testStream.m3u8?a=1",
			"http://h/testHub/testStream.m3u8?a=1&sign=86ccb64b114f599e14eb660de7a813a5&t=61769c40"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SignPlayURL(c.in, "test", exp)
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
	// Confirm the HDL doc example is the slash-less variant.
	if s, _ := PlaySign("test", "testHub/testStream.flv", exp); s != "65667901baf24fbb6fae8dec6acd86b0" {
		t.Fatalf("HDL doc example variant = %s", s)
	}
	if _, err := SignPlayURL("http://h/a#b", "k", 1); err == nil {
		t.Fatal("fragment accepted")
	}
}

func TestPlayURLBuilders(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{RTMPPlayURL("pili-live-rtmp.x.com", "hub", "st"), "rtmp://pili-live-rtmp.x.com/hub/st"},
		{HLSPlayURL("pili-live-hls.x.com", "hub", "st"), "https://pili-live-hls.x.com/hub/st.m3u8"},
		{HDLPlayURL("pili-live-hdl.x.com", "hub", "st"), "https://pili-live-hdl.x.com/hub/st.flv"},
		{SnapshotURL("live-snapshot.test.com", "PiliSDKTest", "streamkey"), "http://live-snapshot.test.com/PiliSDKTest/streamkey.jpg"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// Expected tokens computed outside Go (Python hmac/sha1 over the URL with
// e appended, URL-safe base64), so this does not check Sign against itself.
func TestSignURLWithExpiry(t *testing.T) {
	for _, c := range []struct {
		base string
		e    int64
		want string
	}{
		{"wss://ap-open-ws.service-z0.qiniuapp.com/v2/asr?aue=1&voice_sample=16000", 1700000000,
			"wss://ap-open-ws.service-z0.qiniuapp.com/v2/asr?aue=1&voice_sample=16000&e=1700000000&token=" + sampleAK + ":XJFCnZrmefP7NLqSd8_x4PRdVP4="},
		{"http://h/a", 5, "http://h/a?e=5&token=" + sampleAK + ":yhqfTeTKC8QWeIc86iBl-wRBIZk="},
	} {
		if got := sample.SignURLWithExpiry(c.base, c.e); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
