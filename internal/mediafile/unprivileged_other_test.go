//go:build !linux

package mediafile

import "testing"

// rerunUnprivileged re-runs a test as an unprivileged user on Linux only.
func rerunUnprivileged(*testing.T) bool { return false }
