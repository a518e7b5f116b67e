package icefake

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
)

// Signature checks written from shared/specs/aliyun-ice.md §3 (V3
// ACS3-HMAC-SHA256 and the legacy RPC HMAC-SHA1, SignatureVersion=1.0),
// independent of the SDK.

// PercentEncode is RFC 3986 encoding: A–Z a–z 0–9 - _ . ~ kept, the rest
// %XX (space → %20, * → %2A).
func PercentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

// canonicalQuery sorts params by name and joins encoded name=value with &.
func canonicalQuery(params url.Values, skip string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != skip {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		for _, v := range params[k] {
			parts = append(parts, PercentEncode(k)+"="+PercentEncode(v))
		}
	}
	return strings.Join(parts, "&")
}

// RPCStringToSign is the legacy V2 string to sign.
func RPCStringToSign(method string, params url.Values) string {
	return method + "&" + PercentEncode("/") + "&" + PercentEncode(canonicalQuery(params, "Signature"))
}

// RPCSignature is Base64(HMAC-SHA1(secret + "&", stringToSign)).
func RPCSignature(secret, stringToSign string) string {
	h := hmac.New(sha1.New, []byte(secret+"&"))
	h.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// v3Auth is a parsed ACS3-HMAC-SHA256 Authorization header.
type v3Auth struct {
	id        string
	signed    []string
	signature string
}

func parseV3(h string) (v3Auth, bool) {
	rest, ok := strings.CutPrefix(h, "ACS3-HMAC-SHA256 ")
	if !ok {
		return v3Auth{}, false
	}
	var a v3Auth
	for _, item := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
		switch k {
		case "Credential":
			a.id = v
		case "SignedHeaders":
			a.signed = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	return a, a.id != "" && a.signature != "" && len(a.signed) > 0
}

// V3StringToSign builds the canonical request of r (query already parsed,
// signed header names given) and its string to sign.
func V3StringToSign(r *http.Request, query url.Values, signed []string, payloadHash string) string {
	var ch strings.Builder
	for _, name := range signed {
		v := r.Header.Get(name)
		if name == "host" {
			v = r.Host
		}
		ch.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
	}
	uri := r.URL.EscapedPath()
	if uri == "" {
		uri = "/"
	}
	creq := strings.Join([]string{r.Method, uri, canonicalQuery(query, ""), ch.String(), strings.Join(signed, ";"), payloadHash}, "\n")
	sum := sha256.Sum256([]byte(creq))
	return "ACS3-HMAC-SHA256\n" + hex.EncodeToString(sum[:])
}

// V3Signature is hex(HMAC-SHA256(secret, stringToSign)).
func V3Signature(secret, stringToSign string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(stringToSign))
	return hex.EncodeToString(h.Sum(nil))
}
