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

// checkImage is rule R8 behind --files-root: a local .png or .jpg whose
// content is one; it returns the resolved path.
func checkImage(c *toolkit.Call, arg, path string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
		return "", argerr.New(arg, fmt.Sprintf("%q is not a .png or .jpg file", path), "convert the image to PNG or JPEG")
	}
	real, err := c.ReadPath(arg, path, fileroot.Image)
	if err != nil {
		return "", err
	}
	f, err := os.Open(real)
	if err != nil {
		return "", argerr.New(arg, "cannot be opened", "give a readable local image")
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := f.Read(head)
	if !toolkit.PNGOrJPEG(head[:n]) {
		return "", argerr.New(arg, "the file's content is neither PNG nor JPEG", "export the image as PNG or JPEG")
	}
	return real, nil
}
