package dorafake

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
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

// shumeiRequest parses a Shumei submit body and checks its "type" and
// "data" fields (both required; problems collect in c). A body that is no
// JSON object is answered with code 1902.
func shumeiRequest(body []byte, c *checker) (o, data obj, typ string, r reply, ok bool) {
	o, err := parseObject(body)
	if err != nil {
		return nil, nil, "", shumeiErr(1902, err.Error()), false
	}
	typ = c.str(o, "type", "type", true)
	data, _ = c.object(o, "data", "data", true)
	return o, data, typ, reply{}, true
}

func (s *Server) imageCensor(_ *http.Request, body []byte) reply {
	var c checker
	_, data, typ, r, ok := shumeiRequest(body, &c)
	if !ok {
		return r
	}
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

func (s *Server) addStream(id string, t stream) {
	s.mu.Lock()
	s.streams[id] = t
	s.addTaskLocked(t)
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
