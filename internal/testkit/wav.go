package testkit

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// WAV builds a RIFF/WAVE file of d holding a quiet 440 Hz tone, as 8- or
// 16-bit PCM.
func WAV(rate, channels, bits int, d time.Duration) []byte {
	frames := int(int64(rate) * int64(d) / int64(time.Second))
	bps := bits / 8
	data := make([]byte, frames*channels*bps)
	for i := 0; i < frames; i++ {
		v := math.Sin(2 * math.Pi * 440 * float64(i) / float64(rate))
		for c := 0; c < channels; c++ {
			off := (i*channels + c) * bps
			if bits == 16 {
				binary.LittleEndian.PutUint16(data[off:], uint16(int16(v*3000)))
			} else {
				data[off] = byte(128 + int(v*40))
			}
		}
	}
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+len(data)))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate*channels*bps))
	binary.LittleEndian.PutUint16(h[32:], uint16(channels*bps))
	binary.LittleEndian.PutUint16(h[34:], uint16(bits))
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(len(data)))
	return append(h, data...)
}

// WriteFile writes b to name in a fresh temporary directory of t and
// returns the file's path.
func WriteFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// WriteWAV writes WAV(rate, channels, bits, d) to clip.wav in a temporary
// directory and returns its path.
func WriteWAV(t testing.TB, rate, channels, bits int, d time.Duration) string {
	t.Helper()
	return WriteFile(t, "clip.wav", WAV(rate, channels, bits, d))
}
