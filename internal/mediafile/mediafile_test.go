package mediafile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// pad appends filler so files look like real media rather than bare magic.
func pad(b []byte, n int) []byte {
	out := append([]byte{}, b...)
	for len(out) < n {
		out = append(out, 0x55)
	}
	return out
}

func ftyp(major string, compat ...string) []byte {
	size := 16 + 4*len(compat)
	b := []byte{0, 0, 0, byte(size)}
	b = append(b, "ftyp"...)
	b = append(b, major...)
	b = append(b, 0, 0, 0, 0)
	for _, c := range compat {
		b = append(b, c...)
	}
	return pad(b, 600)
}

func ebml(docType string) []byte {
	b := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, byte(0x80 | len(docType))}
	b = append(b, docType...)
	return pad(b, 600)
}

func riff(form string) []byte {
	b := append([]byte("RIFF"), 0x24, 0x10, 0, 0)
	b = append(b, form...)
	return pad(b, 600)
}

// ts builds packets of the given size whose sync byte sits at offset sync.
func ts(packet, sync, count int) []byte {
	b := make([]byte, packet*count)
	for i := 0; i < count; i++ {
		b[i*packet+sync] = 0x47
	}
	return b
}

func flv(flags byte) []byte {
	return pad([]byte{'F', 'L', 'V', 1, flags, 0, 0, 0, 9}, 600)
}

var asfGUID = []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}

func asf(stream []byte) []byte {
	b := append([]byte{}, asfGUID...)
	b = append(b, make([]byte, 40)...)
	b = append(b, stream...)
	return pad(b, 600)
}

func id3(tagSize int, after []byte) []byte {
	b := []byte{'I', 'D', '3', 4, 0, 0,
		byte(tagSize >> 21 & 0x7F), byte(tagSize >> 14 & 0x7F), byte(tagSize >> 7 & 0x7F), byte(tagSize & 0x7F)}
	b = append(b, make([]byte, tagSize)...)
	b = append(b, after...)
	return pad(b, 600)
}

var (
	mp3Frame  = []byte{0xFF, 0xFB, 0x90, 0x64} // MPEG-1 layer III, 128 kb/s, 44.1 kHz
	mp2Frame  = []byte{0xFF, 0xF3, 0x48, 0xC4} // MPEG-2 layer III
	adts      = []byte{0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC}
	adtsNoCRC = []byte{0xFF, 0xF9, 0x50, 0x80, 0x02, 0x1F, 0xFC}
)

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInspectFormats(t *testing.T) {
	asfVideo := []byte{0xC0, 0xEF, 0x19, 0xBC, 0x4D, 0x5B, 0xCF, 0x11, 0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B}
	asfAudio := []byte{0x40, 0x9E, 0x69, 0xF8, 0x4D, 0x5B, 0xCF, 0x11, 0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B}
	tests := []struct {
		name   string
		file   string
		data   []byte
		kind   string
		format string
	}{
		{"mp4 isom", "a.mp4", ftyp("isom", "isom", "iso2", "avc1", "mp41"), "video", "mp4"},
		{"mp4 mp42", "a.mp4", ftyp("mp42"), "video", "mp4"},
		{"m4v brand", "a.m4v", ftyp("M4V ", "M4V ", "M4A ", "mp42"), "video", "mp4"},
		{"mov qt brand", "a.mov", ftyp("qt  ", "qt  "), "video", "mov"},
		{"mov classic moov atom", "a.mov", pad([]byte{0, 0, 0x10, 0, 'm', 'o', 'o', 'v'}, 600), "video", "mov"},
		{"mov classic wide atom", "a.mov", pad([]byte{0, 0, 0, 8, 'w', 'i', 'd', 'e'}, 600), "video", "mov"},
		{"3gp", "a.3gp", ftyp("3gp4", "3gp4", "isom"), "video", "3gp"},
		{"m4a brand", "a.m4a", ftyp("M4A ", "M4A ", "mp42", "isom"), "audio", "m4a"},
		{"m4a generic brand trusts audio ext", "a.m4a", ftyp("mp42", "isom"), "audio", "m4a"},
		{"m4a brand in mp4 ext is audio", "a.mp4", ftyp("M4A "), "audio", "m4a"},
		{"mkv", "a.mkv", ebml("matroska"), "video", "matroska"},
		{"webm", "a.webm", ebml("webm"), "video", "webm"},
		{"avi", "a.avi", riff("AVI LIST"), "video", "avi"},
		{"wav", "a.wav", riff("WAVEfmt "), "audio", "wav"},
		{"wav rf64", "a.wav", append([]byte("RF64"), riff("WAVEds64")[4:]...), "audio", "wav"},
		{"ts", "a.ts", ts(188, 0, 3), "video", "mpeg-ts"},
		{"mts 192-byte packets", "a.mts", ts(192, 4, 3), "video", "mpeg-ts"},
		{"m2ts", "a.m2ts", ts(192, 4, 2), "video", "mpeg-ts"},
		{"flv video", "a.flv", flv(0x05), "video", "flv"},
		{"flv audio only", "a.flv", flv(0x04), "audio", "flv"},
		{"flv no flags uses ext", "a.flv", flv(0x00), "video", "flv"},
		{"wmv", "a.wmv", asf(asfVideo), "video", "asf"},
		{"wma", "a.wma", asf(asfAudio), "audio", "asf"},
		{"wma without stream object uses ext", "a.wma", asf(nil), "audio", "asf"},
		{"mpeg pack header", "a.mpeg", pad([]byte{0, 0, 1, 0xBA, 0x44}, 600), "video", "mpeg-ps"},
		{"mpg sequence header", "a.mpg", pad([]byte{0, 0, 1, 0xB3, 0x14}, 600), "video", "mpeg-ps"},
		{"mp3 id3", "a.mp3", id3(20, mp3Frame), "audio", "mp3"},
		{"mp3 id3 tag longer than 4 KiB", "a.mp3", id3(10000, mp3Frame), "audio", "mp3"},
		{"mp3 frame sync", "a.mp3", pad(mp3Frame, 600), "audio", "mp3"},
		{"mp3 MPEG-2 frame sync", "a.mp3", pad(mp2Frame, 600), "audio", "mp3"},
		{"flac", "a.flac", pad([]byte("fLaC\x00\x00\x00\x22"), 600), "audio", "flac"},
		{"flac behind id3", "a.flac", id3(30, []byte("fLaC")), "audio", "flac"},
		{"ogg vorbis", "a.ogg", pad([]byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x76orbis"), 600), "audio", "ogg"},
		{"oga", "a.oga", pad([]byte("OggS\x00\x02"), 600), "audio", "ogg"},
		{"opus", "a.opus", pad([]byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00OpusHead"), 600), "audio", "ogg"},
		{"ogg theora is video", "a.ogg", pad([]byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x80theora"), 600), "video", "ogg"},
		{"aac adts", "a.aac", pad(adts, 600), "audio", "aac"},
		{"aac adts no crc", "a.aac", pad(adtsNoCRC, 600), "audio", "aac"},
		{"aac behind id3", "a.aac", id3(12, adts), "audio", "aac"},
		{"upper-case extension", "A.MP4", ftyp("isom"), "video", "mp4"},
		{"tiny file", "a.flac", []byte("fLaC"), "audio", "flac"},

		// Tolerated mismatches: both sides are media, content wins.
		{"mp4 containing matroska", "a.mp4", ebml("matroska"), "video", "matroska"},
		{"mkv containing mp4", "a.mkv", ftyp("isom"), "video", "mp4"},
		{"mp3 containing aac", "a.mp3", pad(adts, 600), "audio", "aac"},
		{"mp4 containing mp3 audio", "a.mp4", id3(10, mp3Frame), "audio", "mp3"},
		{"wav containing avi", "a.wav", riff("AVI "), "video", "avi"},
		{"webm audio-only ext ogg is matroska kind from ext", "a.ogg", ebml("webm"), "audio", "webm"},
	}
	dir := t.TempDir()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := filepath.Join(dir, string(rune('a'+i%26))+strings.Repeat("x", i/26))
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			p := write(t, sub, tc.file, tc.data)
			info, err := Inspect(p)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			want := Info{Path: p, Size: int64(len(tc.data)), Kind: tc.kind, Format: tc.format,
				Ext: strings.ToLower(strings.TrimPrefix(filepath.Ext(tc.file), "."))}
			if info != want {
				t.Errorf("Inspect = %+v\nwant      %+v", info, want)
			}
		})
	}
}

func TestInspectPathForms(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "clip.mp4", ftyp("isom"))

	t.Run("relative", func(t *testing.T) {
		t.Chdir(dir)
		info, err := Inspect("clip.mp4")
		if err != nil || info.Path != p {
			t.Fatalf("Inspect(relative) = %+v, %v; want path %s", info, err, p)
		}
	})
	t.Run("file URL", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("file URL form differs on Windows")
		}
		info, err := Inspect("file://" + p)
		if err != nil || info.Path != p {
			t.Fatalf("Inspect(file URL) = %+v, %v", info, err)
		}
	})
	t.Run("tilde", func(t *testing.T) {
		t.Setenv("HOME", dir)
		t.Setenv("USERPROFILE", dir)
		info, err := Inspect("~/clip.mp4")
		if err != nil || info.Path != p {
			t.Fatalf("Inspect(~) = %+v, %v", info, err)
		}
	})
	t.Run("surrounding spaces", func(t *testing.T) {
		info, err := Inspect("  " + p + "\n")
		if err != nil || info.Path != p {
			t.Fatalf("Inspect(spaced) = %+v, %v", info, err)
		}
	})
	t.Run("symlink", func(t *testing.T) {
		l := filepath.Join(dir, "link.mp4")
		if err := os.Symlink(p, l); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
		info, err := Inspect(l)
		if err != nil || info.Format != "mp4" {
			t.Fatalf("Inspect(symlink) = %+v, %v", info, err)
		}
	})
}

func TestInspectErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "y.mp4")
	tests := []struct {
		name string
		path string // used as given when set
		file string // created in dir with data when set
		data []byte
		want []string // substrings of the message
	}{
		{name: "empty path", path: "", want: []string{"no file path given. Fix: give an absolute path"}},
		{name: "blank path", path: "  \t", want: []string{"no file path given"}},
		{name: "missing", path: missing, want: []string{"no such file: " + missing + ". Fix: give an absolute path to a local file"}},
		{name: "missing relative", path: "nope/y.mp4", want: []string{"no such file: ", "y.mp4", "relative paths are resolved"}},
		{name: "web URL", path: "https://example.com/v.mp4", want: []string{"is a web URL, not a local file: https://example.com/v.mp4", "download it first"}},
		{name: "remote file URL", path: "file://server/share/v.mp4", want: []string{"not a usable local file URL"}},
		{name: "directory", path: dir, want: []string{"is a directory, not a file: " + dir, "inside it"}},
		{name: "empty file", file: "empty.mp4", data: nil, want: []string{"file is empty (0 bytes): ", "empty.mp4", "still be downloading"}},
		{name: "bad extension", file: "notes.txt", data: []byte("hello"), want: []string{
			`unsupported file extension ".txt": `, "notes.txt",
			"video: 3gp avi flv m2ts m4v mkv mov mp4 mpeg mpg mts ts webm wmv", "audio: aac flac m4a mp3 oga ogg opus wav wma"}},
		{name: "image extension", file: "pic.png", data: []byte("\x89PNG\r\n\x1a\n"), want: []string{`unsupported file extension ".png"`}},
		{name: "no extension", file: "video", data: ftyp("isom"), want: []string{"file has no extension: ", "allowed extensions"}},
		{name: "png named mp4", file: "a.mp4", data: pad([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 300), want: []string{
			"file content does not match its .mp4 extension (it looks like a PNG image): ", "a.mp4", "give the actual video file"}},
		{name: "text named mp3", file: "b.mp3", data: []byte("just some notes\nabout a song\n"), want: []string{
			"does not match its .mp3 extension (it looks like plain text)", "give the actual audio file"}},
		{name: "html error page named mp4", file: "c.mp4", data: []byte("<!DOCTYPE html><html><body>403 Forbidden</body></html>"), want: []string{
			"looks like an HTML web page", "download may have saved an error page"}},
		{name: "json named m4a", file: "d.m4a", data: []byte(` {"error": "not found"}`), want: []string{"looks like JSON text"}},
		{name: "jpeg", file: "e.mov", data: pad([]byte{0xFF, 0xD8, 0xFF, 0xE0}, 100), want: []string{"looks like a JPEG image"}},
		{name: "gif", file: "f.webm", data: pad([]byte("GIF89a"), 100), want: []string{"looks like a GIF image"}},
		{name: "pdf", file: "g.avi", data: []byte("%PDF-1.7\n"), want: []string{"looks like a PDF document"}},
		{name: "zip", file: "h.mkv", data: pad([]byte("PK\x03\x04"), 100), want: []string{"looks like a ZIP archive"}},
		{name: "webp", file: "i.wav", data: riff("WEBPVP8 "), want: []string{"looks like a WebP image"}},
		{name: "heic", file: "j.mp4", data: ftyp("heic", "mif1", "heic"), want: []string{"looks like a HEIF/AVIF image"}},
		{name: "avif via compatible brand", file: "k.mov", data: ftyp("avif", "avif", "mif1"), want: []string{"looks like a HEIF/AVIF image"}},
		{name: "zeros", file: "l.mp4", data: make([]byte, 5000), want: []string{"looks like all zero bytes"}},
		{name: "random binary", file: "m.flac", data: pad([]byte{0x01, 0x02, 0x03, 0x00, 0xFE}, 100), want: []string{"looks like unrecognised binary data"}},
		{name: "elf", file: "n.mp4", data: pad([]byte("\x7FELF"), 100), want: []string{"looks like a Linux executable"}},
		{name: "webvtt", file: "o.mp4", data: []byte("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n"), want: []string{"looks like a WebVTT subtitle file"}},
		{name: "hls playlist", file: "p.ts", data: []byte("#EXTM3U\n#EXT-X-VERSION:3\n"), want: []string{"M3U/HLS playlist"}},
		{name: "aiff", file: "q.wav", data: pad([]byte("FORM\x00\x00\x10\x00AIFFCOMM"), 100), want: []string{"AIFF audio, which is not supported"}},
		{name: "single ts sync byte is not enough", file: "r.ts", data: append([]byte{0x47, 0x40, 0x11, 0x10}, make([]byte, 400)...), want: []string{"unrecognised binary data"}},
		{name: "bad mp3 frame header", file: "s.mp3", data: pad([]byte{0xFF, 0xFF, 0xF0, 0x00}, 100), want: []string{"does not match its .mp3 extension"}},
		{name: "unknown riff form", file: "t.avi", data: riff("CDDA"), want: []string{`looks like a RIFF "CDDA" file`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path
			if tc.file != "" {
				p = write(t, dir, tc.file, tc.data)
			}
			info, err := Inspect(p)
			if err == nil {
				t.Fatalf("Inspect(%q) = %+v, want error", p, info)
			}
			var e *argerr.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *argerr.Error: %v", err, err)
			}
			if e.Problem == "" || e.Fix == "" || e.Arg != "" {
				t.Errorf("error lacks a problem or fix, or names an argument it cannot know: %+v", e)
			}
			if tc.file != "" && !strings.HasSuffix(e.Problem, ": "+p) {
				t.Errorf("Problem = %q, want it to end with the path %q", e.Problem, p)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message\n  %s\nlacks\n  %s", err, w)
				}
			}
		})
	}
}

func TestInspectUnreadable(t *testing.T) {
	if rerunUnprivileged(t) {
		return
	}
	dir := t.TempDir()

	t.Run("file", func(t *testing.T) {
		p := write(t, dir, "locked.mp4", ftyp("isom"))
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(p, 0o644) })
		if f, err := os.Open(p); err == nil {
			f.Close()
			t.Skip("running as root (or with CAP_DAC_OVERRIDE): a mode-000 file is still readable, so the permission error cannot be provoked")
		}
		_, err := Inspect(p)
		var e *argerr.Error
		if !errors.As(err, &e) {
			t.Fatalf("Inspect = %v, want *argerr.Error", err)
		}
		for _, w := range []string{"cannot read file (permission denied): " + p, "readable by the user running mcp-media"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("message %q lacks %q", err, w)
			}
		}
	})

	t.Run("parent directory", func(t *testing.T) {
		sub := filepath.Join(dir, "locked")
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		p := write(t, sub, "v.mp4", ftyp("isom"))
		if err := os.Chmod(sub, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(sub, 0o755) })
		if f, err := os.Open(p); err == nil {
			f.Close()
			t.Skip("running as root (or with CAP_DAC_OVERRIDE): a mode-000 directory is still searchable, so the permission error cannot be provoked")
		}
		_, err := Inspect(p)
		if err == nil || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), p) {
			t.Fatalf("Inspect = %v, want a permission error naming %s", err, p)
		}
	})
}

func TestInspectNotRegular(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no device files")
	}
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Skip("/dev/null unavailable")
	}
	_, err := Inspect("/dev/null")
	if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Fatalf("Inspect(/dev/null) = %v", err)
	}
}

func TestSniffReadsOnlyHead(t *testing.T) {
	// A PNG signature after the first 4 KiB must not matter: only the head is
	// read, and here the head is MP4.
	data := append(ftyp("isom"), bytes.Repeat([]byte{0}, SniffLen)...)
	data = append(data, "\x89PNG\r\n\x1a\n"...)
	p := write(t, t.TempDir(), "big.mp4", data)
	info, err := Inspect(p)
	if err != nil || info.Format != "mp4" || info.Size != int64(len(data)) {
		t.Fatalf("Inspect = %+v, %v", info, err)
	}
}

func TestAllowedExtensions(t *testing.T) {
	if got := strings.Join(AllowedExtensions("video"), " "); got != "3gp avi flv m2ts m4v mkv mov mp4 mpeg mpg mts ts webm wmv" {
		t.Errorf("video = %s", got)
	}
	if got := strings.Join(AllowedExtensions("audio"), " "); got != "aac flac m4a mp3 oga ogg opus wav wma" {
		t.Errorf("audio = %s", got)
	}
	if got := len(AllowedExtensions("")); got != 23 {
		t.Errorf("all = %d, want 23", got)
	}
}
