package qiniuauth

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Push-auth schemes (推流鉴权方式, pili spec §2.3), as the hub/stream
// publishSecurity field names them.
const (
	PublishSecurityNone     = "none"
	PublishSecurityStatic   = "static"
	PublishSecurityExpiry   = "expiry"
	PublishSecurityExpirySK = "expiry_sk"
	PublishSecurityDynamic  = "dynamic"
)

// PushPath returns the signed path of a push URL: "/<Hub>/<streamTitle>".
func PushPath(hub, streamTitle string) string { return "/" + hub + "/" + streamTitle }

// ExpiryToken is the expiry (限时鉴权) push token:
// urlsafe_base64(hmac_sha1("/<Hub>/<streamTitle>?expire=<ExpireAt>", PublishKey)).
func ExpiryToken(publishKey, hub, streamTitle string, expireAt int64) string {
	return hmacSHA1(publishKey, PushPath(hub, streamTitle)+"?expire="+strconv.FormatInt(expireAt, 10))
}

// DynamicToken is the dynamic (动态鉴权, deprecated) push token:
// urlsafe_base64(hmac_sha1("/<Hub>/<streamTitle>?nonce=<Nonce>", PublishKey)).
func DynamicToken(publishKey, hub, streamTitle string, nonce int64) string {
	return hmacSHA1(publishKey, PushPath(hub, streamTitle)+"?nonce="+strconv.FormatInt(nonce, 10))
}

// ExpirySKToken is the expiry_sk (限时鉴权sk) push token:
// AccessKey + ":" + urlsafe_base64(hmac_sha1("/<Hub>/<streamTitle>?e=<ExpireAt>", SecretKey)).
func (c Credentials) ExpirySKToken(hub, streamTitle string, expireAt int64) string {
	return c.Sign(PushPath(hub, streamTitle) + "?e=" + strconv.FormatInt(expireAt, 10))
}

// PushAuth selects and parameterises a push-auth scheme.
type PushAuth struct {
	// Security is one of the PublishSecurity* constants; "" means none.
	Security string
	// PublishKey is the hub/stream key used by static, expiry and dynamic.
	PublishKey string
	// Credentials are used by expiry_sk.
	Credentials Credentials
	// ExpireAt is the Unix time (s) by which the push must start (expiry,
	// expiry_sk).
	ExpireAt int64
	// Nonce must exceed the previous push's nonce (dynamic); the push time
	// in Unix seconds is recommended.
	Nonce int64
}

// PushQueryParams returns the auth query parameters in order, as name/value
// pairs (the auth parameters must always come last in a push URL). It returns
// nil for the none scheme.
func PushQueryParams(hub, streamTitle string, a PushAuth) ([][2]string, error) {
	switch a.Security {
	case "", PublishSecurityNone:
		return nil, nil
	case PublishSecurityStatic:
		if a.PublishKey == "" {
			return nil, fmt.Errorf("qiniuauth: static push auth needs a publish key")
		}
		return [][2]string{{"key", a.PublishKey}}, nil
	case PublishSecurityExpiry:
		if a.PublishKey == "" {
			return nil, fmt.Errorf("qiniuauth: expiry push auth needs a publish key")
		}
		return [][2]string{
			{"expire", strconv.FormatInt(a.ExpireAt, 10)},
			{"token", ExpiryToken(a.PublishKey, hub, streamTitle, a.ExpireAt)},
		}, nil
	case PublishSecurityExpirySK:
		if a.Credentials.AccessKey == "" || a.Credentials.SecretKey == "" {
			return nil, ErrNoCredentials
		}
		return [][2]string{
			{"e", strconv.FormatInt(a.ExpireAt, 10)},
			{"token", a.Credentials.ExpirySKToken(hub, streamTitle, a.ExpireAt)},
		}, nil
	case PublishSecurityDynamic:
		if a.PublishKey == "" {
			return nil, fmt.Errorf("qiniuauth: dynamic push auth needs a publish key")
		}
		return [][2]string{
			{"nonce", strconv.FormatInt(a.Nonce, 10)},
			{"token", DynamicToken(a.PublishKey, hub, streamTitle, a.Nonce)},
		}, nil
	}
	return nil, fmt.Errorf("qiniuauth: unknown push auth scheme %q", a.Security)
}

func joinParams(params [][2]string, sep string) string {
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p[0] + "=" + p[1]
	}
	return strings.Join(parts, sep)
}

// RTMPPublishURL builds rtmp://<RTMPPublishDomain>/<Hub>/<streamTitle>[?<auth>]
// (pili spec §2.3, §3). Tokens are appended verbatim (URL-safe base64 and
// "AK:sign" need no escaping), exactly as the documented examples show.
func RTMPPublishURL(publishDomain, hub, streamTitle string, a PushAuth) (string, error) {
	params, err := PushQueryParams(hub, streamTitle, a)
	if err != nil {
		return "", err
	}
	u := "rtmp://" + publishDomain + PushPath(hub, streamTitle)
	if len(params) > 0 {
		u += "?" + joinParams(params, "&")
	}
	return u, nil
}

// SRTPublishURL builds the SRT push URL of pili spec §3:
//
//	srt://<D>:1935?streamid=#!::h=<Hub>/<streamTitle>,m=publish,domain=<D>[,<auth with & → ,>]
//
// It is built by string concatenation; note the literal '#', which a generic
// URL parser would treat as a fragment.
func SRTPublishURL(publishDomain, hub, streamTitle string, a PushAuth) (string, error) {
	params, err := PushQueryParams(hub, streamTitle, a)
	if err != nil {
		return "", err
	}
	u := "srt://" + publishDomain + ":1935?streamid=#!::h=" + hub + "/" + streamTitle +
		",m=publish,domain=" + publishDomain
	if len(params) > 0 {
		u += "," + joinParams(params, ",")
	}
	return u, nil
}

// RTMPPlayURL is rtmp://<RTMPPlayDomain>/<Hub>/<streamTitle>.
func RTMPPlayURL(domain, hub, streamTitle string) string {
	return "rtmp://" + domain + PushPath(hub, streamTitle)
}

// HLSPlayURL is https://<HLSPlayDomain>/<Hub>/<streamTitle>.m3u8.
func HLSPlayURL(domain, hub, streamTitle string) string {
	return "https://" + domain + PushPath(hub, streamTitle) + ".m3u8"
}

// HDLPlayURL is https://<HDLPlayDomain>/<Hub>/<streamTitle>.flv.
func HDLPlayURL(domain, hub, streamTitle string) string {
	return "https://" + domain + PushPath(hub, streamTitle) + ".flv"
}

// SnapshotURL is the live cover: http://<SnapshotPlayDomain>/<Hub>/<StreamKey>.jpg.
func SnapshotURL(domain, hub, streamTitle string) string {
	return "http://" + domain + PushPath(hub, streamTitle) + ".jpg"
}

// PlaySign computes the timestamp anti-leech (时间戳防盗链, pili spec §2.4)
// parameters for a play path: t = lower-case hex of the expiry Unix time,
// sign = lower-case hex md5(key + path + t). path includes the leading '/'
// and the extension ("/testHub/testStream.m3u8"; none for RTMP).
func PlaySign(key, path string, expireAt int64) (sign, t string) {
	t = strconv.FormatInt(expireAt, 16)
	sum := md5.Sum([]byte(key + path + t))
	return hex.EncodeToString(sum[:]), t
}

// SignPlayURL appends "sign=<sign>&t=<t>" to a play URL (rtmp, http(s) HLS or
// FLV), signing the URL's escaped path. Any existing query is kept in front.
func SignPlayURL(rawURL, key string, expireAt int64) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("qiniuauth: play URL: %w", err)
	}
	if u.Fragment != "" || strings.Contains(rawURL, "#") {
		return "", fmt.Errorf("qiniuauth: play URL must not contain a fragment")
	}
	sign, t := PlaySign(key, u.EscapedPath(), expireAt)
	return appendQuery(rawURL) + "sign=" + sign + "&t=" + t, nil
}

// appendQuery returns rawURL followed by the separator that starts a new
// query parameter: "?" when it has no query, "&" when it has one, nothing
// when it already ends in "?" or "&".
func appendQuery(rawURL string) string {
	switch {
	case strings.HasSuffix(rawURL, "?"), strings.HasSuffix(rawURL, "&"):
		return rawURL
	case strings.Contains(rawURL, "?"):
		return rawURL + "&"
	}
	return rawURL + "?"
}

// SignURLWithExpiry appends "e=<e>" to rawURL, signs the resulting URL string
// with the SecretKey and appends "&token=<AK>:<sign>":
//
//	u  = rawURL + ("?" | "&") + "e=" + e
//	return u + "&token=" + AK + ":" + urlsafe_base64(hmac_sha1(u, SK))
//
// This is the Qiniu download-token construction that the realtime ASR page
// (dora spec §3.2) links to for its `e`/`token` query parameters. The linked
// page is NOT in the seed, so what exactly is signed for the ASR WebSocket is
// unconfirmed; callers that need another signed string can use Sign directly
// (Sign(s) is exactly "AK:urlsafe_base64(hmac_sha1(s, SK))").
func (c Credentials) SignURLWithExpiry(rawURL string, e int64) string {
	u := appendQuery(rawURL) + "e=" + strconv.FormatInt(e, 10)
	return u + "&token=" + c.Sign(u)
}
