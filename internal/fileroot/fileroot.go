// Package fileroot is the one place that decides which local files a tool
// may read or write.
//
// Over stdio the caller is the person at the keyboard and any path they
// could open themselves is fair game, so a Policy without roots only checks
// the file kind (a regular file, under the kind's size cap, an image whose
// content is an image). Over a network transport the caller is remote:
// every path must resolve — symlinks included — inside one of the
// --files-root folders, and anything else, including a path that does not
// exist, gets one generic error, so error texts cannot be used to probe
// which paths exist. Without roots a network server refuses path
// arguments and says how to enable them.
package fileroot

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// Error is a refused path argument: the one argument-error type.
type Error = argerr.Error

// Kind is what a path argument must be.
type Kind struct {
	Name  string // for messages: "image", "WebVTT file", "audio or video file"
	Max   int64  // size cap in bytes
	Image bool   // content must sniff as PNG, JPEG, GIF, WebP, BMP or TIFF
}

// Kinds.
var (
	Media = Kind{Name: "audio or video file", Max: 64 << 30}
	Image = Kind{Name: "image", Max: 32 << 20, Image: true}
	VTT   = Kind{Name: "WebVTT file", Max: 4 << 20}
)

// Policy says where path arguments may point. The zero value and nil are
// unconfined (stdio without --files-root).
type Policy struct {
	roots   []string // absolute, symlinks resolved
	network bool
}

// New builds a policy from --files-root folders; network is true for the
// sse and http transports.
func New(dirs []string, network bool) (*Policy, error) {
	p := &Policy{network: network}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err == nil {
			abs, err = filepath.EvalSymlinks(abs)
		}
		if err != nil {
			return nil, fmt.Errorf("--files-root %s: %v", d, err)
		}
		st, err := os.Stat(abs)
		if err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--files-root %s: not a folder", d)
		}
		p.roots = append(p.roots, abs)
	}
	return p, nil
}

// Confined reports whether paths must lie inside roots.
func (p *Policy) Confined() bool { return p != nil && (p.network || len(p.roots) > 0) }

// Roots are the allowed folders.
func (p *Policy) Roots() []string {
	if p == nil {
		return nil
	}
	return append([]string(nil), p.roots...)
}

// Outside is the one error for a path that is not inside the roots, does not
// exist, or cannot be resolved: the caller learns nothing about which.
const Outside = "not found, or outside the folders this server may use"

func (p *Policy) refuse(arg string) error {
	if len(p.roots) == 0 {
		return &Error{Arg: arg, Problem: "local file paths are turned off on this network transport",
			Fix: "restart the server with --files-root DIR (repeatable) to allow files under DIR, or use a URL argument where the tool has one"}
	}
	return &Error{Arg: arg, Problem: Outside, Fix: "give a path inside " + strings.Join(p.roots, ", ")}
}

// Read checks a path a tool will read and returns the path to open: inside
// the roots when confined (symlinks resolved), a regular file (not a FIFO,
// device or folder), not empty, at most k.Max bytes, and for images, image
// content.
func (p *Policy) Read(arg, path string, k Kind) (string, error) {
	resolved, err := p.locate(arg, path)
	if err != nil {
		return "", err
	}
	if p.Confined() {
		real, err := filepath.EvalSymlinks(resolved)
		if err != nil || !p.inside(real) {
			return "", p.refuse(arg)
		}
		resolved = real
	}
	st, err := os.Stat(resolved)
	switch {
	case err != nil && p.Confined():
		return "", p.refuse(arg)
	case errors.Is(err, fs.ErrNotExist):
		return "", &Error{Arg: arg, Problem: "no such file: " + resolved, Fix: "give an absolute path to a local " + k.Name}
	case err != nil:
		return "", &Error{Arg: arg, Problem: "cannot check " + resolved + " (" + reason(err) + ")", Fix: "give a readable local " + k.Name}
	case st.IsDir():
		return "", &Error{Arg: arg, Problem: "is a folder, not a file", Fix: "give the path of one " + k.Name}
	case !st.Mode().IsRegular():
		return "", &Error{Arg: arg, Problem: "is not a regular file (" + st.Mode().Type().String() + ")", Fix: "give a regular file, not a pipe, device or socket"}
	case st.Size() == 0:
		return "", &Error{Arg: arg, Problem: "the file is empty", Fix: "give a complete " + k.Name}
	case k.Max > 0 && st.Size() > k.Max:
		return "", &Error{Arg: arg, Problem: fmt.Sprintf("the file is %d bytes, over the %d-byte limit for this argument", st.Size(), k.Max), Fix: "give a smaller file"}
	}
	if k.Image {
		if err := sniffImage(arg, resolved); err != nil {
			return "", err
		}
	}
	return resolved, nil
}

// Write checks a path a tool will create (never overwrite) and returns it:
// its folder exists (inside the roots when confined, symlinks resolved) and
// nothing is at the path yet. Create the file with O_EXCL (see Create).
func (p *Policy) Write(arg, path string) (string, error) {
	resolved, err := p.locate(arg, path)
	if err != nil {
		return "", err
	}
	dir, base := filepath.Split(resolved)
	if p.Confined() {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil || !p.inside(real) {
			return "", p.refuse(arg)
		}
		dir = real
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		if p.Confined() {
			return "", p.refuse(arg)
		}
		return "", &Error{Arg: arg, Problem: "the folder " + dir + " does not exist", Fix: "create it first or choose another folder"}
	}
	out := filepath.Join(dir, base)
	if _, err := os.Lstat(out); err == nil {
		return "", &Error{Arg: arg, Problem: "the file already exists", Fix: "choose another name; existing files are never overwritten"}
	}
	return out, nil
}

// Create makes a new file at a path Write returned, refusing to follow a
// symlink put there since, or to replace anything.
func Create(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o644)
}

// locate turns what the caller typed into an absolute, clean path. When
// unconfined it accepts ~/ and file:// like a shell would; when confined a
// relative path is taken relative to the first root.
func (p *Policy) locate(arg, path string) (string, error) {
	s := strings.TrimSpace(path)
	if s == "" {
		return "", &Error{Arg: arg, Problem: "is empty", Fix: "give a path"}
	}
	if p.Confined() && len(p.roots) == 0 {
		return "", p.refuse(arg)
	}
	if strings.HasPrefix(strings.ToLower(s), "file://") {
		u, err := url.Parse(s)
		if err != nil || (u.Host != "" && u.Host != "localhost") || u.Path == "" {
			return "", &Error{Arg: arg, Problem: "is not a usable file:// URL", Fix: "give a path such as /home/me/file"}
		}
		s = filepath.FromSlash(u.Path)
	}
	if !p.Confined() && (s == "~" || strings.HasPrefix(s, "~/")) {
		if home, err := os.UserHomeDir(); err == nil {
			s = filepath.Join(home, s[1:])
		}
	}
	if p.Confined() && !filepath.IsAbs(s) {
		s = filepath.Join(p.roots[0], s)
	}
	abs, err := filepath.Abs(s)
	if err != nil {
		return "", &Error{Arg: arg, Problem: "cannot be resolved", Fix: "give an absolute path"}
	}
	return abs, nil
}

func (p *Policy) inside(real string) bool {
	for _, r := range p.roots {
		if rel, err := filepath.Rel(r, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return true
		}
	}
	return false
}

func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sniffImage checks the first bytes for an image signature.
func sniffImage(arg, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return &Error{Arg: arg, Problem: "cannot open the image (" + reason(err) + ")", Fix: "give a readable image"}
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	if ImageFormat(head[:n]) == "" {
		return &Error{Arg: arg, Problem: "the content is not an image (PNG, JPEG, GIF, WebP, BMP or TIFF)", Fix: "give an image file; the name does not make it one"}
	}
	return nil
}

// ImageFormat names the image format of content ("png", "jpeg", "gif",
// "webp", "bmp", "tiff"), or "" when it is none of them.
func ImageFormat(head []byte) string {
	has := func(off int, sig string) bool {
		return len(head) >= off+len(sig) && string(head[off:off+len(sig)]) == sig
	}
	switch {
	case has(0, "\x89PNG\r\n\x1a\n"):
		return "png"
	case has(0, "\xFF\xD8\xFF"):
		return "jpeg"
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "gif"
	case has(0, "RIFF") && has(8, "WEBP"):
		return "webp"
	case has(0, "BM"):
		return "bmp"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "tiff"
	}
	return ""
}
