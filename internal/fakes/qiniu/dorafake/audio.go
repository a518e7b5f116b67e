package dorafake

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// What the fake can tell about audio bytes (short ASR, and media fetched from
// loopback URLs):
//
//   - wav (RIFF/WAVE): channels, sample rate, bits and the exact duration
//     from the data chunk and byte rate.
//   - mp3 (MPEG audio, optional ID3v2): sample rate from the first frame,
//     duration estimated as bytes×8 / bitrate (exact for CBR).
//   - aac (ADTS): sample rate, duration = frames×1024 / sample rate.
//   - ogg (Vorbis or Opus): sample rate and duration from the last granule
//     position; Opus at 44100 Hz is refused (p000).
//   - wma/asf, ac3, m4a/mp4/mov, ts, flv, avi, mpg, rm/rmvb: recognised by
//     their magic bytes only; duration unknown, so the 60 s limit is not
//     checked and only the 20 MB limit applies.
//   - g722 is headerless and cannot be recognised from bytes: it is accepted
//     only as a non-loopback audioUrl ending in .g722.
//   - anything else is refused as an unsupported format (rtn 4204).

type audioInfo struct {
	format     string
	durationMs int64 // -1 when unknown
	sampleRate int   // 0 when unknown
	channels   int
	bits       int
	pcm        bool // WAV format tag 1
	opus       bool // Ogg Opus
}

// checkShortASR applies p000's limits on what probeAudio found: mono or
// stereo, 16000/44100/48000 Hz, 16-bit (8-bit only for PCM in WAV), and no
// Opus at 44100 Hz.
func checkShortASR(info audioInfo) error {
	if info.channels != 0 && info.channels != 1 && info.channels != 2 {
		return fmt.Errorf("%w: %d channels (mono or stereo only)", errUnsupported, info.channels)
	}
	if info.opus && info.sampleRate == 44100 {
		return fmt.Errorf("%w: opus does not support 44100 Hz", errUnsupported)
	}
	if info.sampleRate != 0 && !info.opus && !allowedRates[info.sampleRate] {
		return fmt.Errorf("%w: sample rate %d Hz (16000, 44100 or 48000 only)", errUnsupported, info.sampleRate)
	}
	switch {
	case info.bits == 0, info.bits == 16:
	case info.bits == 8 && info.format == "wav" && info.pcm:
	case info.bits == 8:
		return fmt.Errorf("%w: only PCM in a WAV container may be 8-bit", errUnsupported)
	default:
		return fmt.Errorf("%w: %d bits per sample (8 or 16 only)", errUnsupported, info.bits)
	}
	return nil
}

// probe errors, mapped by short ASR to 4204 / 4201 / 4211.
var (
	errUnsupported = errors.New("unsupported audio format")
	errCorrupt     = errors.New("audio file is corrupt")
	errTooShort    = errors.New("audio is empty")
)

// allowedRates are short ASR's sample rates (p000).
var allowedRates = map[int]bool{16000: true, 44100: true, 48000: true}

// shortASRFormats are p000's audio formats and video containers.
var shortASRFormats = map[string]bool{
	"mp3": true, "wav": true, "ogg": true, "wma": true, "aac": true, "ac3": true, "m4a": true, "ts": true, "g722": true,
	"avi": true, "flv": true, "mp4": true, "mpg": true, "asf": true, "wmv": true, "mov": true, "rmvb": true, "rm": true,
}

func probeAudio(b []byte) (audioInfo, error) {
	if len(b) == 0 {
		return audioInfo{}, errTooShort
	}
	unknown := func(f string) (audioInfo, error) { return audioInfo{format: f, durationMs: -1}, nil }
	switch {
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return probeWAV(b)
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "AVI ":
		return unknown("avi")
	case len(b) >= 3 && string(b[0:3]) == "ID3":
		return probeMP3(b)
	case len(b) >= 2 && b[0] == 0xFF && b[1]&0xF6 == 0xF0:
		return probeADTS(b)
	case len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0:
		return probeMP3(b)
	case len(b) >= 4 && string(b[0:4]) == "OggS":
		return probeOgg(b)
	case len(b) >= 8 && bytes.Equal(b[0:8], []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11}):
		return unknown("wma")
	case len(b) >= 2 && b[0] == 0x0B && b[1] == 0x77:
		return unknown("ac3")
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "M4A ", "M4B ":
			return unknown("m4a")
		case "qt  ":
			return unknown("mov")
		}
		return unknown("mp4")
	case b[0] == 0x47 && (len(b) <= 188 || b[188] == 0x47):
		return unknown("ts")
	case len(b) >= 3 && string(b[0:3]) == "FLV":
		return unknown("flv")
	case len(b) >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 1 && (b[3] == 0xBA || b[3] == 0xB3):
		return unknown("mpg")
	case len(b) >= 4 && string(b[0:4]) == ".RMF":
		return unknown("rm")
	}
	return audioInfo{}, errUnsupported
}

func probeWAV(b []byte) (audioInfo, error) {
	info := audioInfo{format: "wav", durationMs: -1}
	var haveFmt bool
	var formatTag, byteRate int
	off := 12
	for off+8 <= len(b) {
		id := string(b[off : off+4])
		size := int64(binary.LittleEndian.Uint32(b[off+4 : off+8]))
		body := off + 8
		switch id {
		case "fmt ":
			if size < 16 || body+16 > len(b) {
				return info, errCorrupt
			}
			formatTag = int(binary.LittleEndian.Uint16(b[body:]))
			info.channels = int(binary.LittleEndian.Uint16(b[body+2:]))
			info.sampleRate = int(binary.LittleEndian.Uint32(b[body+4:]))
			byteRate = int(binary.LittleEndian.Uint32(b[body+8:]))
			info.bits = int(binary.LittleEndian.Uint16(b[body+14:]))
			haveFmt = true
		case "data":
			if !haveFmt || byteRate <= 0 {
				return info, errCorrupt
			}
			avail := int64(len(b) - body)
			if size > avail { // streamed WAVs carry 0xFFFFFFFF or a too-large size
				size = avail
			}
			info.pcm = formatTag == 1
			if size == 0 {
				return info, errTooShort
			}
			info.durationMs = size * 1000 / int64(byteRate)
			return info, nil
		}
		off = body + int(size) + int(size&1)
		if size > int64(len(b)) {
			break
		}
	}
	return info, errCorrupt
}

var (
	mp3Bitrates = [2][16]int{ // kbit/s; [0] MPEG1 layer III, [1] MPEG2/2.5 layer III
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
	}
	mp3Rates = map[int][3]int{3: {44100, 48000, 32000}, 2: {22050, 24000, 16000}, 0: {11025, 12000, 8000}}
)

func probeMP3(b []byte) (audioInfo, error) {
	info := audioInfo{format: "mp3", durationMs: -1}
	off := 0
	if len(b) >= 10 && string(b[0:3]) == "ID3" {
		size := int(b[6]&0x7F)<<21 | int(b[7]&0x7F)<<14 | int(b[8]&0x7F)<<7 | int(b[9]&0x7F)
		off = 10 + size
		if b[5]&0x10 != 0 {
			off += 10
		}
	}
	// find the first frame sync after the tag
	for off+4 <= len(b) && !(b[off] == 0xFF && b[off+1]&0xE0 == 0xE0) {
		off++
	}
	if off+4 > len(b) {
		return info, errCorrupt
	}
	version := int(b[off+1]>>3) & 3
	layer := int(b[off+1]>>1) & 3
	bi := int(b[off+2] >> 4)
	si := int(b[off+2]>>2) & 3
	rates, ok := mp3Rates[version]
	if !ok || layer == 0 || si == 3 || bi == 0 || bi == 15 {
		return info, errCorrupt
	}
	info.sampleRate = rates[si]
	info.channels = 2
	if b[off+3]>>6 == 3 {
		info.channels = 1
	}
	info.bits = 16
	table := 0
	if version != 3 {
		table = 1
	}
	kbps := mp3Bitrates[table][bi]
	if layer != 1 { // layers I/II: bitrate tables differ; duration unknown
		return info, nil
	}
	info.durationMs = int64(len(b)-off) * 8 / int64(kbps)
	return info, nil
}

var adtsRates = []int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

func probeADTS(b []byte) (audioInfo, error) {
	info := audioInfo{format: "aac", durationMs: -1, bits: 16}
	frames := 0
	for off := 0; off+7 <= len(b); {
		if b[off] != 0xFF || b[off+1]&0xF6 != 0xF0 {
			break
		}
		si := int(b[off+2]>>2) & 0xF
		if si >= len(adtsRates) {
			return info, errCorrupt
		}
		if frames == 0 {
			info.sampleRate = adtsRates[si]
			info.channels = int(b[off+2]&1)<<2 | int(b[off+3]>>6)
		}
		n := int(b[off+3]&3)<<11 | int(b[off+4])<<3 | int(b[off+5]>>5)
		if n < 7 {
			return info, errCorrupt
		}
		frames++
		off += n
	}
	if frames == 0 {
		return info, errCorrupt
	}
	if info.sampleRate == 0 {
		return info, errCorrupt
	}
	info.durationMs = int64(frames) * 1024 * 1000 / int64(info.sampleRate)
	return info, nil
}

func probeOgg(b []byte) (audioInfo, error) {
	info := audioInfo{format: "ogg", durationMs: -1, bits: 16}
	var opus bool
	var preSkip int64
	if i := bytes.Index(b, []byte("OpusHead")); i >= 0 && i+16 <= len(b) {
		opus = true
		info.channels = int(b[i+9])
		preSkip = int64(binary.LittleEndian.Uint16(b[i+10:]))
		info.sampleRate = int(binary.LittleEndian.Uint32(b[i+12:]))
		info.opus = true
	} else if i := bytes.Index(b, []byte("\x01vorbis")); i >= 0 && i+16 <= len(b) {
		info.channels = int(b[i+11])
		info.sampleRate = int(binary.LittleEndian.Uint32(b[i+12:]))
	} else {
		return info, errCorrupt
	}
	last := bytes.LastIndex(b, []byte("OggS"))
	if last >= 0 && last+14 <= len(b) {
		granule := int64(binary.LittleEndian.Uint64(b[last+6:]))
		switch {
		case granule <= 0:
		case opus: // Opus granules count 48 kHz samples
			info.durationMs = (granule - preSkip) * 1000 / 48000
		case info.sampleRate > 0:
			info.durationMs = granule * 1000 / int64(info.sampleRate)
		}
	}
	return info, nil
}

// ---------------------------------------------------------------------------
// Media URLs

// isLoopbackURL reports whether u points at this machine (tests, demo).
// Only such URLs are fetched; the fake never reaches the Internet.
func isLoopbackURL(u *url.URL) bool {
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var errDownload = errors.New("cannot download the file")

// errTooBig is returned by fetch when the file exceeds the limit.
var errTooBig = errors.New("file too large")

// fetch downloads a loopback URL (at most limit bytes).
func (s *Server) fetch(u string, limit int64) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errDownload, err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errDownload, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: HTTP %d", errDownload, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errDownload, err)
	}
	if int64(len(data)) > limit {
		return nil, errTooBig
	}
	return data, nil
}

// urlExt returns the lower-case extension of the URL's path, without dot.
func urlExt(u *url.URL) string {
	return strings.TrimPrefix(strings.ToLower(path.Ext(u.Path)), ".")
}

// probeURL determines what it can about the audio at rawURL: loopback URLs
// are fetched and probed; other URLs are judged by their extension only
// (durationMs -1). An extension outside formats (nil: any) is errUnsupported.
func (s *Server) probeURL(rawURL string, limit int64, formats map[string]bool) (audioInfo, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return audioInfo{}, errBadURL
	}
	if isLoopbackURL(u) {
		data, err := s.fetch(rawURL, limit)
		if err != nil {
			return audioInfo{}, err
		}
		return probeAudio(data)
	}
	ext := urlExt(u)
	if formats != nil && ext != "" && !formats[ext] {
		return audioInfo{}, fmt.Errorf("%w: .%s", errUnsupported, ext)
	}
	if ext == "" {
		ext = "audio"
	}
	return audioInfo{format: ext, durationMs: -1}, nil
}

var errBadURL = errors.New("URL must be http or https")
