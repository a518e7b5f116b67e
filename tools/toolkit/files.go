package toolkit

import (
	"path/filepath"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/internal/mediafile"
)

// ReadPath checks a path argument the tool will read (see fileroot.Policy.Read)
// and returns the path to open. Every path argument of every tool goes
// through ReadPath or WritePath.
func (c *Call) ReadPath(arg, path string, k fileroot.Kind) (string, error) {
	return c.env.Files.Read(arg, path, k)
}

// ReadMedia is the preamble of the upload tools: it checks the local audio
// or video file argument arg (ReadPath with fileroot.Media) and inspects it
// (mediafile.Inspect). Errors name arg.
func (c *Call) ReadMedia(arg, path string) (mediafile.Info, error) {
	p, err := c.ReadPath(arg, path, fileroot.Media)
	if err != nil {
		return mediafile.Info{}, err
	}
	info, err := mediafile.Inspect(p)
	if err != nil {
		return mediafile.Info{}, argerr.Named(err, arg)
	}
	return info, nil
}

// DefaultName is the name an upload gets: name trimmed or, when that is
// empty, the file name of path without its extension.
func DefaultName(name, path string) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// PNGOrJPEG reports whether content starts as a PNG or a JPEG image
// (fileroot.ImageFormat): the formats the providers take for thumbnails,
// covers and logos.
func PNGOrJPEG(head []byte) bool {
	f := fileroot.ImageFormat(head)
	return f == "png" || f == "jpeg"
}

// UnreadableFile is the argument error for a file argument that passed
// ReadPath but then could not be read (it went away, or its permissions
// changed): err's text, named arg.
func UnreadableFile(arg string, err error) error {
	return argerr.New(arg, err.Error(), "give a readable local file")
}

// WritePath checks a path argument the tool will create (see
// fileroot.Policy.Write); create the file with fileroot.Create.
func (c *Call) WritePath(arg, path string) (string, error) {
	return c.env.Files.Write(arg, path)
}

// FilesConfined reports whether path arguments are confined to --files-root
// (error texts must then not describe files beyond what the caller gave).
func (c *Call) FilesConfined() bool { return c.env.Files.Confined() }
