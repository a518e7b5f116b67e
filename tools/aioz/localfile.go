package aioz

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Kinds of the small files these tools read (see fileroot.Kind).
var (
	subtitleKind = fileroot.Kind{Name: "subtitle file (.vtt or .srt)", Max: 4 << 20}
	logoKind     = fileroot.Kind{Name: "PNG or JPEG logo", Max: fileroot.Image.Max, Image: true}
)

// readLocal reads a small local file argument (a logo, a thumbnail, a
// subtitle file) through the call's file policy (--files-root): the
// extension must be one of exts; fileroot checks the path, the file kind
// and k's size cap. Errors name arg and never quote the file's content.
func readLocal(c *toolkit.Call, arg, path string, exts []string, k fileroot.Kind, what string) ([]byte, string, error) {
	ext := strings.ToLower(filepath.Ext(strings.TrimSpace(path)))
	ok := false
	for _, e := range exts {
		ok = ok || ext == e
	}
	if !ok {
		return nil, "", argerr.New(arg, fmt.Sprintf("%q is not a %s file", path, strings.Join(exts, " or ")), "give "+what)
	}
	p, err := c.ReadPath(arg, path, k)
	if err != nil {
		return nil, "", err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, "", argerr.New(arg, "cannot be read", "give "+what)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, k.Max+1))
	if err != nil || int64(len(b)) > k.Max {
		return nil, "", argerr.New(arg, "cannot be read", "give "+what)
	}
	return b, filepath.Base(p), nil
}
