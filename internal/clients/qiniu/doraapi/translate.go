package doraapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Document translation (spec §4.5, p004 = p006).

// TranslateFormats are the documented source formats (at most 50 MB).
var TranslateFormats = []string{"pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx"}

// TranslateLanguages are the documented language codes (quirk 57: a mix of
// ISO 639-1 and Baidu-style codes, verbatim).
var TranslateLanguages = strings.Fields(`auto sq ga est ara am or az be bul ba eu is pl bs fa af tt dan de ru fra fj tl
fin fy km ka gu ht kor ha kk-kz kk nl gl ca cs ky kn otq tlh hr co ku la lo lv lt rom lb rw mg mt ms mr ml mi
mk mo mn bn hmn xh zu ne no pa pap ps pt ny jp swe sr-Latn sr st sm si eo sk slo sw gd so ceb te ta th tg to ty
tr tk cy ug udm ur uk uz haw spa iw el sd hu sn hy ig it yi hi en su id jw ii yua yo vie zh cht yue za`)

// TranslateRequest submits one document.
type TranslateRequest struct {
	URL    string
	From   string // a TranslateLanguages code, or auto
	To     string // a TranslateLanguages code, not auto
	DType  int    // 2: PDF output (word/pdf sources); 3: same-type output
	Bucket string // Kodo bucket for the translated file
	// Callback is required by the API.
	Callback   string
	IndustryID int // 1–26; 0 omits it
	AllSheets  bool
	Bilingual  bool
}

// CheckTranslate validates a request's documented rules.
func CheckTranslate(req TranslateRequest) error {
	if err := checkHTTPURL("url", req.URL); err != nil {
		return err
	}
	u, _ := url.Parse(strings.TrimSpace(req.URL))
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(u.Path), "."))
	switch {
	case !slices.Contains(TranslateFormats, ext):
		return &argerr.Error{Arg: "url", Problem: "the document must be " + strings.Join(TranslateFormats, ", ") + " (judged by the URL's extension)"}
	case !slices.Contains(TranslateLanguages, req.From):
		return &argerr.Error{Arg: "from", Problem: fmt.Sprintf("%q is not a documented language code; use auto or a code such as en, zh, jp, kor, fra, spa, de, ru", req.From)}
	case req.To == "auto" || !slices.Contains(TranslateLanguages, req.To):
		return &argerr.Error{Arg: "to", Problem: fmt.Sprintf("%q is not a documented target language code (auto is not allowed); use a code such as en, zh, jp, kor, fra, spa, de, ru", req.To)}
	case req.DType != 2 && req.DType != 3:
		return &argerr.Error{Arg: "output", Problem: "dType must be 2 (PDF) or 3 (same type as the source)"}
	case req.DType == 2 && ext != "pdf" && ext != "doc" && ext != "docx":
		return &argerr.Error{Arg: "output", Problem: "PDF output accepts Word or PDF documents only; use output \"same\" for " + ext}
	case strings.TrimSpace(req.Bucket) == "":
		return &argerr.Error{Arg: "bucket", Problem: "is required: the Kodo bucket that receives the translated file"}
	case req.IndustryID < 0 || req.IndustryID > 26:
		return &argerr.Error{Arg: "industry", Problem: "must be 1 to 26"}
	}
	return checkHTTPURL("callback_url", req.Callback)
}

// SubmitTranslation starts translating a document and returns its entryId.
func (c *Client) SubmitTranslation(ctx context.Context, req TranslateRequest) (string, error) {
	if err := CheckTranslate(req); err != nil {
		return "", err
	}
	body := map[string]any{"url": strings.TrimSpace(req.URL), "from": req.From, "to": req.To, "dType": req.DType,
		"bucket": strings.TrimSpace(req.Bucket), "callback": req.Callback}
	if req.IndustryID > 0 {
		body["industryId"] = req.IndustryID
	}
	if req.AllSheets {
		body["excelMode"] = 1
	}
	if req.Bilingual {
		body["bilingualControl"] = 1
	}
	var out struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
		Data struct {
			EntryID string `json:"entryId"`
		} `json:"data"`
	}
	if err := c.do(ctx, c.translate, httpx.Request{Method: http.MethodPost, Path: "/translate/v1/document/translate", JSON: body}, &out); err != nil {
		return "", err
	}
	if !translateOK(out.Code) {
		return "", translateError(out.Code, out.Msg)
	}
	if out.Data.EntryID == "" {
		return "", fmt.Errorf("qiniu document translation: the answer carried no entryId (code %d %s)", out.Code, out.Msg)
	}
	return out.Data.EntryID, nil
}

// translateOK: 100, 102 and 200 all mean success (quirk 53).
func translateOK(code int) bool { return code == 100 || code == 102 || code == 200 }

// Translation is a document's state.
type Translation struct {
	EntryID   string `json:"task_id"`
	Done      bool   `json:"done"`
	FileKey   string `json:"file_key,omitempty"`
	PageCount int    `json:"page_count,omitempty"`
	Code      int    `json:"provider_code"`
	Message   string `json:"provider_message,omitempty"`
}

type translationWire struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
	Data struct {
		EntryID         string  `json:"entryId"`
		FileKey         string  `json:"fileKey"`
		PageCount       flexInt `json:"pageCount"`
		TranslationDone bool    `json:"translationDone"`
	} `json:"data"`
}

// ParseTranslation reads a query answer or a callback body.
func ParseTranslation(body []byte) (Translation, error) {
	w, err := decodeWire[translationWire](body, "document translation: unreadable result")
	if err != nil {
		return Translation{}, err
	}
	t := Translation{EntryID: w.Data.EntryID, Code: w.Code, Message: w.Msg}
	if !translateOK(w.Code) {
		return t, translateError(w.Code, w.Msg)
	}
	t.FileKey, t.PageCount = w.Data.FileKey, int(w.Data.PageCount)
	t.Done = w.Data.TranslationDone || w.Code == 200 || (w.Code == 100 && w.Data.FileKey != "")
	return t, nil
}

// Translation queries a document.
func (c *Client) Translation(ctx context.Context, entryID string) (Translation, error) {
	// quirk 55: a GET without Content-Type, as the example shows.
	return queryByID(ctx, c.translate, entryID, func(id string) httpx.Request {
		return httpx.Request{Method: http.MethodGet, Path: "/translate/v1/document/query",
			Query: url.Values{"entryId": {id}}}
	}, ParseTranslation, func(t *Translation) *string { return &t.EntryID })
}
