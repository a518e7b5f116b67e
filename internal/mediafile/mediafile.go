// Package mediafile identifies local audio/video files by extension and
// content sniffing before upload.
//
// Inspect refuses, with a message that names the path and says how to fix it,
// anything an upload would fail on later or silently get wrong: a missing
// path, a directory, an unreadable or empty file, an extension outside the
// allow-list, or content that is not audio or video at all (an image, a PDF, an
// HTML error page saved under a .mp4 name). Only the first 4 KiB are read.
//
// When extension and content disagree but both are media (a .mp4 that is
// really Matroska, a .mp3 that is really AAC), the file is accepted and Format
// and Kind describe the content.
package mediafile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// Info describes an accepted media file.
type Info struct {
	Path   string // absolute, cleaned
	Size   int64  // bytes
	Kind   string // "video" or "audio"
	Format string // container/codec family: "mp4", "mov", "3gp", "matroska", "webm", "avi", "mpeg-ts", "flv", "asf", "mpeg-ps", "wav", "mp3", "flac", "ogg", "aac", "m4a"
	Ext    string // lower-case extension without the dot, e.g. "mp4"
}

// fileErr is why a file cannot be used: the reason, the path it is about
// (as resolved; "" when none was given) and what to do. It names no
// argument: the tool knows what it calls the path and names it with
// argerr.Named.
func fileErr(path, reason, fix string) *argerr.Error {
	if path != "" {
		reason += ": " + path
	}
	return &argerr.Error{Problem: reason, Fix: fix}
}

// Kinds.
const (
	Video = "video"
	Audio = "audio"
)

// SniffLen is how much of a file Inspect reads.
const SniffLen = 4096

// extKind is the allow-list: extension (lower case, no dot) → kind.
var extKind = map[string]string{
	"mp4": Video, "mov": Video, "m4v": Video, "mkv": Video, "webm": Video, "avi": Video,
	"ts": Video, "mts": Video, "m2ts": Video, "flv": Video, "wmv": Video, "mpeg": Video,
	"mpg": Video, "3gp": Video,
	"mp3": Audio, "wav": Audio, "m4a": Audio, "aac": Audio, "flac": Audio, "ogg": Audio,
	"oga": Audio, "opus": Audio, "wma": Audio,
}

// AllowedExtensions returns the accepted extensions of a kind ("video" or
// "audio"; anything else means both), sorted, without dots.
func AllowedExtensions(kind string) []string {
	var out []string
	for e, k := range extKind {
		if kind != Video && kind != Audio || k == kind {
			out = append(out, e)
		}
	}
	sort.Strings(out)
	return out
}

func allowedList() string {
	return "video: " + strings.Join(AllowedExtensions(Video), " ") + "; audio: " + strings.Join(AllowedExtensions(Audio), " ")
}

const fixPath = "give an absolute path to a local file"

// Inspect checks that path is a readable, non-empty local audio or video file
// with an allowed extension and matching content, and describes it. A leading
// "~/" is expanded to the home directory, a file:// URL is accepted, and a
// relative path is resolved against the working directory. Errors are
// *argerr.Error naming the path but not the argument (see argerr.Named).
func Inspect(path string) (Info, error) {
	p := strings.TrimSpace(path)
	if p == "" {
		return Info{}, fileErr("", "no file path given", "give an absolute path to a local audio or video file, e.g. /home/me/Videos/talk.mp4")
	}
	p, err := resolve(p)
	if err != nil {
		return Info{}, err
	}

	st, serr := os.Stat(p)
	switch {
	case errors.Is(serr, fs.ErrNotExist):
		fix := fixPath
		if !filepath.IsAbs(strings.TrimSpace(path)) {
			fix += " (relative paths are resolved against the server's working directory, which is probably not yours)"
		}
		return Info{}, fileErr(p, "no such file", fix)
	case errors.Is(serr, fs.ErrPermission):
		return Info{}, fileErr(p, "cannot reach file (permission denied on a parent directory)", "make the folder readable by the user running mcp-media, or move the file somewhere it can read")
	case serr != nil:
		return Info{}, fileErr(p, "cannot check file ("+PathErrorReason(serr)+")", fixPath)
	case st.IsDir():
		return Info{}, fileErr(p, "path is a directory, not a file", "give the path of one audio or video file inside it")
	case !st.Mode().IsRegular():
		return Info{}, fileErr(p, "path is not a regular file ("+st.Mode().Type().String()+")", fixPath+" (a regular file, not a device, pipe or socket)")
	}

	f, oerr := os.Open(p)
	if oerr != nil {
		if errors.Is(oerr, fs.ErrPermission) {
			return Info{}, fileErr(p, "cannot read file (permission denied)", "make it readable by the user running mcp-media (for example chmod u+r, or check its owner), or copy it somewhere readable")
		}
		return Info{}, fileErr(p, "cannot open file ("+PathErrorReason(oerr)+")", fixPath)
	}
	defer f.Close()

	if st.Size() == 0 {
		return Info{}, fileErr(p, "file is empty (0 bytes)", "it may still be downloading or copying; wait until it is complete, or give another file")
	}

	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(p), "."))
	ek, ok := extKind[ext]
	if !ok {
		reason := fmt.Sprintf("unsupported file extension %q", "."+ext)
		if ext == "" {
			reason = "file has no extension"
		}
		return Info{}, fileErr(p, reason, "give an audio or video file with one of the allowed extensions ("+allowedList()+"); rename it only if the content really is that format")
	}

	head := make([]byte, SniffLen)
	n, rerr := io.ReadFull(f, head)
	if rerr != nil && !errors.Is(rerr, io.ErrUnexpectedEOF) && !errors.Is(rerr, io.EOF) {
		if errors.Is(rerr, fs.ErrPermission) {
			return Info{}, fileErr(p, "cannot read file (permission denied)", "make it readable by the user running mcp-media")
		}
		return Info{}, fileErr(p, "cannot read file ("+PathErrorReason(rerr)+")", "check the disk or copy the file somewhere else and try again")
	}
	head = head[:n]

	format, kind, media := Sniff(head, ext)
	if !media {
		return Info{}, fileErr(p,
			fmt.Sprintf("file content does not match its .%s extension (it looks like %s)", ext, format),
			"give the actual "+ek+" file; if it came from a download, the download may have saved an error page or the wrong file")
	}
	if kind == "" {
		kind = ek
	}
	return Info{Path: p, Size: st.Size(), Kind: kind, Format: format, Ext: ext}, nil
}

// resolve turns what a user typed into an absolute, clean path.
func resolve(p string) (string, error) {
	lower := strings.ToLower(p)
	switch {
	case strings.HasPrefix(lower, "file://"):
		u, err := url.Parse(p)
		if err != nil || (u.Host != "" && u.Host != "localhost") || u.Path == "" {
			return "", fileErr(p, "not a usable local file URL", fixPath+" (a file:// URL must look like file:///home/me/video.mp4)")
		}
		p = filepath.FromSlash(u.Path)
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return "", fileErr(p, "path is a web URL, not a local file", "download it first and "+fixPath+", or use the provider's import-from-URL tool if it has one")
	case p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`):
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fileErr(p, "cannot expand ~ (no home directory known)", fixPath)
		}
		p = filepath.Join(home, p[1:])
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fileErr(p, "cannot resolve path ("+err.Error()+")", fixPath)
	}
	return abs, nil
}

// PathErrorReason is an OS error without the path it repeats ("permission
// denied" rather than "open /x: permission denied"), for messages that name
// the path themselves.
func PathErrorReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Well-known signatures.
var (
	ebmlMagic = []byte{0x1A, 0x45, 0xDF, 0xA3}
	asfHeader = []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}
	// ASF stream-type GUIDs (ASF_Video_Media, ASF_Audio_Media) as stored.
	asfVideoMedia = []byte{0xC0, 0xEF, 0x19, 0xBC, 0x4D, 0x5B, 0xCF, 0x11, 0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B}
	asfAudioMedia = []byte{0x40, 0x9E, 0x69, 0xF8, 0x4D, 0x5B, 0xCF, 0x11, 0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B}
)

// Sniff identifies media content from the first bytes of a file. ext (lower
// case, no dot; may be "") only breaks ties the content cannot settle, such as
// an ID3 tag too long to see past.
//
// For media it returns the Format, the Kind when the content settles it (""
// when it depends on the tracks, as for Matroska or a generic MP4) and true.
// Otherwise it returns a short description of what the content looks like
// ("a PNG image", "plain text", …) and false.
func Sniff(head []byte, ext string) (format, kind string, media bool) {
	at := func(off int, sig string) bool {
		return len(head) >= off+len(sig) && string(head[off:off+len(sig)]) == sig
	}
	switch {
	case at(4, "ftyp"):
		return sniffFtyp(head, ext)
	case at(4, "moov"), at(4, "mdat"), at(4, "wide"), at(4, "free"), at(4, "skip"), at(4, "pnot"):
		// Classic QuickTime without a ftyp box. Require a plausible box size.
		if sz := binary.BigEndian.Uint32(head); sz == 0 || sz >= 8 {
			return "mov", Video, true
		}
	case bytes.HasPrefix(head, ebmlMagic):
		if bytes.Contains(head[:min(len(head), 64)], []byte("webm")) {
			return "webm", "", true
		}
		return "matroska", "", true
	case at(0, "RIFF"), at(0, "RF64"):
		switch {
		case at(8, "AVI "):
			return "avi", Video, true
		case at(8, "WAVE"):
			return "wav", Audio, true
		case at(8, "WEBP"):
			return "a WebP image", "", false
		}
		if len(head) >= 12 {
			return fmt.Sprintf("a RIFF %q file, not audio or video", string(head[8:12])), "", false
		}
	case isTS(head, 0, 188), isTS(head, 4, 192):
		return "mpeg-ts", Video, true
	case at(0, "FLV") && len(head) >= 5 && head[3] == 1:
		switch flags := head[4]; {
		case flags&0x01 != 0:
			return "flv", Video, true
		case flags&0x04 != 0:
			return "flv", Audio, true
		}
		return "flv", "", true
	case bytes.HasPrefix(head, asfHeader):
		switch {
		case bytes.Contains(head, asfVideoMedia):
			return "asf", Video, true
		case bytes.Contains(head, asfAudioMedia):
			return "asf", Audio, true
		}
		return "asf", "", true
	case len(head) >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 1 && (head[3] == 0xBA || head[3] == 0xB3):
		return "mpeg-ps", Video, true
	case at(0, "ID3"):
		return sniffID3(head, ext)
	case at(0, "fLaC"):
		return "flac", Audio, true
	case at(0, "OggS"):
		if bytes.Contains(head, []byte("\x80theora")) {
			return "ogg", Video, true
		}
		return "ogg", Audio, true
	case isADTS(head):
		return "aac", Audio, true
	case isMPEGAudio(head):
		return "mp3", Audio, true
	}
	return describe(head), "", false
}

// sniffFtyp handles ISO base media files (MP4, QuickTime, 3GP, M4A, HEIF).
func sniffFtyp(head []byte, ext string) (string, string, bool) {
	if len(head) < 12 {
		return "a truncated MP4 header", "", false
	}
	major := string(head[8:12])
	brands := []string{major}
	if sz := int(binary.BigEndian.Uint32(head)); sz > 16 {
		for off := 16; off+4 <= sz && off+4 <= len(head); off += 4 {
			brands = append(brands, string(head[off:off+4]))
		}
	}
	switch {
	case major == "qt  ":
		return "mov", Video, true
	case major == "M4A " || major == "M4B " || major == "M4P " || major == "F4A " || major == "F4B ":
		return "m4a", Audio, true
	case major == "M4V " || major == "M4VH" || major == "M4VP" || major == "F4V " || major == "F4P ":
		return "mp4", Video, true
	case strings.HasPrefix(major, "3gp") || strings.HasPrefix(major, "3g2") || strings.HasPrefix(major, "3ge") || strings.HasPrefix(major, "3gg"):
		return "3gp", Video, true
	}
	for _, b := range brands {
		switch b {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis", "jpeg":
			return "a HEIF/AVIF image", "", false
		case "crx ":
			return "a Canon raw photo", "", false
		}
	}
	// A generic brand (isom, mp41, mp42, iso2, avc1, dash, …) says nothing
	// about the tracks: trust an audio extension, otherwise call it video.
	if extKind[ext] == Audio {
		return "m4a", Audio, true
	}
	return "mp4", "", true
}

// sniffID3 skips an ID3v2 tag to see what follows; mostly it is MP3.
func sniffID3(head []byte, ext string) (string, string, bool) {
	if len(head) >= 10 {
		size := int(head[6]&0x7F)<<21 | int(head[7]&0x7F)<<14 | int(head[8]&0x7F)<<7 | int(head[9]&0x7F)
		end := 10 + size
		if head[5]&0x10 != 0 { // footer present
			end += 10
		}
		if end < len(head) {
			rest := head[end:]
			// Some encoders pad after the tag.
			for len(rest) > 0 && rest[0] == 0 {
				rest = rest[1:]
			}
			switch {
			case bytes.HasPrefix(rest, []byte("fLaC")):
				return "flac", Audio, true
			case isADTS(rest):
				return "aac", Audio, true
			}
			return "mp3", Audio, true
		}
	}
	// The tag runs past what we read (cover art): the extension decides.
	switch ext {
	case "aac":
		return "aac", Audio, true
	case "flac":
		return "flac", Audio, true
	}
	return "mp3", Audio, true
}

func isTS(head []byte, first, stride int) bool {
	return len(head) > first+stride && head[first] == 0x47 && head[first+stride] == 0x47
}

// isADTS reports an AAC ADTS header: 12-bit sync, layer 00 (FFF1 / FFF9 with
// or without CRC), valid sampling index.
func isADTS(b []byte) bool {
	return len(b) >= 3 && b[0] == 0xFF && b[1]&0xF6 == 0xF0 && (b[2]>>2)&0x0F < 13
}

// isMPEGAudio reports an MPEG-1/2/2.5 audio frame header (FF Ex / FF Fx with a
// valid version, layer, bitrate and sample-rate index).
func isMPEGAudio(b []byte) bool {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return false
	}
	version := (b[1] >> 3) & 3
	layer := (b[1] >> 1) & 3
	bitrate := b[2] >> 4
	rate := (b[2] >> 2) & 3
	return version != 1 && layer != 0 && bitrate != 0x0F && rate != 3
}

// describe names non-media content for error messages.
func describe(head []byte) string {
	has := func(sig string) bool { return bytes.HasPrefix(head, []byte(sig)) }
	switch {
	case len(head) == 0:
		return "nothing (no bytes could be read)"
	case has("\x89PNG\r\n\x1a\n"):
		return "a PNG image"
	case has("\xFF\xD8\xFF"):
		return "a JPEG image"
	case has("GIF87a"), has("GIF89a"):
		return "a GIF image"
	case has("II*\x00"), has("MM\x00*"):
		return "a TIFF image"
	case has("%PDF-"):
		return "a PDF document"
	case has("PK\x03\x04"), has("PK\x05\x06"):
		return "a ZIP archive (or a document such as .docx)"
	case has("\x1F\x8B"):
		return "a gzip archive"
	case has("7z\xBC\xAF\x27\x1C"):
		return "a 7-Zip archive"
	case has("Rar!\x1A\x07"):
		return "a RAR archive"
	case has("\x7FELF"):
		return "a Linux executable"
	case has("MZ"):
		return "a Windows executable"
	case has("\xCF\xFA\xED\xFE"), has("\xCE\xFA\xED\xFE"), has("\xCA\xFE\xBA\xBE"):
		return "a macOS executable"
	case has("FORM") && len(head) >= 12 && (string(head[8:12]) == "AIFF" || string(head[8:12]) == "AIFC"):
		return "AIFF audio, which is not supported (convert it to WAV, FLAC or MP3)"
	case has("#!AMR"):
		return "AMR audio, which is not supported (convert it to AAC or MP3)"
	}
	if allZero(head) {
		return "all zero bytes (the file may be incomplete or a placeholder)"
	}
	if isText(head) {
		t := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(string(head), "\uFEFF")))
		switch {
		case strings.HasPrefix(t, "<!doctype html"), strings.HasPrefix(t, "<html"):
			return "an HTML web page"
		case strings.HasPrefix(t, "<?xml"), strings.HasPrefix(t, "<svg"):
			if strings.Contains(t, "<svg") {
				return "an SVG image"
			}
			return "an XML document"
		case strings.HasPrefix(t, "{"), strings.HasPrefix(t, "["):
			return "JSON text"
		case strings.HasPrefix(t, "webvtt"):
			return "a WebVTT subtitle file"
		case strings.HasPrefix(t, "#extm3u"):
			return "an M3U/HLS playlist (a list of links, not the media itself)"
		case strings.HasPrefix(t, "version https://git-lfs"):
			return "a Git LFS pointer (fetch the real file with git lfs pull)"
		}
		return "plain text"
	}
	return "unrecognised binary data"
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// isText reports whether b is UTF-8 text without control characters other
// than tab, CR, LF and FF. A rune cut at the end of the buffer is tolerated.
func isText(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
				return true
			}
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7F {
			return false
		}
		i += size
	}
	return true
}
