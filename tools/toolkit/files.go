package toolkit

import (
	"errors"

	"github.com/mcp-media/mcp-media/internal/fileroot"
)

// ReadPath checks a path argument the tool will read (see fileroot.Policy.Read)
// and returns the path to open. Every path argument of every tool goes
// through ReadPath or WritePath.
func (c *Call) ReadPath(arg, path string, k fileroot.Kind) (string, error) {
	p, err := c.env.Files.Read(arg, path, k)
	return p, pathErr(err)
}

// WritePath checks a path argument the tool will create (see
// fileroot.Policy.Write); create the file with fileroot.Create.
func (c *Call) WritePath(arg, path string) (string, error) {
	p, err := c.env.Files.Write(arg, path)
	return p, pathErr(err)
}

// FilesConfined reports whether path arguments are confined to --files-root
// (error texts must then not describe files beyond what the caller gave).
func (c *Call) FilesConfined() bool { return c.env.Files.Confined() }

func pathErr(err error) error {
	var fe *fileroot.Error
	if errors.As(err, &fe) {
		return &ArgError{Arg: fe.Arg, Problem: fe.Problem, Fix: fe.Fix}
	}
	return err
}
