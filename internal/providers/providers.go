// Package providers is the catalogue of media clouds mcp-media speaks to:
// their ids, which credential fields they need, the environment variables
// that can supply them, and their API endpoints with the override variables
// of PRODUCT.md §2. It holds names only, never values.
package providers

import (
	"sort"
	"strings"
)

// Field is one credential field.
type Field struct {
	Name   string   // JSON key in the keyring value, e.g. "public_key"
	Env    []string // environment variables, first match wins
	Secret bool     // secrets are never printed; plain fields (a region) may be
	// Identifier marks a required, never-printed field that is not a
	// secret and so is not registered for redaction: the provider itself
	// puts it in signed URLs and tokens (the Qiniu AccessKey, like an AWS
	// key ID), and those URLs are deliverables. auth status treats it like
	// a secret; derived secrets (signatures, the SecretKey) stay redacted.
	Identifier bool
	// Required plain fields must be set too for the provider to count as
	// configured (the VOD base URL: that service has no default host).
	Required bool
	Prompt   string // what `auth set` asks for
}

// Endpoint is one API base URL of a provider.
type Endpoint struct {
	Name    string // "api", "pili", "asr_ws"...
	Env     string // override variable
	Default string // the vendor's documented host
}

// Provider describes one media cloud.
type Provider struct {
	ID        string
	Name      string
	Fields    []Field
	Endpoints []Endpoint
}

// SecretFields returns the names of the secret fields.
func (p Provider) SecretFields() []string {
	var out []string
	for _, f := range p.Fields {
		if f.Secret {
			out = append(out, f.Name)
		}
	}
	return out
}

// RedactedFields returns the names of the secret fields that are
// registered for redaction: SecretFields without the identifiers.
func (p Provider) RedactedFields() []string {
	var out []string
	for _, f := range p.Fields {
		if f.Secret && !f.Identifier {
			out = append(out, f.Name)
		}
	}
	return out
}

// RequiredFields returns the secret fields and the required plain ones.
func (p Provider) RequiredFields() []string {
	var out []string
	for _, f := range p.Fields {
		if f.Secret || f.Required {
			out = append(out, f.Name)
		}
	}
	return out
}

// EnvHint lists the environment variables that configure p, for messages.
func (p Provider) EnvHint() string {
	var names []string
	for _, f := range p.Fields {
		if (f.Secret || f.Required) && len(f.Env) > 0 {
			names = append(names, f.Env[0])
		}
	}
	return strings.Join(names, " and ")
}

// Endpoint returns the base URL named name: the override variable when set
// (getenv may be nil), else the default.
func (p Provider) Endpoint(name string, getenv func(string) string) string {
	for _, e := range p.Endpoints {
		if e.Name != name {
			continue
		}
		if getenv != nil {
			if v := strings.TrimSpace(getenv(e.Env)); v != "" {
				return v
			}
		}
		return e.Default
	}
	return ""
}

// All is every provider, in the order they are shown to users.
var All = []Provider{
	{
		ID: "aioz", Name: "AIOZ Stream",
		Fields: []Field{
			{Name: "public_key", Env: []string{"AIOZ_STREAM_PUBLIC_KEY", "STREAM_PUBLIC_KEY"}, Secret: true, Prompt: "AIOZ Stream Public Key"},
			{Name: "secret_key", Env: []string{"AIOZ_STREAM_SECRET_KEY", "STREAM_SECRET_KEY"}, Secret: true, Prompt: "AIOZ Stream Secret Key"},
		},
		Endpoints: []Endpoint{{Name: "api", Env: "MCP_MEDIA_AIOZ_URL", Default: "https://api.aiozstream.network/api"}},
	},
	{
		ID: "qiniu", Name: "Qiniu (Pili live, Dora AI)",
		Fields: []Field{
			{Name: "access_key", Env: []string{"QINIU_ACCESS_KEY"}, Secret: true, Identifier: true, Prompt: "Qiniu AccessKey"},
			{Name: "secret_key", Env: []string{"QINIU_SECRET_KEY"}, Secret: true, Prompt: "Qiniu SecretKey"},
		},
		Endpoints: []Endpoint{
			{Name: "pili", Env: "MCP_MEDIA_QINIU_PILI_URL", Default: "https://pili.qiniuapi.com"},
			{Name: "caster", Env: "MCP_MEDIA_QINIU_CASTER_URL", Default: "https://pili-caster.qiniuapi.com"},
			// Hosts from shared/specs/qiniu-dora.md: short/long ASR and the
			// Yitu live voice censor share yitu-audio.
			{Name: "asr", Env: "MCP_MEDIA_QINIU_ASR_URL", Default: "https://yitu-audio.qiniuapi.com"},
			{Name: "asr_ws", Env: "MCP_MEDIA_QINIU_ASR_WS_URL", Default: "wss://ap-open-ws.service-z0.qiniuapp.com"},
			{Name: "censor", Env: "MCP_MEDIA_QINIU_CENSOR_URL", Default: "https://censor-open.qiniuapi.com"},
			{Name: "translate", Env: "MCP_MEDIA_QINIU_TRANSLATE_URL", Default: "https://ap-gate-z0.qiniuapi.com"},
		},
	},
	{
		ID: "aliyun", Name: "Alibaba Cloud ICE",
		Fields: []Field{
			{Name: "access_key_id", Env: []string{"ALIBABA_CLOUD_ACCESS_KEY_ID"}, Secret: true, Prompt: "AccessKey ID"},
			{Name: "access_key_secret", Env: []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET"}, Secret: true, Prompt: "AccessKey Secret"},
			{Name: "region_id", Env: []string{"ALIBABA_CLOUD_REGION_ID"}, Prompt: "Region ID (e.g. cn-shanghai)"},
		},
		// {region_id} follows the configured region (default cn-shanghai);
		// iceapi fills it in.
		Endpoints: []Endpoint{{Name: "ice", Env: "MCP_MEDIA_ICE_URL", Default: "https://ice.{region_id}.aliyuncs.com"}},
	},
	{
		ID: "vod", Name: "VOD service",
		Fields: []Field{
			{Name: "token", Env: []string{"MCP_MEDIA_VOD_TOKEN"}, Secret: true, Prompt: "VOD API token"},
			{Name: "base_url", Env: []string{"MCP_MEDIA_VOD_URL"}, Required: true, Prompt: "VOD base URL (e.g. https://vod.example.com; there is no default host)"},
		},
		// No default host: the seed names none (spec §8). The storage
		// service defaults to the base URL.
		Endpoints: []Endpoint{
			{Name: "api", Env: "MCP_MEDIA_VOD_URL", Default: ""},
			{Name: "storage", Env: "MCP_MEDIA_VOD_STORAGE_URL", Default: ""},
		},
	},
}

// ByID finds a provider.
func ByID(id string) (Provider, bool) {
	for _, p := range All {
		if p.ID == id {
			return p, true
		}
	}
	return Provider{}, false
}

// IDs lists the provider ids, sorted.
func IDs() []string {
	ids := make([]string, 0, len(All))
	for _, p := range All {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	return ids
}
