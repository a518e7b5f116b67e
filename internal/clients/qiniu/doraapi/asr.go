package doraapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/mediafile"
)

// ---------------------------------------------------------------------------
// Short ASR — POST /v2/asr (spec §4.1, p000)

// ShortASRRequest is one short transcription. Give exactly one of Path
// (sent as base64), URL and Data.
type ShortASRRequest struct {
	Path string
	URL  string
	// Data is audio already in memory (checked against the 20 MB limit).
	Data []byte
	// HotWords: at most 100, each 2–4 Chinese characters (p000).
	HotWords []string
}

// ShortASRResult is the transcription.
type ShortASRResult struct {
	Text      string
	RequestID string
	Audio     *AudioInfo // what was checked locally (Path only)
}

// CheckHotWords applies p000/p002's hot-word rules: at most 100 words, each
// 2–4 Chinese characters, or with mixed=true (long ASR) 4–8 bytes when the
// word is not all Chinese.
func CheckHotWords(arg string, words []string, mixed bool) error {
	if len(words) > 100 {
		return &argerr.Error{Arg: arg, Problem: fmt.Sprintf("%d hot words; at most 100", len(words))}
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
		case mixed:
			return &argerr.Error{Arg: arg, Problem: fmt.Sprintf("hot word %q: each must be 2–4 Chinese characters, or 4–8 bytes when mixed with English", w)}
		default:
			return &argerr.Error{Arg: arg, Problem: fmt.Sprintf("hot word %q: each must be 2–4 Chinese characters", w)}
		}
	}
	return nil
}

type shortASRBody struct {
	AudioURL    string   `json:"audioUrl,omitempty"`
	CustomWords []string `json:"customWords,omitempty"`
}

type shortASRResponse struct {
	Rtn        int    `json:"rtn"`
	Message    string `json:"message"`
	RequestID  string `json:"requestId"`
	ResultText string `json:"resultText"`
}

// ShortASR transcribes at most 60 s / 20 MB of audio synchronously. Every
// documented limit that can be checked locally is checked before sending.
func (c *Client) ShortASR(ctx context.Context, req ShortASRRequest) (ShortASRResult, error) {
	var res ShortASRResult
	given := 0
	for _, ok := range []bool{req.Path != "", req.URL != "", req.Data != nil} {
		if ok {
			given++
		}
	}
	if given != 1 {
		return res, &argerr.Error{Arg: "path", Problem: "give exactly one of path, url and data (audio in memory)"}
	}
	if err := CheckHotWords("hot_words", req.HotWords, false); err != nil {
		return res, err
	}
	var audio []byte
	switch {
	case req.Path != "":
		info, err := c.InspectShortAudio(ctx, req.Path)
		if err != nil {
			return res, err
		}
		res.Audio = &info
		if audio, err = os.ReadFile(req.Path); err != nil {
			return res, &argerr.Error{Arg: "path", Problem: "cannot read " + req.Path + ": " + mediafile.PathErrorReason(err)}
		}
		if len(audio) > ShortASRMaxBytes { // grew since it was inspected
			return res, &argerr.Error{Arg: "path", Problem: fmt.Sprintf("the file is %s; short ASR accepts at most 20 MB", mb(int64(len(audio))))}
		}
	case req.Data != nil:
		if len(req.Data) > ShortASRMaxBytes {
			return res, &argerr.Error{Arg: "data", Problem: fmt.Sprintf("the audio is %s; short ASR accepts at most 20 MB", mb(int64(len(req.Data))))}
		}
		audio = req.Data
	default:
		if err := CheckShortASRURL(req.URL); err != nil {
			return res, err
		}
	}
	body, err := shortASRJSON(shortASRBody{AudioURL: strings.TrimSpace(req.URL), CustomWords: req.HotWords}, audio)
	if err != nil {
		return res, err
	}
	var out shortASRResponse
	if err := c.do(ctx, c.yitu, httpx.Request{Method: http.MethodPost, Path: "/v2/asr", Body: body, ContentType: "application/json"}, &out); err != nil {
		return res, err
	}
	if out.Rtn != 0 {
		return res, yituError("short ASR", shortASRCodes, out.Rtn, out.Message, out.RequestID)
	}
	res.Text, res.RequestID = out.ResultText, out.RequestID
	return res, nil
}

// shortASRJSON encodes the body with the audio as standard base64 (quirk
// 15), writing the base64 straight into the body so a 20 MB file is not
// copied through json.Marshal.
func shortASRJSON(b shortASRBody, audio []byte) ([]byte, error) {
	rest, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	if audio == nil {
		return rest, nil
	}
	const key = `{"audioBase64":"`
	n := base64.StdEncoding.EncodedLen(len(audio))
	out := make([]byte, 0, len(key)+n+len(rest)+2)
	out = append(out, key...)
	out = out[:len(out)+n]
	base64.StdEncoding.Encode(out[len(key):], audio)
	out = append(out, '"')
	if len(rest) > 2 { // rest is "{...}"; splice its fields after the audio
		out = append(out, ',')
		out = append(out, rest[1:]...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Long ASR — POST /v4/lasr, GET /v4/lasr/<taskId> (spec §4.3, p002)

// WordReplace is one wordsReplaceConfig rule.
type WordReplace struct {
	Keywords string `json:"keywords"`
	Replace  string `json:"replace"`
}

// LongASRRequest is one long transcription task.
type LongASRRequest struct {
	AudioURL string
	Callback string // "" for none: poll with LongASRTask
	// filedata
	AUE        string // audio encoding, e.g. "wav", "mp3"
	Lang       string // default MANDARIN
	SampleRate int
	AudioName  string
	// speechConfig
	Scene          string // default GERNERL (sic, quirk 31): sent only when set
	ByWords        bool
	HotWords       []string
	AddPunctuation *bool // default true
	ConvertNumber  *bool // default true
	NumOfSpeakers  *int  // default 1; 0 blind separation; 2–4 fixed
	Disfluency     bool
	// Replacements turn on speechConfig.wordsReplace (quirk 30: the
	// table's name, not the example's).
	Replacements []WordReplace
}

type lasrFiledata struct {
	AUE        string `json:"aue,omitempty"`
	Lang       string `json:"lang,omitempty"`
	SampleRate int    `json:"sampleRateHertz,omitempty"`
	AudioName  string `json:"audioName,omitempty"`
}

type lasrSpeechConfig struct {
	Scene          string   `json:"scene,omitempty"`
	ByWords        bool     `json:"byWords,omitempty"`
	CustomWords    []string `json:"customWords,omitempty"`
	AddPunctuation *bool    `json:"addPunctuation,omitempty"`
	WordsReplace   bool     `json:"wordsReplace,omitempty"`
	ConvertNumber  *bool    `json:"convertNumber,omitempty"`
	NumOfSpeakers  *int     `json:"numOfSpeakers,omitempty"`
	Disfluency     bool     `json:"disfluency,omitempty"`
}

type lasrBody struct {
	AudioURL           string            `json:"audioUrl"`
	Callback           string            `json:"callback,omitempty"`
	Filedata           *lasrFiledata     `json:"filedata,omitempty"`
	SpeechConfig       *lasrSpeechConfig `json:"speechConfig,omitempty"`
	WordsReplaceConfig []WordReplace     `json:"wordsReplaceConfig,omitempty"`
}

// LongASRSubmitted is the answer to a submission.
type LongASRSubmitted struct {
	TaskID    string
	RequestID string
}

// SubmitLongASR starts a long transcription.
func (c *Client) SubmitLongASR(ctx context.Context, req LongASRRequest) (LongASRSubmitted, error) {
	var res LongASRSubmitted
	if err := checkHTTPURL("url", req.AudioURL); err != nil {
		return res, err
	}
	if err := CheckHotWords("hot_words", req.HotWords, true); err != nil {
		return res, err
	}
	if req.NumOfSpeakers != nil && (*req.NumOfSpeakers < 0 || *req.NumOfSpeakers > 4) {
		return res, &argerr.Error{Arg: "speakers", Problem: "must be 0 (detect) or 1 to 4"}
	}
	if req.SampleRate < 0 {
		return res, &argerr.Error{Arg: "sample_rate", Problem: "must be positive"}
	}
	body := lasrBody{AudioURL: strings.TrimSpace(req.AudioURL), Callback: req.Callback}
	if fd := (lasrFiledata{AUE: req.AUE, Lang: req.Lang, SampleRate: req.SampleRate, AudioName: req.AudioName}); fd != (lasrFiledata{}) {
		body.Filedata = &fd
	}
	sc := lasrSpeechConfig{Scene: req.Scene, ByWords: req.ByWords, CustomWords: req.HotWords, AddPunctuation: req.AddPunctuation,
		ConvertNumber: req.ConvertNumber, NumOfSpeakers: req.NumOfSpeakers, Disfluency: req.Disfluency}
	if len(req.Replacements) > 0 {
		sc.WordsReplace = true
		body.WordsReplaceConfig = req.Replacements
	}
	if sc.Scene != "" || sc.ByWords || len(sc.CustomWords) > 0 || sc.AddPunctuation != nil || sc.WordsReplace ||
		sc.ConvertNumber != nil || sc.NumOfSpeakers != nil || sc.Disfluency {
		body.SpeechConfig = &sc
	}
	var out struct {
		Rtn       int    `json:"rtn"`
		Message   string `json:"message"`
		TaskID    string `json:"taskId"`
		RequestID string `json:"requestId"`
	}
	if err := c.do(ctx, c.yitu, httpx.Request{Method: http.MethodPost, Path: "/v4/lasr", JSON: body}, &out); err != nil {
		return res, err
	}
	if out.Rtn != 0 {
		return res, yituError("long ASR", yituCodes, out.Rtn, out.Message, out.RequestID)
	}
	if out.TaskID == "" {
		return res, fmt.Errorf("qiniu long ASR: the answer carried no taskId (message %q)", out.Message)
	}
	return LongASRSubmitted{TaskID: out.TaskID, RequestID: out.RequestID}, nil
}

// LASRDone is the data.statusCode of a finished long ASR task; 0-2 are
// loading, queueing and progressing.
const LASRDone = 3

// LASRStatusNames are the documented status texts, indexed by statusCode.
var LASRStatusNames = []string{"LOADING", "QUEUEING", "PROGRESSING", "TASK_SUCC"}

// LongASRTask is a task's state, from a query or a callback.
type LongASRTask struct {
	TaskID     string
	RequestID  string
	Status     int
	StatusText string
	Done       bool
	Result     *SpeechResult // when Done
}

// SpeechResult is a finished transcription.
type SpeechResult struct {
	Text      string
	Duration  time.Duration
	Sentences []Sentence
}

// Sentence is one timed sentence.
type Sentence struct {
	Text    string
	Start   time.Duration
	End     time.Duration
	Speaker string // "" with one speaker
	Words   []Word // with ByWords
}

// Word is one character or punctuation mark (wordsPiece).
type Word struct {
	Text  string
	Start time.Duration
	End   time.Duration
	// Type is the transcribeType bitmask: 1 character, 2 punctuation,
	// 4 digit, 8 replaced by a rule, 16 disfluency, 32 significant space,
	// 64 hot-word hit.
	Type int
}

type lasrWire struct {
	Rtn       int    `json:"rtn"`
	Message   string `json:"message"`
	TaskID    string `json:"taskId"`
	RequestID string `json:"requestId"`
	Data      *struct {
		StatusCode   *flexInt `json:"statusCode"`
		StatusText   string   `json:"statusText"`
		SpeechResult *struct {
			ResultText string  `json:"resultText"`
			Duration   flexInt `json:"duration"`
			Detail     []struct {
				Sentences  string  `json:"sentences"`
				StartTime  flexInt `json:"startTime"`
				EndTime    flexInt `json:"endTime"`
				SpeakerID  string  `json:"speakerId"`
				WordsPiece []struct {
					Words           string  `json:"words"`
					StartTime       flexInt `json:"startTime"`
					EndTime         flexInt `json:"endTime"`
					TranscribeType  flexInt `json:"transcribeType"`
					TranscribedType flexInt `json:"transcribedType"` // quirk 36
				} `json:"wordsPiece"`
			} `json:"detail"`
		} `json:"speechResult"`
	} `json:"data"`
}

func ms(n flexInt) time.Duration { return time.Duration(n) * time.Millisecond }

// ParseLongASR reads a query answer or a callback body (they share one
// shape, spec §4.3b).
func ParseLongASR(body []byte) (LongASRTask, error) {
	w, err := decodeWire[lasrWire](body, "long ASR: unreadable result")
	if err != nil {
		return LongASRTask{}, err
	}
	return w.task()
}

func (w lasrWire) task() (LongASRTask, error) {
	if w.Rtn != 0 {
		return LongASRTask{TaskID: w.TaskID}, yituError("long ASR", yituCodes, w.Rtn, w.Message, w.RequestID)
	}
	t := LongASRTask{TaskID: w.TaskID, RequestID: w.RequestID}
	if w.Data == nil {
		return t, nil
	}
	if w.Data.StatusCode != nil {
		t.Status = int(*w.Data.StatusCode)
	}
	t.StatusText = w.Data.StatusText
	if t.StatusText == "" && t.Status >= 0 && t.Status < len(LASRStatusNames) {
		t.StatusText = LASRStatusNames[t.Status]
	}
	// quirk 41: speechResult exists "when status is done"; either tells.
	sr := w.Data.SpeechResult
	t.Done = t.Status == LASRDone || sr != nil
	if sr == nil {
		return t, nil
	}
	res := &SpeechResult{Text: sr.ResultText, Duration: ms(sr.Duration)}
	for _, d := range sr.Detail {
		s := Sentence{Text: d.Sentences, Start: ms(d.StartTime), End: ms(d.EndTime), Speaker: d.SpeakerID}
		for _, p := range d.WordsPiece {
			typ := p.TranscribeType
			if typ == 0 {
				typ = p.TranscribedType
			}
			s.Words = append(s.Words, Word{Text: p.Words, Start: ms(p.StartTime), End: ms(p.EndTime), Type: int(typ)})
		}
		res.Sentences = append(res.Sentences, s)
	}
	t.Result = res
	return t, nil
}

// LongASRTask reads a task's state.
func (c *Client) LongASRTask(ctx context.Context, taskID string) (LongASRTask, error) {
	return queryByID(ctx, c.yitu, taskID, func(id string) httpx.Request {
		return httpx.Request{Method: http.MethodGet, Path: "/v4/lasr/" + url.PathEscape(id)}
	}, ParseLongASR, func(t *LongASRTask) *string { return &t.TaskID })
}

func checkHTTPURL(arg, raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &argerr.Error{Arg: arg, Problem: "must be an http or https URL that Qiniu can download"}
	}
	return nil
}
