//go:build linux

package credentials

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// OSKeyring is the real OS keyring. On Linux it is the Secret Service of a
// session bus that already runs (see sessionBusAddress); without one it is
// unavailable and no bus is started. Reads go over a private connection
// closed after each read, and never unlock a locked collection unless
// Interactive is set (a person at a terminal may answer the prompt). Writes
// and deletes use go-keyring, which may prompt.
type OSKeyring struct {
	// Interactive lets a read of a locked collection ask to unlock it.
	Interactive bool
}

// Get reads a secret.
func (k OSKeyring) Get(service, user string) (string, error) {
	addr, ok := sessionBusAddress(os.Getenv)
	if !ok {
		return "", fmt.Errorf("%w: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and $XDG_RUNTIME_DIR/bus does not exist)", ErrKeyringUnavailable)
	}
	v, err := readSecret(addr, service, user)
	if err == ErrKeyringLocked && k.Interactive {
		if err := useBus(addr); err != nil {
			return "", err
		}
		return keyring.Get(service, user)
	}
	return v, err
}

// Set writes a secret with go-keyring (which may prompt to unlock).
func (OSKeyring) Set(service, user, password string) error {
	addr, ok := sessionBusAddress(os.Getenv)
	if !ok {
		return fmt.Errorf("%w: no D-Bus session bus (no Secret Service without one)", ErrKeyringUnavailable)
	}
	if err := useBus(addr); err != nil {
		return err
	}
	return keyring.Set(service, user, password)
}

// Delete removes a secret with go-keyring.
func (OSKeyring) Delete(service, user string) error {
	addr, ok := sessionBusAddress(os.Getenv)
	if !ok {
		return fmt.Errorf("%w: no D-Bus session bus (no Secret Service without one)", ErrKeyringUnavailable)
	}
	if err := useBus(addr); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// useBus points godbus (inside go-keyring) at the bus found, so it never
// autolaunches one.
func useBus(addr string) error {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == addr {
		return nil
	}
	return os.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
}

const (
	ssName       = "org.freedesktop.secrets"
	ssPath       = dbus.ObjectPath("/org/freedesktop/secrets")
	ssService    = "org.freedesktop.Secret.Service"
	ssCollection = "org.freedesktop.Secret.Collection"
	ssItem       = "org.freedesktop.Secret.Item"
	ssSession    = "org.freedesktop.Secret.Session"
	ssLogin      = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	ssDefault    = dbus.ObjectPath("/org/freedesktop/secrets/aliases/default")
)

// readTimeout bounds one whole read: a Secret Service that hangs must not
// hang a tool call.
const readTimeout = 5 * time.Second

// secret is org.freedesktop.Secret.Secret.
type secret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// readSecret finds the item go-keyring stores for (service, user) — in the
// login collection, or the default alias when there is none, with the
// attributes {service, username} — and returns its secret. It connects
// privately to addr and closes the connection before returning, so nothing
// (match rules, signal channels, goroutines) outlives the read. A locked
// item or collection gives ErrKeyringLocked; nothing is unlocked.
func readSecret(addr, service, user string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	conn, err := dbus.Connect(addr, dbus.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("%w: cannot connect to the D-Bus session bus: %v", ErrKeyringUnavailable, err)
	}
	defer conn.Close()
	svc := conn.Object(ssName, ssPath)

	coll := ssDefault
	if v, err := svc.GetProperty(ssService + ".Collections"); err != nil {
		return "", unavailable(err)
	} else if paths, ok := v.Value().([]dbus.ObjectPath); ok {
		for _, p := range paths {
			if p == ssLogin {
				coll = ssLogin
			}
		}
	}
	var items []dbus.ObjectPath
	attrs := map[string]string{"username": user, "service": service}
	if err := conn.Object(ssName, coll).CallWithContext(ctx, ssCollection+".SearchItems", 0, attrs).Store(&items); err != nil {
		if locked(ctx, conn, coll) {
			return "", ErrKeyringLocked
		}
		return "", unavailable(err)
	}
	if len(items) == 0 {
		if locked(ctx, conn, coll) {
			return "", ErrKeyringLocked
		}
		return "", keyring.ErrNotFound
	}
	item := items[0]
	if locked(ctx, conn, item) {
		return "", ErrKeyringLocked
	}
	var ignored dbus.Variant
	var session dbus.ObjectPath
	if err := svc.CallWithContext(ctx, ssService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&ignored, &session); err != nil {
		return "", unavailable(err)
	}
	defer conn.Object(ssName, session).CallWithContext(ctx, ssSession+".Close", 0)
	var s secret
	if err := conn.Object(ssName, item).CallWithContext(ctx, ssItem+".GetSecret", 0, session).Store(&s); err != nil {
		if locked(ctx, conn, item) {
			return "", ErrKeyringLocked
		}
		return "", unavailable(err)
	}
	return string(s.Value), nil
}

// locked reads the Locked property of a collection or an item.
func locked(ctx context.Context, conn *dbus.Conn, path dbus.ObjectPath) bool {
	iface := ssItem
	if path == ssLogin || path == ssDefault {
		iface = ssCollection
	}
	var v dbus.Variant
	if err := conn.Object(ssName, path).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, iface, "Locked").Store(&v); err != nil {
		return false
	}
	b, _ := v.Value().(bool)
	return b
}

func unavailable(err error) error {
	return fmt.Errorf("%w: Secret Service (org.freedesktop.secrets): %v", ErrKeyringUnavailable, err)
}
