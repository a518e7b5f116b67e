package aiozfake

import (
	"fmt"
	"strings"
	"testing"
)

func TestCanonicalLang(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"en", "en", true},
		{"vi", "vi", true},
		{"EN-us", "en-US", true},
		{"fr-CA", "fr-CA", true},
		{"zh-hans-cn", "zh-Hans-CN", true},
		{"sr-Latn", "sr-Latn", true},
		{"es-419", "es-419", true},
		{"de-CH-1996", "de-CH-1996", true},
		{"fil", "fil", true},
		{"", "", false},
		{"e", "", false},
		{"english", "", false},
		{"en_US", "", false},
		{"123", "", false},
		{"en-", "", false},
		{"en--US", "", false},
		{"en-US-x-private", "", false},
		{"en-USA", "", false},
		{"en-US-1996-1996", "", false},
	}
	for _, c := range cases {
		got, ok := canonicalLang(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("canonicalLang(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

const vtt = "WEBVTT\n\n00:00.000 --> 00:10.000\nIntro\n"

func (e *env) postVTT(path, filename, content string) resp {
	e.t.Helper()
	body, ct := multipartBody(e.t, filename, "file", content)
	return e.do("POST", path, body, "Content-Type", ct)
}

func TestChapters(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "ch"})
	base := "/media/" + id + "/chapters/"
	cases := []struct {
		name, lan, filename, content string
		code                         int
		msg                          string
	}{
		{"en", "en", "c.vtt", vtt, 201, ""},
		{"duplicate en", "en", "c.vtt", vtt, 400, "already exists"},
		{"duplicate other case", "EN", "c.vtt", vtt, 400, "already exists"},
		{"en-US is another pair", "en-US", "c.vtt", vtt, 201, ""},
		{"BOM and CRLF", "vi", "c.VTT", "\xEF\xBB\xBFWEBVTT\r\n\r\n", 201, ""},
		{"header only", "fr-CA", "c.vtt", "WEBVTT", 201, ""},
		{"invalid language", "english", "c.vtt", vtt, 400, "BCP 47"},
		{"underscore", "en_GB", "c.vtt", vtt, 400, "BCP 47"},
		{"not vtt extension", "de", "c.srt", vtt, 400, ".vtt"},
		{"not WEBVTT", "de", "c.vtt", "1\n00:00:00,000 --> 00:00:01,000\nhi\n", 400, "WEBVTT"},
		{"WEBVTTX", "de", "c.vtt", "WEBVTTX\n", 400, "WEBVTT"},
		{"empty file", "de", "c.vtt", "", 400, "WEBVTT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.postVTT(base+c.lan, c.filename, c.content)
			if r.code != c.code {
				t.Fatalf("%d %s", r.code, r.body)
			}
			if c.code != 201 {
				if !strings.Contains(r.message(), c.msg) {
					t.Fatalf("message %q lacks %q", r.message(), c.msg)
				}
				return
			}
			ch := r.data(t)["media_chapter"].(map[string]any)
			if want, _ := canonicalLang(c.lan); ch["language"] != want || !strings.HasSuffix(ch["url"].(string), want+".vtt") {
				t.Fatalf("media_chapter %v", ch)
			}
		})
	}
	body, ct := multipartBody(t, "", "note", "x")
	if r := e.do("POST", base+"de", body, "Content-Type", ct); r.code != 400 || !strings.Contains(r.message(), "file is required") {
		t.Fatalf("no file: %d %s", r.code, r.body)
	}
	if r := e.postVTT("/media/nope/chapters/en", "c.vtt", vtt); r.code != 404 {
		t.Fatalf("unknown media: %d", r.code)
	}

	// list with paging
	list := func(q string) (langs []string, total int, code int) {
		r := e.do("GET", "/media/"+id+"/chapters"+q, nil)
		if r.code != 200 {
			return nil, 0, r.code
		}
		d := r.data(t)
		for _, c := range d["media_chapters"].([]any) {
			langs = append(langs, c.(map[string]any)["language"].(string))
		}
		return langs, int(d["total"].(float64)), 200
	}
	if l, n, _ := list(""); fmt.Sprint(l) != "[en en-US vi fr-CA]" || n != 4 {
		t.Fatalf("list %v %d", l, n)
	}
	if l, n, _ := list("?offset=1&limit=2"); fmt.Sprint(l) != "[en-US vi]" || n != 4 {
		t.Fatalf("paged %v %d", l, n)
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?offset=-1", "?limit=x"} {
		if _, _, code := list(q); code != 400 {
			t.Fatalf("list%s: %d", q, code)
		}
	}
	if d := e.detail(id); len(d["chapters"].([]any)) != 4 {
		t.Fatalf("detail chapters %v", d["chapters"])
	}

	// delete
	if r := e.do("DELETE", base+"en-us", nil); r.code != 200 || r.json(t)["status"] != "success" {
		t.Fatalf("delete: %d %s", r.code, r.body)
	}
	if r := e.do("DELETE", base+"en-US", nil); r.code != 404 {
		t.Fatalf("delete again: %d", r.code)
	}
	if r := e.do("DELETE", base+"xx_1", nil); r.code != 400 {
		t.Fatalf("delete invalid lan: %d", r.code)
	}
	if l, n, _ := list(""); fmt.Sprint(l) != "[en vi fr-CA]" || n != 3 {
		t.Fatalf("after delete %v", l)
	}
}

func TestCaptionsAndTranscripts(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "cap"})
	capPath := "/media/" + id + "/captions/"
	trPath := "/media/" + id + "/transcripts/"

	r := e.postVTT(capPath+"en", "en.vtt", vtt)
	if r.code != 201 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	c := r.data(t)["media_caption"].(map[string]any)
	if c["language"] != "en" || c["is_default"] != false || c["url"] == "" {
		t.Fatalf("media_caption %v", c)
	}
	// primary-language collision across both families
	for _, p := range []string{capPath + "en-US", trPath + "en-GB", trPath + "EN"} {
		if r := e.postVTT(p, "x.vtt", vtt); r.code != 400 || !strings.Contains(r.message(), "already exists") {
			t.Fatalf("POST %s: %d %s", p, r.code, r.body)
		}
	}
	if r := e.postVTT(trPath+"fr-CA", "fr.vtt", vtt); r.code != 201 {
		t.Fatalf("transcript fr-CA: %d %s", r.code, r.body)
	}
	if r := e.postVTT(capPath+"vi", "vi.txt", vtt); r.code != 400 {
		t.Fatalf("non-vtt caption: %d", r.code)
	}
	if r := e.postVTT(capPath+"vi", "vi.vtt", "hello"); r.code != 400 {
		t.Fatalf("non-WEBVTT caption: %d", r.code)
	}

	defaults := func(path string) string {
		r := e.do("GET", path, nil)
		if r.code != 200 {
			t.Fatalf("list %s: %d", path, r.code)
		}
		d := r.data(t)
		var out []string
		for _, x := range d["media_captions"].([]any) {
			m := x.(map[string]any)
			out = append(out, fmt.Sprint(m["language"], "=", m["is_default"]))
		}
		return fmt.Sprint(out, " total=", d["total"])
	}
	if got := defaults("/media/" + id + "/transcripts"); got != "[en=false fr-CA=false] total=2" {
		t.Fatalf("transcripts list: %s", got)
	}

	patches := []struct {
		name, lan, ct string
		body          any
		code          int
		want          string
	}{
		{"json", "en", "application/json", `{"is_default": true}`, 200, "[en=true fr-CA=false] total=2"},
		{"bare true", "fr-CA", "", "true", 200, "[en=false fr-CA=true] total=2"},
		{"form field", "en", "application/x-www-form-urlencoded", "is_default=true", 200, "[en=true fr-CA=false] total=2"},
		{"bare false", "en", "text/plain", "false", 200, "[en=false fr-CA=false] total=2"},
		{"multipart", "fr-ca", "multipart", "", 200, "[en=false fr-CA=true] total=2"},
		{"json false-y string", "en", "application/json", `{"is_default": "yes"}`, 400, ""},
		{"missing", "en", "application/json", `{}`, 400, ""},
		{"empty", "en", "", "", 400, ""},
		{"garbage", "en", "", "maybe", 400, ""},
		{"unknown language", "de", "application/json", `{"is_default": true}`, 404, ""},
		{"invalid language", "german", "application/json", `{"is_default": true}`, 400, ""},
	}
	for _, p := range patches {
		t.Run("patch "+p.name, func(t *testing.T) {
			path := capPath + p.lan
			if p.name == "bare true" || p.name == "garbage" {
				path = trPath + p.lan
			}
			var r resp
			if p.ct == "multipart" {
				body, ct := multipartBody(t, "", "is_default", "true")
				r = e.do("PATCH", path, body, "Content-Type", ct)
			} else if p.ct == "" {
				r = e.do("PATCH", path, p.body.(string))
			} else {
				r = e.do("PATCH", path, p.body.(string), "Content-Type", p.ct)
			}
			if r.code != p.code {
				t.Fatalf("%d %s", r.code, r.body)
			}
			if p.code == 200 {
				if got := defaults("/media/" + id + "/captions"); got != p.want {
					t.Fatalf("after patch: %s, want %s", got, p.want)
				}
			}
		})
	}

	// deleting the default clears it, no replacement
	if r := e.do("DELETE", trPath+"fr-CA", nil); r.code != 200 {
		t.Fatalf("delete default: %d %s", r.code, r.body)
	}
	if got := defaults("/media/" + id + "/captions"); got != "[en=false] total=1" {
		t.Fatalf("after deleting default: %s", got)
	}
	if r := e.do("DELETE", capPath+"fr-CA", nil); r.code != 404 {
		t.Fatalf("delete missing: %d", r.code)
	}
	// the primary language is free again after deletion
	if r := e.postVTT(capPath+"fr", "fr.vtt", vtt); r.code != 201 {
		t.Fatalf("re-add fr: %d %s", r.code, r.body)
	}
	if d := e.detail(id); len(d["captions"].([]any)) != 2 {
		t.Fatalf("detail captions %v", d["captions"])
	}
	if r := e.do("GET", "/media/"+id+"/captions?limit=1&offset=1", nil); len(r.data(t)["media_captions"].([]any)) != 1 {
		t.Fatalf("paging %s", r.body)
	}
}
