package dorafake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestImageCensor(t *testing.T) {
	s := newTestServer(t)
	m := call(t, s, "POST", "/anti_fraud/v2/img", map[string]any{
		"type": "POLITICS_PORN_AD_OCR",
		"data": map[string]any{"img": "http://img.test/cat.jpg", "tokenId": "test", "channel": "HEAD_IMG", "sex": 1},
	})
	d := m["detail"].(map[string]any)
	id, _ := m["entryId"].(string)
	if num(m, "code") != 1100 || m["message"] != "成功" || len(id) != 32 || m["entryrid"] != nil || m["riskLevel"] != "PASS" || num(m, "status") != 0 {
		t.Fatalf("pass: %v", m)
	}
	if num(d, "riskType") != 0 || d["text"] != "[sandbox] OCR text of cat.jpg" || d["pornLabel"] != "正常" || !strings.HasPrefix(d["description"].(string), "[sandbox] ") {
		t.Errorf("pass detail: %v", d)
	}
	m = call(t, s, "POST", "/anti_fraud/v2/img", map[string]any{
		"type": "VIOLENCE_PORN", "data": map[string]any{"img": "http://img.test/reject.png", "tokenId": "t"},
	})
	if d := m["detail"].(map[string]any); m["riskLevel"] != "REJECT" || num(m, "score") != 900 || num(d, "riskType") != 400 || d["description"] != "[sandbox] 暴恐" {
		t.Errorf("reject: %v", m)
	}
	m = call(t, s, "POST", "/anti_fraud/v2/img", map[string]any{
		"type": "PORN", "data": map[string]any{"img": "http://img.test/review.png", "tokenId": "t"},
	})
	if m["riskLevel"] != "REVIEW" || num(m["detail"].(map[string]any), "riskType") != 200 {
		t.Errorf("review: %v", m)
	}

	bad := []map[string]any{
		{"data": map[string]any{"img": "http://i.test/a.jpg", "tokenId": "t"}},                                      // no type
		{"type": "POLITICAL", "data": map[string]any{"img": "http://i.test/a.jpg", "tokenId": "t"}},                 // audio type name
		{"type": "PORN", "data": map[string]any{"img": "http://i.test/a.jpg"}},                                      // no tokenId
		{"type": "PORN", "data": map[string]any{"img": "http://i.test/a.txt", "tokenId": "t"}},                      // format
		{"type": "PORN", "data": map[string]any{"img": "http://i.test/a.jpg", "tokenId": "t", "channel": "FEED"}},   // channel
		{"type": "PORN", "data": map[string]any{"img": "http://i.test/a.jpg", "tokenId": "t", "age": 5}},            // age
		{"type": "PORN", "data": map[string]any{"img": "http://i.test/a.jpg", "tokenId": "t", "friendNum": "many"}}, // type
		{"type": "PORN_", "data": map[string]any{"img": "http://i.test/a.jpg", "tokenId": "t"}},                     // empty element
	}
	for i, b := range bad {
		if m := call(t, s, "POST", "/anti_fraud/v2/img", b); num(m, "code") != 1902 || m["message"] != "参数不合法" {
			t.Errorf("bad %d: %v", i, m)
		}
	}
}

func TestAudioFileCensor(t *testing.T) {
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(makeWAV(8000, 1, 16, 25_000)) // 8 kHz is fine for the censor
	}))
	defer media.Close()
	rc := newReceiver(t, 200)
	s := newTestServer(t)
	m := call(t, s, "POST", "/anti_fraud/v2/audio", map[string]any{
		"type":          "DEFAULT",
		"data":          map[string]any{"tokenId": "t", "url": media.URL + "/reject.wav", "channel": "MESSAGE", "returnAllText": true},
		"callback":      rc.URL,
		"callbackParam": map[string]any{"param1": 1, "param2": "qew", "param3": true},
	})
	id := m["entryId"].(string)
	if num(m, "code") != 1100 || len(id) != 32 {
		t.Fatalf("submit: %v", m)
	}
	s.Flush()
	got := rc.got()
	if len(got) != 1 {
		t.Fatalf("callbacks: %v", got)
	}
	cb := got[0]
	detail := cb["detail"].([]any)
	if cb["entryId"] != id || cb["riskLevel"] != "REJECT" || num(cb, "audioTime") != 25 || len(detail) != 3 || cb["labels"] != "[sandbox] 涉政" {
		t.Fatalf("callback: %v", cb)
	}
	seg := detail[2].(map[string]any)
	if num(seg, "audioStarttime") != 20 || num(seg, "audioEndtime") != 25 || num(seg, "riskType") != 100 || seg["audioText"] != "[sandbox] 第3段。" {
		t.Errorf("segment: %v", seg)
	}
	if cp := cb["callbackParam"].(map[string]any); cp["param2"] != "qew" {
		t.Errorf("callbackParam: %v", cp)
	}
	if !strings.HasPrefix(cb["audioText"].(string), "[sandbox] 第1段。第2段。第3段。") {
		t.Errorf("audioText: %v", cb["audioText"])
	}
	q := call(t, s, "POST", "/anti_fraud/v2/query_audio", map[string]any{"entryId": id})
	qb, _ := json.Marshal(q)
	cbb, _ := json.Marshal(cb)
	if string(qb) != string(cbb) {
		t.Errorf("query differs from callback:\n%s\n%s", qb, cbb)
	}

	// PASS without returnAllText: no segments, callbackParam still present (quirk 66)
	m = call(t, s, "POST", "/anti_fraud/v2/audio", map[string]any{"type": "PORN_SING", "data": map[string]any{"url": "https://cdn.test/ok.mp3"}})
	q = call(t, s, "POST", "/anti_fraud/v2/query_audio", map[string]any{"entryId": m["entryId"]})
	if q["riskLevel"] != "PASS" || len(q["detail"].([]any)) != 0 || q["callbackParam"] == nil || num(q, "isSing") != 0 || num(q, "audioTime") != 30 {
		t.Errorf("pass query: %v", q)
	}

	for i, b := range []map[string]any{
		{"type": "DEFAULT", "data": map[string]any{"url": "http://a.test/a.mp3", "channel": "IM_MESSAGE"}}, // quirk 63
		{"type": "DEFAULT", "data": map[string]any{"tokenId": "t"}},
		{"type": "POLITICS", "data": map[string]any{"url": "http://a.test/a.mp3"}},
		{"type": "DEFAULT", "data": map[string]any{"url": "http://a.test/a.mp3"}, "callback": "mailto:x"},
		{"type": "DEFAULT", "data": map[string]any{"url": media.URL + "/x.wav", "returnAllText": "yes"}},
	} {
		if m := call(t, s, "POST", "/anti_fraud/v2/audio", b); num(m, "code") != 1902 {
			t.Errorf("bad %d: %v", i, m)
		}
	}
	if m := call(t, s, "POST", "/anti_fraud/v2/query_audio", map[string]any{"entryId": "nope"}); num(m, "code") != 1902 {
		t.Errorf("unknown entry: %v", m)
	}
}

func TestAudioStreamCensor(t *testing.T) {
	rc := newReceiver(t, 200)
	s := newTestServer(t)
	data := map[string]any{"streamType": "NORMAL", "url": "rtmp://live.test/app/s1", "tokenId": "1234", "channel": "VOICE_ROOM",
		"room": "r1", "returnAllText": true, "returnFinishInfo": true, "audioName": "extra-is-echoed"}
	m := call(t, s, "POST", "/anti_fraud/v2/audiostream", map[string]any{"type": "DEFAULT", "data": data, "callback": rc.URL})
	id := m["entryId"].(string)
	if num(m, "code") != 1100 {
		t.Fatalf("submit: %v", m)
	}
	s.Advance()
	s.Advance()
	s.Flush()
	if got := rc.got(); len(got) != 2 {
		t.Fatalf("two segments expected, got %v", got)
	}
	if m := call(t, s, "POST", "/anti_fraud/v2/finish_audiostream", map[string]any{"entryId": id}); num(m, "code") != 1100 {
		t.Fatalf("finish: %v", m)
	}
	s.Advance() // closed: nothing more
	s.Flush()
	got := rc.got()
	if len(got) != 3 {
		t.Fatalf("want 2 segments + finish notice, got %d", len(got))
	}
	first, last := got[0], got[2]
	d := first["detail"].(map[string]any)
	rp := d["requestParams"].(map[string]any)
	if first["entryId"] != id || first["riskLevel"] != "PASS" || num(first, "statCode") != 0 || d["audioText"] != "[sandbox] 第1段音频" ||
		d["room"] != "r1" || rp["audioName"] != "extra-is-echoed" || num(d, "vadCode") != 1 || d["audio_starttime"] == "" || first["score"] != nil {
		t.Errorf("segment: %v", first)
	}
	if num(last, "statCode") != 1 {
		t.Errorf("finish notice: %v", last)
	}

	// returnAllText false: only REJECT segments are pushed; REVIEW is not
	rc2 := newReceiver(t, 200)
	for _, u := range []string{"rtmp://live.test/review", "rtmp://live.test/reject"} {
		call(t, s, "POST", "/anti_fraud/v2/audiostream", map[string]any{"type": "PORN_MOAN", "callback": rc2.URL,
			"data": map[string]any{"streamType": "NORMAL", "url": u, "tokenId": "t", "channel": "LIVE_ROOM", "returnPreAudio": true}})
	}
	s.Advance()
	s.Flush()
	got = rc2.got()
	if len(got) != 1 || got[0]["riskLevel"] != "REJECT" || num(got[0], "score") != 900 || num(got[0]["detail"].(map[string]any), "riskType") != 200 ||
		got[0]["detail"].(map[string]any)["preAudioUrl"] == nil {
		t.Errorf("filtered pushes: %v", got)
	}

	trtc := map[string]any{"sdkAppId": 1400000000, "demoSences": 2, "userId": "rec_1", "userSig": "sig", "roomId": 1234}
	good := call(t, s, "POST", "/anti_fraud/v2/audiostream", map[string]any{"type": "AD", "callback": rc2.URL,
		"data": map[string]any{"streamType": "TRTC", "trtcParam": trtc, "tokenId": "t", "channel": "VOICE_CHAT"}})
	if num(good, "code") != 1100 {
		t.Errorf("TRTC: %v", good)
	}
	bad := []map[string]any{
		{"type": "POLITICAL_PORN_MOAN_ABUSE_AD", "callback": rc.URL, "data": data},                                                          // quirk 44
		{"type": "DEFAULT", "callback": rc.URL, "data": map[string]any{"streamType": "NORMAL", "url": "rtmp://x/y", "returnAllText": true}}, // quirk 45
		{"type": "DEFAULT", "data": data},
		{"type": "DEFAULT", "callback": rc.URL, "data": map[string]any{"streamType": "NORMAL", "tokenId": "t", "channel": "VOICE_ROOM"}},
		{"type": "DEFAULT", "callback": rc.URL, "data": map[string]any{"streamType": "AGORA", "tokenId": "t", "channel": "VOICE_ROOM"}},
		{"type": "DEFAULT", "callback": rc.URL, "data": map[string]any{"streamType": "ZEGO", "tokenId": "t", "channel": "VOICE_ROOM", "zegoParam": map[string]any{"tokenId": "z"}}},
		{"type": "DEFAULT", "callback": rc.URL, "data": map[string]any{"streamType": "TRTC", "tokenId": "t", "channel": "VOICE_ROOM",
			"trtcParam": map[string]any{"sdkAppId": 1, "demoSences": 3, "userId": "u", "userSig": "s", "roomId": 1}}},
		{"type": "DEFAULT", "callback": rc.URL, "data": map[string]any{"streamType": "NORMAL", "url": "rtmp://x/y", "tokenId": "t", "channel": "KTV"}},
	}
	for i, b := range bad {
		if m := call(t, s, "POST", "/anti_fraud/v2/audiostream", b); num(m, "code") != 1902 {
			t.Errorf("bad %d: %v", i, m)
		}
	}
	if m := call(t, s, "POST", "/anti_fraud/v2/finish_audiostream", map[string]any{"entryId": "nope"}); num(m, "code") != 1902 {
		t.Errorf("unknown finish: %v", m)
	}
}

func TestVideoStreamCensor(t *testing.T) {
	img, aud := newReceiver(t, 200), newReceiver(t, 200)
	s := newTestServer(t)
	m := call(t, s, "POST", "/anti_fraud/v3/videostream", map[string]any{
		"imgType": "DEFAULT", "audioType": "PORN", "imgCallback": img.URL, "audioCallback": aud.URL,
		"data": map[string]any{"channel": "VIDEOSTREAM", "returnAllImg": 1, "returnAllText": true, "room": "001", "tokenId": "1157893895", "url": "rtmp://live.test/x", "detectFrequency": 2},
	})
	id := m["entryId"].(string)
	s.Advance()
	s.Advance()
	s.Flush()
	gi, ga := img.got(), aud.got()
	if len(gi) != 2 || len(ga) != 2 {
		t.Fatalf("callbacks img %d audio %d", len(gi), len(ga))
	}
	di := gi[1]["detail"].(map[string]any)
	if num(gi[1], "contentType") != 1 || gi[1]["entryId"] != id || di["imgUrl"] == nil || di["imgTime"] == nil || num(di, "riskType") != 0 {
		t.Errorf("image callback: %v", gi[1])
	}
	t0, _ := di["beginProcessTime"].(float64)
	t1, _ := gi[0]["detail"].(map[string]any)["beginProcessTime"].(float64)
	if t0-t1 != 2000 {
		t.Errorf("frames should be detectFrequency (2 s) apart: %v", t0-t1)
	}
	da := ga[0]["detail"].(map[string]any)
	if num(ga[0], "contentType") != 2 || da["audioText"] != "[sandbox] 第1段音频" || da["audioStartTime"] == nil || da["detail"] != nil {
		t.Errorf("audio callback (flat, quirk 72): %v", ga[0])
	}
	if m := call(t, s, "POST", "/anti_fraud/v3/finish_videostream", map[string]any{"entryId": id}); num(m, "code") != 1100 || m["message"] != "成功" {
		t.Errorf("finish: %v", m)
	}
	// an audio stream id cannot be closed here
	if m := call(t, s, "POST", "/anti_fraud/v2/finish_audiostream", map[string]any{"entryId": id}); num(m, "code") != 1902 {
		t.Errorf("cross-kind finish: %v", m)
	}
	s.Advance()
	s.Flush()
	if len(img.got()) != 2 {
		t.Error("pushes after finish")
	}

	// returnAllImg 0 + PASS: nothing is pushed; audioType NONE needs no audioCallback
	call(t, s, "POST", "/anti_fraud/v3/videostream", map[string]any{"imgType": "PORN_AD", "audioType": "NONE", "imgCallback": img.URL,
		"data": map[string]any{"tokenId": "t", "url": "rtmp://live.test/y"}})
	s.Advance()
	s.Flush()
	if len(img.got()) != 2 {
		t.Error("PASS frames pushed without returnAllImg")
	}

	// DEFAULT combined with other image types is ignored (p009)
	if m := call(t, s, "POST", "/anti_fraud/v3/videostream", map[string]any{"imgType": "DEFAULT_PORN", "audioType": "NONE", "imgCallback": img.URL,
		"data": map[string]any{"tokenId": "t", "url": "rtmp://live.test/reject"}}); num(m, "code") != 1100 {
		t.Fatalf("DEFAULT_PORN: %v", m)
	}
	s.Advance()
	s.Flush()
	if gi := img.got(); len(gi) != 3 || num(gi[2]["detail"].(map[string]any), "riskType") != 200 {
		t.Errorf("DEFAULT_PORN frame: %v", gi)
	}

	base := func() map[string]any {
		return map[string]any{"imgType": "DEFAULT", "audioType": "DEFAULT", "imgCallback": img.URL, "audioCallback": aud.URL,
			"data": map[string]any{"tokenId": "t", "url": "rtmp://live.test/z"}}
	}
	mods := []func(map[string]any){
		func(b map[string]any) { delete(b, "audioCallback") }, // quirk 71
		func(b map[string]any) { b["data"].(map[string]any)["url"] = "http://live.test/z.flv" },
		func(b map[string]any) { b["data"].(map[string]any)["detectFrequency"] = 90 },
		func(b map[string]any) { b["audioType"] = "NONE_PORN" },
		func(b map[string]any) { b["imgType"] = "OCR" },
		func(b map[string]any) { delete(b["data"].(map[string]any), "tokenId") },
	}
	for i, mod := range mods {
		b := base()
		mod(b)
		if m := call(t, s, "POST", "/anti_fraud/v3/videostream", b); num(m, "code") != 1902 {
			t.Errorf("bad %d: %v", i, m)
		}
	}
}

func TestYituStreamCensor(t *testing.T) {
	rc := newReceiver(t, 200)
	s := newTestServer(t)
	body := func(audioID, u string, all bool) map[string]any {
		return map[string]any{"callback": rc.URL, "data": map[string]any{"audioUrl": u, "audioId": audioID, "returnAllText": all},
			"clientInfo": map[string]any{"userId": "u1", "uip": "10.0.0.1"}}
	}
	m := call(t, s, "POST", "/v1/antispam/streamscan", body("a1", "rtmp://live.test/porn-reject", false))
	id, _ := m["requestId"].(string)
	if num(m, "rtn") != 0 || m["message"] != "SAAS_SUCC" || id == "" {
		t.Fatalf("submit: %v", m)
	}
	if m := call(t, s, "POST", "/v1/antispam/streamscan", body("a1", "rtmp://live.test/other", false)); num(m, "rtn") != 4312 {
		t.Errorf("duplicate audioId: %v", m)
	}
	s.Advance()
	s.Flush()
	got := rc.got()
	if len(got) != 1 {
		t.Fatalf("callbacks: %v", got)
	}
	cb := got[0]
	ci := cb["clientInfo"].(map[string]any)
	det := cb["details"].([]any)[0].(map[string]any)
	if cb["requestId"] != id || cb["result"] != "block" || cb["scene"] != "GENERAL_SCENE" || cb["audioId"] != "a1" || num(cb, "startTime") != 0 || num(cb, "endTime") != 10000 ||
		ci["userIp"] != "10.0.0.1" || ci["uip"] != nil || det["label"] != "PORN" || cb["audioText"] != "[sandbox] 第1段语音" {
		t.Errorf("callback: %v", cb)
	}
	if m := call(t, s, "POST", "/v1/antispam/streamclose", map[string]any{"requestId": id}); num(m, "rtn") != 0 || m["requestId"] != id {
		t.Errorf("close: %v", m)
	}
	s.Advance()
	s.Flush()
	if len(rc.got()) != 1 {
		t.Error("pushed after close")
	}
	// after close the audioId may be scanned again; PASS pushed only with returnAllText
	call(t, s, "POST", "/v1/antispam/streamscan", body("a1", "https://live.test/s.m3u8", true))
	call(t, s, "POST", "/v1/antispam/streamscan", body("a2", "https://live.test/s.flv", false))
	s.Advance()
	s.Flush()
	if got := rc.got(); len(got) != 2 || got[1]["result"] != "pass" || got[1]["details"].([]any)[0].(map[string]any)["label"] != "NORMAL" {
		t.Errorf("pass pushes: %v", got)
	}

	cases := []struct {
		name string
		body map[string]any
		rtn  int
	}{
		{"no clientInfo", map[string]any{"callback": rc.URL, "data": map[string]any{"audioUrl": "rtmp://x/y", "audioId": "b"}}, 1103},
		{"no callback", map[string]any{"data": map[string]any{"audioUrl": "rtmp://x/y", "audioId": "b"}, "clientInfo": map[string]any{}}, 1103},
		{"no audioId", map[string]any{"callback": rc.URL, "data": map[string]any{"audioUrl": "rtmp://x/y"}, "clientInfo": map[string]any{}}, 1103},
		{"lang", map[string]any{"lang": "ENGLISH", "callback": rc.URL, "data": map[string]any{"audioUrl": "rtmp://x/y", "audioId": "b"}, "clientInfo": map[string]any{}}, 4201},
		{"scene", map[string]any{"scene": "GENERAL", "callback": rc.URL, "data": map[string]any{"audioUrl": "rtmp://x/y", "audioId": "b"}, "clientInfo": map[string]any{}}, 4202},
		{"mp4 stream", map[string]any{"callback": rc.URL, "data": map[string]any{"audioUrl": "https://x/y.mp4", "audioId": "b"}, "clientInfo": map[string]any{}}, 4301},
		{"uip type", map[string]any{"callback": rc.URL, "data": map[string]any{"audioUrl": "rtmp://x/y", "audioId": "b"}, "clientInfo": map[string]any{"uip": 1}}, 1102},
	}
	for _, c := range cases {
		if m := call(t, s, "POST", "/v1/antispam/streamscan", c.body); num(m, "rtn") != c.rtn {
			t.Errorf("%s: %v, want %d", c.name, m, c.rtn)
		}
	}
	if m := call(t, s, "POST", "/v1/antispam/streamclose", map[string]any{"requestId": "nope"}); num(m, "rtn") != 4302 || m["message"] != "SAAS_ANTISPAM_REQUESTID_NOT_FOUND_ERROR" {
		t.Errorf("unknown close: %v", m)
	}
}

func TestYituStreamLimit(t *testing.T) {
	s := newTestServer(t)
	for i := 0; i <= maxYituOpen; i++ {
		m := call(t, s, "POST", "/v1/antispam/streamscan", map[string]any{"callback": "http://cb.test/", "clientInfo": map[string]any{},
			"data": map[string]any{"audioUrl": "rtmp://x/y", "audioId": "id" + string(rune('a'+i%26)) + string(rune('a'+i/26))}})
		want := 0
		if i == maxYituOpen {
			want = 4310
		}
		if num(m, "rtn") != want {
			t.Fatalf("stream %d: %v", i, m)
		}
	}
}
