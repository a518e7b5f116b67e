package dorafake

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
)

// Content moderation (spec §4.4 and §4.6–§4.9).
//
// Shumei family (/anti_fraud/…): success code 1100 "成功"; every invalid or
// missing field, unknown entryId or wrong type list is 1902 "参数不合法";
// responses carry entryId (never the examples' "entryrid", quirk 7).
// Yitu live voice censor (/v1/antispam/…): rtn 0 "SAAS_SUCC"; missing field
// 1103, invalid field 1102, lang 4201, scene 4202, bad stream 4301, unknown
// requestId 4302, an audioId already being scanned 4312, more than 200
// concurrent streams 4310.
//
// Verdicts follow the package's risk convention (URL contains "reject" /
// "review"). The risk type is that of the first requested type, numbered as
// on the page the API comes from (quirk 13): audio 100 涉政, 120 国歌,
// 200 色情, 250 娇喘, 300 广告; image 100 涉政, 200 色情, 300 广告,
// 320 水印, 400 暴恐, 510 不良场景; 900 自定义 when no requested type is a
// risk type (SING, OCR). Score: PASS 0, REVIEW 500, REJECT 900.
//
// Stream censors push one segment per Advance (or per Step): the audio
// stream censor a 10 s segment to callback (only REJECT segments unless
// returnAllText; up to 12 pushes until the receiver answers 200); the video
// stream censor one frame to imgCallback (only REVIEW/REJECT frames unless
// returnAllImg=1) and one 10 s audio segment to audioCallback (flat detail
// as in the p009 example, quirk 72; only risky ones unless returnAllText);
// the Yitu censor a 10 s segment (only review/block unless returnAllText).
// Closing stops the pushes; with returnFinishInfo the audio stream censor
// first pushes a last segment with statCode 1.

const (
	levelPass   = "PASS"
	levelReview = "REVIEW"
	levelReject = "REJECT"
	segmentSecs = 10
	maxYituOpen = 200
	sandboxHost = "http://sandbox.dora.invalid"
)

func levelFromURL(u string) string {
	l := strings.ToLower(u)
	switch {
	case strings.Contains(l, "reject"):
		return levelReject
	case strings.Contains(l, "review"):
		return levelReview
	}
	return levelPass
}

func scoreFor(level string) int {
	switch level {
	case levelReject:
		return 900
	case levelReview:
		return 500
	}
	return 0
}

func sandboxURL(kind, id string, n int, ext string) string {
	return fmt.Sprintf("%s/%s/%s/%d.%s", sandboxHost, kind, id, n, ext)
}

var (
	audioRiskTypes = map[string]int{"POLITICAL": 100, "ANTHEN": 120, "PORN": 200, "MOAN": 250, "AD": 300}
	imageRiskTypes = map[string]int{"POLITICS": 100, "PERSON": 100, "VIOLENCE": 400, "PORN": 200, "AD": 300, "LOGO": 320, "BEHAVIOR": 510}
	riskTypeDesc   = map[int]string{0: "正常", 100: "涉政", 120: "国歌", 200: "色情", 250: "娇喘", 300: "广告", 320: "水印", 400: "暴恐", 510: "不良场景", 900: "自定义"}
)

// riskTypeOf returns the risk type for a verdict: 0 when PASS, else that of
// the first requested type that has one, else 900.
func riskTypeOf(level string, types []string, table map[string]int) int {
	if level == levelPass {
		return 0
	}
	for _, t := range types {
		if n, ok := table[t]; ok {
			return n
		}
	}
	return 900
}

func describe(riskType int) string { return "[sandbox] " + riskTypeDesc[riskType] }

// typeList parses "A_B_C" against allowed. DEFAULT expands to def (when def
// is not empty); with defaultAlone, DEFAULT combined with other types is
// ignored (p009). Any unknown or empty element is an error.
func typeList(v string, allowed map[string]bool, def string, defaultAlone bool) ([]string, error) {
	if v == "" {
		return nil, errors.New("empty type")
	}
	parts := strings.Split(v, "_")
	var out []string
	for _, p := range parts {
		switch {
		case p == "DEFAULT" && def != "":
			if defaultAlone && len(parts) > 1 {
				continue
			}
			out = append(out, strings.Split(def, "_")...)
		case allowed[p]:
			out = append(out, p)
		default:
			return nil, fmt.Errorf("unknown type %q in %q", p, v)
		}
	}
	return out, nil
}

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func has(list []string, x string) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}

// stream is an open-ended censor task (audio stream, video stream, Yitu).
type stream interface {
	asyncTask
	kind() string
	// finish closes the stream and returns the last callbacks; ok is false
	// when it was already closed.
	finish(s *Server) (due []pendingCallback, ok bool)
}

// ---------------------------------------------------------------------------
// Shumei image censor — POST /anti_fraud/v2/img (p007), synchronous.

var (
	imageTypes    = set("POLITICS", "PORN", "OCR", "AD", "LOGO", "BEHAVIOR", "PERSON", "VIOLENCE")
	imageFormats  = set("jpg", "jpeg", "jp2", "png", "webp", "gif", "bmp", "tiff", "tif", "dib", "ppm", "pgm", "pbm", "hdr", "pic")
	imageChannels = set("HEAD_IMG", "IMGS", "DYNAMIC", "ARTICLE", "COMMENT", "COVER", "PRODUCT", "GROUP_CHAT", "MESSAGE", "OFFLINE_TEST")
	imageRoles    = set("ADMIN", "HOST", "SYSTEM", "USER")
)

type imageResponse struct {
	Code      int         `json:"code"`
	Message   string      `json:"message"`
	EntryID   string      `json:"entryId"`
	Score     int         `json:"score"`
	RiskLevel string      `json:"riskLevel"`
	Status    int         `json:"status"`
	Detail    imageDetail `json:"detail"`
}

type imageDetail struct {
	RiskType      int      `json:"riskType"`
	Model         string   `json:"model"`
	Description   string   `json:"description"`
	DescriptionV2 string   `json:"descriptionV2"`
	Text          string   `json:"text,omitempty"`
	PornLabel     string   `json:"pornLabel,omitempty"`
	PornRate      *float64 `json:"pornRate,omitempty"`
	SexyRate      *float64 `json:"sexyRate,omitempty"`
	NormalRate    *float64 `json:"normalRate,omitempty"`
}

func (s *Server) imageCensor(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return shumeiErr(1902, err.Error())
	}
	var c checker
	typ := c.str(o, "type", "type", true)
	data, _ := c.object(o, "data", "data", true)
	img := c.str(data, "img", "data.img", true)
	c.str(data, "tokenId", "data.tokenId", true)
	channel := c.str(data, "channel", "data.channel", false)
	for _, k := range []string{"registerTime", "friendNum", "fansNum", "level"} {
		c.integer(data, k, "data."+k, false)
	}
	premium, hasPremium := c.integer(data, "isPremiumUser", "data.isPremiumUser", false)
	sex, hasSex := c.integer(data, "sex", "data.sex", false)
	age, hasAge := c.integer(data, "age", "data.age", false)
	maxFrame, hasMaxFrame := c.integer(data, "maxFrame", "data.maxFrame", false)
	interval, hasInterval := c.integer(data, "interval", "data.interval", false)
	role := c.str(data, "role", "data.role", false)
	for _, k := range []string{"ip", "receiveTokenId", "topic", "phone", "deviceId", "imeimac", "idfvidfa"} {
		c.str(data, k, "data."+k, false)
	}
	if c.err != nil {
		return shumeiErr(1902, c.err.Error())
	}
	types, err := typeList(typ, imageTypes, "", false)
	switch {
	case err != nil:
		return shumeiErr(1902, err.Error())
	case jsonSize(data) > 10<<20:
		return shumeiErr(1902, "data larger than 10MB")
	case !isHTTPURL(img) && !isBase64Image(img):
		return shumeiErr(1902, "data.img must be an http or https URL or a base64-encoded image")
	case channel != "" && !imageChannels[channel]:
		return shumeiErr(1902, "unknown data.channel "+channel)
	case hasPremium && premium != 0 && premium != 1:
		return shumeiErr(1902, "data.isPremiumUser must be 0 or 1")
	case hasSex && sex != 0 && sex != 1:
		return shumeiErr(1902, "data.sex must be 0 or 1")
	case hasAge && (age < 0 || age > 2):
		return shumeiErr(1902, "data.age must be 0, 1 or 2")
	case hasMaxFrame && maxFrame < 1, hasInterval && interval < 1:
		return shumeiErr(1902, "data.maxFrame and data.interval must be positive")
	case role != "" && !imageRoles[role]:
		return shumeiErr(1902, "unknown data.role "+role)
	}
	u, _ := url.Parse(img)
	if ext := urlExt(u); isHTTPURL(img) && ext != "" && !imageFormats[ext] {
		return shumeiErr(1902, "unsupported image format ."+ext)
	}
	level := levelFromURL(img)
	rt := riskTypeOf(level, types, imageRiskTypes)
	if level != levelPass && rt == 900 && has(types, "OCR") {
		rt = 300
	}
	d := imageDetail{RiskType: rt, Model: "M_SANDBOX", Description: describe(rt), DescriptionV2: describe(rt)}
	if has(types, "OCR") {
		d.Text = "[sandbox] OCR text of " + path.Base(u.Path)
	}
	if has(types, "PORN") {
		porn, sexy, normal := 0.01, 0.01, 0.98
		d.PornLabel = "正常"
		if level != levelPass && rt == 200 {
			porn, normal, d.PornLabel = 0.98, 0.01, "色情"
		}
		d.PornRate, d.SexyRate, d.NormalRate = &porn, &sexy, &normal
	}
	return okReply(imageResponse{Code: 1100, Message: "成功", EntryID: newHex("img"), Score: scoreFor(level), RiskLevel: level, Status: 0, Detail: d})
}

// ---------------------------------------------------------------------------
// Shumei audio file censor — POST /anti_fraud/v2/audio, POST
// /anti_fraud/v2/query_audio (p008).
//
// No in-progress answer is documented for query_audio, so the fake finishes
// the file at submit: the query answers the result at once and the callback
// (if any) is delivered right after the submit. audioTime is the probed
// duration of a loopback URL, else 30 s; the file is cut into 10 s segments
// ("[sandbox] 第n段"); detail holds every segment with returnAllText, else
// only REJECT/REVIEW ones. callbackParam is always present ({} if none was
// sent, quirk 66).

var (
	audioTypes    = set("POLITICAL", "ANTHEN", "PORN", "AD", "MOAN", "SING")
	audioChannels = set("GROUP_CHAT", "MESSAGE", "AUDIO_PROFILE")
)

type audioTask struct {
	id     string
	result audioResult
}

func (t *audioTask) advance(*Server) []pendingCallback { return nil }

type audioResult struct {
	Code          int            `json:"code"`
	Message       string         `json:"message"`
	EntryID       string         `json:"entryId"`
	AudioText     string         `json:"audioText"`
	AudioTime     int64          `json:"audioTime"`
	Labels        string         `json:"labels,omitempty"`
	RiskLevel     string         `json:"riskLevel"`
	Detail        []audioSegment `json:"detail"`
	IsSing        *int           `json:"isSing,omitempty"`
	CallbackParam any            `json:"callbackParam"`
}

type audioSegment struct {
	AudioStarttime int64  `json:"audioStarttime"`
	AudioEndtime   int64  `json:"audioEndtime"`
	AudioURL       string `json:"audioUrl"`
	AudioText      string `json:"audioText"`
	RiskLevel      string `json:"riskLevel"`
	RiskType       int    `json:"riskType"`
	Description    string `json:"description"`
}

type submitResponse struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	EntryID string `json:"entryId"`
}

func (s *Server) audioSubmit(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return shumeiErr(1902, err.Error())
	}
	var c checker
	typ := c.str(o, "type", "type", true)
	data, _ := c.object(o, "data", "data", true)
	audioURL := c.str(data, "url", "data.url", true)
	for _, k := range []string{"audioName", "tokenId", "nickname", "room"} {
		c.str(data, k, "data."+k, false)
	}
	channel := c.str(data, "channel", "data.channel", false)
	allText, _ := c.boolean(data, "returnAllText", "data.returnAllText")
	c.integer(data, "timestamp", "data.timestamp", false)
	callback := c.str(o, "callback", "callback", false)
	cbParam, _ := c.object(o, "callbackParam", "callbackParam", false)
	if c.err != nil {
		return shumeiErr(1902, c.err.Error())
	}
	types, err := typeList(typ, audioTypes, "POLITICAL_PORN_MOAN", false) // quirk 50: p008's DEFAULT
	switch {
	case err != nil:
		return shumeiErr(1902, err.Error())
	case jsonSize(data) > 1<<20:
		return shumeiErr(1902, "data larger than 1MB")
	case !isHTTPURL(audioURL):
		return shumeiErr(1902, "data.url must be an http or https URL")
	case channel != "" && !audioChannels[channel]: // quirk 63: IM_MESSAGE is not a channel
		return shumeiErr(1902, "unknown data.channel "+channel)
	case callback != "" && !isHTTPURL(callback):
		return shumeiErr(1902, "callback must be an http or https URL")
	}
	durationMs := int64(30_000)
	info, err := s.probeURL(audioURL, 512<<20, nil)
	switch {
	case errors.Is(err, errDownload):
		return shumeiErr(1911, err.Error())
	case err != nil:
		return shumeiErr(1902, "data.url: "+err.Error())
	case info.durationMs > 0:
		durationMs = info.durationMs
	}

	id := newHex("audio")
	level := levelFromURL(audioURL)
	rt := riskTypeOf(level, types, audioRiskTypes)
	secs := (durationMs + 999) / 1000
	n := max(1, min((secs+segmentSecs-1)/segmentSecs, 360))
	res := audioResult{Code: 1100, Message: "成功", EntryID: id, AudioTime: secs, RiskLevel: level, Detail: []audioSegment{}, CallbackParam: obj{}}
	if cbParam != nil {
		res.CallbackParam = cbParam
	}
	var text strings.Builder
	text.WriteString("[sandbox] ")
	for i := int64(1); i <= n; i++ {
		core := fmt.Sprintf("第%d段。", i)
		text.WriteString(core)
		if !allText && level == levelPass {
			continue
		}
		end := min(i*segmentSecs, secs)
		if i == n {
			end = secs
		}
		res.Detail = append(res.Detail, audioSegment{
			AudioStarttime: (i - 1) * segmentSecs, AudioEndtime: end,
			AudioURL: sandboxURL("audio", id, int(i), "mp3"), AudioText: "[sandbox] " + core,
			RiskLevel: level, RiskType: rt, Description: describe(rt),
		})
	}
	res.AudioText = text.String()
	if level != levelPass {
		res.Labels = describe(rt)
	}
	if has(types, "SING") {
		zero := 0
		res.IsSing = &zero
	}
	t := &audioTask{id: id, result: res}
	s.mu.Lock()
	s.audios[id] = t
	s.deliverLocked([]pendingCallback{{kind: "audio", id: id, url: callback, body: res, attempts: 1}})
	s.mu.Unlock()
	return okReply(submitResponse{Code: 1100, Message: "成功", EntryID: id})
}

func (s *Server) audioQuery(_ *http.Request, body []byte) reply {
	id, rep, ok := shumeiEntryID(body)
	if !ok {
		return rep
	}
	s.mu.Lock()
	t, found := s.audios[id]
	s.mu.Unlock()
	if !found {
		return shumeiErr(1902, "unknown entryId "+id)
	}
	return okReply(t.result)
}

func shumeiEntryID(body []byte) (string, reply, bool) {
	o, err := parseObject(body)
	if err != nil {
		return "", shumeiErr(1902, err.Error()), false
	}
	var c checker
	id := c.str(o, "entryId", "entryId", true)
	if c.err != nil {
		return "", shumeiErr(1902, c.err.Error()), false
	}
	return id, reply{}, true
}

// ---------------------------------------------------------------------------
// Smart audio stream censor — POST /anti_fraud/v2/audiostream, POST
// /anti_fraud/v2/finish_audiostream (p003).

var (
	streamTypes    = set("NORMAL", "AGORA", "ZEGO", "TRTC")
	streamChannels = set("VOICE_ROOM", "LIVE_ROOM", "VOICE_CHAT")
	trtcIDPattern  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

type audioStream struct {
	id, callback                      string
	types                             []string
	level                             string
	riskType                          int
	params                            obj
	room                              string
	allText, preText, preAudio, finfo bool
	start                             time.Time
	seg                               int
	open                              bool
}

func (t *audioStream) kind() string { return "audiostream" }

type audioStreamCallback struct {
	Code      int               `json:"code"`
	Message   string            `json:"message"`
	EntryID   string            `json:"entryId"`
	Score     *int              `json:"score,omitempty"`
	RiskLevel string            `json:"riskLevel"`
	StatCode  *int              `json:"statCode,omitempty"`
	Detail    audioStreamDetail `json:"detail"`
}

type audioStreamDetail struct {
	BeginProcessTime  int64  `json:"beginProcessTime"`
	FinishProcessTime int64  `json:"finishProcessTime"`
	AudioURL          string `json:"audioUrl"`
	PreAudioURL       string `json:"preAudioUrl,omitempty"`
	AudioEndtime      string `json:"audio_endtime"`
	AudioStarttime    string `json:"audio_starttime"`
	AudioText         string `json:"audioText"`
	Content           string `json:"content,omitempty"`
	Description       string `json:"description"`
	DescriptionV2     string `json:"descriptionV2"`
	Hits              []any  `json:"hits"`
	Model             string `json:"model"`
	IsSing            *int   `json:"isSing,omitempty"`
	RequestParams     obj    `json:"requestParams"`
	RiskType          int    `json:"riskType"`
	RiskTypeDesc      string `json:"riskTypeDesc"`
	Room              string `json:"room"`
	VadCode           int    `json:"vadCode"`
}

func (t *audioStream) segment(n int, statCode *int) audioStreamCallback {
	from := t.start.Add(time.Duration(n-1) * segmentSecs * time.Second)
	to := from.Add(segmentSecs * time.Second)
	text := fmt.Sprintf("[sandbox] 第%d段音频", n)
	cb := audioStreamCallback{Code: 1100, Message: "成功", EntryID: t.id, RiskLevel: t.level, StatCode: statCode, Detail: audioStreamDetail{
		BeginProcessTime: to.UnixMilli(), FinishProcessTime: to.UnixMilli() + 500,
		AudioURL:     sandboxURL("audiostream", t.id, n, "mp3"),
		AudioEndtime: absTime(to), AudioStarttime: absTime(from), AudioText: text,
		Description: describe(t.riskType), DescriptionV2: describe(t.riskType), Hits: []any{}, Model: "M_SANDBOX",
		RequestParams: t.params, RiskType: t.riskType, RiskTypeDesc: riskTypeDesc[t.riskType], Room: t.room, VadCode: 1,
	}}
	if t.level == levelReject {
		score := scoreFor(t.level)
		cb.Score = &score
		if t.preAudio {
			cb.Detail.PreAudioURL = sandboxURL("audiostream", t.id, n, "pre.mp3")
		}
	}
	if t.preText {
		cb.Detail.Content = text
	}
	if has(t.types, "SING") {
		zero := 0
		cb.Detail.IsSing = &zero
	}
	return cb
}

func (t *audioStream) advance(*Server) []pendingCallback {
	if !t.open {
		return nil
	}
	t.seg++
	if !t.allText && t.level != levelReject { // quirk 46/51: only REJECT segments
		return nil
	}
	var stat *int
	if t.finfo {
		zero := 0
		stat = &zero
	}
	return []pendingCallback{{kind: "audiostream", id: t.id, url: t.callback, body: t.segment(t.seg, stat), attempts: 12}}
}

func (t *audioStream) finish(*Server) ([]pendingCallback, bool) {
	if !t.open {
		return nil, false
	}
	t.open = false
	if !t.finfo {
		return nil, true
	}
	t.seg++
	one := 1
	return []pendingCallback{{kind: "audiostream", id: t.id, url: t.callback, body: t.segment(t.seg, &one), attempts: 12}}, true
}

func (s *Server) audioStreamSubmit(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return shumeiErr(1902, err.Error())
	}
	var c checker
	typ := c.str(o, "type", "type", true)
	data, _ := c.object(o, "data", "data", true)
	callback := c.str(o, "callback", "callback", true)
	st := c.str(data, "streamType", "data.streamType", true)
	streamURL := c.str(data, "url", "data.url", st == "NORMAL")
	c.str(data, "tokenId", "data.tokenId", true) // quirk 45: required although the example omits it
	channel := c.str(data, "channel", "data.channel", true)
	room := c.str(data, "room", "data.room", false)
	t := &audioStream{callback: callback, room: room, params: data, start: s.now(), open: true}
	t.allText, _ = c.boolean(data, "returnAllText", "data.returnAllText")
	t.preText, _ = c.boolean(data, "returnPreText", "data.returnPreText")
	t.preAudio, _ = c.boolean(data, "returnPreAudio", "data.returnPreAudio")
	t.finfo, _ = c.boolean(data, "returnFinishInfo", "data.returnFinishInfo")
	initDomain, hasInit := c.integer(data, "initDomain", "data.initDomain", false)
	agora, _ := c.object(data, "agoraParam", "data.agoraParam", st == "AGORA")
	zego, _ := c.object(data, "zegoParam", "data.zegoParam", st == "ZEGO")
	trtc, _ := c.object(data, "trtcParam", "data.trtcParam", st == "TRTC")
	var why string
	if st == "AGORA" {
		c.str(agora, "appId", "data.agoraParam.appId", true)
		c.str(agora, "channel", "data.agoraParam.channel", true)
		token := c.str(agora, "token", "data.agoraParam.token", false)
		uid, hasUID := c.integer(agora, "uid", "data.agoraParam.uid", token != "")
		c.boolean(agora, "isMixingEnabled", "data.agoraParam.isMixingEnabled")
		profile, hasProfile := c.integer(agora, "channelProfile", "data.agoraParam.channelProfile", false)
		switch {
		case hasUID && (uid < 0 || uid > 1<<32-1):
			why = "data.agoraParam.uid must be a uint32"
		case hasProfile && profile != 0 && profile != 1:
			why = "data.agoraParam.channelProfile must be 0 or 1"
		}
	}
	if st == "ZEGO" {
		c.str(zego, "tokenId", "data.zegoParam.tokenId", true)
		sid := c.str(zego, "streamId", "data.zegoParam.streamId", false)
		rid := c.str(zego, "roomId", "data.zegoParam.roomId", false)
		c.boolean(zego, "testEnv", "data.zegoParam.testEnv") // quirk 47: Y with a default; optional here
		if c.ok() && sid == "" && rid == "" {
			why = "data.zegoParam needs streamId or roomId"
		}
	}
	if st == "TRTC" {
		c.integer(trtc, "sdkAppId", "data.trtcParam.sdkAppId", true)
		scenes, _ := c.integer(trtc, "demoSences", "data.trtcParam.demoSences", true) // quirk 48: sic
		uid := c.str(trtc, "userId", "data.trtcParam.userId", true)
		c.str(trtc, "userSig", "data.trtcParam.userSig", true)
		rid, hasRid := c.integer(trtc, "roomId", "data.trtcParam.roomId", false)
		srid := c.str(trtc, "strRoomId", "data.trtcParam.strRoomId", false)
		switch {
		case !c.ok():
		case scenes != 2 && scenes != 4:
			why = "data.trtcParam.demoSences must be 2 or 4"
		case len(uid) > 32 || !trtcIDPattern.MatchString(uid):
			why = "data.trtcParam.userId: at most 32 of a-z A-Z 0-9 _ -"
		case !hasRid && srid == "":
			why = "data.trtcParam needs roomId or strRoomId"
		case hasRid && (rid < 1 || rid > 4294967294):
			why = "data.trtcParam.roomId must be 1 to 4294967294"
		case !hasRid && !trtcIDPattern.MatchString(srid):
			why = "data.trtcParam.strRoomId: only a-z A-Z 0-9 _ -"
		}
	}
	if c.err != nil {
		return shumeiErr(1902, c.err.Error())
	}
	types, err := typeList(typ, audioTypes, "POLITICAL_PORN_MOAN_AD", false) // quirk 44: ABUSE is refused
	switch {
	case why != "":
		return shumeiErr(1902, why)
	case err != nil:
		return shumeiErr(1902, err.Error())
	case jsonSize(data) > 1<<20:
		return shumeiErr(1902, "data larger than 1MB")
	case !isHTTPURL(callback):
		return shumeiErr(1902, "callback must be an http or https URL")
	case !streamTypes[st]:
		return shumeiErr(1902, "unknown data.streamType "+st)
	case !streamChannels[channel]:
		return shumeiErr(1902, "unknown data.channel "+channel)
	case hasInit && initDomain != 1:
		return shumeiErr(1902, "data.initDomain must be 1")
	}
	if st == "NORMAL" {
		if u, err := url.Parse(streamURL); err != nil || u.Scheme == "" || u.Host == "" {
			return shumeiErr(1902, "data.url must be a stream URL")
		}
	}
	t.id = newHex("audiostream")
	t.types = types
	t.level = levelFromURL(streamURL)
	t.riskType = riskTypeOf(t.level, types, audioRiskTypes)
	s.addStream(t.id, t)
	return okReply(submitResponse{Code: 1100, Message: "成功", EntryID: t.id})
}

func (s *Server) addStream(id string, t stream) {
	s.mu.Lock()
	s.streams[id] = t
	s.order = append(s.order, t)
	s.mu.Unlock()
}

// finishStream closes a stream of the given kind; found is false when the
// id is unknown or of another kind.
func (s *Server) finishStream(id, kind string) (found bool) {
	s.mu.Lock()
	t, ok := s.streams[id]
	if ok && t.kind() == kind {
		due, _ := t.finish(s)
		s.deliverLocked(due)
	}
	s.mu.Unlock()
	return ok && t.kind() == kind
}

func (s *Server) audioStreamFinish(_ *http.Request, body []byte) reply {
	return s.shumeiFinish(body, "audiostream")
}

// shumeiFinish ends a Shumei stream censor task of the given kind.
func (s *Server) shumeiFinish(body []byte, kind string) reply {
	id, rep, ok := shumeiEntryID(body)
	if !ok {
		return rep
	}
	if !s.finishStream(id, kind) {
		return shumeiErr(1902, "unknown entryId "+id)
	}
	return okReply(shumeiEnvelope{Code: 1100, Message: "成功"})
}

// ---------------------------------------------------------------------------
// Shumei video stream censor — POST /anti_fraud/v3/videostream, POST
// /anti_fraud/v3/finish_videostream (p009). finish answers {code, message}
// (quirk 74).

var (
	videoImgTypes   = set("POLITICS", "PERSON", "VIOLENCE", "PORN", "AD", "LOGO", "BEHAVIOR")
	videoAudioTypes = set("POLITICAL", "PORN", "AD", "MOAN", "NONE")
)

type videoStream struct {
	id, imgCallback, audioCallback string
	imgTypes, audioTypes           []string
	level                          string
	params                         obj
	room                           string
	allImg                         bool
	allText                        bool
	frequency                      float64
	start                          time.Time
	seg                            int
	open                           bool
}

func (t *videoStream) kind() string { return "videostream" }

type videoCallback struct {
	Code        int    `json:"code"`
	Message     string `json:"message"`
	EntryID     string `json:"entryId"`
	RiskLevel   string `json:"riskLevel"`
	ContentType int    `json:"contentType"`
	Detail      any    `json:"detail"`
}

type videoImgDetail struct {
	Room              string `json:"room,omitempty"`
	RequestParams     obj    `json:"requestParams"`
	ImgURL            string `json:"imgUrl"`
	BeginProcessTime  int64  `json:"beginProcessTime"`
	FinishProcessTime int64  `json:"finishProcessTime"`
	ImgTime           string `json:"imgTime"`
	RiskType          int    `json:"riskType"`
	Model             string `json:"model"`
	DescriptionV2     string `json:"descriptionV2"`
}

type videoAudioDetail struct {
	AudioEndTime   string `json:"audioEndTime"`
	AudioStartTime string `json:"audioStartTime"`
	AudioText      string `json:"audioText"`
	AudioURL       string `json:"audioUrl"`
	DescriptionV2  string `json:"descriptionV2"`
	Model          string `json:"model"`
	RequestParams  obj    `json:"requestParams"`
	RiskType       int    `json:"riskType"`
	Room           string `json:"room,omitempty"`
}

func (t *videoStream) advance(*Server) []pendingCallback {
	if !t.open {
		return nil
	}
	t.seg++
	n := t.seg
	var due []pendingCallback
	if t.allImg || t.level != levelPass {
		at := t.start.Add(time.Duration(float64(n-1) * t.frequency * float64(time.Second)))
		rt := riskTypeOf(t.level, t.imgTypes, imageRiskTypes)
		due = append(due, pendingCallback{kind: "videostream.img", id: t.id, url: t.imgCallback, attempts: 1, body: videoCallback{
			Code: 1100, Message: "成功", EntryID: t.id, RiskLevel: t.level, ContentType: 1, Detail: videoImgDetail{
				Room: t.room, RequestParams: t.params, ImgURL: sandboxURL("videostream", t.id, n, "jpg"),
				BeginProcessTime: at.UnixMilli(), FinishProcessTime: at.UnixMilli() + 500, ImgTime: absTime(at),
				RiskType: rt, Model: "M_SANDBOX", DescriptionV2: describe(rt),
			}}})
	}
	if len(t.audioTypes) > 0 && (t.allText || t.level != levelPass) {
		from := t.start.Add(time.Duration(n-1) * segmentSecs * time.Second)
		to := from.Add(segmentSecs * time.Second)
		rt := riskTypeOf(t.level, t.audioTypes, audioRiskTypes)
		due = append(due, pendingCallback{kind: "videostream.audio", id: t.id, url: t.audioCallback, attempts: 1, body: videoCallback{
			Code: 1100, Message: "成功", EntryID: t.id, RiskLevel: t.level, ContentType: 2, Detail: videoAudioDetail{
				AudioEndTime: absTime(to), AudioStartTime: absTime(from), AudioText: fmt.Sprintf("[sandbox] 第%d段音频", n),
				AudioURL: sandboxURL("videostream", t.id, n, "mp3"), DescriptionV2: describe(rt), Model: "M_SANDBOX",
				RequestParams: t.params, RiskType: rt, Room: t.room,
			}}})
	}
	return due
}

func (t *videoStream) finish(*Server) ([]pendingCallback, bool) {
	if !t.open {
		return nil, false
	}
	t.open = false
	return nil, true
}

func (s *Server) videoStreamSubmit(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return shumeiErr(1902, err.Error())
	}
	var c checker
	imgType := c.str(o, "imgType", "imgType", true)
	audioType := c.str(o, "audioType", "audioType", true)
	imgCallback := c.str(o, "imgCallback", "imgCallback", true)
	audioCallback := c.str(o, "audioCallback", "audioCallback", false)
	data, _ := c.object(o, "data", "data", true)
	streamURL := c.str(data, "url", "data.url", true)
	c.str(data, "tokenId", "data.tokenId", true)
	allImg, hasAllImg := c.integer(data, "returnAllImg", "data.returnAllImg", false)
	c.str(data, "streamName", "data.streamName", false)
	allText, _ := c.boolean(data, "returnAllText", "data.returnAllText")
	freq, hasFreq := c.number(data, "detectFrequency", "data.detectFrequency")
	room := c.str(data, "room", "data.room", false)
	c.str(data, "channel", "data.channel", false) // quirk 69: sent by the example, not in the table
	if c.err != nil {
		return shumeiErr(1902, c.err.Error())
	}
	imgTypes, err := typeList(imgType, videoImgTypes, "POLITICS_PORN_AD", true)
	if err == nil && len(imgTypes) == 0 {
		err = errors.New("imgType has no usable type")
	}
	if err != nil {
		return shumeiErr(1902, "imgType: "+err.Error())
	}
	audioTypes, err := typeList(audioType, videoAudioTypes, "POLITICAL_PORN_AD", false)
	if err != nil {
		return shumeiErr(1902, "audioType: "+err.Error())
	}
	if has(audioTypes, "NONE") {
		if len(audioTypes) > 1 {
			return shumeiErr(1902, "audioType NONE cannot be combined")
		}
		audioTypes = nil
	}
	u, perr := url.Parse(streamURL)
	switch {
	case jsonSize(data) > 1<<20:
		return shumeiErr(1902, "data larger than 1MB")
	case !isHTTPURL(imgCallback):
		return shumeiErr(1902, "imgCallback must be an http or https URL")
	case len(audioTypes) > 0 && audioCallback == "": // quirk 71
		return shumeiErr(1902, "audioCallback is required unless audioType is NONE")
	case audioCallback != "" && !isHTTPURL(audioCallback):
		return shumeiErr(1902, "audioCallback must be an http or https URL")
	case perr != nil || u.Scheme != "rtmp" || u.Host == "":
		return shumeiErr(1902, "data.url must be an rtmp:// stream")
	case hasAllImg && allImg != 0 && allImg != 1:
		return shumeiErr(1902, "data.returnAllImg must be 0 or 1")
	case hasFreq && (freq < 1 || freq > 60):
		return shumeiErr(1902, "data.detectFrequency must be 1 to 60 seconds")
	}
	if !hasFreq {
		freq = 3
	}
	t := &videoStream{
		id: newHex("videostream"), imgCallback: imgCallback, audioCallback: audioCallback,
		imgTypes: imgTypes, audioTypes: audioTypes, level: levelFromURL(streamURL), params: data, room: room,
		allImg: allImg == 1, allText: allText, frequency: freq, start: s.now(), open: true,
	}
	s.addStream(t.id, t)
	return okReply(submitResponse{Code: 1100, Message: "成功", EntryID: t.id})
}

func (s *Server) videoStreamFinish(_ *http.Request, body []byte) reply {
	return s.shumeiFinish(body, "videostream")
}

// ---------------------------------------------------------------------------
// Yitu live voice censor — POST /v1/antispam/streamscan, POST
// /v1/antispam/streamclose (p010).
//
// clientInfo is required (quirk 76) but may be empty; its uip comes back as
// userIp (quirk 77). Labels: NORMAL for pass, else the first of POLITICS,
// PORN, MOAN, ABUSE, CONTRABAND, AD, CUSTOMIZED named (lower-case) in the
// stream URL, POLITICS by default. details[].score: pass 0, review 60,
// block 95. startTime/endTime are ms since the scan started.

var yituLabels = []string{"POLITICS", "PORN", "MOAN", "ABUSE", "CONTRABAND", "AD", "CUSTOMIZED"}

type yituStream struct {
	id, callback, audioID, scene string
	result, label                string
	allText                      bool
	clientInfo                   obj
	seg                          int
	open                         bool
}

func (t *yituStream) kind() string { return "streamscan" }

type yituCallback struct {
	Rtn        int            `json:"rtn"`
	Message    string         `json:"message"`
	RequestID  string         `json:"requestId"`
	Scene      string         `json:"scene"`
	Result     string         `json:"result"`
	AudioText  string         `json:"audioText"`
	AudioID    string         `json:"audioId"`
	StartTime  int64          `json:"startTime"`
	EndTime    int64          `json:"endTime"`
	Details    []yituDetail   `json:"details"`
	ClientInfo map[string]any `json:"clientInfo"`
}

type yituDetail struct {
	Score        float64 `json:"score"`
	ResultText   string  `json:"resultText"`
	Label        string  `json:"label"`
	PartAudioURL string  `json:"partAudioUrl"`
}

func (t *yituStream) advance(*Server) []pendingCallback {
	if !t.open {
		return nil
	}
	t.seg++
	if !t.allText && t.result == "pass" {
		return nil
	}
	n := t.seg
	text := fmt.Sprintf("[sandbox] 第%d段语音", n)
	score := map[string]float64{"pass": 0, "review": 60, "block": 95}[t.result]
	ci := map[string]any{}
	for k, v := range t.clientInfo {
		if k == "uip" {
			k = "userIp"
		}
		ci[k] = v
	}
	return []pendingCallback{{kind: "streamscan", id: t.id, url: t.callback, attempts: 1, body: yituCallback{
		Rtn: 0, Message: "SAAS_SUCC", RequestID: t.id, Scene: t.scene, Result: t.result, AudioText: text, AudioID: t.audioID,
		StartTime: int64(n-1) * segmentSecs * 1000, EndTime: int64(n) * segmentSecs * 1000,
		Details:    []yituDetail{{Score: score, ResultText: text, Label: t.label, PartAudioURL: sandboxURL("streamscan", t.id, n, "mp3")}},
		ClientInfo: ci,
	}}}
}

func (t *yituStream) finish(*Server) ([]pendingCallback, bool) {
	if !t.open {
		return nil, false
	}
	t.open = false
	return nil, true
}

func (s *Server) streamScan(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return badRequest(famYitu, true, err.Error())
	}
	var c checker
	lang := c.str(o, "lang", "lang", false)
	scene := c.str(o, "scene", "scene", false)
	callback := c.str(o, "callback", "callback", true)
	data, _ := c.object(o, "data", "data", true)
	audioURL := c.str(data, "audioUrl", "data.audioUrl", true)
	audioID := c.str(data, "audioId", "data.audioId", true)
	allText, _ := c.boolean(data, "returnAllText", "data.returnAllText")
	c.boolean(data, "returnBeforeText", "data.returnBeforeText")
	c.boolean(data, "returnBeforeAudio", "data.returnBeforeAudio")
	ci, _ := c.object(o, "clientInfo", "clientInfo", true)
	for _, k := range []string{"userId", "roomId", "userNick", "mac", "imei", "imsi", "umid", "uip", "deviceId"} {
		c.str(ci, k, "clientInfo."+k, false)
	}
	if c.err != nil {
		return yituFieldErr(c.err, true)
	}
	if lang != "" && lang != "MANDARIN" {
		return yituErr(4201, "SAAS_SPEECH_LANG_NOT_MEET_REQUIREMENT_ERROR", "lang must be MANDARIN")
	}
	if scene == "" {
		scene = "GENERAL_SCENE"
	} else if scene != "GENERAL_SCENE" {
		return yituErr(4202, "SAAS_SPEECH_SCENE_NOT_MEET_REQUIREMENT_ERROR", "scene must be GENERAL_SCENE")
	}
	if !isHTTPURL(callback) {
		return yituErr(1102, "SAAS_AUTHENTICATE_API_INVALID_PARAMETER_ERROR", "callback must be an http or https URL")
	}
	u, perr := url.Parse(audioURL)
	if perr != nil || u.Host == "" {
		return yituErr(1102, "SAAS_AUTHENTICATE_API_INVALID_PARAMETER_ERROR", "data.audioUrl must be a stream URL")
	}
	switch ext := urlExt(u); {
	case u.Scheme == "rtmp":
	case (u.Scheme == "http" || u.Scheme == "https") && (ext == "m3u8" || ext == "flv"):
	default:
		return yituErr(4301, "SAAS_ANTISPAM_STREAM_DECODE_ERROR", "data.audioUrl must be rtmp, hls (m3u8) or hdl (flv)")
	}
	result := map[string]string{levelPass: "pass", levelReview: "review", levelReject: "block"}[levelFromURL(audioURL)]
	label := "NORMAL"
	if result != "pass" {
		label = "POLITICS"
		low := strings.ToLower(audioURL)
		for _, l := range yituLabels {
			if strings.Contains(low, strings.ToLower(l)) {
				label = l
				break
			}
		}
	}
	t := &yituStream{id: newHex("streamscan"), callback: callback, audioID: audioID, scene: scene, result: result, label: label, allText: allText, clientInfo: ci, open: true}
	s.mu.Lock()
	openCount := 0
	for _, x := range s.streams {
		if y, ok := x.(*yituStream); ok && y.open {
			openCount++
			if y.audioID == audioID {
				s.mu.Unlock()
				return yituErr(4312, "SAAS_ANTISPAM_DUPLICATED_STREAM", "audioId "+audioID+" is already being scanned")
			}
		}
	}
	if openCount >= maxYituOpen {
		s.mu.Unlock()
		return yituErr(4310, "SAAS_ANTISPAM_CONNECTIONS_LIMIT_ERROR", "more than 200 concurrent streams")
	}
	s.streams[t.id] = t
	s.order = append(s.order, t)
	s.mu.Unlock()
	return okReply(yituEnvelope{Rtn: 0, Message: "SAAS_SUCC", RequestID: t.id})
}

func (s *Server) streamClose(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return badRequest(famYitu, true, err.Error())
	}
	var c checker
	id := c.str(o, "requestId", "requestId", true)
	if c.err != nil {
		return yituFieldErr(c.err, true)
	}
	if !s.finishStream(id, "streamscan") {
		return yituErr(4302, "SAAS_ANTISPAM_REQUESTID_NOT_FOUND_ERROR", "no scan "+id)
	}
	return okReply(yituEnvelope{Rtn: 0, Message: "SAAS_SUCC", RequestID: id})
}

// isBase64Image accepts Shumei's inline form of data.img: the image bytes in
// standard base64 (p007 documents only URLs, but lets `data` be 10 MB —
// quirk 62 — which only inline images need). The decoded bytes must start
// like a JPEG, PNG, GIF, WebP or BMP.
func isBase64Image(s string) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) < 12 {
		return false
	}
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")), bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(b, []byte("GIF8")), bytes.HasPrefix(b, []byte("BM")),
		bytes.HasPrefix(b, []byte("RIFF")) && string(b[8:12]) == "WEBP":
		return true
	}
	return false
}
