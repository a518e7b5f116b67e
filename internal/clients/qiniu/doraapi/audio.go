package doraapi

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/mediafile"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// Short ASR limits (spec §4.1, p000).
const (
	ShortASRMaxBytes    = 20 << 20
	ShortASRMaxDuration = 60 * time.Second
)

// ShortASRFormats are p000's audio formats and video containers.
var ShortASRFormats = []string{"mp3", "wav", "ogg", "wma", "aac", "ac3", "m4a", "ts", "g722",
	"avi", "flv", "mp4", "mpg", "asf", "wmv", "mov", "rmvb", "rm"}

// ShortASRSampleRates are p000's sample rates.
var ShortASRSampleRates = []int{16000, 44100, 48000}

// RealtimeSampleRates are p001's voice_sample values.
var RealtimeSampleRates = []int{48000, 44100, 32000, 16000, 8000}

// AudioInfo is what the client learned about a local audio file.
type AudioInfo struct {
	Path       string
	Size       int64
	Format     string        // one of ShortASRFormats
	Duration   time.Duration // 0 when unknown
	SampleRate int           // 0 when unknown
	Channels   int           // 0 when unknown
	Bits       int           // 0 when unknown
	PCM        bool          // WAV with format tag 1
	Measured   string        // how Duration was found: "wav header", "ffprobe" or ""
}

// wavInfo is a parsed RIFF/WAVE header.
type wavInfo struct {
	formatTag  int
	channels   int
	sampleRate int
	byteRate   int
	bits       int
	dataOffset int64
	dataSize   int64
}

var errNotWAV = errors.New("not a RIFF/WAVE file")

// readWAV parses the chunks of a WAV file up to the data chunk. size is the
// file size, used when the data chunk's size is unset (streamed WAVs).
func readWAV(r io.ReaderAt, size int64) (wavInfo, error) {
	var w wavInfo
	head := make([]byte, 12)
	if _, err := r.ReadAt(head, 0); err != nil || string(head[0:4]) != "RIFF" || string(head[8:12]) != "WAVE" {
		return w, errNotWAV
	}
	off := int64(12)
	haveFmt := false
	hdr := make([]byte, 8)
	for off+8 <= size {
		if _, err := r.ReadAt(hdr, off); err != nil {
			return w, fmt.Errorf("WAV header is truncated")
		}
		id := string(hdr[0:4])
		n := int64(binary.LittleEndian.Uint32(hdr[4:8]))
		body := off + 8
		switch id {
		case "fmt ":
			if n < 16 {
				return w, fmt.Errorf("WAV fmt chunk is too short")
			}
			f := make([]byte, 16)
			if _, err := r.ReadAt(f, body); err != nil {
				return w, fmt.Errorf("WAV fmt chunk is truncated")
			}
			w.formatTag = int(binary.LittleEndian.Uint16(f[0:]))
			w.channels = int(binary.LittleEndian.Uint16(f[2:]))
			w.sampleRate = int(binary.LittleEndian.Uint32(f[4:]))
			w.byteRate = int(binary.LittleEndian.Uint32(f[8:]))
			w.bits = int(binary.LittleEndian.Uint16(f[14:]))
			if w.formatTag == 0xFFFE && n >= 40 { // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag
				ext := make([]byte, 2)
				if _, err := r.ReadAt(ext, body+24); err == nil {
					w.formatTag = int(binary.LittleEndian.Uint16(ext))
				}
			}
			haveFmt = true
		case "data":
			if !haveFmt || w.byteRate <= 0 {
				return w, fmt.Errorf("WAV data chunk comes before a valid fmt chunk")
			}
			w.dataOffset = body
			if avail := size - body; n > avail || n == 0 {
				n = avail
			}
			w.dataSize = n
			return w, nil
		}
		off = body + n + n&1
	}
	return w, fmt.Errorf("WAV file has no data chunk")
}

func (w wavInfo) duration() time.Duration {
	if w.byteRate <= 0 {
		return 0
	}
	return time.Duration(w.dataSize * int64(time.Second) / int64(w.byteRate))
}

// shortFormat maps sniffed content to p000's format names; ok is false for
// media p000 does not list (FLAC, Matroska, WebM, 3GP).
func shortFormat(head []byte, ext string) (string, bool, string) {
	switch {
	case len(head) >= 4 && string(head[0:4]) == ".RMF":
		if ext == "rmvb" {
			return "rmvb", true, ""
		}
		return "rm", true, ""
	case len(head) >= 2 && head[0] == 0x0B && head[1] == 0x77:
		return "ac3", true, ""
	}
	format, _, media := mediafile.Sniff(head, ext)
	if !media {
		if ext == "g722" { // headerless: only the name tells (as in the fake)
			return "g722", true, ""
		}
		return "", false, "the content is " + format
	}
	switch format {
	case "mpeg-ts":
		return "ts", true, ""
	case "mpeg-ps":
		return "mpg", true, ""
	case "asf":
		if ext == "wma" || ext == "wmv" {
			return ext, true, ""
		}
		return "asf", true, ""
	case "wav", "mp3", "ogg", "aac", "m4a", "avi", "flv", "mp4", "mov":
		return format, true, ""
	}
	return format, false, "the content is " + format
}

// InspectShortAudio checks a local file against p000's limits — at most
// 20 MB, a listed format, at most 60 s, 16000/44100/48000 Hz, mono or
// stereo, 16-bit (8-bit only for PCM WAV) — reading only its header (WAV)
// or asking ffprobe (other formats, when installed). A limit it cannot
// check locally is left to the service.
func (c *Client) InspectShortAudio(ctx context.Context, p string) (AudioInfo, error) {
	info := AudioInfo{Path: p}
	fmts := strings.Join(ShortASRFormats, ", ")
	st, err := os.Stat(p)
	switch {
	case err != nil:
		return info, &argerr.Error{Arg: "path", Problem: "cannot read " + p + ": " + mediafile.PathErrorReason(err), Fix: "give an absolute path to a local audio file"}
	case st.IsDir():
		return info, &argerr.Error{Arg: "path", Problem: p + " is a directory", Fix: "give the path of one audio file"}
	case st.Size() == 0:
		return info, &argerr.Error{Arg: "path", Problem: p + " is empty", Fix: "give a complete audio file"}
	case st.Size() > ShortASRMaxBytes:
		return info, &argerr.Error{Arg: "path", Problem: fmt.Sprintf("the file is %s; short ASR accepts at most 20 MB", mb(st.Size())),
			Fix: "use qiniu_transcribe_long (by URL) or qiniu_transcribe_realtime for longer recordings"}
	}
	info.Size = st.Size()
	f, err := os.Open(p)
	if err != nil {
		return info, &argerr.Error{Arg: "path", Problem: "cannot open " + p + ": " + mediafile.PathErrorReason(err)}
	}
	defer f.Close()
	head := make([]byte, mediafile.SniffLen)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(p), "."))
	format, ok, why := shortFormat(head, ext)
	if !ok {
		return info, &argerr.Error{Arg: "path", Problem: "unsupported format (" + why + "); short ASR accepts " + fmts,
			Fix: "convert it, for example `ffmpeg -i in -ar 16000 -ac 1 out.wav`"}
	}
	info.Format = format
	if format == "wav" {
		w, err := readWAV(f, st.Size())
		if err != nil {
			return info, &argerr.Error{Arg: "path", Problem: "the WAV file is not valid: " + err.Error(), Fix: "re-encode it, for example `ffmpeg -i in -ar 16000 -ac 1 out.wav`"}
		}
		info.SampleRate, info.Channels, info.Bits, info.PCM = w.sampleRate, w.channels, w.bits, w.formatTag == 1
		info.Duration, info.Measured = w.duration(), "wav header"
	} else if d, rate, ch, ok := c.ffprobe(ctx, p); ok {
		info.Duration, info.SampleRate, info.Channels, info.Measured = d, rate, ch, "ffprobe"
	}
	return info, checkShortAudio(info)
}

func checkShortAudio(info AudioInfo) error {
	if info.Duration > ShortASRMaxDuration {
		return &argerr.Error{Arg: "path", Problem: fmt.Sprintf("the audio lasts %.1f s; short ASR accepts at most 60 s", info.Duration.Seconds()),
			Fix: "use qiniu_transcribe_long (by URL) or qiniu_transcribe_realtime for longer recordings"}
	}
	if info.SampleRate != 0 && !slices.Contains(ShortASRSampleRates, info.SampleRate) {
		return &argerr.Error{Arg: "path", Problem: fmt.Sprintf("the sample rate is %d Hz; short ASR accepts 16000, 44100 or 48000 Hz", info.SampleRate),
			Fix: "resample it, for example `ffmpeg -i in -ar 16000 out.wav`"}
	}
	if info.Channels > 2 {
		return &argerr.Error{Arg: "path", Problem: fmt.Sprintf("the audio has %d channels; short ASR accepts mono or stereo", info.Channels),
			Fix: "downmix it, for example `ffmpeg -i in -ac 1 out.wav`"}
	}
	switch {
	case info.Bits == 0, info.Bits == 16:
	case info.Bits == 8 && info.Format == "wav" && info.PCM:
	default:
		return &argerr.Error{Arg: "path", Problem: fmt.Sprintf("the audio is %d-bit; short ASR accepts 16-bit (8-bit only for PCM WAV)", info.Bits),
			Fix: "re-encode it, for example `ffmpeg -i in -sample_fmt s16 out.wav`"}
	}
	return nil
}

// CheckShortASRURL applies the format list to a URL's extension (when it
// has one); the duration and size of remote files are checked by Qiniu.
func CheckShortASRURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &argerr.Error{Arg: "url", Problem: "must be an http or https URL", Fix: "give a publicly downloadable audio URL, or `path` for a local file"}
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(u.Path), "."))
	if ext != "" && len(ext) <= 5 && !slices.Contains(ShortASRFormats, ext) && isMediaLikeExt(ext) {
		return &argerr.Error{Arg: "url", Problem: "unsupported format ." + ext + "; short ASR accepts " + strings.Join(ShortASRFormats, ", ")}
	}
	return nil
}

// isMediaLikeExt reports extensions that name a media format p000 does not
// list, so URLs ending in something unrelated (".php") are left alone.
func isMediaLikeExt(ext string) bool {
	switch ext {
	case "flac", "opus", "amr", "aiff", "aif", "mkv", "webm", "3gp", "oga", "caf", "m4v", "wv", "ape", "pcm", "raw":
		return true
	}
	return false
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

// ffprobe measures a file's duration, sample rate and channels; ok is false
// when ffprobe is not installed or cannot read the file.
func (c *Client) ffprobe(ctx context.Context, p string) (d time.Duration, rate, channels int, ok bool) {
	bin, err := exec.LookPath(c.cfg.FFprobe)
	if err != nil {
		return 0, 0, 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-v", "error", "-select_streams", "a:0",
		"-show_entries", "format=duration:stream=sample_rate,channels", "-of", "default=noprint_wrappers=1", p).Output()
	if err != nil {
		return 0, 0, 0, false
	}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		switch k {
		case "duration":
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				d = time.Duration(f * float64(time.Second))
			}
		case "sample_rate":
			rate, _ = strconv.Atoi(v)
		case "channels":
			channels, _ = strconv.Atoi(v)
		}
	}
	return d, rate, channels, d > 0
}

// FFmpegMissingError says how to get ffmpeg.
type FFmpegMissingError struct {
	Program string
	Why     string // what needed it
}

func (e *FFmpegMissingError) Error() string {
	return fmt.Sprintf("%s needs ffmpeg, which is not installed (%q not found on PATH): install the Debian/Ubuntu package `ffmpeg` (sudo apt-get install ffmpeg; on macOS: brew install ffmpeg), or give a 16-bit mono WAV or raw PCM file", e.Why, e.Program)
}

// pcmSource is decoded 16-bit little-endian mono PCM.
type pcmSource struct {
	io.Reader
	rate    int
	closeFn func() error
	how     string // "wav", "pcm" or "ffmpeg"
}

func (s *pcmSource) Close() error {
	if s.closeFn != nil {
		return s.closeFn()
	}
	return nil
}

// RealtimeInput is the audio of a realtime session.
type RealtimeInput struct {
	// Path is a local file: a 16-bit PCM WAV, raw 16-bit little-endian mono
	// PCM (.pcm, .raw, .s16le; SampleRate then says its rate), or any
	// audio/video file ffmpeg can decode.
	Path string
	// URL is a remote file or live stream (http, https, rtmp, rtmps, srt),
	// decoded by ffmpeg.
	URL string
	// SampleRate is the rate of a raw PCM Path (default 16000).
	SampleRate int
}

var rawPCMExts = []string{"pcm", "raw", "s16le"}

// validate checks the input without opening anything remote.
func (in RealtimeInput) validate() error {
	if (in.Path == "") == (in.URL == "") {
		return &argerr.Error{Arg: "path", Problem: "give exactly one of path and url"}
	}
	if in.SampleRate != 0 && !slices.Contains(RealtimeSampleRates, in.SampleRate) {
		return &argerr.Error{Arg: "sample_rate", Problem: fmt.Sprintf("%d Hz is not a realtime ASR sample rate; allowed: 48000, 44100, 32000, 16000, 8000", in.SampleRate)}
	}
	if in.URL != "" {
		u, err := url.Parse(strings.TrimSpace(in.URL))
		if err != nil {
			return &argerr.Error{Arg: "url", Problem: "is not a URL", Fix: "give an http(s), rtmp(s) or srt URL"}
		}
		switch strings.ToLower(u.Scheme) {
		case "http", "https", "rtmp", "rtmps", "srt":
		default:
			return &argerr.Error{Arg: "url", Problem: "scheme " + u.Scheme + ": is not supported", Fix: "give an http(s), rtmp(s) or srt URL, or `path` for a local file"}
		}
		if u.Host == "" {
			return &argerr.Error{Arg: "url", Problem: "has no host", Fix: "give an http(s), rtmp(s) or srt URL"}
		}
	}
	return nil
}

// openRealtime opens in as 16-bit mono PCM at an allowed rate: PCM WAV and
// raw PCM are read directly; everything else (and WAVs at other rates,
// widths or channel counts) goes through ffmpeg at 16 kHz.
func (c *Client) openRealtime(ctx context.Context, in RealtimeInput, maxDur time.Duration) (*pcmSource, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.URL != "" {
		return c.openURL(ctx, strings.TrimSpace(in.URL), maxDur)
	}
	p := in.Path
	st, err := os.Stat(p)
	switch {
	case err != nil:
		return nil, &argerr.Error{Arg: "path", Problem: "cannot read " + p + ": " + mediafile.PathErrorReason(err), Fix: "give an absolute path to a local audio or video file"}
	case st.IsDir():
		return nil, &argerr.Error{Arg: "path", Problem: p + " is a directory", Fix: "give the path of one audio or video file"}
	case st.Size() == 0:
		return nil, &argerr.Error{Arg: "path", Problem: p + " is empty"}
	}
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(p), "."))
	if slices.Contains(rawPCMExts, ext) {
		rate := in.SampleRate
		if rate == 0 {
			rate = 16000
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, &argerr.Error{Arg: "path", Problem: "cannot open " + p + ": " + mediafile.PathErrorReason(err)}
		}
		return &pcmSource{Reader: f, rate: rate, closeFn: f.Close, how: "pcm"}, nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, &argerr.Error{Arg: "path", Problem: "cannot open " + p + ": " + mediafile.PathErrorReason(err)}
	}
	head := make([]byte, mediafile.SniffLen)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte("RIFF")) && len(head) >= 12 && string(head[8:12]) == "WAVE" {
		w, err := readWAV(f, st.Size())
		if err != nil {
			f.Close()
			return nil, &argerr.Error{Arg: "path", Problem: "the WAV file is not valid: " + err.Error()}
		}
		if w.formatTag == 1 && w.bits == 16 && w.channels == 1 && slices.Contains(RealtimeSampleRates, w.sampleRate) {
			return &pcmSource{Reader: io.NewSectionReader(f, w.dataOffset, w.dataSize), rate: w.sampleRate, closeFn: f.Close, how: "wav"}, nil
		}
		f.Close()
		if _, err := exec.LookPath(c.cfg.FFmpeg); err != nil {
			return nil, &argerr.Error{Arg: "path", Problem: fmt.Sprintf("the WAV is %d Hz, %d-bit, %d channel(s); realtime ASR reads 16-bit mono PCM at 8000, 16000, 32000, 44100 or 48000 Hz, and converting it needs ffmpeg (Debian package `ffmpeg`), which is not installed", w.sampleRate, w.bits, w.channels),
				Fix: "install ffmpeg, or convert it elsewhere: `ffmpeg -i in.wav -ar 16000 -ac 1 -sample_fmt s16 out.wav`"}
		}
		return c.ffmpegPCM(ctx, ffmpegInput{arg: p}, maxDur, "converting this WAV")
	}
	f.Close()
	if format, _, media := mediafile.Sniff(head, ext); !media {
		return nil, &argerr.Error{Arg: "path", Problem: "unsupported format: the content is " + format,
			Fix: "give an audio or video file, a 16-bit PCM WAV, or raw PCM (.pcm with sample_rate)"}
	}
	return c.ffmpegPCM(ctx, ffmpegInput{arg: p}, maxDur, "transcribing a "+ext+" file")
}

// ffmpegRWTimeout bounds each network read or write of ffmpeg on a URL
// input, so a stalled server ends the decode instead of blocking it (and
// with it max_seconds) for ever.
var ffmpegRWTimeout = 15 * time.Second

// ffmpegInput is what ffmpeg reads: a local path, bytes on stdin (an
// http(s) URL fetched in Go), or a stream URL ffmpeg dials itself (rtmp,
// srt) whose host was checked and pinned to an IP.
type ffmpegInput struct {
	arg       string    // -i argument
	stdin     io.Reader // when set, arg is "pipe:0"
	whitelist string    // -protocol_whitelist, for network inputs
	shown     string    // the URL as the agent gave it, for messages
	close     func()    // releases what stdin reads from
}

// ffmpegPCM decodes in to 16 kHz mono s16le PCM on a pipe. ffmpeg is killed
// when ctx ends or the source is closed.
func (c *Client) ffmpegPCM(ctx context.Context, in ffmpegInput, maxDur time.Duration, why string) (*pcmSource, error) {
	bin, err := exec.LookPath(c.cfg.FFmpeg)
	if err != nil {
		if in.close != nil {
			in.close()
		}
		return nil, &FFmpegMissingError{Program: c.cfg.FFmpeg, Why: why}
	}
	network := in.whitelist != ""
	input := in.arg
	args := []string{"-hide_banner", "-loglevel", "error"}
	if in.stdin == nil {
		args = append(args, "-nostdin")
	}
	if network {
		args = append(args, "-protocol_whitelist", in.whitelist)
		if in.stdin == nil {
			args = append(args, "-rw_timeout", strconv.FormatInt(ffmpegRWTimeout.Microseconds(), 10))
		}
	}
	args = append(args, "-i", input, "-vn", "-ac", "1", "-ar", "16000")
	if maxDur > 0 {
		args = append(args, "-t", strconv.FormatFloat(maxDur.Seconds(), 'f', 3, 64))
	}
	args = append(args, "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1")
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, bin, args...)
	stderr := &tailBuffer{max: 2048}
	cmd.Stderr = stderr
	var stdin io.WriteCloser
	if in.stdin != nil {
		if stdin, err = cmd.StdinPipe(); err != nil {
			cancel()
			return nil, err
		}
	}
	release := func() {
		cancel()
		if in.close != nil {
			in.close()
		}
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		release()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		release()
		return nil, fmt.Errorf("starting ffmpeg: %w", err)
	}
	if stdin != nil {
		// Wait closes stdin when ffmpeg exits, and release ends the fetch,
		// so this goroutine never outlives the source.
		go func() {
			_, _ = io.Copy(stdin, in.stdin)
			_ = stdin.Close()
		}()
	}
	var once sync.Once
	var waitErr error
	wait := func() error {
		once.Do(func() {
			err := cmd.Wait()
			defer release() // after reading ctx: release cancels it
			if err != nil && ctx.Err() == nil {
				msg := strings.TrimSpace(stderr.String())
				if msg == "" {
					msg = err.Error()
				}
				if network {
					msg = hideQuery(msg, input)
					if in.shown != "" {
						msg = hideQuery(msg, in.shown)
					}
				}
				waitErr = fmt.Errorf("ffmpeg could not decode the input: %s", msg)
			}
		})
		return waitErr
	}
	src := &pcmSource{rate: 16000, how: "ffmpeg"}
	src.Reader = &ffmpegReader{r: out, wait: wait}
	src.closeFn = func() error {
		release()
		_ = wait()
		return nil
	}
	return src, nil
}

// hideQuery replaces a URL in ffmpeg's message with its display form
// (redact.URL: no query, no user info), and any other copy of its query,
// which may carry a token.
func hideQuery(msg, rawURL string) string {
	msg = strings.ReplaceAll(msg, rawURL, redact.URL(rawURL))
	if u, err := url.Parse(rawURL); err == nil {
		if u.RawQuery != "" {
			msg = strings.ReplaceAll(msg, u.RawQuery, "…")
		}
		if u.User != nil && u.User.String() != "" {
			msg = strings.ReplaceAll(msg, u.User.String()+"@", "")
		}
	}
	return msg
}

// ffmpegReader turns ffmpeg's exit status into the read error at EOF, so a
// decoding failure is not mistaken for the end of the audio.
type ffmpegReader struct {
	r    io.Reader
	wait func() error
}

func (f *ffmpegReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		if werr := f.wait(); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// tailBuffer keeps the last max bytes written (ffmpeg's stderr).
type tailBuffer struct {
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }
