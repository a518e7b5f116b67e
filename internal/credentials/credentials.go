// Package credentials loads and stores provider keys: the OS keyring first
// (service "mcp-media", account = provider id, value = the fields as JSON),
// then the environment. Values never leave this package except to the
// provider clients that sign requests; every loaded secret is registered with
// the redact.Set so it can be scrubbed from anything the server prints.
package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/zalando/go-keyring"
)

// Service is the keyring service name.
const Service = "mcp-media"

// Source says where a provider's credentials came from.
type Source string

const (
	SourceNone    Source = ""
	SourceKeyring Source = "keyring"
	SourceEnv     Source = "environment"
	SourceSandbox Source = "sandbox"
)

// Keyring is the part of an OS keyring the store needs. go-keyring satisfies
// it; tests use an in-memory one.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// Credentials are one provider's fields.
type Credentials struct {
	Provider string
	Source   Source
	fields   map[string]string
}

// Get returns a field value ("" when absent).
func (c Credentials) Get(field string) string { return c.fields[field] }

// String never prints values.
func (c Credentials) String() string {
	return fmt.Sprintf("credentials(%s from %s)", c.Provider, c.Source)
}

// GoString keeps %#v from printing values too.
func (c Credentials) GoString() string { return c.String() }

// NotConfiguredError is returned when a provider has no credentials.
type NotConfiguredError struct {
	Provider providers.Provider
	Missing  []string
	Reason   string // optional: why the keyring could not be read
}

func (e *NotConfiguredError) Error() string {
	msg := fmt.Sprintf("%s is not configured", e.Provider.Name)
	noHost := ""
	for _, f := range e.Provider.Fields {
		if f.Required && !f.Secret && contains(e.Missing, f.Name) {
			noHost = fmt.Sprintf("; there is no default host, so without %s it is not configured", f.Name)
		}
	}
	if len(e.Missing) > 0 && (len(e.Missing) < len(e.Provider.RequiredFields()) || noHost != "") {
		msg += fmt.Sprintf(" (missing %s%s)", strings.Join(e.Missing, ", "), noHost)
	}
	msg += fmt.Sprintf(": run `mcp-media auth set %s`", e.Provider.ID)
	if hint := e.Provider.EnvHint(); hint != "" {
		msg += fmt.Sprintf(" or set %s", hint)
	}
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg
}

// ErrKeyringUnavailable means no OS keyring answered (for example headless
// Linux without a Secret Service). Keys then come from the environment only;
// they are never written to a plain file instead.
var ErrKeyringUnavailable = errors.New("the OS keyring is unavailable")

// Store reads and writes credentials.
type Store struct {
	Keyring Keyring
	Getenv  func(string) string
	Redact  *redact.Set
	// Sandbox, when set, replaces every other source (used by --sandbox and
	// demo, whose fakes accept these fixed keys).
	Sandbox map[string]map[string]string
	// ChangeFile is the state dir's ChangeFileName: Save and Delete rewrite
	// it, Load rereads the keyring when its content changed. "" disables
	// that (then only TTL expires a read).
	ChangeFile string
	// TTL is how long a keyring read is reused; 0 means DefaultTTL.
	TTL time.Duration
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// Log receives one line, once, when the keyring is locked. Nil discards.
	Log *slog.Logger

	auxMu      sync.Mutex
	sandboxAux map[string]string

	cacheMu    sync.Mutex
	cache      map[string]cached
	readMu     map[string]*sync.Mutex
	lockedOnce sync.Once
}

// NewStore returns a store over the OS keyring and the process environment.
func NewStore(r *redact.Set) *Store {
	return &Store{Keyring: OSKeyring{}, Getenv: os.Getenv, Redact: r}
}

// Load returns the credentials of provider id, or a *NotConfiguredError.
func (s *Store) Load(id string) (Credentials, error) {
	p, ok := providers.ByID(id)
	if !ok {
		return Credentials{}, fmt.Errorf("unknown provider %q (known: %s)", id, strings.Join(providers.IDs(), ", "))
	}
	if s.Sandbox != nil {
		if f, ok := s.Sandbox[id]; ok {
			return s.remember(p, SourceSandbox, f), nil
		}
		return Credentials{}, &NotConfiguredError{Provider: p, Reason: "the sandbox has no fake for this provider yet"}
	}
	var reason string
	fields, err := s.cachedKeyring(id)
	if errors.Is(err, ErrKeyringLocked) {
		s.lockedOnce.Do(func() {
			if s.Log != nil {
				s.Log.Warn("the OS keyring is locked; the server does not prompt to unlock it and uses keys from the environment only. " +
					"Unlock the keyring (log in to the desktop session, or unlock the login keyring in Passwords and Keys) and the next tool call reads it, " +
					"or set the keys in the server's environment")
			}
		})
	}
	switch {
	case err == nil && complete(p, withEnvPlain(fields, s.fromEnv(p), p)):
		return s.remember(p, SourceKeyring, withEnvPlain(fields, s.fromEnv(p), p)), nil
	case err != nil && !errors.Is(err, keyring.ErrNotFound):
		reason = keyringReason(err)
	}
	env := s.fromEnv(p)
	if complete(p, env) {
		return s.remember(p, SourceEnv, env), nil
	}
	return Credentials{}, &NotConfiguredError{Provider: p, Missing: missing(p, env), Reason: reason}
}

func (s *Store) remember(p providers.Provider, src Source, f map[string]string) Credentials {
	for _, name := range p.RedactedFields() {
		s.Redact.Add(f[name])
	}
	for _, fld := range p.Fields {
		if fld.Identifier {
			s.Redact.AddIdentifier(f[fld.Name])
		}
	}
	cp := make(map[string]string, len(f))
	for k, v := range f {
		cp[k] = v
	}
	return Credentials{Provider: p.ID, Source: src, fields: cp}
}

func (s *Store) fromKeyring(id string) (map[string]string, error) {
	if s.Keyring == nil {
		return nil, ErrKeyringUnavailable
	}
	raw, err := s.Keyring.Get(Service, id)
	if err != nil {
		return nil, err
	}
	var f map[string]string
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return nil, fmt.Errorf("keyring entry %s/%s is not a JSON object of strings; run `mcp-media auth set %s` again", Service, id, id)
	}
	return f, nil
}

func (s *Store) fromEnv(p providers.Provider) map[string]string {
	f := map[string]string{}
	if s.Getenv == nil {
		return f
	}
	for _, field := range p.Fields {
		for _, name := range field.Env {
			if v := strings.TrimSpace(s.Getenv(name)); v != "" {
				f[field.Name] = v
				break
			}
		}
	}
	return f
}

func complete(p providers.Provider, f map[string]string) bool { return len(missing(p, f)) == 0 }

// withEnvPlain fills plain (non-secret) fields the keyring entry lacks from
// the environment: a VOD token in the keyring and its base URL in
// MCP_MEDIA_VOD_URL make a configured provider.
func withEnvPlain(f, env map[string]string, p providers.Provider) map[string]string {
	out := make(map[string]string, len(f))
	for k, v := range f {
		out[k] = v
	}
	for _, fld := range p.Fields {
		if !fld.Secret && strings.TrimSpace(out[fld.Name]) == "" && env[fld.Name] != "" {
			out[fld.Name] = env[fld.Name]
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func missing(p providers.Provider, f map[string]string) []string {
	var m []string
	for _, name := range p.RequiredFields() {
		if strings.TrimSpace(f[name]) == "" {
			m = append(m, name)
		}
	}
	return m
}

func keyringReason(err error) string {
	if errors.Is(err, ErrKeyringLocked) {
		return "the OS keyring is locked and the server does not prompt to unlock it: unlock it (log in to the desktop session, or unlock the login keyring in Passwords and Keys) and the next call reads it, or set the keys in the server's environment"
	}
	if errors.Is(err, ErrKeyringUnavailable) || noSecretService(err) {
		return "the OS keyring is unavailable (no Secret Service: a headless Linux without a D-Bus session and gnome-keyring); keys can only come from the environment"
	}
	return "the OS keyring could not be read (" + err.Error() + "); keys can only come from the environment"
}

// noSecretService recognises go-keyring's errors on a Linux without a
// D-Bus session or a Secret Service provider.
func noSecretService(err error) bool {
	msg := err.Error()
	for _, s := range []string{"dbus", "DBus", "org.freedesktop.secrets", "Secret Service"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Save validates fields against the provider's definition and writes them to
// the keyring. It refuses unknown fields and missing secrets, and never falls
// back to a file when the keyring is unavailable.
func (s *Store) Save(id string, fields map[string]string) error {
	p, ok := providers.ByID(id)
	if !ok {
		return fmt.Errorf("unknown provider %q (known: %s)", id, strings.Join(providers.IDs(), ", "))
	}
	known := map[string]bool{}
	for _, f := range p.Fields {
		known[f.Name] = true
	}
	clean := map[string]string{}
	for k, v := range fields {
		if !known[k] {
			return fmt.Errorf("field %q is not a %s field (expected: %s)", k, id, strings.Join(fieldNames(p), ", "))
		}
		if v = strings.TrimSpace(v); v != "" {
			clean[k] = v
		}
	}
	if m := missing(p, clean); len(m) > 0 {
		return fmt.Errorf("missing %s for %s", strings.Join(m, ", "), id)
	}
	raw, _ := json.Marshal(clean)
	if s.Keyring == nil {
		return ErrKeyringUnavailable
	}
	if err := s.Keyring.Set(Service, id, string(raw)); err != nil {
		why := err.Error()
		if noSecretService(err) {
			why = "no Secret Service is running (headless Linux without a D-Bus session and gnome-keyring)"
		}
		return fmt.Errorf("%w: %s. Nothing was written to disk; set %s in the environment of the server instead",
			ErrKeyringUnavailable, why, p.EnvHint())
	}
	s.forget(id)
	return nil
}

// Delete removes a provider's keyring entry. Deleting an absent entry is not
// an error.
func (s *Store) Delete(id string) error {
	if _, ok := providers.ByID(id); !ok {
		return fmt.Errorf("unknown provider %q (known: %s)", id, strings.Join(providers.IDs(), ", "))
	}
	if s.Keyring == nil {
		return ErrKeyringUnavailable
	}
	err := s.Keyring.Delete(Service, id)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrKeyringUnavailable, err)
	}
	s.forget(id)
	return nil
}

// Status is what `auth status` and media_providers show: never a value.
type Status struct {
	Provider   string   `json:"provider" jsonschema_description:"Provider id"`
	Name       string   `json:"name" jsonschema_description:"Provider name"`
	Configured bool     `json:"configured"`
	Source     Source   `json:"source,omitempty" jsonschema_description:"Where the keys come from: keyring, environment or sandbox"`
	Missing    []string `json:"missing,omitempty" jsonschema_description:"Secret fields still missing"`
	Note       string   `json:"note,omitempty" jsonschema_description:"How to configure it, or why the keyring was not read"`
}

// StatusAll reports every provider.
func (s *Store) StatusAll() []Status {
	out := make([]Status, 0, len(providers.All))
	for _, p := range providers.All {
		st := Status{Provider: p.ID, Name: p.Name}
		c, err := s.Load(p.ID)
		if err == nil {
			st.Configured, st.Source = true, c.Source
		} else {
			var nc *NotConfiguredError
			if errors.As(err, &nc) {
				st.Missing = nc.Missing
			}
			st.Note = err.Error()
		}
		out = append(out, st)
	}
	return out
}

func fieldNames(p providers.Provider) []string {
	var n []string
	for _, f := range p.Fields {
		n = append(n, f.Name)
	}
	sort.Strings(n)
	return n
}

// An auxiliary secret is one the server itself creates for a provider (a
// Pili hub's publish key): kept in the keyring under the account
// "<provider>/<name>", never in a file, registered for redaction when read
// or written. In the sandbox it lives in memory.

// SetAux stores an auxiliary secret.
func (s *Store) SetAux(provider, name, value string) error {
	s.Redact.Add(value)
	if s.Sandbox != nil {
		s.auxMu.Lock()
		defer s.auxMu.Unlock()
		if s.sandboxAux == nil {
			s.sandboxAux = map[string]string{}
		}
		s.sandboxAux[provider+"/"+name] = value
		return nil
	}
	if s.Keyring == nil {
		return ErrKeyringUnavailable
	}
	if err := s.Keyring.Set(Service, provider+"/"+name, value); err != nil {
		if noSecretService(err) {
			return fmt.Errorf("%w: no Secret Service is running", ErrKeyringUnavailable)
		}
		return fmt.Errorf("%w: %s", ErrKeyringUnavailable, err)
	}
	return nil
}

// Aux reads an auxiliary secret; "" when there is none or no keyring.
func (s *Store) Aux(provider, name string) string {
	var v string
	if s.Sandbox != nil {
		s.auxMu.Lock()
		v = s.sandboxAux[provider+"/"+name]
		s.auxMu.Unlock()
	} else if s.Keyring != nil {
		v, _ = s.Keyring.Get(Service, provider+"/"+name)
	}
	s.Redact.Add(v)
	return v
}
