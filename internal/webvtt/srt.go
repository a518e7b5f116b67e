package webvtt

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// reSRTStamp is an SRT timestamp: hh:mm:ss,ttt (one or more hour digits).
var reSRTStamp = regexp.MustCompile(`(\d+):(\d{2}):(\d{2})[,.](\d{3})`)

// reSRTCoords are the optional SRT display coordinates after the end time.
var reSRTCoords = regexp.MustCompile(`\s+X1:\d+\s+X2:\d+\s+Y1:\d+\s+Y2:\d+\s*$`)

// FromSRT converts SubRip (.srt) text to WebVTT and returns the WebVTT text
// and its cues. Each SRT block's number becomes the cue identifier, the
// timing's decimal commas become points (one-digit hours get a leading
// zero) and display coordinates are dropped; the text is kept. The result
// is checked with Parse; a problem is reported with the SRT line number.
func FromSRT(srt string) (string, []Cue, error) {
	srt = strings.TrimPrefix(srt, "\uFEFF")
	srt = strings.ReplaceAll(strings.ReplaceAll(srt, "\r\n", "\n"), "\r", "\n")
	if strings.HasPrefix(strings.TrimSpace(srt), "WEBVTT") {
		return "", nil, &argerr.Error{Problem: "the text is already WebVTT, not SRT", Fix: "give it as WebVTT (a .vtt file or vtt_text)"}
	}
	lines := strings.Split(srt, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "-->") {
			continue
		}
		l = reSRTCoords.ReplaceAllString(l, "")
		lines[i] = reSRTStamp.ReplaceAllStringFunc(l, func(s string) string {
			m := reSRTStamp.FindStringSubmatch(s)
			h := m[1]
			if len(h) == 1 {
				h = "0" + h
			}
			return h + ":" + m[2] + ":" + m[3] + "." + m[4]
		})
	}
	cues, err := Parse("WEBVTT\n\n" + strings.Join(lines, "\n"))
	if err != nil {
		if ae, ok := err.(*argerr.Error); ok {
			// Parse counted the two lines added in front.
			ae.Problem = reLineNo.ReplaceAllStringFunc(ae.Problem, func(s string) string {
				n, _ := strconv.Atoi(s[len("WebVTT line ") : len(s)-1])
				return "SRT line " + strconv.Itoa(max(n-2, 1)) + ":"
			})
			return "", nil, ae
		}
		return "", nil, err
	}
	return Format(cues), cues, nil
}

var reLineNo = regexp.MustCompile(`^WebVTT line \d+:`)
