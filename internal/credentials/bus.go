package credentials

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrKeyringLocked means the keyring holds a collection that is locked. The
// server never asks the Secret Service to unlock it (that would pop up a
// password prompt nobody may be there to answer); only the terminal
// commands `auth set` and `auth status` do.
var ErrKeyringLocked = errors.New("the OS keyring is locked")

// sessionBusAddress returns the address of a D-Bus session bus that is
// already running: $DBUS_SESSION_BUS_ADDRESS, or the socket
// $XDG_RUNTIME_DIR/bus when it exists. It never starts one (godbus would
// autolaunch a dbus-daemon via dbus-launch and leave it behind).
func sessionBusAddress(getenv func(string) string) (string, bool) {
	if a := getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return a, true
	}
	if dir := getenv("XDG_RUNTIME_DIR"); dir != "" {
		p := filepath.Join(dir, "bus")
		if fi, err := os.Stat(p); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return "unix:path=" + p, true
		}
	}
	return "", false
}
