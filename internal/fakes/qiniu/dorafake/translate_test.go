package dorafake

import (
	"net/http"
	"net/url"
	"testing"
)

func TestTranslateFlow(t *testing.T) {
	rc := newReceiver(t, 200)
	s := newTestServer(t)
	m := call(t, s, "POST", "/translate/v1/document/translate", map[string]any{
		"url": "http://xx.test/trans-min.xlsx", "dType": 3, "from": "auto", "to": "en",
		"industryId": 0, "excelMode": 1, "bilingualControl": 1, "bucket": "test-bucket", "callback": rc.URL + "/cb",
	})
	data := m["data"].(map[string]any)
	id, _ := data["entryId"].(string)
	if num(m, "code") != 100 || m["msg"] != "请求成功" || len(id) != 32 {
		t.Fatalf("submit: %v", m)
	}
	q := call(t, s, "GET", "/translate/v1/document/query?entryId="+url.QueryEscape(id), nil)
	qd := q["data"].(map[string]any)
	if num(q, "code") != 102 || q["msg"] != "正在翻译中" || qd["translationDone"] != false || qd["fileKey"] != nil {
		t.Fatalf("first query: %v", q)
	}
	s.Flush()
	got := rc.got()
	if len(got) != 1 {
		t.Fatalf("callback: %v", got)
	}
	cd := got[0]["data"].(map[string]any)
	wantKey := "sandbox/translate/" + id + ".xlsx"
	if num(got[0], "code") != 200 || cd["entryId"] != id || cd["fileKey"] != wantKey || num(cd, "pageCount") != 6 || cd["translationDone"] != true {
		t.Errorf("callback body: %v", got[0])
	}
	q = call(t, s, "GET", "/translate/v1/document/query?entryId="+id, nil)
	qd = q["data"].(map[string]any)
	if num(q, "code") != 100 || q["msg"] != "翻译完成" || qd["fileKey"] != wantKey || qd["translationDone"] != true {
		t.Errorf("second query: %v", q)
	}
	if cbs := s.Callbacks(); len(cbs) != 1 || cbs[0].Kind != "translate" || cbs[0].Status != 200 {
		t.Errorf("recorded: %+v", cbs)
	}
}

func TestTranslateQuerySignedWithContentType(t *testing.T) {
	// quirk 55: a GET signed with a Content-Type header is accepted when the
	// header is really sent (the fake signs whatever headers arrive)
	s := newTestServer(t)
	m := call(t, s, "POST", "/translate/v1/document/translate", map[string]any{
		"url": "http://xx.test/a.pdf", "dType": 2, "from": "zh", "to": "jp", "bucket": "b", "callback": "http://cb.invalid/",
	})
	id := m["data"].(map[string]any)["entryId"].(string)
	r := newReq(t, "GET", "/translate/v1/document/query?entryId="+id, nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Qiniu "+testAK+":"+testSign("GET", r.URL.Path, r.URL.RawQuery, r.Host, "application/json", nil, testSK))
	if code, m := serve(t, s, r); code != http.StatusOK || num(m, "code") != 102 {
		t.Errorf("GET with Content-Type: %d %v", code, m)
	}
}

func TestTranslateErrors(t *testing.T) {
	s := newTestServer(t)
	good := func() map[string]any {
		return map[string]any{"url": "http://xx.test/a.docx", "dType": 2, "from": "auto", "to": "en", "bucket": "b", "callback": "http://cb.test/"}
	}
	mods := map[string]func(map[string]any){
		"to auto":       func(b map[string]any) { b["to"] = "auto" },
		"unknown from":  func(b map[string]any) { b["from"] = "xx" },
		"ja not jp":     func(b map[string]any) { b["to"] = "ja" },
		"dType 1":       func(b map[string]any) { b["dType"] = 1 },
		"dType 2 pptx":  func(b map[string]any) { b["url"] = "http://xx.test/a.pptx" },
		"txt":           func(b map[string]any) { b["url"] = "http://xx.test/a.txt" },
		"no bucket":     func(b map[string]any) { delete(b, "bucket") },
		"no callback":   func(b map[string]any) { delete(b, "callback") },
		"industry 27":   func(b map[string]any) { b["industryId"] = 27 },
		"excelMode 2":   func(b map[string]any) { b["excelMode"] = 2 },
		"dType string":  func(b map[string]any) { b["dType"] = "2" },
		"bilingual 3":   func(b map[string]any) { b["bilingualControl"] = 3 },
		"callback ftp":  func(b map[string]any) { b["callback"] = "ftp://cb.test/" },
		"url no scheme": func(b map[string]any) { b["url"] = "xx.test/a.docx" },
	}
	for name, mod := range mods {
		b := good()
		mod(b)
		if m := call(t, s, "POST", "/translate/v1/document/translate", b); num(m, "code") != 400 || m["msg"] != "参数错误" {
			t.Errorf("%s: %v", name, m)
		}
	}
	if m := call(t, s, "POST", "/translate/v1/document/translate", good()); num(m, "code") != 100 {
		t.Errorf("good: %v", m)
	}
	for _, q := range []string{"", "?entryId=nope"} {
		if m := call(t, s, "GET", "/translate/v1/document/query"+q, nil); num(m, "code") != 400 {
			t.Errorf("query %q: %v", q, m)
		}
	}
}
