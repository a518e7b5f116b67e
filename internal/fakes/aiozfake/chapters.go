package aiozfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Chapters (spec §6.2) and captions/transcripts (§6.3). Captions
// (/captions, OA) and transcripts (/transcripts, seed 001) are two path
// families over one store; both answer with the OA caption shapes
// (media_caption, media_captions).

type caption struct {
	lang      string // canonical BCP 47 tag
	isDefault bool
}

type captionJSON struct {
	Language    string `json:"language"`
	URL         string `json:"url"`
	Status      string `json:"status"`
	IsDefault   bool   `json:"is_default"`
	Description string `json:"description"`
}

type chapterJSON struct {
	Language string `json:"language"`
	URL      string `json:"url"`
}

// canonicalLang validates a BCP 47 language tag of the form
// language[-script][-region][-variant...] (e.g. en, vi, en-US, fr-CA,
// zh-Hans-CN, sr-Latn-RS, es-419) and returns it in canonical case.
// Extensions and private-use subtags are not accepted.
func canonicalLang(tag string) (string, bool) {
	if tag == "" || len(tag) > 35 {
		return "", false
	}
	subs := strings.Split(tag, "-")
	isAlpha := func(s string) bool {
		for _, c := range s {
			if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
				return false
			}
		}
		return true
	}
	isDigit := func(s string) bool {
		for _, c := range s {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	isAlnum := func(s string) bool {
		for _, c := range s {
			if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
				return false
			}
		}
		return true
	}
	lang := subs[0]
	if len(lang) < 2 || len(lang) > 3 || !isAlpha(lang) {
		return "", false
	}
	out := []string{strings.ToLower(lang)}
	i := 1
	if i < len(subs) && len(subs[i]) == 4 && isAlpha(subs[i]) {
		s := strings.ToLower(subs[i])
		out = append(out, strings.ToUpper(s[:1])+s[1:])
		i++
	}
	if i < len(subs) && ((len(subs[i]) == 2 && isAlpha(subs[i])) || (len(subs[i]) == 3 && isDigit(subs[i]))) {
		out = append(out, strings.ToUpper(subs[i]))
		i++
	}
	seen := map[string]bool{}
	for ; i < len(subs); i++ {
		v := strings.ToLower(subs[i])
		ok := isAlnum(v) && ((len(v) >= 5 && len(v) <= 8) || (len(v) == 4 && v[0] >= '0' && v[0] <= '9'))
		if !ok || seen[v] {
			return "", false
		}
		seen[v] = true
		out = append(out, v)
	}
	return strings.Join(out, "-"), true
}

func primaryLang(tag string) string {
	if i := strings.IndexByte(tag, '-'); i >= 0 {
		return tag[:i]
	}
	return tag
}

func langOrErr(lan string) (string, error) {
	c, ok := canonicalLang(lan)
	if !ok {
		return "", badRequest("%q is not a valid BCP 47 language tag (examples: en, vi, en-US, fr-CA, zh-Hans-CN)", lan)
	}
	return c, nil
}

// readVTT reads the multipart "file" field and checks it is a WebVTT file.
func readVTT(r *http.Request) error {
	name, prefix, err := readFilePart(r, 16)
	if err != nil {
		return err
	}
	if strings.ToLower(path.Ext(name)) != ".vtt" {
		return badRequest("file must be a .vtt file, got %q", name)
	}
	prefix = bytes.TrimPrefix(prefix, []byte("\xEF\xBB\xBF"))
	if !bytes.HasPrefix(prefix, []byte("WEBVTT")) {
		return badRequest("file is not WebVTT: content must start with \"WEBVTT\"")
	}
	if len(prefix) > 6 && !strings.ContainsRune(" \t\r\n", rune(prefix[6])) {
		return badRequest("file is not WebVTT: \"WEBVTT\" must be followed by a space, tab or line break")
	}
	return nil
}

func (s *Server) chaptersJSON(m *media, base string) []chapterJSON {
	out := []chapterJSON{}
	for _, l := range m.chapters {
		out = append(out, chapterJSON{Language: l, URL: base + "/media/" + m.ID + "/chapters/" + l + ".vtt"})
	}
	return out
}

func (s *Server) captionsJSON(m *media, base string) []captionJSON {
	out := []captionJSON{}
	for _, c := range m.captions {
		out = append(out, captionOut(m, c, base))
	}
	return out
}

func captionOut(m *media, c *caption, base string) captionJSON {
	return captionJSON{Language: c.lang, URL: base + "/media/" + m.ID + "/captions/" + c.lang + ".vtt",
		Status: StatusDone, IsDefault: c.isDefault}
}

// ---------------------------------------------------------------------------
// chapters

// lockVTTUpload validates a chapter/caption upload before it touches any
// state: the media exists, the language is a BCP 47 tag, the body is a
// multipart WebVTT file. Then it locks s.mu and looks the media up again
// (see lockLiveMedia). It answers any error itself and reports ok=false.
func (s *Server) lockVTTUpload(w http.ResponseWriter, r *http.Request) (*media, string, bool) {
	if !s.checkLiveMedia(w, r) {
		return nil, "", false
	}
	lang, err := langOrErr(r.PathValue("lan"))
	if err != nil {
		drain(r)
		writeError(w, err)
		return nil, "", false
	}
	if err := readVTT(r); err != nil {
		writeError(w, err)
		return nil, "", false
	}
	m, ok := s.lockLiveMedia(w, r)
	return m, lang, ok
}

// serveMediaPage answers a page (offset, limit) of the list that all makes
// for the {id} media, as {key: page, "total": n}.
func serveMediaPage[T any](s *Server, w http.ResponseWriter, r *http.Request, key string, all func(m *media, base string) []T) {
	offset, limit, err := pageParams(r)
	if err != nil {
		writeError(w, err)
		return
	}
	m, ok := s.lockLiveMedia(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	writePage(w, key, all(m, baseURL(r)), offset, limit)
}

func (s *Server) handleCreateChapter(w http.ResponseWriter, r *http.Request) {
	m, lang, ok := s.lockVTTUpload(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if contains(m.chapters, lang) {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("a chapter for language %s already exists for this media; delete it first", lang))
		return
	}
	m.chapters = append(m.chapters, lang)
	m.UpdatedAt = s.now()
	ch := s.chaptersJSON(m, baseURL(r))
	writeData(w, http.StatusCreated, map[string]any{"media_chapter": ch[len(ch)-1]})
}

func (s *Server) handleListChapters(w http.ResponseWriter, r *http.Request) {
	serveMediaPage(s, w, r, "media_chapters", s.chaptersJSON)
}

func (s *Server) handleDeleteChapter(w http.ResponseWriter, r *http.Request) {
	s.deleteLang(w, r, "Delete chapter successfully.", func(m *media, lang string) error {
		var found bool
		if m.chapters, found = removeFirst(m.chapters, func(l string) bool { return l == lang }); !found {
			return notFound("Chapter not found for language %s", lang)
		}
		return nil
	})
}

// deleteLang answers the DELETE of one language's chapter or caption: the
// {lan} path value is checked, then remove drops that entry from the {id}
// media or returns the error to answer (see touchMedia).
func (s *Server) deleteLang(w http.ResponseWriter, r *http.Request, done string, remove func(m *media, lang string) error) {
	lang, err := langOrErr(r.PathValue("lan"))
	if err != nil {
		writeError(w, err)
		return
	}
	s.touchMedia(w, r, done, func(m *media) error { return remove(m, lang) })
}

// removeFirst removes the first element of list that match accepts and
// reports whether there was one.
func removeFirst[T any](list []T, match func(T) bool) ([]T, bool) {
	for i, v := range list {
		if match(v) {
			return append(list[:i], list[i+1:]...), true
		}
	}
	return list, false
}

// ---------------------------------------------------------------------------
// captions / transcripts

func noun(r *http.Request) string {
	if strings.Contains(r.URL.Path, "/transcripts") {
		return "transcript"
	}
	return "caption"
}

// captionNotFound is the 404 for a caption (or transcript) language.
func captionNotFound(r *http.Request, lang string) error {
	return notFound("%s not found for language %s", strings.ToUpper(noun(r)[:1])+noun(r)[1:], lang)
}

func (s *Server) handleCreateCaption(w http.ResponseWriter, r *http.Request) {
	m, lang, ok := s.lockVTTUpload(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	for _, c := range m.captions {
		if primaryLang(c.lang) == primaryLang(lang) {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("a %s for language %s already exists (%s); delete it first", noun(r), primaryLang(lang), c.lang))
			return
		}
	}
	c := &caption{lang: lang}
	m.captions = append(m.captions, c)
	m.UpdatedAt = s.now()
	writeData(w, http.StatusCreated, map[string]any{"media_caption": captionOut(m, c, baseURL(r))})
}

func (s *Server) handleListCaptions(w http.ResponseWriter, r *http.Request) {
	serveMediaPage(s, w, r, "media_captions", s.captionsJSON)
}

// parseIsDefault accepts JSON {"is_default": bool}, a bare JSON boolean, a
// multipart or urlencoded form field is_default, or a bare "true"/"false"
// body (spec Q3).
func parseIsDefault(r *http.Request) (bool, error) {
	const errMsg = "is_default is required: send {\"is_default\": true}, a form field is_default=true or a bare true"
	ct := mediaType(r)
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return false, badRequest("malformed multipart body: %v", err)
		}
		if r.MultipartForm == nil || len(r.MultipartForm.Value["is_default"]) == 0 {
			return false, badRequest(errMsg)
		}
		return parseBoolField(r.MultipartForm.Value["is_default"][0])
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return false, badRequest("malformed form body")
		}
		if !r.PostForm.Has("is_default") {
			return false, badRequest(errMsg)
		}
		return parseBoolField(r.PostForm.Get("is_default"))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody))
	if err != nil {
		return false, badRequest("cannot read request body")
	}
	t := strings.TrimSpace(string(body))
	if t == "" {
		return false, badRequest(errMsg)
	}
	if strings.HasPrefix(t, "{") {
		var v struct {
			IsDefault *bool `json:"is_default"`
		}
		if err := json.Unmarshal([]byte(t), &v); err != nil {
			return false, badRequest("invalid JSON body: %s", jsonErrText(err))
		}
		if v.IsDefault == nil {
			return false, badRequest(errMsg)
		}
		return *v.IsDefault, nil
	}
	if q, err := url.ParseQuery(t); err == nil && q.Has("is_default") {
		return parseBoolField(q.Get("is_default"))
	}
	return parseBoolField(t)
}

func parseBoolField(v string) (bool, error) {
	switch strings.TrimSpace(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badRequest("is_default must be true or false, got %q", v)
}

// setDefaultReq reads the {lan} path value and the is_default body of a
// set-default request, answering any error itself.
func setDefaultReq(w http.ResponseWriter, r *http.Request) (lang string, def, ok bool) {
	lang, err := langOrErr(r.PathValue("lan"))
	if err != nil {
		drain(r)
		writeError(w, err)
		return "", false, false
	}
	def, err = parseIsDefault(r)
	if err != nil {
		writeError(w, err)
		return "", false, false
	}
	return lang, def, true
}

func (s *Server) handleSetDefaultCaption(w http.ResponseWriter, r *http.Request) {
	lang, def, ok := setDefaultReq(w, r)
	if !ok {
		return
	}
	s.touchMedia(w, r, "Set default "+noun(r)+" successfully.", func(m *media) error {
		var target *caption
		for _, c := range m.captions {
			if c.lang == lang {
				target = c
			}
		}
		if target == nil {
			return captionNotFound(r, lang)
		}
		if def {
			for _, c := range m.captions {
				c.isDefault = false
			}
		}
		target.isDefault = def
		return nil
	})
}

func (s *Server) handleDeleteCaption(w http.ResponseWriter, r *http.Request) {
	// Deleting the default leaves no default (no replacement).
	s.deleteLang(w, r, "Delete "+noun(r)+" successfully.", func(m *media, lang string) error {
		var found bool
		if m.captions, found = removeFirst(m.captions, func(c *caption) bool { return c.lang == lang }); !found {
			return captionNotFound(r, lang)
		}
		return nil
	})
}
