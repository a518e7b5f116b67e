package testkit

import (
	"os"
	"testing"
)

// KeyringTest skips t unless MCP_MEDIA_KEYRING_TEST=1: the tests of the
// real OS keyring need a Secret Service (scripts/test runs them under
// dbus-run-session with an unlocked gnome-keyring). Once asked for, they
// fail rather than skip when the keyring does not work.
func KeyringTest(t testing.TB) {
	t.Helper()
	if os.Getenv("MCP_MEDIA_KEYRING_TEST") != "1" {
		t.Skip("set MCP_MEDIA_KEYRING_TEST=1 under dbus-run-session with gnome-keyring-daemon unlocked; scripts/test does")
	}
}

// KeyringBus is KeyringTest for a test that hands the session bus to a
// child process: it returns "DBUS_SESSION_BUS_ADDRESS=<address>" and fails
// t when the variable is empty.
func KeyringBus(t testing.TB) string {
	t.Helper()
	KeyringTest(t)
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if addr == "" {
		t.Fatal("MCP_MEDIA_KEYRING_TEST=1 but DBUS_SESSION_BUS_ADDRESS is empty: run under dbus-run-session with gnome-keyring-daemon unlocked (see scripts/test)")
	}
	return "DBUS_SESSION_BUS_ADDRESS=" + addr
}
