package ossfake

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Signature checks, written from shared/specs/aliyun-ice.md §2.3 (OSS V1
// and V4), independent of the SDK's signer.

// canonicalQueryV4 sorts the raw query's keys; "+" counts as %20; a key
// without a value is written bare.
func canonicalQueryV4(raw string) string {
	raw = strings.ReplaceAll(raw, "+", "%20")
	vals := map[string]string{}
	var keys []string
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if _, seen := vals[k]; !seen {
			keys = append(keys, k)
		}
		vals[k] = v
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k
		if vals[k] != "" {
			parts[i] += "=" + vals[k]
		}
	}
	return strings.Join(parts, "&")
}

// escapeURI percent-encodes all but unreserved characters and "/".
func escapeURI(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

func hmacSHA256(key []byte, s string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(s))
	return h.Sum(nil)
}

// v4Auth is a parsed "OSS4-HMAC-SHA256 Credential=…" header.
type v4Auth struct {
	id, date, region, product string
	additional                []string
	signature                 string
}

func parseV4(h string) (v4Auth, bool) {
	rest, ok := strings.CutPrefix(h, "OSS4-HMAC-SHA256 ")
	if !ok {
		return v4Auth{}, false
	}
	var a v4Auth
	for _, item := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
		switch k {
		case "Credential":
			p := strings.Split(v, "/")
			if len(p) != 5 || p[4] != "aliyun_v4_request" {
				return v4Auth{}, false
			}
			a.id, a.date, a.region, a.product = p[0], p[1], p[2], p[3]
		case "AdditionalHeaders":
			a.additional = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, a.id != "" && a.signature != ""
}

// signV4 computes the V4 signature of r for bucket and key with secret.
func signV4(r *http.Request, bucket, key, secret string, a v4Auth) string {
	uri := "/"
	if bucket != "" {
		uri += bucket + "/"
	}
	uri += key
	add := map[string]bool{}
	for _, h := range a.additional {
		add[strings.ToLower(h)] = true
	}
	var names []string
	for k := range r.Header {
		low := strings.ToLower(k)
		if strings.HasPrefix(low, "x-oss-") || low == "content-type" || low == "content-md5" || add[low] {
			names = append(names, low)
		}
	}
	sort.Strings(names)
	var ch strings.Builder
	for _, n := range names {
		vs := r.Header.Values(n)
		for i := range vs {
			vs[i] = strings.TrimSpace(vs[i])
		}
		ch.WriteString(n + ":" + strings.Join(vs, ",") + "\n")
	}
	payload := r.Header.Get("x-oss-content-sha256")
	if payload == "" {
		payload = "UNSIGNED-PAYLOAD"
	}
	creq := strings.Join([]string{r.Method, escapeURI(uri), canonicalQueryV4(r.URL.RawQuery), ch.String(), strings.Join(a.additional, ";"), payload}, "\n")
	sum := sha256.Sum256([]byte(creq))
	scope := a.date + "/" + a.region + "/" + a.product + "/aliyun_v4_request"
	sts := "OSS4-HMAC-SHA256\n" + r.Header.Get("x-oss-date") + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	k := hmacSHA256([]byte("aliyun_v4"+secret), a.date)
	k = hmacSHA256(k, a.region)
	k = hmacSHA256(k, a.product)
	k = hmacSHA256(k, "aliyun_v4_request")
	return hex.EncodeToString(hmacSHA256(k, sts))
}

// v1SubResources are the query keys V1 signs (the ones this fake serves,
// plus the token).
var v1SubResources = map[string]bool{"uploads": true, "uploadId": true, "partNumber": true, "security-token": true,
	"acl": true, "append": true, "position": true, "sequential": true, "versionId": true}

// signV1 computes the V1 signature (HMAC-SHA1, Base64).
func signV1(r *http.Request, bucket, key, secret string) string {
	var names []string
	for k := range r.Header {
		if low := strings.ToLower(k); strings.HasPrefix(low, "x-oss-") {
			names = append(names, low)
		}
	}
	sort.Strings(names)
	var oh strings.Builder
	for _, n := range names {
		oh.WriteString(n + ":" + strings.TrimSpace(r.Header.Get(n)) + "\n")
	}
	res := "/"
	if bucket != "" {
		res += bucket + "/" + key
	}
	q, _ := url.ParseQuery(r.URL.RawQuery)
	var subs []string
	for k := range q {
		if v1SubResources[k] || strings.HasPrefix(k, "x-oss-") {
			subs = append(subs, k)
		}
	}
	sort.Strings(subs)
	for i, k := range subs {
		if v := q.Get(k); v != "" {
			subs[i] = k + "=" + v
		}
	}
	if len(subs) > 0 {
		res += "?" + strings.Join(subs, "&")
	}
	sts := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" + r.Header.Get("Date") + "\n" + oh.String() + res
	h := hmac.New(sha1.New, []byte(secret))
	h.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// requestTime is the V4 x-oss-date or the Date header.
func requestTime(r *http.Request) (time.Time, bool) {
	if v := r.Header.Get("x-oss-date"); v != "" {
		t, err := time.Parse("20060102T150405Z", v)
		return t, err == nil
	}
	t, err := http.ParseTime(r.Header.Get("Date"))
	return t, err == nil
}
