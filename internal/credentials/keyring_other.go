//go:build !linux

package credentials

import "github.com/zalando/go-keyring"

// OSKeyring is the real OS keyring: Keychain on macOS, Credential Manager on
// Windows (go-keyring talks to them natively; neither involves D-Bus).
type OSKeyring struct {
	// Interactive is only meaningful on Linux.
	Interactive bool
}

// Get reads a secret.
func (OSKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }

// Set writes a secret.
func (OSKeyring) Set(s, u, p string) error { return keyring.Set(s, u, p) }

// Delete removes a secret.
func (OSKeyring) Delete(s, u string) error { return keyring.Delete(s, u) }
