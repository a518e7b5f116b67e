package webvtt

import (
	"errors"
	"reflect"
	"regexp"
	"testing"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// FuzzParse: any text either parses into cues that survive a Format round
// trip unchanged, or fails with an *argerr.Error pointing at a line of the
// input; it never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHello\n",
		"\uFEFFWEBVTT - title\r\n\r\nintro\r\n00:01.000 --> 00:02.500 align:start position:10%\r\nA\r\nB\r\n",
		"WEBVTT\n\nNOTE a note\n\n1\n00:00:00.000 --> 00:00:01.000\nx\n\n2\n00:00:01.000 --> 00:00:02.000\ny\n",
		"WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n",
		"1\n00:00:01,000 --> 00:00:02,000\nan SRT file\n",
		"WEBVTT\n\n0:00:01.000 --> 0:00:02.000\none-digit hours\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cues, err := Parse(text)
		if err != nil {
			var e *argerr.Error
			if !errors.As(err, &e) || !reLineProblem.MatchString(e.Problem) || e.Fix == "" {
				t.Fatalf("Parse error %#v is not an *argerr.Error with a line, a problem and a fix", err)
			}
			return
		}
		if len(cues) == 0 {
			t.Fatal("Parse succeeded with no cues")
		}
		again, err := Parse(Format(cues))
		if err != nil {
			t.Fatalf("Format output does not parse: %v\n%s", err, Format(cues))
		}
		if !reflect.DeepEqual(again, cues) {
			t.Fatalf("round trip changed the cues:\n%+v\n%+v", cues, again)
		}
	})
}

// reLineProblem is a Problem that points at a line and says what is wrong.
var reLineProblem = regexp.MustCompile(`^WebVTT line [1-9][0-9]*: .`)
