package doraapi

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCensorImageURL(t *testing.T) {
	e := newEnv(t)
	v, err := e.client.CensorImage(context.Background(), ImageCensorRequest{URL: "https://img.example/reject/cat.jpg", Types: []string{"PORN", "OCR"}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Verdict.Decision != Block || v.Verdict.RiskType != "porn" || v.Verdict.RiskLabel != "色情" || *v.Verdict.ProviderRiskType != 200 ||
		v.Verdict.ProviderLevel != "REJECT" || *v.Verdict.Score != 900 || v.EntryID == "" || !strings.HasPrefix(v.OCRText, "[sandbox] ") {
		t.Errorf("verdict = %+v %+v", v, v.Verdict)
	}
	var body map[string]any
	_ = json.Unmarshal(e.fake.Requests()[0].Body, &body)
	data := body["data"].(map[string]any)
	if body["type"] != "PORN_OCR" || data["tokenId"] != DefaultTokenID {
		t.Errorf("body = %v", body)
	}
	pass, err := e.client.CensorImage(context.Background(), ImageCensorRequest{URL: "https://img.example/cat.png"})
	if err != nil || pass.Verdict.Decision != Pass || pass.Verdict.RiskType != "none" {
		t.Errorf("pass = %+v, %v", pass.Verdict, err)
	}
}

// p007 documents only image URLs; a local file is sent as base64 in
// data.img (quirk 62: data may be 10 MB), which the fake accepts when the
// bytes are an image; anything else is its 1902, in the provider's words.
func TestCensorImageLocalFileIsBase64(t *testing.T) {
	e := newEnv(t)
	p := writeFile(t, "cat.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...))
	if _, err := e.client.CensorImage(context.Background(), ImageCensorRequest{Path: p}); err != nil {
		t.Fatalf("local PNG: %v", err)
	}
	bad := writeFile(t, "notes.png", []byte("this is not an image at all"))
	_, err := e.client.CensorImage(context.Background(), ImageCensorRequest{Path: bad})
	var de *Error
	if !errors.As(err, &de) || de.Code != 1902 || de.Message != "参数不合法" {
		t.Fatalf("err = %v", err)
	}
	var body map[string]any
	_ = json.Unmarshal(e.fake.Requests()[0].Body, &body)
	if img := body["data"].(map[string]any)["img"].(string); !strings.HasPrefix(img, "iVBORw0KGgo") {
		t.Errorf("img = %.20s", img)
	}
}

func TestCensorImageLimits(t *testing.T) {
	e := newEnv(t)
	big := writeFile(t, "big.jpg", make([]byte, ImageMaxFile+1))
	for _, req := range []ImageCensorRequest{
		{Path: big},
		{Path: writeFile(t, "a.svg", []byte("<svg/>"))},
		{URL: "https://x.example/a.heic"},
		{URL: "https://x.example/a.jpg", Types: []string{"POLITICAL"}},
		{URL: "https://x.example/a.jpg", Channel: "NOPE"},
		{},
	} {
		if _, err := e.client.CensorImage(context.Background(), req); !isLimit(err) {
			t.Errorf("%+v: err = %v", req, err)
		}
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestAudioCensorSubmitQueryAndCallback(t *testing.T) {
	e := newEnv(t)
	cb := newReceiver(t)
	wav := wavBytes(16000, 1, 16, 25*time.Second)
	u := serveBytes(t, "/review/voice.wav", wav)
	id, err := e.client.SubmitAudioCensor(context.Background(), AudioCensorRequest{URL: u, Types: []string{"POLITICAL", "MOAN"}, Channel: "MESSAGE", Callback: cb.url("/cb")})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.client.AudioCensorResult(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Done || r.EntryID != id || r.Verdict.Decision != Review || r.Verdict.RiskType != "politics" || r.Seconds != 25 || len(r.Segments) != 3 {
		t.Fatalf("result = %+v", r)
	}
	if s := r.Segments[2]; s.From != "00:00:20" || s.To != "00:00:25" || s.Verdict.RiskLabel != "涉政" {
		t.Errorf("segment = %+v", s)
	}
	e.fake.Flush()
	got := cb.got("/cb")
	if len(got) != 1 {
		t.Fatalf("callbacks = %d", len(got))
	}
	tid, sum := Summarize(KindCensorAudio, got[0])
	if tid != id || sum != "audio censor: review (politics), 3 segment(s)" {
		t.Errorf("summary = %q %q", tid, sum)
	}
	if _, err := e.client.AudioCensorResult(context.Background(), "nope"); err == nil || !strings.Contains(err.Error(), "code 1902") {
		t.Errorf("err = %v", err)
	}
}

// p008's callback example, verbatim (invalid JSON: a curly quote).
func TestParseAudioCensorDocExample(t *testing.T) {
	doc := `{
"code":1100,
"message":"成功",
"entryId":"b891cf2d82e214de45df33fc2bea4875",
"riskLevel":"REJECT",
"audioText":"法轮大法好",
"labels":"涉政-音频",
"detail":[{
"audioStarttime":10,
"audioEndtime":20,
"audioUrl":"http://xxxxxxxx.wav",
"audioText":"法轮大法好",
"riskLevel":"REJECT",
"audioMatchedItem":"法轮",
"riskType":100,
"description":"涉政-音频"
}],
"tags":[
{
"label":"男性",
"confidence":90
},
{
"label":"大叔音",
"confidence”:91
}
],
"callbackParam":{
"param1":1
}
}`
	r, err := ParseAudioCensor([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	v := r.Verdict
	if v.Decision != Block || v.RiskType != "politics" || v.Matched != "法轮" || v.Description != "涉政-音频" || *v.ProviderRiskType != 100 {
		t.Errorf("verdict = %+v", v)
	}
	if r.Segments[0].From != "00:00:10" || len(r.Voice) != 2 {
		t.Errorf("result = %+v", r)
	}
}

// The verbatim submit answer with "entryrid" and a trailing comma (quirk 7).
func TestShumeiSubmitEntryRID(t *testing.T) {
	var s shumeiSubmit
	if err := decodeLenient([]byte("{\n\"code\":1100,\n\"message\":\"成功\",\n\"entryrid\":\"5564f430ee6a1adb40f06d768b40316b\",\n}"), &s); err != nil {
		t.Fatal(err)
	}
	if s.id() != "5564f430ee6a1adb40f06d768b40316b" {
		t.Errorf("id = %q", s.id())
	}
}

func TestVerdictNormalisation(t *testing.T) {
	img := `{"code":1100,"message":"成功","entryrid":"5564f430ee6a1adb40f06d768b40316b","score":700,"riskLevel":"REJECT","detail":{"description":"暴恐图片","model":"M010118","riskType":400,"text":""},"status":0}`
	var w imageWire
	if err := decodeLenient([]byte(img), &w); err != nil {
		t.Fatal(err)
	}
	v := shumeiVerdict(pageImage, w.RiskLevel, intOf(w.Detail.RiskType), w.Detail.Description)
	if v.Decision != Block || v.RiskType != "terrorism" || v.RiskLabel != "暴恐" {
		t.Errorf("image 400 = %+v", v)
	}
	// The same 暴恐 is 110 on audio pages; 400 there is 灌水 (quirk 13).
	n110, n400, n700 := 110, 400, 700
	if v := shumeiVerdict(pageAudio, "REJECT", &n110, ""); v.RiskType != "terrorism" {
		t.Errorf("audio 110 = %+v", v)
	}
	if v := shumeiVerdict(pageAudio, "REVIEW", &n400, ""); v.RiskType != "spam" || v.Decision != Review {
		t.Errorf("audio 400 = %+v", v)
	}
	if v := shumeiVerdict(pageAudioStream, "REJECT", &n700, ""); v.RiskType != "other" {
		t.Errorf("p003 700 = %+v", v)
	}
	if v := shumeiVerdict(pageAudio, "REJECT", &n700, ""); v.RiskType != "blacklist" {
		t.Errorf("p008 700 = %+v", v)
	}
	if v := yituVerdict("block", "PORN", nil); v.Decision != Block || v.RiskType != "porn" || v.ProviderLevel != "block" {
		t.Errorf("yitu = %+v", v)
	}
	if v := yituVerdict("pass", "SILENCE", nil); v.Decision != Pass || v.RiskType != "silence" {
		t.Errorf("yitu silence = %+v", v)
	}
}

// p003's callback example, verbatim.
func TestParseAudioStreamDocExample(t *testing.T) {
	doc := `{"code":1100,"message":"成功","riskLevel":"PASS","detail":{"beginProcessTime":1629773218229,"finishProcessTime":1629773218808,"audioUrl":"https://xxx.mp3","audio_endtime":"2021-08-24 10:46:48","audio_starttime":"2021-08-24 10:46:38","audioText":"这是音频内容","content":"这是音频内容","description":"正常","hits":[],"model":"M1000","requestParams":{"audioName":"xxxxxx","returnAllText":true,"returnPreAudio":true,"returnPreText":true,"room":"","streamType":"NORMAL","tokenId":"1234","url":"rtmp://xxx.co/test/test1?sign=xxx"},"riskTypeDesc":"正常","room":"","userId":0,"vadCode":1}}`
	ev, err := ParseAudioStreamCallback([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Segment.Verdict.Decision != Pass || ev.Segment.From != "2021-08-24 10:46:38" || ev.Segment.Text != "这是音频内容" || ev.TaskID != "" {
		t.Errorf("event = %+v", ev)
	}
	// p009's audio callback example (flat detail).
	audio := `{"code":1100,"message":"成功","entryId":"b891cf2d82e214de45df33fc2bea4875","riskLevel":"REJECT","contentType":2,"detail":{"audioEndTime":"2019-09-20 15:27:35","audioStartTime":"2019-09-20 15:27:25","audioText":"老婆","audioUrl":"http://xxxxxxxxxxx.mp3","model":"M02101","requestParams":{"channel":"VIDEOSTREAM","returnAllImg":1,"returnAllText":true,"room":"001","tokenId":"1157893895","url":"rtmp://xxxxxxx"},"riskType":200,"room":"001"}}`
	ev, err = ParseVideoStreamCallback([]byte(audio))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Content != "audio" || ev.Segment.Verdict.RiskType != "porn" || ev.Segment.From != "2019-09-20 15:27:25" || ev.TaskID != "b891cf2d82e214de45df33fc2bea4875" {
		t.Errorf("event = %+v", ev)
	}
	// The tabled two-level form.
	nested := `{"code":1100,"message":"成功","entryId":"x","riskLevel":"REVIEW","contentType":2,"detail":{"audioText":"全文","detail":[{"audioUrl":"u","audioStartTime":"a","audioEndTime":"b","riskType":250,"descriptionV2":"娇喘","audioText":"片段"}]}}`
	ev, err = ParseVideoStreamCallback([]byte(nested))
	if err != nil || ev.Segment.Verdict.RiskType != "moan" || ev.Segment.From != "a" || ev.Segment.Text != "全文" {
		t.Errorf("nested = %+v %v", ev, err)
	}
}

func TestStreamCensorsAgainstFake(t *testing.T) {
	e := newEnv(t)
	cb := newReceiver(t)
	ctx := context.Background()

	aid, err := e.client.StartAudioStreamCensor(ctx, AudioStreamRequest{URL: "rtmp://live.example/hub/reject-porn", Channel: "LIVE_ROOM", Types: []string{"PORN"},
		ReturnFinishInfo: true, Callback: cb.url("/audio")})
	if err != nil {
		t.Fatal(err)
	}
	vid, err := e.client.StartVideoStreamCensor(ctx, VideoStreamRequest{URL: "rtmp://live.example/hub/review", ReturnAllImg: true,
		ImgCallback: cb.url("/video"), AudioCallback: cb.url("/video")})
	if err != nil {
		t.Fatal(err)
	}
	yid, err := e.client.StartVoiceCensor(ctx, VoiceCensorRequest{URL: "https://live.example/hub/reject-ad.m3u8", AudioID: "s1", Callback: cb.url("/voice")})
	if err != nil {
		t.Fatal(err)
	}
	e.fake.Advance()
	e.fake.Flush()

	a := cb.got("/audio")
	if len(a) != 1 {
		t.Fatalf("audio callbacks = %d", len(a))
	}
	ev, err := ParseAudioStreamCallback(a[0])
	if err != nil || ev.TaskID != aid || ev.Segment.Verdict.Decision != Block || ev.Segment.Verdict.RiskType != "porn" || ev.Finished {
		t.Errorf("audio stream event = %+v %v", ev, err)
	}
	v := cb.got("/video")
	if len(v) != 2 {
		t.Fatalf("video callbacks = %d", len(v))
	}
	kinds := map[string]StreamEvent{}
	for _, b := range v {
		ev, err := ParseVideoStreamCallback(b)
		if err != nil || ev.TaskID != vid {
			t.Fatalf("video event = %+v %v", ev, err)
		}
		kinds[ev.Content] = ev
	}
	if kinds["image"].Segment.Verdict.Decision != Review || kinds["image"].Segment.URL == "" || kinds["audio"].Segment.Verdict.RiskType != "politics" {
		t.Errorf("video events = %+v", kinds)
	}
	y := cb.got("/voice")
	if len(y) != 1 {
		t.Fatalf("voice callbacks = %d", len(y))
	}
	yev, err := ParseVoiceCallback(y[0])
	if err != nil || yev.TaskID != yid || yev.Segment.Verdict.Decision != Block || yev.Segment.Verdict.RiskType != "ad" || yev.Segment.From != "00:00:00" {
		t.Errorf("voice event = %+v %v", yev, err)
	}
	if _, s := Summarize(KindCensorVoice, y[0]); !strings.HasPrefix(s, "audio block (ad) at 00:00:00: [sandbox]") {
		t.Errorf("summary = %q", s)
	}

	if err := e.client.StopAudioStreamCensor(ctx, aid); err != nil {
		t.Fatal(err)
	}
	e.fake.Flush()
	a = cb.got("/audio")
	last, _ := ParseAudioStreamCallback(a[len(a)-1])
	if !last.Finished {
		t.Errorf("no statCode 1 after finish: %+v", last)
	}
	if err := e.client.StopVideoStreamCensor(ctx, vid); err != nil {
		t.Fatal(err)
	}
	if err := e.client.StopVoiceCensor(ctx, yid); err != nil {
		t.Fatal(err)
	}
	var de *Error
	if err := e.client.StopVoiceCensor(ctx, "no-such-request"); !errors.As(err, &de) || de.Code != 4302 {
		t.Errorf("unknown close: %v", err)
	}
}

func TestStreamCensorLimits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	errs := []error{}
	_, err := e.client.StartAudioStreamCensor(ctx, AudioStreamRequest{URL: "rtmp://x/y", Channel: "LIVE_ROOM"})
	errs = append(errs, err) // no callback
	_, err = e.client.StartAudioStreamCensor(ctx, AudioStreamRequest{URL: "rtmp://x/y", Channel: "ROOM", Callback: "https://cb.example/x"})
	errs = append(errs, err)
	_, err = e.client.StartVideoStreamCensor(ctx, VideoStreamRequest{URL: "https://x/y.flv", ImgCallback: "https://cb/x", AudioCallback: "https://cb/x"})
	errs = append(errs, err) // not rtmp
	_, err = e.client.StartVideoStreamCensor(ctx, VideoStreamRequest{URL: "rtmp://x/y", ImgCallback: "https://cb/x", AudioCallback: "https://cb/x", DetectFrequency: 90})
	errs = append(errs, err)
	_, err = e.client.StartVoiceCensor(ctx, VoiceCensorRequest{URL: "https://x/y.mp4", AudioID: "a", Callback: "https://cb/x"})
	errs = append(errs, err)
	for i, err := range errs {
		if !isLimit(err) {
			t.Errorf("%d: err = %v", i, err)
		}
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTranslation(t *testing.T) {
	e := newEnv(t)
	cb := newReceiver(t)
	ctx := context.Background()
	id, err := e.client.SubmitTranslation(ctx, TranslateRequest{URL: "https://docs.example/report.docx", From: "auto", To: "en", DType: 3, Bucket: "b", Callback: cb.url("/t"), Bilingual: true})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := e.client.Translation(ctx, id)
	if err != nil || tr.Done || tr.Code != 102 {
		t.Fatalf("first query = %+v %v", tr, err)
	}
	tr, err = e.client.Translation(ctx, id)
	if err != nil || !tr.Done || tr.FileKey != "sandbox/translate/"+id+".docx" || tr.PageCount != 2 {
		t.Fatalf("second query = %+v %v", tr, err)
	}
	reqs := e.fake.Requests()
	if ct := reqs[len(reqs)-1].Header.Get("Content-Type"); ct != "" {
		t.Errorf("GET query sent Content-Type %q (quirk 55)", ct)
	}
	e.fake.Flush()
	got := cb.got("/t")
	if len(got) != 1 {
		t.Fatalf("callbacks = %d", len(got))
	}
	if tid, s := Summarize(KindTranslate, got[0]); tid != id || !strings.Contains(s, "translation done: sandbox/translate/") {
		t.Errorf("summary = %q %q", tid, s)
	}
	for _, req := range []TranslateRequest{
		{URL: "https://d/x.txt", From: "auto", To: "en", DType: 3, Bucket: "b", Callback: "https://c/x"},
		{URL: "https://d/x.pdf", From: "auto", To: "auto", DType: 3, Bucket: "b", Callback: "https://c/x"},
		{URL: "https://d/x.xlsx", From: "auto", To: "en", DType: 2, Bucket: "b", Callback: "https://c/x"},
		{URL: "https://d/x.pdf", From: "xx", To: "en", DType: 3, Bucket: "b", Callback: "https://c/x"},
		{URL: "https://d/x.pdf", From: "auto", To: "en", DType: 3, Callback: "https://c/x"},
	} {
		if _, err := e.client.SubmitTranslation(ctx, req); !isLimit(err) {
			t.Errorf("%+v: %v", req, err)
		}
	}
	if _, err := e.client.Translation(ctx, "nope"); err == nil || !strings.Contains(err.Error(), "code 400") {
		t.Errorf("err = %v", err)
	}
}
