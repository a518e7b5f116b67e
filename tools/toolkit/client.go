package toolkit

import (
	"log/slog"
	"net/http"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// Binding is what a provider's client constructor receives: the keys
// configured now, the provider's endpoints (overrides applied) and the
// server's shared HTTP stack pieces.
type Binding struct {
	Creds  credentials.Credentials
	HTTP   *http.Client // nil: the httpx default
	Redact *redact.Set
	Log    *slog.Logger
	Getenv func(string) string
	// AllowPrivateURLs: see Env.AllowPrivateURLs.
	AllowPrivateURLs bool

	provider providers.Provider
}

// Key is the configured value of a credential field.
func (b Binding) Key(field string) string { return b.Creds.Get(field) }

// Endpoint is the provider's base URL called name, with its override
// variable applied (see internal/providers).
func (b Binding) Endpoint(name string) string { return b.provider.Endpoint(name, b.Getenv) }

// Client gives a handler its provider's client, built from the keys
// configured at call time, so `mcp-media auth set` takes effect without a
// restart. Declare one per provider package with NewClient.
type Client[C any] struct {
	env      *Env
	provider providers.Provider
	build    func(Binding) C
}

// NewClient binds a client constructor to env and a provider id. It panics
// on an unknown provider id (a programming error caught by any test).
func NewClient[C any](env *Env, provider string, build func(Binding) C) Client[C] {
	p, ok := providers.ByID(provider)
	if !ok {
		panic("toolkit.NewClient: unknown provider " + provider)
	}
	return Client[C]{env: env, provider: p, build: build}
}

// Get loads the provider's keys and builds the client. A provider with no
// keys gives a *credentials.NotConfiguredError naming `mcp-media auth set`.
func (c Client[C]) Get() (C, error) {
	cr, err := c.env.Creds.Load(c.provider.ID)
	if err != nil {
		var zero C
		return zero, err
	}
	return c.build(Binding{
		Creds: cr, HTTP: c.env.HTTP, Redact: c.env.Redact, Log: c.env.Log, Getenv: c.env.Getenv,
		AllowPrivateURLs: c.env.AllowPrivateURLs, provider: c.provider,
	}), nil
}
