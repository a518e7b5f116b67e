// Package qiniuauth signs Qiniu management API requests (the "QiniuToken"
// of the Pili 请求鉴权 page, also used by Dora) and builds the signed URLs
// the Qiniu products use: push-auth URLs, timestamp anti-leech play URLs and
// e/token signed URLs. It is shared by the Pili, caster and Dora clients.
//
// The algorithms follow shared/specs/qiniu-pili.md §2 and
// shared/specs/qiniu-dora.md §3.
package qiniuauth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
)

// AuthHint is the one wording, for every Qiniu client, of what to do when
// Qiniu rejects the keys or the signature (HTTP 401 and its business-code
// equivalents).
const AuthHint = "Authentication failed: Qiniu rejected the keys or the request signature. Check the AccessKey and SecretKey and run `mcp-media auth set qiniu`"

// Credentials are a Qiniu account's AccessKey and SecretKey.
type Credentials struct{ AccessKey, SecretKey string }

// ContentTypeOctetStream is the one Content-Type whose body is never signed.
const ContentTypeOctetStream = "application/octet-stream"

// StringToSign builds the exact `data` string of the 请求鉴权 page (pili
// spec §2.1):
//
//	<Method> <Path>[?<RawQuery>]\nHost: <Host>[\nContent-Type: <contentType>]\n\n[<body>]
//
// The query is added only when non-empty, the Content-Type line only when
// contentType is non-empty, the blank line always, and the body only when it
// is non-empty and contentType is non-empty and not application/octet-stream.
// The method is upper-cased ("注意方法为全大写").
func StringToSign(method, path, rawQuery, host, contentType string, body []byte) string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(method))
	b.WriteByte(' ')
	b.WriteString(path)
	if rawQuery != "" {
		b.WriteByte('?')
		b.WriteString(rawQuery)
	}
	b.WriteString("\nHost: ")
	b.WriteString(host)
	if contentType != "" {
		b.WriteString("\nContent-Type: ")
		b.WriteString(contentType)
	}
	b.WriteString("\n\n")
	if len(body) > 0 && contentType != "" && contentType != ContentTypeOctetStream {
		b.Write(body)
	}
	return b.String()
}

// hmacSHA1 returns urlsafe_base64_encode(hmac_sha1(data, key)), padded with
// '=' as every example in the docs is.
func hmacSHA1(key, data string) string {
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(data))
	return base64.URLEncoding.EncodeToString(m.Sum(nil))
}

// EncodedSign returns urlsafe_base64_encode(hmac_sha1(data, SecretKey)),
// without the AccessKey prefix.
func (c Credentials) EncodedSign(data string) string { return hmacSHA1(c.SecretKey, data) }

// Sign returns "<AccessKey>:<urlsafe_base64(hmac_sha1(data, SecretKey))>"
// (padded URL-safe base64). It is both the part after "Qiniu " in the
// Authorization header and the expiry_sk push token.
func (c Credentials) Sign(data string) string {
	return c.AccessKey + ":" + c.EncodedSign(data)
}

// Authorization returns the full header value "Qiniu <AK>:<sign>" for data.
func (c Credentials) Authorization(data string) string { return "Qiniu " + c.Sign(data) }

// ErrNoCredentials is returned when the AccessKey or SecretKey is empty.
var ErrNoCredentials = errors.New("qiniuauth: AccessKey and SecretKey are required")

// requestHost is the host the request will be sent with.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	if req.URL != nil {
		return req.URL.Host
	}
	return ""
}

// SignRequestBody sets Authorization: "Qiniu <AK>:<sign>" on req using body as
// the request body (req.Body is not touched). It signs the escaped path, the
// raw query, req.Host (or URL.Host) and the Content-Type header exactly as
// they will be sent, and returns the "<AK>:<sign>" token it set so the caller
// can register it for redaction.
func (c Credentials) SignRequestBody(req *http.Request, body []byte) (string, error) {
	if c.AccessKey == "" || c.SecretKey == "" {
		return "", ErrNoCredentials
	}
	if req.URL == nil {
		return "", errors.New("qiniuauth: request has no URL")
	}
	data := StringToSign(req.Method, req.URL.EscapedPath(), req.URL.RawQuery,
		requestHost(req), req.Header.Get("Content-Type"), body)
	token := c.Sign(data)
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	req.Header.Set("Authorization", "Qiniu "+token)
	return token, nil
}

// SignRequest sets Authorization: "Qiniu <AK>:<sign>" on req. It reads
// req.Body and restores it (as a replayable in-memory body with an explicit
// Content-Length, so the signed body is sent with a Content-Length header as
// the spec requires), and returns the "<AK>:<sign>" token it set.
func (c Credentials) SignRequest(req *http.Request) (string, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return "", err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		if len(body) == 0 {
			req.Body = http.NoBody
		}
	}
	return c.SignRequestBody(req, body)
}
