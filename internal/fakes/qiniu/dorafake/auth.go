package dorafake

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
)

// ---------------------------------------------------------------------------
// QiniuToken verification (spec §3.1, p056)

// signingString builds p056's data string:
//
//	<Method> <Path>[?<RawQuery>]\nHost: <Host>[\nContent-Type: <ct>][X-Qiniu lines]\n\n[<body>]
//
// The body is appended only when Content-Length is present, the body is not
// empty and Content-Type is present and not application/octet-stream.
// withXQiniu adds the sorted X-Qiniu-* header lines the official SDKs send
// (spec §3.1.2 note); p056 itself has none.
func signingString(r *http.Request, body []byte, withXQiniu bool) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteString(" ")
	b.WriteString(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		b.WriteString("?")
		b.WriteString(r.URL.RawQuery)
	}
	b.WriteString("\nHost: ")
	b.WriteString(r.Host)
	ct := r.Header.Get("Content-Type")
	if ct != "" {
		b.WriteString("\nContent-Type: ")
		b.WriteString(ct)
	}
	if withXQiniu {
		for _, name := range xQiniuHeaders(r.Header) {
			b.WriteString("\n")
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(strings.Join(r.Header.Values(name), ","))
		}
	}
	b.WriteString("\n\n")
	if r.ContentLength > 0 && len(body) > 0 && ct != "" && ct != "application/octet-stream" {
		b.Write(body)
	}
	return b.String()
}

func xQiniuHeaders(h http.Header) []string {
	var names []string
	for name := range h {
		if strings.HasPrefix(name, "X-Qiniu-") && len(name) > len("X-Qiniu-") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// mac is hmac_sha1(data, sk), the raw Qiniu signature.
func mac(data, sk string) []byte {
	m := hmac.New(sha1.New, []byte(sk))
	m.Write([]byte(data))
	return m.Sum(nil)
}

// checkAuth returns "" when the Authorization header is valid, else why not.
func (s *Server) checkAuth(r *http.Request, body []byte) string {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "missing Authorization header"
	}
	rest, ok := strings.CutPrefix(h, "Qiniu")
	if !ok {
		return "Authorization scheme is not Qiniu"
	}
	rest = strings.TrimPrefix(rest, " ") // quirk 2: p003 writes Qiniu<AK>:<Sign>
	i := strings.LastIndexByte(rest, ':')
	if i <= 0 {
		return "Authorization is not Qiniu <AccessKey>:<Sign>"
	}
	ak, sig := rest[:i], rest[i+1:]
	if ak != s.opts.AccessKey {
		return "unknown AccessKey"
	}
	got, err := base64.URLEncoding.DecodeString(sig)
	if err != nil {
		if got, err = base64.RawURLEncoding.DecodeString(sig); err != nil {
			return "signature is not URL-safe base64"
		}
	}
	variants := []bool{false}
	if len(xQiniuHeaders(r.Header)) > 0 {
		variants = append(variants, true)
	}
	for _, x := range variants {
		if hmac.Equal(got, mac(signingString(r, body, x), s.opts.SecretKey)) {
			return ""
		}
	}
	return "signature mismatch"
}
