package mediafile

import "testing"

// FuzzSniff: any first bytes of a file, with any extension, are either
// recognised as media of a known kind or described in words; Sniff never
// panics and never returns an empty answer.
func FuzzSniff(f *testing.F) {
	f.Add(ftyp("isom", "mp41"), "mp4")
	f.Add(ftyp("qt  "), "mov")
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x0a"), "mp3")
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), "wav")
	f.Add([]byte("\x1a\x45\xdf\xa3"), "mkv")
	f.Add([]byte("\x89PNG\r\n\x1a\n"), "mp4")
	f.Add([]byte("hello"), "")
	f.Add([]byte{0x47, 0, 0, 0}, "ts")
	f.Fuzz(func(t *testing.T, head []byte, ext string) {
		format, kind, media := Sniff(head, ext)
		if format == "" {
			t.Fatalf("Sniff(%q, %q) gave no format or description", head, ext)
		}
		if media && kind != "" && kind != "video" && kind != "audio" {
			t.Fatalf("Sniff(%q, %q) = kind %q", head, ext, kind)
		}
		if !media && kind != "" {
			t.Fatalf("Sniff(%q, %q): not media but kind %q", head, ext, kind)
		}
	})
}
