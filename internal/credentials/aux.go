package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/zalando/go-keyring"
)

// Auxiliary secrets that are whole key sets (a new AIOZ API key, stored as
// the provider's fields in JSON) can become the provider's active keys:
// `mcp-media auth use aioz/api_key/<id>` or a tool's `use` argument.

// SplitAccount splits a keyring account "<provider>/<name>" as used by
// `auth reveal` and `auth use`.
func SplitAccount(account string) (provider, name string, err error) {
	provider, name, ok := strings.Cut(account, "/")
	if !ok || name == "" {
		return "", "", fmt.Errorf("%q is not an account of the form PROVIDER/NAME (e.g. aioz/api_key/<id>)", account)
	}
	if _, known := providers.ByID(provider); !known {
		return "", "", fmt.Errorf("unknown provider %q in %q (known: %s)", provider, account, strings.Join(providers.IDs(), ", "))
	}
	return provider, name, nil
}

// AuxFields decodes an auxiliary secret that holds provider fields as a
// JSON object; ok is false for a plain value.
func AuxFields(value string) (map[string]string, bool) {
	var f map[string]string
	if json.Unmarshal([]byte(value), &f) != nil || len(f) == 0 {
		return nil, false
	}
	return f, true
}

// DeleteAux removes an auxiliary secret; an absent one is not an error.
func (s *Store) DeleteAux(provider, name string) error {
	if s.Sandbox != nil {
		s.auxMu.Lock()
		delete(s.sandboxAux, provider+"/"+name)
		s.auxMu.Unlock()
		return nil
	}
	if s.Keyring == nil {
		return ErrKeyringUnavailable
	}
	if err := s.Keyring.Delete(Service, provider+"/"+name); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrKeyringUnavailable, err)
	}
	return nil
}

// UseAux makes the key set stored as an auxiliary secret the provider's
// active credentials: written as the provider's keyring entry (running
// servers reread it), or, in the sandbox, kept in memory.
func (s *Store) UseAux(provider, name string) error {
	p, ok := providers.ByID(provider)
	if !ok {
		return fmt.Errorf("unknown provider %q", provider)
	}
	v := s.Aux(provider, name)
	if v == "" {
		return fmt.Errorf("no secret is stored under %s/%s", provider, name)
	}
	fields, ok := AuxFields(v)
	if !ok || !complete(p, fields) {
		return fmt.Errorf("%s/%s is not a complete %s key set (needs %s)", provider, name, p.Name, strings.Join(p.SecretFields(), ", "))
	}
	if s.Sandbox != nil {
		s.auxMu.Lock()
		s.Sandbox[provider] = fields
		s.auxMu.Unlock()
		s.remember(p, SourceSandbox, fields)
		return nil
	}
	return s.Save(provider, fields)
}
