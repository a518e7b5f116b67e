package dorafake

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestShortASRWAV(t *testing.T) {
	s := newTestServer(t)
	m := call(t, s, "POST", "/v2/asr", map[string]any{
		"audioBase64": b64(makeWAV(16000, 1, 16, 3200)),
		"clientInfo":  map[string]any{"userId": "u1", "audioName": "a.wav"},
		"customWords": []string{"七牛", "信息技术"},
	})
	if num(m, "rtn") != 0 || m["resultText"] != "[sandbox] wav audio, 3200 ms" || m["requestId"] == "" {
		t.Errorf("answer %v", m)
	}
	if ci, _ := m["clientInfo"].(map[string]any); ci["userId"] != "u1" || ci["audioName"] != "a.wav" {
		t.Errorf("clientInfo not echoed: %v", m["clientInfo"])
	}
}

func TestShortASRBase64Variants(t *testing.T) {
	s := newTestServer(t)
	wav := makeWAV(48000, 2, 16, 1000)
	for name, enc := range map[string]string{
		"url-safe":        base64.URLEncoding.EncodeToString(wav),
		"raw url-safe":    base64.RawURLEncoding.EncodeToString(wav),
		"percent-encoded": url.QueryEscape(b64(wav)),
	} {
		m := call(t, s, "POST", "/v2/asr", map[string]any{"audioBase64": enc})
		if num(m, "rtn") != 0 || m["resultText"] != "[sandbox] wav audio, 1000 ms" {
			t.Errorf("%s: %v", name, m)
		}
	}
}

func TestShortASRErrors(t *testing.T) {
	s := newTestServer(t)
	big := make([]byte, 20<<20+1)
	copy(big, makeWAV(16000, 1, 16, 10))
	mp3 := append([]byte{0xFF, 0xFB, 0x90, 0xC4}, make([]byte, 4000)...) // MPEG1 L3 128 kbit/s 44100 Hz
	mp3_22k := append([]byte{0xFF, 0xF3, 0x90, 0xC4}, make([]byte, 4000)...)
	cases := []struct {
		name string
		body any
		rtn  int
		msg  string
	}{
		{"not JSON", []byte(`{"audioBase64":`), 1101, "SAAS_JSON_CONFIG_HELPER_READ_ERROR"},
		{"no audio", map[string]any{"lang": "MANDARIN"}, 1103, "SAAS_JSON_CONFIG_HELPER_GIVEN_KEY_NOT_EXIST_ERROR"},
		{"bad scene", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 16, 100)), "scene": "MEETING"}, 1102, "SAAS_INVALID_SCENE_ERROR"},
		{"bad lang", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 16, 100)), "lang": "ENGLISH"}, 1102, "SAAS_INVALID_PARAMETER_ERROR"},
		{"hot word too long", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 16, 100)), "customWords": []string{"七牛云存储服务"}}, 1102, "SAAS_INVALID_PARAMETER_ERROR"},
		{"hot word latin", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 16, 100)), "customWords": []string{"qiniu"}}, 1102, "SAAS_INVALID_PARAMETER_ERROR"},
		{"clientInfo type", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 16, 100)), "clientInfo": "x"}, 1102, "SAAS_INVALID_PARAMETER_ERROR"},
		{"not base64", map[string]any{"audioBase64": "!!!"}, 4201, "SAAS_SPEECH_AUDIOFILE_INCORRECT"},
		{"longer than 60 s", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 16, 61_000))}, 4210, "SAAS_SPEECH_AUDIO_LENGTH_TOO_LONG_ERROR"},
		{"larger than 20 MB", map[string]any{"audioBase64": b64(big)}, 4210, "SAAS_SPEECH_AUDIO_LENGTH_TOO_LONG_ERROR"},
		{"22050 Hz wav", map[string]any{"audioBase64": b64(makeWAV(22050, 1, 16, 100))}, 4204, "SAAS_AUE_NOT_MEET_REQUIREMENT_ERROR"},
		{"8 kHz wav", map[string]any{"audioBase64": b64(makeWAV(8000, 1, 16, 100))}, 4204, "SAAS_AUE_NOT_MEET_REQUIREMENT_ERROR"},
		{"24-bit wav", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 24, 100))}, 4204, "SAAS_AUE_NOT_MEET_REQUIREMENT_ERROR"},
		{"22050 Hz mp3", map[string]any{"audioBase64": b64(mp3_22k)}, 4204, "SAAS_AUE_NOT_MEET_REQUIREMENT_ERROR"},
		{"unknown bytes", map[string]any{"audioBase64": b64([]byte("hello, this is text"))}, 4204, "SAAS_AUE_NOT_MEET_REQUIREMENT_ERROR"},
		{"empty wav", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 16, 0))}, 4211, "SAAS_SPEECH_AUDIO_LENGTH_TOO_SHORT_ERROR"},
		{"ftp url", map[string]any{"audioUrl": "ftp://x.test/a.wav"}, 1102, "SAAS_INVALID_PARAMETER_ERROR"},
		{"flac url", map[string]any{"audioUrl": "https://x.test/a.flac"}, 4204, "SAAS_AUE_NOT_MEET_REQUIREMENT_ERROR"},
	}
	for _, c := range cases {
		m := call(t, s, "POST", "/v2/asr", c.body)
		if num(m, "rtn") != c.rtn || m["message"] != c.msg || m["requestId"] == "" {
			t.Errorf("%s: %v, want rtn %d %s", c.name, m, c.rtn, c.msg)
		}
	}
	m := call(t, s, "POST", "/v2/asr", map[string]any{"audioBase64": b64(mp3)})
	if num(m, "rtn") != 0 || m["resultText"] != "[sandbox] mp3 audio, 250 ms" {
		t.Errorf("mp3: %v", m)
	}
	// 8-bit PCM WAV is allowed (p000)
	if m := call(t, s, "POST", "/v2/asr", map[string]any{"audioBase64": b64(makeWAV(16000, 1, 8, 500))}); num(m, "rtn") != 0 {
		t.Errorf("8-bit PCM wav: %v", m)
	}
}

func TestShortASRLoopbackURL(t *testing.T) {
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.wav":
			_, _ = w.Write(makeWAV(44100, 2, 16, 2500))
		case "/long.wav":
			_, _ = w.Write(makeWAV(16000, 1, 16, 70_000))
		default:
			http.NotFound(w, r)
		}
	}))
	defer media.Close()
	s := newTestServer(t)
	if m := call(t, s, "POST", "/v2/asr", map[string]any{"audioUrl": media.URL + "/ok.wav"}); m["resultText"] != "[sandbox] wav audio, 2500 ms" {
		t.Errorf("ok.wav: %v", m)
	}
	if m := call(t, s, "POST", "/v2/asr", map[string]any{"audioUrl": media.URL + "/long.wav"}); num(m, "rtn") != 4210 {
		t.Errorf("long.wav: %v", m)
	}
	if m := call(t, s, "POST", "/v2/asr", map[string]any{"audioUrl": media.URL + "/missing.wav"}); num(m, "rtn") != 4202 || m["message"] != "SAAS_SPEECH_FILEDOWNLOAD_ERROR" {
		t.Errorf("missing.wav: %v", m)
	}
	// a remote URL is never fetched: judged by extension
	if m := call(t, s, "POST", "/v2/asr", map[string]any{"audioUrl": "https://cdn.example.com/clip.m4a"}); num(m, "rtn") != 0 || m["resultText"] != "[sandbox] m4a audio at /clip.m4a" {
		t.Errorf("remote: %v", m)
	}
}

func TestLongASRStatesAndCallback(t *testing.T) {
	rc := newReceiver(t, 200)
	s := newTestServer(t)
	m := call(t, s, "POST", "/v4/lasr", map[string]any{
		"audioUrl": "https://cdnfile.test/a.mp3",
		"callback": rc.URL + "/lasr",
		"filedata": map[string]any{"aue": "wav", "lang": "MANDARIN", "sampleRateHertz": "16000", "audioName": "x.amr"},
		"speechConfig": map[string]any{
			"scene": "GERNERL", "byWords": true, "customWords": []string{"七牛", "qiniu"},
			"addPunctuation": true, "wordsReplaceConfig": true, "numOfSpeakers": 2, "convertNumber": true,
		},
		"wordsReplaceConfig": []map[string]any{{"keywords": "句", "replace": "*"}},
	})
	id, _ := m["taskId"].(string)
	if num(m, "rtn") != 0 || m["message"] != "ok" || len(id) != 36 || m["requestId"] == "" {
		t.Fatalf("submit: %v", m)
	}
	for want := 0; want <= 3; want++ {
		// The query reporting state 2 advances the task to 3 and starts the
		// callback, so check before each query, not after it.
		if want <= 2 && len(s.Callbacks()) != 0 {
			t.Fatalf("callback before TASK_SUCC (state %d)", want)
		}
		q := call(t, s, "GET", "/v4/lasr/"+id, nil)
		d := q["data"].(map[string]any)
		if num(d, "statusCode") != want || d["statusText"] != lasrStates[want] || q["taskId"] != id {
			t.Fatalf("query %d: %v", want, q)
		}
		if (d["speechResult"] != nil) != (want == 3) {
			t.Fatalf("query %d: speechResult presence wrong: %v", want, d)
		}
	}
	s.Flush()
	got := rc.got()
	if len(got) != 1 {
		t.Fatalf("callbacks: %v", got)
	}
	cb := got[0]
	d := cb["data"].(map[string]any)
	sr := d["speechResult"].(map[string]any)
	if cb["taskId"] != id || num(d, "statusCode") != 3 || num(sr, "duration") != 30000 {
		t.Fatalf("callback: %v", cb)
	}
	detail := sr["detail"].([]any)
	if len(detail) != 6 {
		t.Fatalf("30 s of audio → 6 sentences, got %d", len(detail))
	}
	first := detail[0].(map[string]any)
	second := detail[1].(map[string]any)
	if first["sentences"] != "[sandbox] 第1*。" || first["speakerId"] != "1" || second["speakerId"] != "2" || first["startTime"] != "0" || first["endTime"] != "5000" {
		t.Errorf("sentences: %v / %v", first, second)
	}
	if !strings.HasPrefix(sr["resultText"].(string), "[sandbox] 第1*。第2*。") {
		t.Errorf("resultText: %v", sr["resultText"])
	}
	pieces := first["wordsPiece"].([]any)
	types := []string{}
	for _, p := range pieces {
		types = append(types, p.(map[string]any)["transcribedType"].(string))
	}
	if strings.Join(types, ",") != "1,5,9,2" {
		t.Errorf("piece types %v (第=1, 1=digit 5, *=replaced 9, 。=2)", types)
	}
	cbs := s.Callbacks()
	if len(cbs) != 1 || cbs[0].Kind != "lasr" || cbs[0].Status != 200 || cbs[0].URL != rc.URL+"/lasr" {
		t.Errorf("recorded callbacks: %+v", cbs)
	}
}

func TestLongASRVariants(t *testing.T) {
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(makeWAV(16000, 1, 16, 12_000))
	}))
	defer media.Close()
	s := newTestServer(t)
	m := call(t, s, "POST", "/v4/lasr/start", map[string]any{ // quirk 29 alias
		"audioUrl":     media.URL + "/a.wav",
		"speechConfig": map[string]any{"convertNumber": false, "addPunctuation": false, "numOfSpeakers": 1},
	})
	id := m["taskId"].(string)
	var q map[string]any
	for i := 0; i < 4; i++ {
		q = call(t, s, "GET", "/v4/lasr/"+id, nil)
	}
	sr := q["data"].(map[string]any)["speechResult"].(map[string]any)
	detail := sr["detail"].([]any)
	if num(sr, "duration") != 12000 || len(detail) != 3 || sr["resultText"] != "[sandbox] 第一句第二句第三句" {
		t.Errorf("result: %v", sr)
	}
	last := detail[2].(map[string]any)
	if last["endTime"] != "12000" || last["speakerId"] != "1" || last["wordsPiece"] != nil {
		t.Errorf("last sentence: %v", last)
	}
}

func TestLongASRErrors(t *testing.T) {
	s := newTestServer(t)
	cases := []struct {
		name string
		body any
		rtn  int
	}{
		{"no audioUrl", map[string]any{"callback": "http://cb.test"}, 1103},
		{"bad json", []byte(`[`), 1101},
		{"rate not numeric", map[string]any{"audioUrl": "http://a.test/a.wav", "filedata": map[string]any{"sampleRateHertz": "abc"}}, 1102},
		{"byWords type", map[string]any{"audioUrl": "http://a.test/a.wav", "speechConfig": map[string]any{"byWords": "yes"}}, 1102},
		{"speakers", map[string]any{"audioUrl": "http://a.test/a.wav", "speechConfig": map[string]any{"numOfSpeakers": 7}}, 1102},
		{"scene", map[string]any{"audioUrl": "http://a.test/a.wav", "speechConfig": map[string]any{"scene": "MEETING"}}, 4202},
		{"lang", map[string]any{"audioUrl": "http://a.test/a.wav", "filedata": map[string]any{"lang": "ENGLISH"}}, 4201},
		{"aue", map[string]any{"audioUrl": "http://a.test/a.wav", "filedata": map[string]any{"aue": "flac"}}, 4204},
		{"callback scheme", map[string]any{"audioUrl": "http://a.test/a.wav", "callback": "ftp://x"}, 1102},
	}
	for _, c := range cases {
		if m := call(t, s, "POST", "/v4/lasr", c.body); num(m, "rtn") != c.rtn {
			t.Errorf("%s: %v, want %d", c.name, m, c.rtn)
		}
	}
	if m := call(t, s, "GET", "/v4/lasr/does-not-exist", nil); num(m, "rtn") != 4208 || m["message"] != "SAAS_SPEECH_INVALID_TASKID_ERROR" {
		t.Errorf("unknown task: %v", m)
	}
	if m := call(t, s, "POST", "/v4/lasr", map[string]any{"audioUrl": "http://a.test/a.wav", "filedata": map[string]any{"sampleRateHertz": 16000}}); num(m, "rtn") != 0 {
		t.Errorf("numeric rate: %v", m)
	}
}

func TestProbeFormats(t *testing.T) {
	adts := func(rateIdx byte, frames int) []byte {
		var b []byte
		for i := 0; i < frames; i++ {
			n := 10
			b = append(b, 0xFF, 0xF1, 0x40|rateIdx<<2, 0x80|byte(n>>11), byte(n>>3), byte(n<<5)|0x1F, 0xFC, 0, 0, 0)
		}
		return b
	}
	info, err := probeAudio(adts(8, 125)) // 16 kHz, 125×1024 samples = 8000 ms
	if err != nil || info.format != "aac" || info.durationMs != 8000 || info.sampleRate != 16000 {
		t.Errorf("adts: %+v %v", info, err)
	}
	if info, err := probeAudio(append([]byte("\x00\x00\x00\x18ftypM4A "), make([]byte, 20)...)); err != nil || info.format != "m4a" || info.durationMs != -1 {
		t.Errorf("m4a: %+v %v", info, err)
	}
	opus := append([]byte("OggS"), make([]byte, 24)...)
	opus = append(opus, []byte("OpusHead\x01\x01\x00\x00\x44\xac\x00\x00")...) // 44100 Hz input
	info, err = probeAudio(opus)
	if err != nil || checkShortASR(info) == nil {
		t.Errorf("opus at 44100 Hz must be refused: %+v %v", info, err)
	}
}
