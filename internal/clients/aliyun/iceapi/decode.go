package iceapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/mcp-media/mcp-media/internal/redact"
)

// Address is the decoded UploadAddress (spec §2.2).
type Address struct {
	Endpoint string // OSS endpoint with scheme, e.g. https://oss-cn-shanghai.aliyuncs.com
	Bucket   string
	FileName string // the object key to write
}

// Auth is the decoded UploadAuth: a temporary STS credential.
type Auth struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	Expiration      string // optional: seconds of validity, e.g. "3000"
	ExpireUTCTime   string // optional
	Region          string // optional
}

// String never prints the secret parts.
func (a Auth) String() string { return "iceapi.Auth{STS credential, redacted}" }

// GoString is String, for %#v.
func (a Auth) GoString() string { return a.String() }

// decodeB64JSON decodes standard (or URL-safe, padded or not) Base64 holding
// a JSON object into a map of strings; what is missing is the caller's job.
func decodeB64JSON(what, s string) (map[string]any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%s is empty in the response", what)
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not Base64 (%d characters)", what, len(s))
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%s decodes to %d bytes that are not a JSON object", what, len(raw))
	}
	return m, nil
}

func field(m map[string]any, name string) string {
	if v, ok := m[name].(string); ok {
		return strings.TrimSpace(v)
	}
	if v, ok := m[name].(float64); ok {
		return fmt.Sprint(v)
	}
	return ""
}

// missingErr names the absent fields and the ones present (names only).
func missingErr(what string, m map[string]any, missing []string) error {
	have := make([]string, 0, len(m))
	for k := range m {
		have = append(have, k)
	}
	sort.Strings(have)
	return fmt.Errorf("decoded %s has no %s (fields present: %s); ICE's answer cannot be used for an OSS upload — retry, and report it if it persists",
		what, strings.Join(missing, ", "), strings.Join(have, ", "))
}

// DecodeAddress decodes UploadAddress. An Endpoint without a scheme gets https://.
func DecodeAddress(s string) (Address, error) {
	m, err := decodeB64JSON("UploadAddress", s)
	if err != nil {
		return Address{}, err
	}
	a := Address{Endpoint: field(m, "Endpoint"), Bucket: field(m, "Bucket"), FileName: field(m, "FileName")}
	var missing []string
	for _, f := range [][2]string{{"Endpoint", a.Endpoint}, {"Bucket", a.Bucket}, {"FileName", a.FileName}} {
		if f[1] == "" {
			missing = append(missing, f[0])
		}
	}
	if len(missing) > 0 {
		return Address{}, missingErr("UploadAddress", m, missing)
	}
	if !strings.Contains(a.Endpoint, "://") {
		a.Endpoint = "https://" + a.Endpoint
	}
	if u, err := url.Parse(a.Endpoint); err != nil || u.Host == "" {
		return Address{}, fmt.Errorf("decoded UploadAddress has an Endpoint that is not a URL: %q", a.Endpoint)
	}
	return a, nil
}

// DecodeAuth decodes UploadAuth and registers the three credential values
// with set before anything else can see them.
func DecodeAuth(s string, set *redact.Set) (Auth, error) {
	m, err := decodeB64JSON("UploadAuth", s)
	if err != nil {
		return Auth{}, err
	}
	a := Auth{AccessKeyID: field(m, "AccessKeyId"), AccessKeySecret: field(m, "AccessKeySecret"),
		SecurityToken: field(m, "SecurityToken"), Expiration: field(m, "Expiration"),
		ExpireUTCTime: field(m, "ExpireUTCTime"), Region: field(m, "Region")}
	if set != nil {
		set.Add(a.AccessKeyID, a.AccessKeySecret, a.SecurityToken)
	}
	var missing []string
	for _, f := range [][2]string{{"AccessKeyId", a.AccessKeyID}, {"AccessKeySecret", a.AccessKeySecret}, {"SecurityToken", a.SecurityToken}} {
		if f[1] == "" {
			missing = append(missing, f[0])
		}
	}
	if len(missing) > 0 {
		return Auth{}, missingErr("UploadAuth", m, missing)
	}
	return a, nil
}

// OSSRegion is the region for OSS V4 signing: from an endpoint host
// oss-<region>[-internal].aliyuncs.com, else the credential's Region, else
// fallback (the account's region_id).
func OSSRegion(endpoint, authRegion, fallback string) string {
	host := endpoint
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	for _, label := range strings.Split(host, ".") {
		if r, ok := strings.CutPrefix(label, "oss-"); ok && r != "" {
			r = strings.TrimSuffix(r, "-internal")
			r = strings.TrimSuffix(r, "-accelerate")
			if strings.Count(r, "-") >= 1 {
				return r
			}
		}
	}
	if authRegion != "" {
		return authRegion
	}
	return fallback
}

// needsPathStyle: a host with no DNS for <bucket>.<host> (an IP — the SDK
// handles those itself — localhost or a single-label name) takes path-style
// URLs.
func needsPathStyle(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return net.ParseIP(h) != nil || h == "localhost" || !strings.Contains(h, ".")
}
