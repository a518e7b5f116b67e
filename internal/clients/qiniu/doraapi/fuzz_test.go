package doraapi

import (
	"bytes"
	"testing"
	"time"
)

// FuzzReadWAV: a WAV header from a user's file either parses into a data
// range inside the file with a non-negative duration, or is an error;
// readWAV never panics or loops.
func FuzzReadWAV(f *testing.F) {
	f.Add(wavBytes(16000, 1, 16, 100*time.Millisecond))
	f.Add(wavBytes(48000, 2, 16, 20*time.Millisecond))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := readWAV(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if w.dataOffset < 12 || w.dataSize < 0 || w.dataOffset+w.dataSize > int64(len(b)) {
			t.Fatalf("data range %d+%d outside a %d-byte file", w.dataOffset, w.dataSize, len(b))
		}
		if w.byteRate <= 0 || w.duration() < 0 {
			t.Fatalf("byte rate %d, duration %v", w.byteRate, w.duration())
		}
	})
}
