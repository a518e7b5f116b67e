package dorafake

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ---------------------------------------------------------------------------
// Short ASR — POST /v2/asr (spec §4.1, p000)
//
// Rules enforced, with p000's rtn codes:
//   1101 body is not JSON; 1103 neither audioUrl nor audioBase64;
//   1102 SAAS_INVALID_SCENE_ERROR for a scene other than GENERAL,
//   1102 SAAS_INVALID_PARAMETER_ERROR for lang ≠ MANDARIN, > 100 customWords,
//        a hot word that is not 2–4 Chinese characters, a non-object
//        clientInfo, a non-http(s) audioUrl, wrong JSON types;
//   4201 audioBase64 that does not decode, corrupt WAV/MP3 headers;
//   4202 a loopback audioUrl that cannot be downloaded;
//   4204 unsupported format, sample rate, channel count or bit depth;
//   4210 more than 20 MB or longer than 60 s; 4211 empty audio.
// The packed messages of quirk 17 are split: one message per cause.
//
// Result: resultText is "[sandbox] <format> audio, <ms> ms" when the duration
// is known, else "[sandbox] <format> audio, <n> bytes" (base64 payloads) or
// "[sandbox] <format> audio at <URL path>" (URLs that are not fetched).

const shortASRMaxBytes = 20 << 20

type shortASRResponse struct {
	Rtn        int    `json:"rtn"`
	Message    string `json:"message"`
	RequestID  string `json:"requestId"`
	ResultText string `json:"resultText"`
	ClientInfo any    `json:"clientInfo,omitempty"`
}

func (s *Server) shortASR(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return badRequest(famYitu, true, err.Error())
	}
	var c checker
	audioURL := c.str(o, "audioUrl", "audioUrl", false)
	audioB64 := c.str(o, "audioBase64", "audioBase64", false)
	lang := c.str(o, "lang", "lang", false)
	scene := c.str(o, "scene", "scene", false)
	words := c.strings(o, "customWords", "customWords")
	clientInfo, _ := c.object(o, "clientInfo", "clientInfo", false)
	if c.ok() {
		for k, v := range clientInfo {
			if _, isStr := v.(string); !isStr && v != nil {
				c.fail(false, "clientInfo."+k, "must be a string")
			}
		}
	}
	if c.err != nil {
		return yituFieldErr(c.err, false)
	}
	if audioURL == "" && audioB64 == "" {
		return yituErr(1103, "SAAS_JSON_CONFIG_HELPER_GIVEN_KEY_NOT_EXIST_ERROR", "one of audioUrl and audioBase64 is required")
	}
	if scene != "" && scene != "GENERAL" {
		return yituErr(1102, "SAAS_INVALID_SCENE_ERROR", "scene must be GENERAL")
	}
	if lang != "" && lang != "MANDARIN" {
		return yituErr(1102, "SAAS_INVALID_PARAMETER_ERROR", "lang must be MANDARIN")
	}
	if reason := checkHotWords(words, false); reason != "" {
		return yituErr(1102, "SAAS_INVALID_PARAMETER_ERROR", reason)
	}

	var info audioInfo
	var text string
	if audioB64 != "" {
		data, err := decodeAudioBase64(audioB64)
		if err != nil {
			return yituErr(4201, "SAAS_SPEECH_AUDIOFILE_INCORRECT", "audioBase64: "+err.Error())
		}
		if len(data) > shortASRMaxBytes {
			return yituErr(4210, "SAAS_SPEECH_AUDIO_LENGTH_TOO_LONG_ERROR", fmt.Sprintf("audio is %d bytes, limit is 20 MB", len(data)))
		}
		info, err = probeAudio(data)
		if err == nil {
			err = checkShortASR(info)
		}
		if rep, bad := shortASRProbeErr(err); bad {
			return rep
		}
		text = fmt.Sprintf("[sandbox] %s audio, %d bytes", info.format, len(data))
	} else {
		info, err = s.probeURL(audioURL, shortASRMaxBytes, shortASRFormats)
		if errors.Is(err, errBadURL) {
			return yituErr(1102, "SAAS_INVALID_PARAMETER_ERROR", "audioUrl must be an http or https URL")
		}
		if err == nil {
			err = checkShortASR(info)
		}
		if rep, bad := shortASRProbeErr(err); bad {
			return rep
		}
		u, _ := url.Parse(audioURL)
		text = fmt.Sprintf("[sandbox] %s audio at %s", info.format, u.Path)
	}
	if info.durationMs > 60_000 {
		return yituErr(4210, "SAAS_SPEECH_AUDIO_LENGTH_TOO_LONG_ERROR", fmt.Sprintf("audio lasts %d ms, limit is 60 s", info.durationMs))
	}
	if info.durationMs >= 0 {
		text = fmt.Sprintf("[sandbox] %s audio, %d ms", info.format, info.durationMs)
	}
	resp := shortASRResponse{Rtn: 0, Message: "SAAS_SUCC", RequestID: newRequestID(), ResultText: text}
	if clientInfo != nil {
		resp.ClientInfo = clientInfo
	}
	return okReply(resp)
}

func shortASRProbeErr(err error) (reply, bool) {
	switch {
	case err == nil:
		return reply{}, false
	case errors.Is(err, errTooBig):
		return yituErr(4210, "SAAS_SPEECH_AUDIO_LENGTH_TOO_LONG_ERROR", "audio is larger than 20 MB"), true
	case errors.Is(err, errDownload):
		return yituErr(4202, "SAAS_SPEECH_FILEDOWNLOAD_ERROR", err.Error()), true
	case errors.Is(err, errTooShort):
		return yituErr(4211, "SAAS_SPEECH_AUDIO_LENGTH_TOO_SHORT_ERROR", err.Error()), true
	case errors.Is(err, errUnsupported):
		return yituErr(4204, "SAAS_AUE_NOT_MEET_REQUIREMENT_ERROR", err.Error()), true
	default:
		return yituErr(4201, "SAAS_SPEECH_AUDIOFILE_INCORRECT", err.Error()), true
	}
}

// decodeAudioBase64 accepts standard and URL-safe base64, padded or not, and
// either of them percent-encoded (quirk 15).
func decodeAudioBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "%") {
		if u, err := url.QueryUnescape(s); err == nil {
			s = u
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// yituFieldErr maps a field problem to 1103 (missing) or 1102 (invalid).
// p010 (long ASR, live censor) and p000 (short ASR) word 1102 differently.
func yituFieldErr(e *fieldErr, p010 bool) reply {
	if e.missing {
		return yituErr(1103, "SAAS_JSON_CONFIG_HELPER_GIVEN_KEY_NOT_EXIST_ERROR", e.Error())
	}
	if p010 {
		return yituErr(1102, "SAAS_AUTHENTICATE_API_INVALID_PARAMETER_ERROR", e.Error())
	}
	return yituErr(1102, "SAAS_INVALID_PARAMETER_ERROR", e.Error())
}

// checkHotWords applies p000/p002: at most 100 words, each 2–4 Chinese
// characters; with mixed=true (long ASR) a word with non-Chinese characters
// must be 4–8 bytes instead.
func checkHotWords(words []string, mixed bool) string {
	if len(words) > 100 {
		return fmt.Sprintf("customWords has %d words, at most 100", len(words))
	}
	for _, w := range words {
		allHan := w != ""
		for _, r := range w {
			if !unicode.Is(unicode.Han, r) {
				allHan = false
				break
			}
		}
		n := utf8.RuneCountInString(w)
		switch {
		case allHan && n >= 2 && n <= 4:
		case mixed && !allHan && len(w) >= 4 && len(w) <= 8:
		default:
			if mixed {
				return fmt.Sprintf("customWords %q: 2–4 Chinese characters or 4–8 bytes mixed", w)
			}
			return fmt.Sprintf("customWords %q: must be 2–4 Chinese characters", w)
		}
	}
	return ""
}

// ---------------------------------------------------------------------------
// Long ASR — POST /v4/lasr (and /v4/lasr/start), GET /v4/lasr/<taskId>
// (spec §4.3, p002). Errors use the p010 table (p002 has none); an unknown
// taskId is p000's 4208 SAAS_SPEECH_INVALID_TASKID_ERROR.
//
// States: 0 LOADING → 1 QUEUEING → 2 PROGRESSING → 3 TASK_SUCC; the callback
// (if any) is POSTed once, on entering 3, with the body of the query
// response. Success messages are "ok" on submit (p002 example) and
// "SASS_SUCC" (sic, p002 callback example) on query and callback.
//
// Result: the audio is cut into 5 s sentences ("第1句。", "第2句。", …; the
// first one starts with "[sandbox] "); duration is the WAV/MP3/… duration
// when a loopback audioUrl could be fetched and probed, else 30 000 ms.
// convertNumber=false writes the numbers in Chinese (第一句); addPunctuation
// =false drops "。"; wordsReplace applies wordsReplaceConfig (type +8);
// byWords adds wordsPiece (transcribedType 1 Han, 5 digit, 2 punctuation,
// +8 replaced); speakerId is "1" with one speaker, else sentences rotate
// over numOfSpeakers speakers (2 for blind separation, numOfSpeakers=0).

const (
	lasrNominalMs  = 30_000
	lasrSentenceMs = 5_000
	lasrMaxFetch   = 512 << 20
)

var lasrStates = []string{"LOADING", "QUEUEING", "PROGRESSING", "TASK_SUCC"}

// lasrFormats are the long-ASR formats: the short-ASR list (p002 = p000).
var lasrFormats = shortASRFormats

type lasrTask struct {
	id, requestID string
	callback      string
	state         int
	result        *speechResult
}

type lasrResponse struct {
	Rtn       int       `json:"rtn"`
	Message   string    `json:"message"`
	TaskID    string    `json:"taskId"`
	RequestID string    `json:"requestId"`
	Data      *lasrData `json:"data,omitempty"`
}

type lasrData struct {
	StatusCode   int           `json:"statusCode"`
	StatusText   string        `json:"statusText"`
	SpeechResult *speechResult `json:"speechResult,omitempty"`
}

type speechResult struct {
	ResultText string         `json:"resultText"`
	Duration   int64          `json:"duration"`
	Detail     []lasrSentence `json:"detail"`
}

type lasrSentence struct {
	Sentences  string      `json:"sentences"`
	StartTime  string      `json:"startTime"`
	EndTime    string      `json:"endTime"`
	SpeakerID  string      `json:"speakerId"`
	WordsPiece []wordPiece `json:"wordsPiece,omitempty"`
}

type wordPiece struct {
	Words           string `json:"words"`
	StartTime       string `json:"startTime"`
	EndTime         string `json:"endTime"`
	TranscribedType string `json:"transcribedType"` // the example's name (quirk 36)
}

type lasrConfig struct {
	byWords, punctuation, convertNumber, replace bool
	speakers                                     int
	rules                                        [][2]string
}

func (s *Server) lasrSubmit(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return badRequest(famYitu, true, err.Error())
	}
	var c checker
	audioURL := c.str(o, "audioUrl", "audioUrl", true)
	callback := c.str(o, "callback", "callback", false)
	fd, _ := c.object(o, "filedata", "filedata", false)
	aue := c.str(fd, "aue", "filedata.aue", false)
	lang := c.str(fd, "lang", "filedata.lang", false)
	rate, hasRate := c.flexInt(fd, "sampleRateHertz", "filedata.sampleRateHertz")
	c.str(fd, "audioName", "filedata.audioName", false)
	sc, _ := c.object(o, "speechConfig", "speechConfig", false)
	scene := c.str(sc, "scene", "speechConfig.scene", false)
	cfg := lasrConfig{punctuation: true, convertNumber: true, speakers: 1}
	cfg.byWords, _ = c.boolean(sc, "byWords", "speechConfig.byWords")
	words := c.strings(sc, "customWords", "speechConfig.customWords")
	if v, ok := c.boolean(sc, "addPunctuation", "speechConfig.addPunctuation"); ok {
		cfg.punctuation = v
	}
	r1, _ := c.boolean(sc, "wordsReplace", "speechConfig.wordsReplace")
	r2, _ := c.boolean(sc, "wordsReplaceConfig", "speechConfig.wordsReplaceConfig") // quirk 30
	cfg.replace = r1 || r2
	if v, ok := c.boolean(sc, "convertNumber", "speechConfig.convertNumber"); ok {
		cfg.convertNumber = v
	}
	speakers, hasSpeakers := c.integer(sc, "numOfSpeakers", "speechConfig.numOfSpeakers", false)
	c.boolean(sc, "disfluency", "speechConfig.disfluency")
	rules, _ := c.array(o, "wordsReplaceConfig", "wordsReplaceConfig")
	for i, r := range rules {
		m, isObj := r.(map[string]any)
		if !isObj {
			c.fail(false, fmt.Sprintf("wordsReplaceConfig[%d]", i), "must be a JSON object")
			break
		}
		kw := c.str(m, "keywords", fmt.Sprintf("wordsReplaceConfig[%d].keywords", i), false)
		rp := c.str(m, "replace", fmt.Sprintf("wordsReplaceConfig[%d].replace", i), false)
		if kw != "" {
			cfg.rules = append(cfg.rules, [2]string{kw, rp})
		}
	}
	if c.err != nil {
		return yituFieldErr(c.err, true)
	}
	if !isHTTPURL(audioURL) {
		return yituErr(1102, "SAAS_AUTHENTICATE_API_INVALID_PARAMETER_ERROR", "audioUrl must be an http or https URL")
	}
	if callback != "" && !isHTTPURL(callback) {
		return yituErr(1102, "SAAS_AUTHENTICATE_API_INVALID_PARAMETER_ERROR", "callback must be an http or https URL")
	}
	if aue != "" && !lasrFormats[strings.ToLower(aue)] {
		return yituErr(4204, "SAAS_SPEECH_AUE_NOT_MEET_REQUIREMENT_ERROR", "unsupported filedata.aue "+aue)
	}
	if lang != "" && lang != "MANDARIN" {
		return yituErr(4201, "SAAS_SPEECH_LANG_NOT_MEET_REQUIREMENT_ERROR", "filedata.lang must be MANDARIN")
	}
	if hasRate && rate <= 0 {
		return yituErr(1102, "SAAS_AUTHENTICATE_API_INVALID_PARAMETER_ERROR", "filedata.sampleRateHertz must be positive")
	}
	if scene != "" && scene != "GERNERL" && scene != "GENERAL" { // quirk 31: GERNERL (sic) is the documented value
		return yituErr(4202, "SAAS_SPEECH_SCENE_NOT_MEET_REQUIREMENT_ERROR", "speechConfig.scene must be GERNERL")
	}
	if reason := checkHotWords(words, true); reason != "" {
		return yituErr(1102, "SAAS_AUTHENTICATE_API_INVALID_PARAMETER_ERROR", reason)
	}
	if hasSpeakers {
		if speakers < 0 || speakers > 4 {
			return yituErr(1102, "SAAS_AUTHENTICATE_API_INVALID_PARAMETER_ERROR", "speechConfig.numOfSpeakers must be 0 to 4")
		}
		cfg.speakers = int(speakers)
	}

	duration := int64(lasrNominalMs)
	info, err := s.probeURL(audioURL, lasrMaxFetch, lasrFormats)
	switch {
	case err == nil:
		if info.durationMs > 0 {
			duration = info.durationMs
		}
	case errors.Is(err, errDownload):
		return yituErr(6103, "SAAS_SPEECH_FILE_INCORRECT", err.Error())
	case errors.Is(err, errTooBig):
		return yituErr(4210, "SAAS_SPEECH_AUDIO_LENGTH_TOO_LONG_ERROR", "audio larger than 512 MB")
	case errors.Is(err, errTooShort):
		return yituErr(4211, "SAAS_SPEECH_AUDIO_LENGTH_TOO_SHORT_ERROR", err.Error())
	case errors.Is(err, errUnsupported):
		return yituErr(4204, "SAAS_SPEECH_AUE_NOT_MEET_REQUIREMENT_ERROR", err.Error())
	default:
		return yituErr(6103, "SAAS_SPEECH_FILE_INCORRECT", err.Error())
	}

	t := &lasrTask{id: newUUID(), requestID: newRequestID(), callback: callback, result: buildLASR(duration, cfg)}
	s.mu.Lock()
	s.lasr[t.id] = t
	s.addTaskLocked(t)
	s.mu.Unlock()
	return okReply(lasrResponse{Rtn: 0, Message: "ok", TaskID: t.id, RequestID: t.requestID})
}

func (s *Server) lasrQuery(r *http.Request, _ []byte) reply {
	id := r.PathValue("id")
	s.mu.Lock()
	t, ok := s.lasr[id]
	var resp lasrResponse
	if ok {
		resp = t.response()
		if s.opts.Step == 0 {
			s.deliverLocked(t.advance(s))
		}
	}
	s.mu.Unlock()
	if !ok {
		return yituErr(4208, "SAAS_SPEECH_INVALID_TASKID_ERROR", "no task "+id)
	}
	return okReply(resp)
}

// response is the query/callback body for the task's current state.
func (t *lasrTask) response() lasrResponse {
	d := &lasrData{StatusCode: t.state, StatusText: lasrStates[t.state]}
	if t.state == 3 {
		d.SpeechResult = t.result
	}
	return lasrResponse{Rtn: 0, Message: "SASS_SUCC", TaskID: t.id, RequestID: t.requestID, Data: d}
}

func (t *lasrTask) finished() bool   { return t.state >= 3 }
func (t *lasrTask) forget(s *Server) { delete(s.lasr, t.id) }

func (t *lasrTask) advance(*Server) []pendingCallback {
	if t.state >= 3 {
		return nil
	}
	t.state++
	if t.state == 3 && t.callback != "" {
		return []pendingCallback{{kind: "lasr", id: t.id, url: t.callback, body: t.response(), attempts: 1}}
	}
	return nil
}

func buildLASR(duration int64, cfg lasrConfig) *speechResult {
	n := (duration + lasrSentenceMs - 1) / lasrSentenceMs
	n = max(1, min(n, 720))
	res := &speechResult{Duration: duration}
	var all strings.Builder
	for i := int64(1); i <= n; i++ {
		start := (i - 1) * lasrSentenceMs
		end := min(i*lasrSentenceMs, duration)
		if i == n {
			end = duration
		}
		num := strconv.FormatInt(i, 10)
		if !cfg.convertNumber {
			num = chineseNumber(i)
		}
		core := "第" + num + "句"
		if cfg.punctuation {
			core += "。"
		}
		runes, replaced := applyRules(core, cfg)
		text := string(runes)
		if i == 1 {
			text = "[sandbox] " + text
		}
		sent := lasrSentence{Sentences: text, StartTime: strconv.FormatInt(start, 10), EndTime: strconv.FormatInt(end, 10), SpeakerID: "1"}
		switch {
		case cfg.speakers >= 2:
			sent.SpeakerID = strconv.FormatInt((i-1)%int64(cfg.speakers)+1, 10)
		case cfg.speakers == 0:
			sent.SpeakerID = strconv.FormatInt((i-1)%2+1, 10)
		}
		if cfg.byWords {
			sent.WordsPiece = pieces(runes, replaced, start, end)
		}
		all.WriteString(text)
		res.Detail = append(res.Detail, sent)
	}
	res.ResultText = all.String()
	return res
}

// applyRules applies wordsReplaceConfig when enabled and marks replaced runes.
func applyRules(text string, cfg lasrConfig) ([]rune, []bool) {
	in := []rune(text)
	if !cfg.replace || len(cfg.rules) == 0 {
		return in, make([]bool, len(in))
	}
	var out []rune
	var marks []bool
outer:
	for i := 0; i < len(in); {
		for _, r := range cfg.rules {
			kw := []rune(r[0])
			if i+len(kw) <= len(in) && string(in[i:i+len(kw)]) == r[0] {
				for _, x := range r[1] {
					out = append(out, x)
					marks = append(marks, true)
				}
				i += len(kw)
				continue outer
			}
		}
		out = append(out, in[i])
		marks = append(marks, false)
		i++
	}
	return out, marks
}

// pieces spreads the non-punctuation runes evenly over [start, end];
// punctuation gets a zero-length piece at its position.
func pieces(runes []rune, replaced []bool, start, end int64) []wordPiece {
	punct := func(i int) bool { return !replaced[i] && unicode.IsPunct(runes[i]) }
	words := 0
	for i := range runes {
		if !punct(i) {
			words++
		}
	}
	step := int64(0)
	if words > 0 {
		step = (end - start) / int64(words)
	}
	var out []wordPiece
	at := start
	k := 0
	for i, r := range runes {
		typ := 1
		from, to := at, at
		switch {
		case punct(i):
			typ = 2
		default:
			if unicode.IsDigit(r) {
				typ = 1 + 4
			}
			k++
			to = at + step
			if k == words {
				to = end
			}
			at = to
		}
		if replaced[i] {
			typ |= 8
		}
		out = append(out, wordPiece{Words: string(r), StartTime: strconv.FormatInt(from, 10), EndTime: strconv.FormatInt(to, 10), TranscribedType: strconv.Itoa(typ)})
	}
	return out
}

// chineseNumber writes 1..9999 in Chinese numerals (第十二句).
func chineseNumber(n int64) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	if n < 10 {
		return digits[n]
	}
	units := []string{"", "十", "百", "千"}
	var parts []string
	zero := false
	for i := 3; i >= 0; i-- {
		p := int64(1)
		for j := 0; j < i; j++ {
			p *= 10
		}
		d := (n / p) % 10
		if d == 0 {
			if len(parts) > 0 {
				zero = true
			}
			continue
		}
		if zero {
			parts = append(parts, "零")
			zero = false
		}
		if !(d == 1 && i == 1 && len(parts) == 0) {
			parts = append(parts, digits[d])
		}
		parts = append(parts, units[i])
	}
	return strings.Join(parts, "")
}
