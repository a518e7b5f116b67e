package dorafake

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

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
func (t *audioTask) finished() bool                    { return true }
func (t *audioTask) forget(s *Server)                  { delete(s.audios, t.id) }

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
	var c checker
	o, data, typ, r, ok := shumeiRequest(body, &c)
	if !ok {
		return r
	}
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
	s.addTaskLocked(t)
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

func (t *audioStream) finished() bool   { return !t.open }
func (t *audioStream) forget(s *Server) { delete(s.streams, t.id) }

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
	var c checker
	o, data, typ, r, ok := shumeiRequest(body, &c)
	if !ok {
		return r
	}
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
