package timerange

import (
	"errors"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// FuzzParse: whatever an agent sends as from/to, Parse returns either a
// range that runs forwards with matching UNIX seconds, or an *argerr.Error naming
// `from` or `to`; it never panics.
func FuzzParse(f *testing.F) {
	for _, s := range [][2]string{
		{"10/09/2024", "12/09/2024"}, {"2024-09-10", ""}, {"last 7 days", ""}, {"yesterday", "now"},
		{"1725926400", "1726185599"}, {"2024-09-10T08:00:00+07:00", "now"}, {"last 3 hours", ""},
		{"31/02/2024", ""}, {"today", ""}, {"-1", "99999999999999999999"}, {"last 0 days", ""},
	} {
		f.Add(s[0], s[1])
	}
	now := time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		r, err := Parse(from, to, now, nil)
		if err != nil {
			var e *argerr.Error
			if !errors.As(err, &e) || (e.Arg != "from" && e.Arg != "to") {
				t.Fatalf("Parse(%q, %q) error %v is not an *argerr.Error naming from or to", from, to, err)
			}
			return
		}
		if r.To.Before(r.From) || r.FromUnix > r.ToUnix {
			t.Fatalf("Parse(%q, %q) runs backwards: %+v", from, to, r)
		}
		if r.FromUnix != r.From.Unix() || r.ToUnix != r.To.Unix() {
			t.Fatalf("Parse(%q, %q) UNIX seconds disagree with the times: %+v", from, to, r)
		}
		if r.Note == "" {
			t.Fatalf("Parse(%q, %q) reports no conversion", from, to)
		}
	})
}
