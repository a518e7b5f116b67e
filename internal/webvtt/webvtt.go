// Package webvtt validates WebVTT text and BCP 47 language tags for chapters
// and subtitles.
//
// Parse checks a WebVTT file the way a strict player or upload endpoint would
// and reports the first problem with its line number and a fix; Format writes
// cues back out as a valid file; ValidLanguage checks that a language tag is a
// well-formed BCP 47 (RFC 5646) tag.
package webvtt

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// Cue is one timed block of a WebVTT file.
type Cue struct {
	Start, End time.Duration
	Text       string // one or more lines joined by "\n"
	ID         string // optional cue identifier
	// Settings is the optional cue-settings list after the end time, as
	// written ("align:start position:10%"); Format writes it back.
	Settings string
}

// lineErr is a problem on line (1-based) of a WebVTT file, with its fix.
// The Problem starts "WebVTT line N: "; no argument is named, since the text
// may come from a file or from an argument (see argerr.Named).
func lineErr(line int, problem, fix string) *argerr.Error {
	return &argerr.Error{Problem: fmt.Sprintf("WebVTT line %d: %s", line, problem), Fix: fix}
}

const cueExample = `"00:00:01.000 --> 00:00:04.000" on one line, then the cue text on the next`

var (
	reTimestamp = regexp.MustCompile(`^(?:(\d{2,}):)?(\d{2}):(\d{2})\.(\d{3})$`)
	reOneDigitH = regexp.MustCompile(`^(\d):(\d{2}):(\d{2})\.(\d{3})$`)
	reNoMillis  = regexp.MustCompile(`^(?:\d+:)?\d{1,2}:\d{1,2}$`)
	reSRTTiming = regexp.MustCompile(`^\d+:\d{2}:\d{2},\d{3}\s*-->`)
	reDigits    = regexp.MustCompile(`^\d+$`)
)

// cueSettings are the setting names WebVTT defines.
var cueSettings = map[string]bool{"vertical": true, "line": true, "position": true, "size": true, "align": true, "region": true}

// Parse checks a WebVTT file and returns its cues. The first line must be
// "WEBVTT", optionally followed by a space or tab and any text (a leading BOM
// is allowed); header lines and NOTE, STYLE and REGION blocks are accepted and
// dropped. Each cue is an optional identifier line, a timing line
// "hh:mm:ss.ttt --> hh:mm:ss.ttt" (or "mm:ss.ttt", optionally followed by cue
// settings) and at least one line of text. End times must be after start times,
// start times must not decrease, and there must be at least one cue. Line
// endings may be LF, CRLF or CR. Errors are *argerr.Error (see lineErr).
func Parse(text string) ([]Cue, error) {
	text = strings.TrimPrefix(text, "\uFEFF")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	fail := func(line int, problem, fix string) ([]Cue, error) {
		return nil, lineErr(line, problem, fix)
	}

	if strings.TrimSpace(text) == "" {
		return fail(1, "the text is empty", `start with a line "WEBVTT", then a blank line, then cues: `+cueExample)
	}
	if err := checkHeader(lines); err != nil {
		return nil, err
	}

	// Header block: everything up to the first blank line.
	i := 1
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		if strings.Contains(lines[i], "-->") {
			return fail(i+1, "a cue starts directly under the header", "put a blank line between the WEBVTT header and the first cue")
		}
	}

	var cues []Cue
	for i < len(lines) {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		start := i // index of the block's first line
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			i++
		}
		block := lines[start:i]
		ln := func(k int) int { return start + k + 1 } // line number of block[k]

		// A block whose first or second line has "-->" is a cue, even if its
		// identifier happens to start with NOTE (as in browsers' parsers).
		isCue := strings.Contains(block[0], "-->") || len(block) > 1 && strings.Contains(block[1], "-->")
		if kw := keyword(block[0]); kw != "" && !isCue {
			for k, l := range block {
				if strings.Contains(l, "-->") {
					return fail(ln(k), fmt.Sprintf("a %s block cannot contain \"-->\"", kw), fmt.Sprintf("put a blank line between the %s block and the next cue", kw))
				}
			}
			if kw != "NOTE" && len(cues) > 0 {
				return fail(ln(0), fmt.Sprintf("a %s block after the first cue", kw), fmt.Sprintf("move the %s block above the first cue", kw))
			}
			continue
		}

		var c Cue
		t := 0 // index of the timing line in block
		switch {
		case strings.Contains(block[0], "-->"):
		case len(block) > 1 && strings.Contains(block[1], "-->"):
			c.ID, t = strings.TrimSpace(block[0]), 1 // as Format writes it
		default:
			return fail(ln(0), fmt.Sprintf("%q is not a cue timing line", clip(block[0])),
				"each cue needs "+cueExample+" (an identifier line may come before the timing line); separate cues with a blank line")
		}
		if err := parseTiming(block[t], ln(t), &c); err != nil {
			return nil, err
		}
		if c.End <= c.Start {
			return fail(ln(t), fmt.Sprintf("the cue ends at %s, which is not after its start %s", stamp(c.End), stamp(c.Start)),
				"make the end time later than the start time")
		}
		if n := len(cues); n > 0 && c.Start < cues[n-1].Start {
			return fail(ln(t), fmt.Sprintf("the cue starts at %s, before the previous cue's start %s", stamp(c.Start), stamp(cues[n-1].Start)),
				"order the cues by start time")
		}
		textLines := block[t+1:]
		if len(textLines) == 0 {
			return fail(ln(t), fmt.Sprintf("the cue at %s has no text", stamp(c.Start)),
				"add at least one line of text under the timing line, or remove the cue")
		}
		for k, l := range textLines {
			if strings.Contains(l, "-->") {
				return fail(ln(t+1+k), fmt.Sprintf("%q inside the text of the cue at %s", clip(l), stamp(c.Start)),
					"put a blank line before each cue's timing line (cue text cannot contain \"-->\"; write \"--&gt;\" for a literal arrow)")
			}
		}
		c.Text = strings.Join(textLines, "\n")
		cues = append(cues, c)
	}
	if len(cues) == 0 {
		return fail(len(lines), "the file has no cues", "add at least one cue after the header and a blank line: "+cueExample)
	}
	return cues, nil
}

func checkHeader(lines []string) error {
	first := lines[0]
	if first == "WEBVTT" || strings.HasPrefix(first, "WEBVTT ") || strings.HasPrefix(first, "WEBVTT\t") {
		return nil
	}
	var problem string
	fix := `make the first line exactly "WEBVTT" (optionally followed by a space and a title), then a blank line`
	trimmed := strings.TrimSpace(first)
	switch {
	case strings.HasPrefix(first, "WEBVTT"):
		problem = fmt.Sprintf("%q has text straight after WEBVTT", clip(first))
		fix = "separate it from WEBVTT with a space or tab, or remove it"
	case strings.EqualFold(trimmed, "WEBVTT") || strings.HasPrefix(strings.ToUpper(trimmed), "WEBVTT "):
		problem = fmt.Sprintf("the header %q must be exactly upper-case WEBVTT at the very start of the line", clip(first))
	case len(lines) > 1 && reDigits.MatchString(trimmed) && reSRTTiming.MatchString(strings.TrimSpace(lines[1])):
		problem = "this looks like SRT, not WebVTT"
		fix = `convert it: add a "WEBVTT" line and a blank line at the top, and write milliseconds with a dot (00:00:01.000), not a comma`
	case strings.Contains(first, "-->"):
		problem = "the file starts with a cue but has no WEBVTT header"
		fix = `add a line "WEBVTT" and a blank line before the first cue`
	default:
		problem = fmt.Sprintf("the file must start with WEBVTT, not %q", clip(first))
	}
	return lineErr(1, problem, fix)
}

// keyword returns "NOTE", "STYLE" or "REGION" when line starts such a block.
func keyword(line string) string {
	for _, kw := range []string{"NOTE", "STYLE", "REGION"} {
		if line == kw || strings.HasPrefix(line, kw+" ") || strings.HasPrefix(line, kw+"\t") {
			return kw
		}
	}
	return ""
}

func parseTiming(line string, ln int, c *Cue) error {
	fail := func(problem, fix string) error { return lineErr(ln, problem, fix) }
	left, right, _ := strings.Cut(line, "-->")
	if !strings.HasSuffix(left, " ") && !strings.HasSuffix(left, "\t") ||
		!strings.HasPrefix(right, " ") && !strings.HasPrefix(right, "\t") {
		return fail(fmt.Sprintf("%q needs a space on both sides of \"-->\"", clip(line)), "write it like 00:00:01.000 --> 00:00:04.000")
	}
	startText := strings.TrimSpace(left)
	rest := strings.TrimLeft(right, " \t")
	endText, settings := rest, ""
	if k := strings.IndexAny(rest, " \t"); k >= 0 {
		endText, settings = rest[:k], strings.TrimSpace(rest[k:])
	}
	var err error
	if c.Start, err = parseStamp(startText, "start", ln); err != nil {
		return err
	}
	if c.End, err = parseStamp(endText, "end", ln); err != nil {
		return err
	}
	for _, s := range strings.Fields(settings) {
		name, value, ok := strings.Cut(s, ":")
		if !ok || value == "" || !cueSettings[name] {
			return fail(fmt.Sprintf("%q after the end time is not a cue setting", clip(s)),
				"remove it, or use settings like align:start, line:90%, position:50%, size:80%, vertical:rl or region:id separated by spaces")
		}
	}
	c.Settings = strings.Join(strings.Fields(settings), " ")
	return nil
}

func parseStamp(s, which string, ln int) (time.Duration, error) {
	fail := func(problem, fix string) (time.Duration, error) {
		return 0, lineErr(ln, problem, fix)
	}
	const form = "use hh:mm:ss.ttt or mm:ss.ttt, e.g. 00:01:02.500 or 01:02.500"
	if m := reTimestamp.FindStringSubmatch(s); m != nil {
		var h int64
		if m[1] != "" {
			if len(m[1]) > 6 {
				return fail(fmt.Sprintf("the %s time %q has too many hours", which, s), form)
			}
			h, _ = strconv.ParseInt(m[1], 10, 64)
		}
		mi, _ := strconv.ParseInt(m[2], 10, 64)
		sec, _ := strconv.ParseInt(m[3], 10, 64)
		ms, _ := strconv.ParseInt(m[4], 10, 64)
		if mi > 59 || sec > 59 {
			return fail(fmt.Sprintf("the %s time %q has minutes or seconds above 59", which, s), "carry them into the next unit: "+form)
		}
		return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ms)*time.Millisecond, nil
	}
	switch {
	case s == "":
		return fail(fmt.Sprintf("the %s time is missing", which), form)
	case strings.Contains(s, ","):
		return fail(fmt.Sprintf("the %s time %q uses a comma", which, s), "write a dot before the milliseconds, as in 00:00:01.000 (a comma is SRT style)")
	case reOneDigitH.MatchString(s):
		return fail(fmt.Sprintf("the %s time %q has a one-digit hour", which, s), "write hours with two digits, as in 0"+s)
	case reNoMillis.MatchString(s):
		return fail(fmt.Sprintf("the %s time %q has no milliseconds", which, s), "add a dot and three digits, as in "+s+".000 — "+form)
	}
	return fail(fmt.Sprintf("the %s time %q is not a WebVTT timestamp", which, clip(s)), form+" (two-digit minutes and seconds, three-digit milliseconds)")
}

// clip shortens long input for messages.
func clip(s string) string {
	const max = 60
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// stamp formats a duration as a WebVTT timestamp hh:mm:ss.ttt; negative
// durations are written as zero.
func stamp(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	ms := int64(d / time.Millisecond)
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}

// Format serialises cues as a WebVTT file: "WEBVTT", a blank line, then each
// cue (identifier line if ID is set, "hh:mm:ss.ttt --> hh:mm:ss.ttt" plus any
// Settings, then the text) separated by blank lines, ending with a newline.
// Times are truncated to milliseconds and negative times written as zero. So
// the output always parses back into the same cues, line breaks in ID and
// Settings become spaces, blank lines inside Text are dropped and "-->" in
// Text is written as "--&gt;" (which renders as "-->"). Format does not sort
// or check the cues; Parse(Format(cues)) reports empty texts, end times not
// after start times and out-of-order cues.
func Format(cues []Cue) string {
	var b strings.Builder
	b.WriteString("WEBVTT\n")
	for _, c := range cues {
		b.WriteString("\n")
		if id := strings.TrimSpace(newlines.Replace(c.ID)); id != "" {
			b.WriteString(strings.ReplaceAll(id, "-->", "->"))
			b.WriteString("\n")
		}
		b.WriteString(stamp(c.Start))
		b.WriteString(" --> ")
		b.WriteString(stamp(c.End))
		if s := oneLine(c.Settings); s != "" {
			b.WriteString(" ")
			b.WriteString(strings.ReplaceAll(s, "-->", "->"))
		}
		b.WriteString("\n")
		text := strings.ReplaceAll(strings.ReplaceAll(c.Text, "\r\n", "\n"), "\r", "\n")
		for _, l := range strings.Split(text, "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			b.WriteString(strings.ReplaceAll(l, "-->", "--&gt;"))
			b.WriteString("\n")
		}
	}
	return b.String()
}

var newlines = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
