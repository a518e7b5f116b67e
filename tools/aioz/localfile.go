package aioz

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/mediafile"
)

// readLocal reads a small local file argument (a logo, a thumbnail, a
// subtitle file): the extension must be one of exts, the file must exist,
// be a regular file and hold at most limit bytes. Errors name arg.
func readLocal(arg, path string, exts []string, limit int64, what string) ([]byte, string, error) {
	p := strings.TrimSpace(path)
	if strings.HasPrefix(strings.ToLower(p), "http://") || strings.HasPrefix(strings.ToLower(p), "https://") {
		return nil, "", argerr.New(arg, fmt.Sprintf("%q is a web URL, not a local file", p), "download it first and give its local path")
	}
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	ext := strings.ToLower(filepath.Ext(p))
	ok := false
	for _, e := range exts {
		ok = ok || ext == e
	}
	if !ok {
		return nil, "", argerr.New(arg, fmt.Sprintf("%q is not a %s file", path, strings.Join(exts, " or ")), "give "+what)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, "", argerr.New(arg, fmt.Sprintf("cannot open %s: %s", p, mediafile.PathErrorReason(err)), "give "+what)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, "", argerr.New(arg, p+" is not a regular file", "give "+what)
	}
	if st.Size() > limit {
		return nil, "", argerr.New(arg, fmt.Sprintf("%s is %d bytes, more than the %d allowed", p, st.Size(), limit), "give "+what)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, "", argerr.New(arg, fmt.Sprintf("cannot read %s: %s", p, mediafile.PathErrorReason(err)), "give "+what)
	}
	return b, filepath.Base(p), nil
}
