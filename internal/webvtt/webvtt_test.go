package webvtt

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Cue
	}{
		{"minimal", "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHello\n",
			[]Cue{{Start: ms(1000), End: ms(4000), Text: "Hello"}}},
		{"no trailing newline", "WEBVTT\n\n00:01.000 --> 00:04.000\nHello",
			[]Cue{{Start: ms(1000), End: ms(4000), Text: "Hello"}}},
		{"short mm:ss.ttt form", "WEBVTT\n\n01:02.500 --> 59:59.999\nx\n",
			[]Cue{{Start: ms(62500), End: ms(3599999), Text: "x"}}},
		{"long hours", "WEBVTT\n\n100:00:00.000 --> 100:00:01.000\nx\n",
			[]Cue{{Start: 100 * time.Hour, End: 100*time.Hour + time.Second, Text: "x"}}},
		{"header with title", "WEBVTT - Chapters of the talk\n\n00:00.000 --> 00:10.000\nIntro\n",
			[]Cue{{End: ms(10000), Text: "Intro"}}},
		{"header with tab", "WEBVTT\tx\n\n00:00.000 --> 00:10.000\nIntro\n",
			[]Cue{{End: ms(10000), Text: "Intro"}}},
		{"BOM", "\uFEFFWEBVTT\n\n00:00.000 --> 00:01.000\na\n",
			[]Cue{{End: ms(1000), Text: "a"}}},
		{"CRLF", "WEBVTT\r\n\r\n1\r\n00:00.000 --> 00:01.000\r\nline one\r\nline two\r\n",
			[]Cue{{ID: "1", End: ms(1000), Text: "line one\nline two"}}},
		{"CR only", "WEBVTT\r\r00:00.000 --> 00:01.000\ra\r",
			[]Cue{{End: ms(1000), Text: "a"}}},
		{"header metadata lines", "WEBVTT\nKind: captions\nLanguage: en\n\n00:00.000 --> 00:01.000\na\n",
			[]Cue{{End: ms(1000), Text: "a"}}},
		{"ids, settings, multi-line text, several cues",
			"WEBVTT\n\nintro\n00:00:00.000 --> 00:00:05.000 align:start position:10%\nWelcome\n<i>to</i> the show\n\n\n\nchapter-2\n00:00:05.000 --> 00:01:00.000\tline:90% size:50%\nPart two\n\n00:00:05.000 --> 00:00:06.000\nSame start is fine\n",
			[]Cue{
				{ID: "intro", Start: 0, End: ms(5000), Text: "Welcome\n<i>to</i> the show", Settings: "align:start position:10%"},
				{ID: "chapter-2", Start: ms(5000), End: ms(60000), Text: "Part two", Settings: "line:90% size:50%"},
				{Start: ms(5000), End: ms(6000), Text: "Same start is fine"},
			}},
		{"tabs around arrow", "WEBVTT\n\n00:00.000\t-->\t00:01.000\na\n",
			[]Cue{{End: ms(1000), Text: "a"}}},
		{"NOTE, STYLE and REGION blocks", "WEBVTT\n\nSTYLE\n::cue { color: yellow }\n\nREGION\nid:fred width:40%\n\nNOTE a comment\nover two lines\n\n00:00.000 --> 00:01.000 region:fred\na\n\nNOTE\nanother comment\n\n00:02.000 --> 00:03.000\nb\n",
			[]Cue{{End: ms(1000), Text: "a", Settings: "region:fred"}, {Start: ms(2000), End: ms(3000), Text: "b"}}},
		{"identifier that starts with NOTE", "WEBVTT\n\nNOTE 1\n00:00.000 --> 00:01.000\na\n",
			[]Cue{{ID: "NOTE 1", End: ms(1000), Text: "a"}}},
		{"overlapping cues are allowed", "WEBVTT\n\n00:00.000 --> 00:10.000\na\n\n00:01.000 --> 00:02.000\nb\n",
			[]Cue{{End: ms(10000), Text: "a"}, {Start: ms(1000), End: ms(2000), Text: "b"}}},
		{"escaped arrow in text", "WEBVTT\n\n00:00.000 --> 00:01.000\na --&gt; b\n",
			[]Cue{{End: ms(1000), Text: "a --&gt; b"}}},
		{"trailing whitespace after end time", "WEBVTT\n\n00:00.000 --> 00:01.000   \na\n",
			[]Cue{{End: ms(1000), Text: "a"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse =\n  %+v\nwant\n  %+v", got, tc.want)
			}
			// Format writes something that parses back to the same cues.
			again, err := Parse(Format(got))
			if err != nil {
				t.Fatalf("Parse(Format(...)): %v\n%s", err, Format(got))
			}
			if !reflect.DeepEqual(again, got) {
				t.Errorf("round trip =\n  %+v\nwant\n  %+v", again, got)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		want []string // substrings of the message
	}{
		{"empty", "", 1, []string{"the text is empty", `start with a line "WEBVTT"`}},
		{"only spaces", "  \n\n", 1, []string{"the text is empty"}},
		{"no header", "00:00.000 --> 00:01.000\na\n", 1, []string{"no WEBVTT header", `add a line "WEBVTT"`}},
		{"wrong header", "WEBVT\n\n00:00.000 --> 00:01.000\na\n", 1, []string{`must start with WEBVTT, not "WEBVT"`}},
		{"lower-case header", "webvtt\n\n00:00.000 --> 00:01.000\na\n", 1, []string{"exactly upper-case WEBVTT"}},
		{"indented header", " WEBVTT\n\n00:00.000 --> 00:01.000\na\n", 1, []string{"at the very start of the line"}},
		{"text glued to header", "WEBVTTfoo\n\n00:00.000 --> 00:01.000\na\n", 1, []string{`"WEBVTTfoo" has text straight after WEBVTT`, "space or tab"}},
		{"SRT file", "1\n00:00:01,000 --> 00:00:04,000\nHello\n", 1, []string{"looks like SRT", "dot"}},
		{"cue right under header", "WEBVTT\n00:00.000 --> 00:01.000\na\n", 2, []string{"directly under the header", "blank line"}},
		{"no cues", "WEBVTT\n\n", 3, []string{"has no cues", "00:00:01.000 --> 00:00:04.000"}},
		{"only a note", "WEBVTT\n\nNOTE nothing here\n", 4, []string{"has no cues"}},
		{"comma milliseconds", "WEBVTT\n\n00:00:01,000 --> 00:00:04.000\na\n", 3, []string{`start time "00:00:01,000" uses a comma`, "dot"}},
		{"comma in end", "WEBVTT\n\n00:00:01.000 --> 00:00:04,000\na\n", 3, []string{`end time "00:00:04,000" uses a comma`}},
		{"one-digit hour", "WEBVTT\n\n0:00:01.000 --> 0:00:04.000\na\n", 3, []string{"one-digit hour", "00:00:01.000"}},
		{"no milliseconds", "WEBVTT\n\n00:00:01 --> 00:00:04\na\n", 3, []string{"no milliseconds", "00:00:01.000"}},
		{"two-digit millis", "WEBVTT\n\n00:01.00 --> 00:04.000\na\n", 3, []string{`start time "00:01.00" is not a WebVTT timestamp`}},
		{"one-digit minute", "WEBVTT\n\n0:01.000 --> 00:04.000\na\n", 3, []string{"not a WebVTT timestamp"}},
		{"seconds over 59", "WEBVTT\n\n00:00:60.000 --> 00:01:04.000\na\n", 3, []string{"above 59"}},
		{"minutes over 59", "WEBVTT\n\n00:00.000 --> 00:60:00.000\na\n", 3, []string{"end time", "above 59"}},
		{"too many hours", "WEBVTT\n\n00:00.000 --> 1234567:00:00.000\na\n", 3, []string{"too many hours"}},
		{"missing end", "WEBVTT\n\n00:00.000 --> \na\n", 3, []string{"end time is missing"}},
		{"no space before arrow", "WEBVTT\n\n00:00.000--> 00:01.000\na\n", 3, []string{`needs a space on both sides of "-->"`}},
		{"no space after arrow", "WEBVTT\n\n00:00.000 -->00:01.000\na\n", 3, []string{"space on both sides"}},
		{"bad setting", "WEBVTT\n\n00:00.000 --> 00:01.000 color:red\na\n", 3, []string{`"color:red" after the end time is not a cue setting`, "align:start"}},
		{"setting without value", "WEBVTT\n\n00:00.000 --> 00:01.000 align:\na\n", 3, []string{"not a cue setting"}},
		{"junk after end", "WEBVTT\n\n00:00.000 --> 00:01.000 hello\na\n", 3, []string{`"hello" after the end time`}},
		{"end equals start", "WEBVTT\n\n00:01.000 --> 00:01.000\na\n", 3, []string{"ends at 00:00:01.000, which is not after its start 00:00:01.000"}},
		{"end before start", "WEBVTT\n\n00:05.000 --> 00:01.000\na\n", 3, []string{"not after its start", "later than the start"}},
		{"out of order", "WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n1\n00:01.000 --> 00:02.000\nb\n", 7, []string{"starts at 00:00:01.000, before the previous cue's start 00:00:05.000", "order the cues"}},
		{"cue without text", "WEBVTT\n\n00:00.000 --> 00:01.000\n\n00:02.000 --> 00:03.000\nb\n", 3, []string{"has no text"}},
		{"cue without text at end", "WEBVTT\n\n00:00.000 --> 00:01.000\na\n\nid\n00:02.000 --> 00:03.000", 7, []string{"cue at 00:00:02.000 has no text"}},
		{"missing blank line between cues", "WEBVTT\n\n00:00.000 --> 00:01.000\na\n00:02.000 --> 00:03.000\nb\n", 5, []string{"inside the text of the cue at 00:00:00.000", "blank line before each cue"}},
		{"text without timing", "WEBVTT\n\nHello there\n", 3, []string{`"Hello there" is not a cue timing line`, "00:00:01.000 --> 00:00:04.000"}},
		{"two id lines", "WEBVTT\n\nid1\nid2\n00:00.000 --> 00:01.000\na\n", 3, []string{`"id1" is not a cue timing line`}},
		{"bare timestamp", "WEBVTT\n\n00:00.000\na\n", 3, []string{"not a cue timing line"}},
		{"note with arrow", "WEBVTT\n\nNOTE this\nis\n00:00.000 --> 00:01.000\na\n", 5, []string{`a NOTE block cannot contain "-->"`}},
		{"style after cue", "WEBVTT\n\n00:00.000 --> 00:01.000\na\n\nSTYLE\n::cue {}\n", 6, []string{"STYLE block after the first cue", "above the first cue"}},
		{"region after cue", "WEBVTT\n\n00:00.000 --> 00:01.000\na\n\nREGION\nid:x\n", 6, []string{"REGION block after the first cue"}},
		{"CRLF line numbers", "WEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\na\r\n\r\n00:00.500 --> 00:00.400\r\nb\r\n", 6, []string{"not after its start"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cues, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse = %+v, want error", cues)
			}
			var e *argerr.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *argerr.Error: %v", err, err)
			}
			if want := fmt.Sprintf("WebVTT line %d: ", tc.line); !strings.HasPrefix(e.Problem, want) || len(e.Problem) == len(want) {
				t.Errorf("Problem = %q, want it to start with %q and say more", e.Problem, want)
			}
			if e.Fix == "" || e.Arg != "" {
				t.Errorf("missing fix, or an argument named by the parser: %+v", e)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message\n  %s\nlacks\n  %s", msg, w)
				}
			}
		})
	}
}

func TestFormat(t *testing.T) {
	got := Format([]Cue{
		{ID: "intro", Start: 0, End: 5 * time.Second, Text: "Welcome"},
		{Start: 61*time.Second + 500*time.Millisecond, End: 2*time.Hour + 3*time.Minute + 4*time.Second + 5*time.Millisecond, Text: "two\nlines", Settings: "align:start"},
	})
	want := "WEBVTT\n\nintro\n00:00:00.000 --> 00:00:05.000\nWelcome\n\n00:01:01.500 --> 02:03:04.005 align:start\ntwo\nlines\n"
	if got != want {
		t.Errorf("Format =\n%q\nwant\n%q", got, want)
	}

	t.Run("sanitises", func(t *testing.T) {
		in := []Cue{{
			ID:       "a --> b\nc",
			Start:    -time.Second,
			End:      1500*time.Millisecond + 999*time.Microsecond,
			Text:     "first\r\n\r\n  \nx --> y\rlast",
			Settings: "align:start\nline:0",
		}}
		out := Format(in)
		want := "WEBVTT\n\na -> b c\n00:00:00.000 --> 00:00:01.500 align:start line:0\nfirst\nx --&gt; y\nlast\n"
		if out != want {
			t.Errorf("Format =\n%q\nwant\n%q", out, want)
		}
		cues, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Format): %v", err)
		}
		if cues[0].Text != "first\nx --&gt; y\nlast" || cues[0].ID != "a -> b c" {
			t.Errorf("reparsed %+v", cues[0])
		}
	})

	t.Run("empty", func(t *testing.T) {
		if got := Format(nil); got != "WEBVTT\n" {
			t.Errorf("Format(nil) = %q", got)
		}
	})
}

func TestValidLanguage(t *testing.T) {
	valid := []string{
		"en", "vi", "en-US", "fr-CA", "zh-Hans-CN", "EN-us", "zh-hant", "es-419", "pt-BR",
		"yue", "fil", "zh-yue", "zh-min-nan", "sr-Latn-RS", "de-CH-1901", "sl-rozaj-biske",
		"hy-Latn-IT-arevela", "en-US-u-ca-gregory", "en-a-bbb-x-a-ccc", "de-DE-u-co-phonebk",
		"x-whatever", "X-private-tag", "qaa-Qaaa-QM-x-southern", "i-klingon", "en-GB-oed",
		"art-lojban", "sgn-BE-FR", "en-x-1", "ar-001",
	}
	for _, tag := range valid {
		if err := ValidLanguage(tag); err != nil {
			t.Errorf("ValidLanguage(%q) = %v, want nil", tag, err)
		}
	}

	invalid := []struct {
		tag  string
		want string
	}{
		{"", "language tag is empty"},
		{"english", `"english" is a language name; use its code "en"`},
		{"English", `use its code "en"`},
		{"vietnamese", `that is a language name; use its code "vi"`},
		{"klingonese", "longer than 8 characters"},
		{"abcd", "has 4 letters; use a 2- or 3-letter ISO 639 code"},
		{"abcdefgh", "has 8 letters"},
		{"en_US", "use hyphens, not underscores (en-US)"},
		{"e", `"e" is too short`},
		{"en-", "empty subtag"},
		{"-en", "empty subtag"},
		{"en--US", "empty subtag"},
		{"123", `language subtag "123" must be letters`},
		{"1en", "must be letters"},
		{"en US", "contains spaces"},
		{" en", "contains spaces"},
		{"en.US", `subtag "en.us" may contain only letters`},
		{"fr-ÇA", "may contain only letters"},
		{"en-US-Latn", `subtag "latn" is out of place`},
		{"en-US-US", `subtag "us" is out of place`},
		{"en-Latn-Latn", `"latn" is out of place`},
		{"en-1234a-toolongvariant", "longer than 8"},
		{"en-a", `extension "a" needs at least one subtag`},
		{"en-a-b", `extension "a" needs at least one subtag`},
		{"en-x", `private use "x" needs at least one subtag`},
		{"x", `private use "x" needs at least one subtag`},
		{"i-foo", `"i" is too short`},
		{"en-12", `"12" is out of place`},
		{"en-US-x-toolongsubtag", "longer than 8"},
	}
	for _, tc := range invalid {
		err := ValidLanguage(tc.tag)
		if err == nil {
			t.Errorf("ValidLanguage(%q) = nil, want error", tc.tag)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("ValidLanguage(%q) = %q, want it to contain %q", tc.tag, msg, tc.want)
		}
		if tc.tag != "" && !strings.Contains(msg, `"`+tc.tag+`"`) {
			t.Errorf("ValidLanguage(%q) = %q does not name the tag", tc.tag, msg)
		}
		if !strings.Contains(msg, "en, vi, en-US, fr-CA or zh-Hans-CN") {
			t.Errorf("ValidLanguage(%q) = %q gives no examples", tc.tag, msg)
		}
	}
}
