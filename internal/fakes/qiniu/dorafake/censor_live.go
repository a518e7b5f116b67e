package dorafake

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

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

func (t *videoStream) finished() bool   { return !t.open }
func (t *videoStream) forget(s *Server) { delete(s.streams, t.id) }

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

func (t *yituStream) finished() bool   { return !t.open }
func (t *yituStream) forget(s *Server) { delete(s.streams, t.id) }

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
	s.addTaskLocked(t)
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
