package dorafake

import (
	"net/http"
	"net/url"
	"strings"
)

// Document translation — POST /translate/v1/document/translate, GET
// /translate/v1/document/query?entryId=… (spec §4.5, p004 = p006).
//
// Codes (quirk 53): submit answers 100 "请求成功"; the query answers 102
// "正在翻译中" while translating and 100 "翻译完成" when done; the callback
// body has code 200 "调用成功"; every invalid request or unknown entryId is
// code 400 "参数错误".
//
// Rules: url http(s) ending in pdf, doc, docx, ppt, pptx, xls or xlsx;
// from is a listed language code or auto; to is a listed code, not auto;
// dType 2 (PDF output: word or pdf sources) or 3 (any listed source;
// quirk 58 read as "sources allowed per output"); bucket and callback
// required; industryId 1–26, with 0 accepted as "unset" (quirk 56: the
// example sends 0); excelMode and bilingualControl 0 or 1.
//
// Result: fileKey is "sandbox/translate/<entryId>.<ext>" where ext is pdf
// for dType 2, else docx for word/pdf sources and the source's own extension
// for ppt/pptx/xls/xlsx. pageCount is 1, 3 for a spreadsheet with
// excelMode=1 (the sandbox workbook has three sheets), doubled when
// bilingualControl=1.
//
// States: translating → done (one query with Step 0, or one Step); the
// callback is POSTed on entering done.

var transLangs = set(strings.Fields(`auto sq ga est ara am or az be bul ba eu is pl bs fa af tt dan de ru fra fj tl
fin fy km ka gu ht kor ha kk-kz kk nl gl ca cs ky kn otq tlh hr co ku la lo lv lt rom lb rw mg mt ms mr ml mi
mk mo mn bn hmn xh zu ne no pa pap ps pt ny jp swe sr-Latn sr st sm si eo sk slo sw gd so ceb te ta th tg to ty
tr tk cy ug udm ur uk uz haw spa iw el sd hu sn hy ig it yi hi en su id jw ii yua yo vie zh cht yue za`)...)

var transFormats = set("pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx")

type transTask struct {
	id, callback, fileKey string
	pages                 int
	done                  bool
}

type transData struct {
	EntryID         string `json:"entryId"`
	FileKey         string `json:"fileKey,omitempty"`
	PageCount       int    `json:"pageCount,omitempty"`
	TranslationDone bool   `json:"translationDone"`
}

type transResponse struct {
	Code int       `json:"code"`
	Msg  string    `json:"msg"`
	Data transData `json:"data"`
}

type transSubmitData struct {
	EntryID string `json:"entryId"`
}

type transSubmitResponse struct {
	Code int             `json:"code"`
	Msg  string          `json:"msg"`
	Data transSubmitData `json:"data"`
}

func (t *transTask) result() transData {
	return transData{EntryID: t.id, FileKey: t.fileKey, PageCount: t.pages, TranslationDone: true}
}

func (t *transTask) finished() bool   { return t.done }
func (t *transTask) forget(s *Server) { delete(s.trans, t.id) }

func (t *transTask) advance(*Server) []pendingCallback {
	if t.done {
		return nil
	}
	t.done = true
	return []pendingCallback{{kind: "translate", id: t.id, url: t.callback, attempts: 1,
		body: transResponse{Code: 200, Msg: "调用成功", Data: t.result()}}}
}

func (s *Server) translateSubmit(_ *http.Request, body []byte) reply {
	o, err := parseObject(body)
	if err != nil {
		return transErr(err.Error())
	}
	var c checker
	docURL := c.str(o, "url", "url", true)
	from := c.str(o, "from", "from", true)
	to := c.str(o, "to", "to", true)
	dType, _ := c.integer(o, "dType", "dType", true)
	c.str(o, "bucket", "bucket", true)
	callback := c.str(o, "callback", "callback", true)
	industry, hasIndustry := c.integer(o, "industryId", "industryId", false)
	excelMode, _ := c.integer(o, "excelMode", "excelMode", false)
	bilingual, _ := c.integer(o, "bilingualControl", "bilingualControl", false)
	if c.err != nil {
		return transErr(c.err.Error())
	}
	u, perr := url.Parse(docURL)
	if perr != nil || !isHTTPURL(docURL) {
		return transErr("url must be an http or https URL")
	}
	ext := urlExt(u)
	switch {
	case !transFormats[ext]:
		return transErr("url must end in pdf, doc, docx, ppt, pptx, xls or xlsx")
	case !transLangs[from]:
		return transErr("unknown from language " + from)
	case to == "auto" || !transLangs[to]:
		return transErr("to must be a language code other than auto")
	case dType != 2 && dType != 3:
		return transErr("dType must be 2 or 3")
	case dType == 2 && ext != "pdf" && ext != "doc" && ext != "docx":
		return transErr("dType 2 (PDF output) accepts word or pdf documents only")
	case !isHTTPURL(callback):
		return transErr("callback must be an http or https URL")
	case hasIndustry && (industry < 0 || industry > 26):
		return transErr("industryId must be 1 to 26")
	case excelMode != 0 && excelMode != 1:
		return transErr("excelMode must be 0 or 1")
	case bilingual != 0 && bilingual != 1:
		return transErr("bilingualControl must be 0 or 1")
	}
	id := newHex("translate")
	outExt := "pdf"
	if dType == 3 {
		switch ext {
		case "pdf", "doc", "docx":
			outExt = "docx"
		default:
			outExt = ext
		}
	}
	pages := 1
	if (ext == "xls" || ext == "xlsx") && excelMode == 1 {
		pages = 3
	}
	if bilingual == 1 {
		pages *= 2
	}
	t := &transTask{id: id, callback: callback, fileKey: "sandbox/translate/" + id + "." + outExt, pages: pages}
	s.mu.Lock()
	s.trans[id] = t
	s.addTaskLocked(t)
	s.mu.Unlock()
	return okReply(transSubmitResponse{Code: 100, Msg: "请求成功", Data: transSubmitData{EntryID: id}})
}

func (s *Server) translateQuery(r *http.Request, _ []byte) reply {
	id := r.URL.Query().Get("entryId")
	if id == "" {
		return transErr("missing entryId")
	}
	s.mu.Lock()
	t, ok := s.trans[id]
	var resp transResponse
	if ok {
		if t.done {
			resp = transResponse{Code: 100, Msg: "翻译完成", Data: t.result()}
		} else {
			resp = transResponse{Code: 102, Msg: "正在翻译中", Data: transData{EntryID: id}}
			if s.opts.Step == 0 {
				s.deliverLocked(t.advance(s))
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		return transErr("unknown entryId " + id)
	}
	return okReply(resp)
}
