package toolkit

import "github.com/mcp-media/mcp-media/internal/fileroot"

// ReadPath checks a path argument the tool will read (see fileroot.Policy.Read)
// and returns the path to open. Every path argument of every tool goes
// through ReadPath or WritePath.
func (c *Call) ReadPath(arg, path string, k fileroot.Kind) (string, error) {
	return c.env.Files.Read(arg, path, k)
}

// WritePath checks a path argument the tool will create (see
// fileroot.Policy.Write); create the file with fileroot.Create.
func (c *Call) WritePath(arg, path string) (string, error) {
	return c.env.Files.Write(arg, path)
}

// FilesConfined reports whether path arguments are confined to --files-root
// (error texts must then not describe files beyond what the caller gave).
func (c *Call) FilesConfined() bool { return c.env.Files.Confined() }
