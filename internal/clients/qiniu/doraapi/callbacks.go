package doraapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Callback kinds, as the callback inbox names them.
const (
	KindASRLong           = "asr_long"
	KindCensorAudio       = "censor_audio"
	KindCensorAudioStream = "censor_audio_stream"
	KindCensorVideoStream = "censor_video_stream"
	KindCensorVoice       = "censor_voice"
	KindTranslate         = "translate"
)

// Kinds lists every callback kind Dora produces.
var Kinds = []string{KindASRLong, KindCensorAudio, KindCensorAudioStream, KindCensorVideoStream, KindCensorVoice, KindTranslate}

// StreamEvent is one result of a stream censor.
type StreamEvent struct {
	TaskID string `json:"task_id"`
	// Content is "audio" (a segment of speech) or "image" (a video frame).
	Content string  `json:"content"`
	Segment Segment `json:"segment"`
	// Finished is set when the censor reports the end of the stream
	// (audio stream censor statCode 1).
	Finished bool `json:"finished,omitempty"`
}

type audioStreamWire struct {
	shumeiSubmit
	Score     *json.Number `json:"score"`
	RiskLevel string       `json:"riskLevel"`
	StatCode  *int         `json:"statCode"`
	Detail    struct {
		AudioURL      string       `json:"audioUrl"`
		Start         string       `json:"audio_starttime"`
		End           string       `json:"audio_endtime"`
		AudioText     string       `json:"audioText"`
		Description   string       `json:"description"`
		DescriptionV2 string       `json:"descriptionV2"`
		MatchedItem   string       `json:"matchedItem"`
		RiskType      *json.Number `json:"riskType"`
		RiskTypeDesc  string       `json:"riskTypeDesc"`
	} `json:"detail"`
}

// ParseAudioStreamCallback reads a smart audio stream censor callback (p003).
func ParseAudioStreamCallback(body []byte) (StreamEvent, error) {
	w, err := decodeWire[audioStreamWire](body, "audio stream censor: unreadable callback")
	if err != nil {
		return StreamEvent{}, err
	}
	ev := StreamEvent{TaskID: w.id(), Content: "audio"}
	if err := w.check("audio stream censor"); err != nil {
		return ev, err
	}
	d := w.Detail
	v := shumeiVerdict(pageAudioStream, w.RiskLevel, intOf(d.RiskType), firstNonEmpty(d.RiskTypeDesc, d.DescriptionV2, d.Description))
	v.Score, v.Matched = scoreOf(w.Score), d.MatchedItem
	ev.Segment = Segment{From: d.Start, To: d.End, Text: d.AudioText, URL: d.AudioURL, Verdict: v}
	ev.Finished = w.StatCode != nil && *w.StatCode == 1
	return ev, nil
}

// videoAudioWire is an audio segment of a video stream callback.
type videoAudioWire struct {
	AudioURL      string       `json:"audioUrl"`
	AudioStart    string       `json:"audioStartTime"`
	AudioEnd      string       `json:"audioEndTime"`
	AudioText     string       `json:"audioText"`
	RiskType      *json.Number `json:"riskType"`
	DescriptionV2 string       `json:"descriptionV2"`
	MatchedItem   string       `json:"matchedItem"`
}

type videoDetailWire struct {
	// image (contentType 1)
	ImgURL  string `json:"imgUrl"`
	ImgTime string `json:"imgTime"`
	ImgText string `json:"imgText"`
	// audio (contentType 2), flat as in the example (quirk 72); riskType,
	// descriptionV2 and matchedItem serve images too
	videoAudioWire
	// audio, two-level as tabled (quirk 72)
	Detail []videoAudioWire `json:"detail"`
}

// ParseVideoStreamCallback reads a Shumei video stream censor callback
// (p009): contentType 1 is a frame, 2 an audio segment (flat or nested).
func ParseVideoStreamCallback(body []byte) (StreamEvent, error) {
	type videoStreamWire struct {
		shumeiSubmit
		RiskLevel   string          `json:"riskLevel"`
		ContentType int             `json:"contentType"`
		Detail      videoDetailWire `json:"detail"`
	}
	w, err := decodeWire[videoStreamWire](body, "video stream censor: unreadable callback")
	if err != nil {
		return StreamEvent{}, err
	}
	ev := StreamEvent{TaskID: w.id()}
	if err := w.check("video stream censor"); err != nil {
		return ev, err
	}
	d := w.Detail
	if w.ContentType == 1 {
		ev.Content = "image"
		v := shumeiVerdict(pageImage, w.RiskLevel, intOf(d.RiskType), d.DescriptionV2)
		v.Matched = d.MatchedItem
		ev.Segment = Segment{From: d.ImgTime, Text: d.ImgText, URL: d.ImgURL, Verdict: v}
		return ev, nil
	}
	ev.Content = "audio"
	seg := Segment{From: d.AudioStart, To: d.AudioEnd, Text: d.AudioText, URL: d.AudioURL}
	rt, desc, matched := d.RiskType, d.DescriptionV2, d.MatchedItem
	if len(d.Detail) > 0 { // two-level form: take the first risky item
		x := d.Detail[0]
		seg.From, seg.To, seg.URL = x.AudioStart, x.AudioEnd, x.AudioURL
		seg.Text = firstNonEmpty(d.AudioText, x.AudioText)
		rt, desc, matched = x.RiskType, x.DescriptionV2, x.MatchedItem
	}
	seg.Verdict = shumeiVerdict(pageAudio, w.RiskLevel, intOf(rt), desc)
	seg.Verdict.Matched = matched
	ev.Segment = seg
	return ev, nil
}

// ParseVoiceCallback reads a Yitu live voice censor callback (p010).
func ParseVoiceCallback(body []byte) (StreamEvent, error) {
	type voiceWire struct {
		Rtn       int     `json:"rtn"`
		Message   string  `json:"message"`
		RequestID string  `json:"requestId"`
		Result    string  `json:"result"`
		AudioText string  `json:"audioText"`
		StartTime flexInt `json:"startTime"`
		EndTime   flexInt `json:"endTime"`
		Details   []struct {
			Score        *json.Number `json:"score"`
			ResultText   string       `json:"resultText"`
			Label        string       `json:"label"`
			PartAudioURL string       `json:"partAudioUrl"`
		} `json:"details"`
	}
	w, err := decodeWire[voiceWire](body, "live voice censor: unreadable callback")
	if err != nil {
		return StreamEvent{}, err
	}
	ev := StreamEvent{TaskID: w.RequestID, Content: "audio"}
	if w.Rtn != 0 {
		return ev, yituError("live voice censor", yituCodes, w.Rtn, w.Message, w.RequestID)
	}
	seg := Segment{From: clock(int64(w.StartTime) / 1000), To: clock(int64(w.EndTime) / 1000), Text: w.AudioText}
	label := ""
	var score *float64
	for _, d := range w.Details { // the first detail with a risk label names the risk
		if label == "" || (yituRisks[label] == "none" && yituRisks[strings.ToUpper(d.Label)] != "none") {
			label, score, seg.URL = d.Label, scoreOf(d.Score), d.PartAudioURL
		}
	}
	seg.Verdict = yituVerdict(w.Result, label, score)
	ev.Segment = seg
	return ev, nil
}

// Summarize returns the task id a callback payload names and one line about
// it, for the callback inbox (an inbox.Summarizer per kind).
func Summarize(kind string, payload []byte) (taskID, summary string) {
	switch kind {
	case KindASRLong:
		t, err := ParseLongASR(payload)
		switch {
		case err != nil:
			return t.TaskID, "long ASR failed: " + err.Error()
		case t.Done && t.Result != nil:
			return t.TaskID, fmt.Sprintf("transcription done: %d sentences, %.0f s: %s", len(t.Result.Sentences), t.Result.Duration.Seconds(), excerpt(t.Result.Text, 80))
		}
		return t.TaskID, "transcription " + strings.ToLower(t.StatusText)
	case KindCensorAudio:
		r, err := ParseAudioCensor(payload)
		if err != nil {
			return r.EntryID, "audio censor failed: " + err.Error()
		}
		return r.EntryID, fmt.Sprintf("audio censor: %s%s, %d segment(s)", r.Verdict.Decision, riskSuffix(r.Verdict), len(r.Segments))
	case KindCensorAudioStream, KindCensorVideoStream, KindCensorVoice:
		var ev StreamEvent
		var err error
		switch kind {
		case KindCensorAudioStream:
			ev, err = ParseAudioStreamCallback(payload)
		case KindCensorVideoStream:
			ev, err = ParseVideoStreamCallback(payload)
		default:
			ev, err = ParseVoiceCallback(payload)
		}
		if err != nil {
			return ev.TaskID, "stream censor error: " + err.Error()
		}
		s := fmt.Sprintf("%s %s%s", ev.Content, ev.Segment.Verdict.Decision, riskSuffix(ev.Segment.Verdict))
		if ev.Segment.From != "" {
			s += " at " + ev.Segment.From
		}
		if ev.Segment.Text != "" {
			s += ": " + excerpt(ev.Segment.Text, 60)
		}
		if ev.Finished {
			s += " (stream finished)"
		}
		return ev.TaskID, s
	case KindTranslate:
		t, err := ParseTranslation(payload)
		switch {
		case err != nil:
			return t.EntryID, "translation failed: " + err.Error()
		case t.Done:
			return t.EntryID, fmt.Sprintf("translation done: %s (%d pages)", t.FileKey, t.PageCount)
		}
		return t.EntryID, "translation in progress"
	}
	return "", ""
}

func riskSuffix(v Verdict) string {
	if v.RiskType == "" || v.RiskType == "none" {
		return ""
	}
	return " (" + v.RiskType + ")"
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
