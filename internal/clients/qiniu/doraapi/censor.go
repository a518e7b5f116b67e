package doraapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/mediafile"
)

// Moderation (spec §4.4, §4.6–§4.9).

// Type names each API accepts (joined with "_").
var (
	ImageTypes       = []string{"POLITICS", "PORN", "OCR", "AD", "LOGO", "BEHAVIOR", "PERSON", "VIOLENCE"}
	AudioTypes       = []string{"POLITICAL", "ANTHEN", "PORN", "AD", "MOAN", "SING"} // ANTHEN (sic, quirk 43)
	AudioStreamTypes = AudioTypes
	VideoImageTypes  = []string{"POLITICS", "PERSON", "VIOLENCE", "PORN", "AD", "LOGO", "BEHAVIOR"}
	VideoAudioTypes  = []string{"POLITICAL", "PORN", "AD", "MOAN"}
	ImageFormats     = []string{"jpg", "jpeg", "jp2", "png", "webp", "gif", "bmp", "tiff", "tif", "dib", "ppm", "pgm", "pbm", "hdr", "pic"}
	ImageChannels    = []string{"HEAD_IMG", "IMGS", "DYNAMIC", "ARTICLE", "COMMENT", "COVER", "PRODUCT", "GROUP_CHAT", "MESSAGE", "OFFLINE_TEST"}
	AudioChannels    = []string{"GROUP_CHAT", "MESSAGE", "AUDIO_PROFILE"}
	StreamChannels   = []string{"VOICE_ROOM", "LIVE_ROOM", "VOICE_CHAT"}
)

// Documented defaults.
const (
	DefaultImageTypes = "POLITICS_PORN_AD_BEHAVIOR" // p007's recommendation
	DefaultTokenID    = "mcp-media"
	// ImageMaxData is p007's 10 MB limit on `data`; a local image is sent
	// base64-encoded in data.img, so the file itself may be 3/4 of it.
	ImageMaxData = 10 << 20
	ImageMaxFile = ImageMaxData / 4 * 3
)

// joinTypes validates type names against allowed and joins them; empty
// gives def.
func joinTypes(arg string, types, allowed []string, def string) (string, error) {
	if len(types) == 0 {
		return def, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range types {
		t = strings.ToUpper(strings.TrimSpace(t))
		if t == "DEFAULT" {
			return "DEFAULT", nil
		}
		if !slices.Contains(allowed, t) {
			return "", &argerr.Error{Arg: arg, Problem: fmt.Sprintf("type %q is not allowed here; use %s", t, strings.Join(allowed, ", "))}
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return strings.Join(out, "_"), nil
}

// shumeiSubmit is the head every Shumei answer and callback starts with.
type shumeiSubmit struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	EntryID  string `json:"entryId"`
	EntryRID string `json:"entryrid"` // quirk 7
}

func (s shumeiSubmit) id() string { return firstNonEmpty(s.EntryID, s.EntryRID) }

// check is the error of an answer whose code is not 1100 (success).
func (s shumeiSubmit) check(api string) error {
	if s.Code != 1100 {
		return shumeiError(api, s.Code, s.Message)
	}
	return nil
}

func (c *Client) shumei(ctx context.Context, api, p string, body any, idempotent bool) (shumeiSubmit, error) {
	var out shumeiSubmit
	if err := c.do(ctx, c.censor, httpx.Request{Method: http.MethodPost, Path: p, JSON: body, Idempotent: idempotent}, &out); err != nil {
		return out, err
	}
	if out.Code != 1100 {
		return out, shumeiError(api, out.Code, out.Message)
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Image censor — POST /anti_fraud/v2/img (p007), synchronous.

// ImageCensorRequest moderates one image. Give URL or Path.
type ImageCensorRequest struct {
	URL string
	// Path is a local image, sent base64-encoded in data.img (the docs
	// only show URLs, but allow 10 MB of data, quirk 62).
	Path    string
	Types   []string // ImageTypes; default DefaultImageTypes
	Channel string   // ImageChannels
	TokenID string   // user id; default DefaultTokenID
}

// ImageVerdict is the image censor's answer.
type ImageVerdict struct {
	EntryID string  `json:"entry_id"`
	Verdict Verdict `json:"verdict"`
	Model   string  `json:"model,omitempty"`
	OCRText string  `json:"ocr_text,omitempty"`
	// Labels are the finer labels the censor gave (porn, political figure,
	// violence).
	Labels []string `json:"labels,omitempty"`
}

// CheckImageSource validates an image URL or path against p007's formats and
// the 10 MB data limit.
func CheckImageSource(rawURL, p string) (int64, error) {
	if (rawURL == "") == (p == "") {
		return 0, &argerr.Error{Arg: "url", Problem: "give exactly one of url and path"}
	}
	fmts := strings.Join(ImageFormats, ", ")
	if rawURL != "" {
		if err := checkHTTPURL("url", rawURL); err != nil {
			return 0, err
		}
		u, _ := url.Parse(strings.TrimSpace(rawURL))
		if ext := strings.ToLower(strings.TrimPrefix(path.Ext(u.Path), ".")); ext != "" && isImageLikeExt(ext) && !slices.Contains(ImageFormats, ext) {
			return 0, &argerr.Error{Arg: "url", Problem: "unsupported image format ." + ext + "; the image censor accepts " + fmts}
		}
		return 0, nil
	}
	st, err := os.Stat(p)
	switch {
	case err != nil:
		return 0, &argerr.Error{Arg: "path", Problem: "cannot read " + p + ": " + mediafile.PathErrorReason(err), Fix: "give an absolute path to a local image"}
	case st.IsDir():
		return 0, &argerr.Error{Arg: "path", Problem: p + " is a directory"}
	case st.Size() == 0:
		return 0, &argerr.Error{Arg: "path", Problem: p + " is empty"}
	case st.Size() > ImageMaxFile:
		return 0, &argerr.Error{Arg: "path", Problem: fmt.Sprintf("the image is %s; sent as base64 it must fit the 10 MB request limit, so at most %s", mb(st.Size()), mb(ImageMaxFile)),
			Fix: "shrink it, or give a URL"}
	}
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(p), "."))
	if !slices.Contains(ImageFormats, ext) {
		return 0, &argerr.Error{Arg: "path", Problem: "unsupported image format ." + ext + "; the image censor accepts " + fmts}
	}
	return st.Size(), nil
}

func isImageLikeExt(ext string) bool {
	switch ext {
	case "svg", "heic", "heif", "avif", "ico", "psd", "raw", "cr2", "nef", "eps", "pdf":
		return true
	}
	return false
}

type imageWire struct {
	shumeiSubmit
	Score     *json.Number `json:"score"`
	RiskLevel string       `json:"riskLevel"`
	Status    int          `json:"status"`
	Detail    *struct {
		RiskType      *json.Number `json:"riskType"`
		Model         string       `json:"model"`
		Description   string       `json:"description"`
		DescriptionV2 string       `json:"descriptionV2"`
		Text          string       `json:"text"`
		MatchedItem   string       `json:"matchedItem"`
		PornLabel     string       `json:"pornLabel"`
		PolityName    string       `json:"polityName"`
		ViolenceLabel string       `json:"violenceLabel"`
	} `json:"detail"`
}

// CensorImage moderates one image synchronously.
func (c *Client) CensorImage(ctx context.Context, req ImageCensorRequest) (ImageVerdict, error) {
	var res ImageVerdict
	if _, err := CheckImageSource(req.URL, req.Path); err != nil {
		return res, err
	}
	types, err := joinTypes("types", req.Types, ImageTypes, DefaultImageTypes)
	if err != nil {
		return res, err
	}
	if req.Channel != "" && !slices.Contains(ImageChannels, req.Channel) {
		return res, &argerr.Error{Arg: "channel", Problem: "unknown channel " + req.Channel + "; use " + strings.Join(ImageChannels, ", ")}
	}
	img := strings.TrimSpace(req.URL)
	if req.Path != "" {
		b, err := os.ReadFile(req.Path)
		if err != nil {
			return res, &argerr.Error{Arg: "path", Problem: "cannot read " + req.Path + ": " + mediafile.PathErrorReason(err)}
		}
		img = base64.StdEncoding.EncodeToString(b)
	}
	data := map[string]any{"img": img, "tokenId": firstNonEmpty(req.TokenID, DefaultTokenID)}
	if req.Channel != "" {
		data["channel"] = req.Channel
	}
	var w imageWire
	if err := c.do(ctx, c.censor, httpx.Request{Method: http.MethodPost, Path: "/anti_fraud/v2/img", Timeout: time.Minute,
		JSON: map[string]any{"type": types, "data": data}}, &w); err != nil {
		return res, err
	}
	if err := w.check("image censor"); err != nil {
		return res, err
	}
	if w.Status == 501 {
		return res, fmt.Errorf("qiniu image censor: status 501 (the censor timed out on this image); try again")
	}
	res.EntryID = w.id()
	var rt *int
	if w.Detail != nil {
		rt = intOf(w.Detail.RiskType)
	}
	res.Verdict = shumeiVerdict(pageImage, w.RiskLevel, rt, "")
	res.Verdict.Score = scoreOf(w.Score)
	if d := w.Detail; d != nil {
		res.Verdict.Description = firstNonEmpty(d.DescriptionV2, d.Description)
		res.Verdict.Matched = d.MatchedItem
		res.Model, res.OCRText = d.Model, d.Text
		for _, l := range []string{d.PornLabel, d.PolityName, d.ViolenceLabel} {
			if l != "" && l != "正常" {
				res.Labels = append(res.Labels, l)
			}
		}
	}
	return res, nil
}

// ---------------------------------------------------------------------------
// Audio file censor — POST /anti_fraud/v2/audio, POST
// /anti_fraud/v2/query_audio (p008).

// AudioCensorRequest moderates an audio file given by URL.
type AudioCensorRequest struct {
	URL           string
	Types         []string // AudioTypes; default DEFAULT (= POLITICAL_PORN_MOAN)
	Channel       string   // AudioChannels
	TokenID       string
	AudioName     string
	ReturnAllText bool   // every 10 s segment, not only risky ones
	Callback      string // "" to poll with AudioCensorResult
}

// SubmitAudioCensor starts moderating an audio file and returns its entryId.
func (c *Client) SubmitAudioCensor(ctx context.Context, req AudioCensorRequest) (string, error) {
	if err := checkHTTPURL("url", req.URL); err != nil {
		return "", err
	}
	types, err := joinTypes("types", req.Types, AudioTypes, "DEFAULT")
	if err != nil {
		return "", err
	}
	if req.Channel != "" && !slices.Contains(AudioChannels, req.Channel) {
		return "", &argerr.Error{Arg: "channel", Problem: "unknown channel " + req.Channel + "; use " + strings.Join(AudioChannels, ", ")}
	}
	data := map[string]any{"url": strings.TrimSpace(req.URL), "tokenId": firstNonEmpty(req.TokenID, DefaultTokenID)}
	if req.Channel != "" {
		data["channel"] = req.Channel
	}
	if req.AudioName != "" {
		data["audioName"] = req.AudioName
	}
	if req.ReturnAllText {
		data["returnAllText"] = true
	}
	body := map[string]any{"type": types, "data": data}
	if req.Callback != "" {
		body["callback"] = req.Callback
	}
	out, err := c.shumei(ctx, "audio censor", "/anti_fraud/v2/audio", body, false)
	if err != nil {
		return "", err
	}
	if out.id() == "" {
		return "", fmt.Errorf("qiniu audio censor: the answer carried no entryId")
	}
	return out.id(), nil
}

// Segment is one moderated piece of audio (or one video frame).
type Segment struct {
	// From and To are offsets ("00:00:10") for files, absolute times
	// ("2021-08-24 10:46:48") for streams.
	From    string  `json:"from,omitempty"`
	To      string  `json:"to,omitempty"`
	Text    string  `json:"text,omitempty"`
	URL     string  `json:"url,omitempty"`
	Verdict Verdict `json:"verdict"`
}

// AudioCensorResult is an audio file's moderation result.
type AudioCensorResult struct {
	EntryID  string    `json:"entry_id"`
	Done     bool      `json:"done"`
	Verdict  Verdict   `json:"verdict"`
	Text     string    `json:"text,omitempty"`
	Seconds  int       `json:"duration_seconds,omitempty"`
	Labels   string    `json:"labels,omitempty"`
	Segments []Segment `json:"segments"`
	Gender   string    `json:"gender,omitempty"`
	Voice    []string  `json:"voice_tags,omitempty"`
}

type audioWire struct {
	shumeiSubmit
	AudioText string       `json:"audioText"`
	AudioTime *json.Number `json:"audioTime"`
	Labels    string       `json:"labels"`
	RiskLevel string       `json:"riskLevel"`
	Detail    []struct {
		Start       flexInt      `json:"audioStarttime"`
		End         flexInt      `json:"audioEndtime"`
		URL         string       `json:"audioUrl"`
		Text        string       `json:"audioText"`
		RiskLevel   string       `json:"riskLevel"`
		RiskType    *json.Number `json:"riskType"`
		Matched     string       `json:"audioMatchedItem"`
		Description string       `json:"description"`
	} `json:"detail"`
	Gender *struct {
		Label string `json:"label"`
	} `json:"gender"`
	Tags []struct {
		Label string `json:"label"`
	} `json:"tags"`
}

// ParseAudioCensor reads a query answer or a callback body (p008: same
// fields). Done is false while no riskLevel is known (the in-progress answer
// is not documented).
func ParseAudioCensor(body []byte) (AudioCensorResult, error) {
	w, err := decodeWire[audioWire](body, "audio censor: unreadable result")
	if err != nil {
		return AudioCensorResult{}, err
	}
	r := AudioCensorResult{EntryID: w.id()}
	if err := w.check("audio censor"); err != nil {
		return r, err
	}
	r.Done = w.RiskLevel != ""
	r.Text, r.Labels = w.AudioText, w.Labels
	if n := intOf(w.AudioTime); n != nil {
		r.Seconds = *n
	}
	worst := -1
	for i, d := range w.Detail {
		v := shumeiVerdict(pageAudio, d.RiskLevel, intOf(d.RiskType), d.Description)
		v.Matched = d.Matched
		r.Segments = append(r.Segments, Segment{From: clock(int64(d.Start)), To: clock(int64(d.End)), Text: d.Text, URL: d.URL, Verdict: v})
		if worst < 0 || severity(v.Decision) > severity(r.Segments[worst].Verdict.Decision) {
			worst = i
		}
	}
	r.Verdict = Verdict{Decision: decision(w.RiskLevel), ProviderLevel: w.RiskLevel, Description: w.Labels}
	if worst >= 0 && r.Verdict.Decision != Pass {
		s := r.Segments[worst].Verdict
		r.Verdict.RiskType, r.Verdict.RiskLabel, r.Verdict.ProviderRiskType, r.Verdict.Matched = s.RiskType, s.RiskLabel, s.ProviderRiskType, s.Matched
	} else if r.Verdict.Decision == Pass {
		r.Verdict.RiskType = "none"
	}
	if w.Gender != nil {
		r.Gender = w.Gender.Label
	}
	for _, t := range w.Tags {
		if t.Label != "" {
			r.Voice = append(r.Voice, t.Label)
		}
	}
	return r, nil
}

// AudioCensorResult queries an audio file's result.
func (c *Client) AudioCensorResult(ctx context.Context, entryID string) (AudioCensorResult, error) {
	return queryByID(ctx, c.censor, entryID, func(id string) httpx.Request {
		return httpx.Request{Method: http.MethodPost, Path: "/anti_fraud/v2/query_audio",
			JSON: map[string]string{"entryId": id}, Idempotent: true}
	}, ParseAudioCensor, func(r *AudioCensorResult) *string { return &r.EntryID })
}

func clock(sec int64) string {
	return fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
}
