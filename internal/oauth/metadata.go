package oauth

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// MetadataPath is the RFC 9728 well-known path; the document for a
// resource with a path is served at MetadataPath + that path too.
const MetadataPath = "/.well-known/oauth-protected-resource"

// DefaultEndpoint is the MCP endpoint a derived resource URL ends with.
const DefaultEndpoint = "/mcp"

// ProtectedResource is the RFC 9728 protected resource metadata document.
type ProtectedResource struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers"`
	ScopesSupported        []string `json:"scopes_supported"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	ResourceName           string   `json:"resource_name,omitempty"`
}

// MetadataPaths are the paths the metadata document is served at: the
// bare one, the one for the endpoint, and the one for a configured
// resource's path.
func (v *Verifier) MetadataPaths() []string {
	paths := []string{MetadataPath, MetadataPath + v.cfg.Endpoint}
	if u, err := url.Parse(v.staticResource()); err == nil && v.staticResource() != "" {
		if p := strings.TrimSuffix(u.EscapedPath(), "/"); p != "" && p != v.cfg.Endpoint {
			paths = append(paths, MetadataPath+p)
		}
	}
	return paths
}

// staticResource is the resource URL when it does not depend on the
// request: --oauth-resource, else an http(s) audience.
func (v *Verifier) staticResource() string {
	if v.cfg.Resource != "" {
		return v.cfg.Resource
	}
	if u, err := url.Parse(v.cfg.Audience); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return v.cfg.Audience
	}
	return ""
}

// Resource is the canonical URL of the MCP endpoint as r reached it.
func (v *Verifier) Resource(r *http.Request) string {
	if s := v.staticResource(); s != "" {
		return s
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host + v.cfg.Endpoint
}

// MetadataURL is the absolute URL of the metadata document for the
// resource r reached (RFC 9728 §3.1: the well-known path inserted between
// the resource's host and path).
func (v *Verifier) MetadataURL(r *http.Request) string {
	u, err := url.Parse(v.Resource(r))
	if err != nil {
		return MetadataPath
	}
	return u.Scheme + "://" + u.Host + MetadataPath + strings.TrimSuffix(u.EscapedPath(), "/")
}

// Metadata is the document for a request.
func (v *Verifier) Metadata(r *http.Request) ProtectedResource {
	return ProtectedResource{
		Resource:               v.Resource(r),
		AuthorizationServers:   []string{v.cfg.Issuer},
		ScopesSupported:        []string{v.cfg.ReadScope, v.cfg.WriteScope},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "mcp-media",
	}
}

// MetadataHandler serves the document (GET and HEAD, no authentication).
func (v *Verifier) MetadataHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "Method Not Allowed: GET the protected resource metadata", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=300")
		_ = json.NewEncoder(w).Encode(v.Metadata(r))
	})
}

// Challenge is the WWW-Authenticate value for a refusal: err nil means no
// token was sent; an *Error adds its code (and the scope needed when the
// scope was insufficient). It never includes the token.
func (v *Verifier) Challenge(r *http.Request, err error) string {
	params := []string{}
	var e *Error
	if errors.As(err, &e) {
		params = append(params, "error="+quote(e.Code), "error_description="+quote(e.Description))
		if e.Code == "insufficient_scope" {
			params = append(params, "scope="+quote(v.cfg.ReadScope))
		}
	} else if err != nil {
		params = append(params, `error="invalid_token"`)
	}
	params = append(params, "resource_metadata="+quote(v.MetadataURL(r)))
	return "Bearer " + strings.Join(params, ", ")
}

// quote makes an RFC 9110 quoted-string.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "")
	return `"` + r.Replace(s) + `"`
}
