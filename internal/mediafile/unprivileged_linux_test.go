package mediafile

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// envUnprivileged marks the child process of rerunUnprivileged.
const envUnprivileged = "MEDIAFILE_TEST_UNPRIVILEGED"

// rerunUnprivileged runs the calling test again in a child process as uid
// and gid 65534 (nobody) when the tests run as root, because root reads a
// mode-000 file anyway and a permission error could not be provoked. It
// reports whether it did; the caller then returns. The child must pass
// without skipping.
func rerunUnprivileged(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() != 0 || os.Getenv(envUnprivileged) != "" {
		return false
	}
	// The test binary sits in a private build directory: copy it where
	// nobody can execute it.
	dir, err := os.MkdirTemp("", "mediafile-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "mediafile.test")
	if err := copyFile(self, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run", "^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), envUnprivileged+"=1", "TMPDIR="+os.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		// The child never ran: no right to switch users, or a temp dir
		// mounted noexec. Root reads everything, so there is nothing to test.
		t.Skipf("running as root and cannot start a child as uid 65534 (%v): the permission error cannot be provoked", err)
	}
	if err != nil {
		t.Fatalf("%s as uid 65534: %v\n%s", t.Name(), err, out)
	}
	if strings.Contains(string(out), "--- SKIP") || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s as uid 65534 did not pass every subtest:\n%s", t.Name(), out)
	}
	t.Logf("ran as uid 65534:\n%s", out)
	return true
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
