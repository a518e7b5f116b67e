package timerange

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // DST-free named zones regardless of the host's zoneinfo

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// now is Tuesday 10 September 2024, 08:00:00 UTC.
var now = time.Date(2024, 9, 10, 8, 0, 0, 0, time.UTC)

func utc(y int, mo time.Month, d, h, mi, s int) int64 {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC).Unix()
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestParse(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600) // Vietnam: UTC+7, no DST
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	tokyo := mustLoad(t, "Asia/Tokyo")
	minus3 := time.FixedZone("", -3*3600)

	tests := []struct {
		name     string
		from, to string
		loc      *time.Location
		wantFrom int64
		wantTo   int64
		note     string // exact Note when set
		noteHas  []string
	}{
		{name: "dd/mm/yyyy both, spec example", from: "10/09/2024", to: "12/09/2024",
			wantFrom: 1725926400, wantTo: 1726185599,
			note: "from 10/09/2024 → 1725926400 (2024-09-10 00:00:00 UTC); to 12/09/2024 → 1726185599 (2024-09-12 23:59:59 UTC)"},
		{name: "dd/mm/yyyy is day first", from: "03/04/2025", to: "03/04/2025",
			wantFrom: utc(2025, 4, 3, 0, 0, 0), wantTo: utc(2025, 4, 3, 23, 59, 59)},
		{name: "dd/mm/yyyy leap day", from: "29/02/2024", to: "01/03/2024",
			wantFrom: utc(2024, 2, 29, 0, 0, 0), wantTo: utc(2024, 3, 1, 23, 59, 59)},
		{name: "dd/mm/yyyy nil loc is UTC", from: "01/01/2024", to: "31/12/2024", loc: nil,
			wantFrom: utc(2024, 1, 1, 0, 0, 0), wantTo: utc(2024, 12, 31, 23, 59, 59)},
		{name: "yyyy-mm-dd", from: "2024-09-10", to: "2024-09-12",
			wantFrom: 1725926400, wantTo: 1726185599},
		{name: "yyyy-mm-dd same day is whole day", from: "2024-09-10", to: "2024-09-10",
			wantFrom: 1725926400, wantTo: 1725926400 + 86399},
		{name: "RFC 3339 Z", from: "2024-09-10T08:00:00Z", to: "2024-09-10T09:30:15Z",
			wantFrom: utc(2024, 9, 10, 8, 0, 0), wantTo: utc(2024, 9, 10, 9, 30, 15)},
		{name: "RFC 3339 lower-case t and z", from: "2024-09-10t08:00:00z", to: "2024-09-10t09:00:00z",
			wantFrom: utc(2024, 9, 10, 8, 0, 0), wantTo: utc(2024, 9, 10, 9, 0, 0)},
		{name: "RFC 3339 offset", from: "2024-09-10T08:00:00+07:00", to: "2024-09-10T08:00:00-03:00",
			wantFrom: utc(2024, 9, 10, 1, 0, 0), wantTo: utc(2024, 9, 10, 11, 0, 0)},
		{name: "ISO 8601 without seconds", from: "2024-09-10T08:00Z", to: "2024-09-10T10:15+02:00",
			wantFrom: utc(2024, 9, 10, 8, 0, 0), wantTo: utc(2024, 9, 10, 8, 15, 0)},
		{name: "ISO 8601 basic offset and fraction", from: "2024-09-10T08:00:00.750+0700", to: "2024-09-10T08:00:00.999Z",
			wantFrom: utc(2024, 9, 10, 1, 0, 0), wantTo: utc(2024, 9, 10, 8, 0, 0)},
		{name: "ISO 8601 hour-only offset", from: "2024-09-10T08:00:00+07", to: "2024-09-10T08:00:00Z",
			wantFrom: utc(2024, 9, 10, 1, 0, 0), wantTo: utc(2024, 9, 10, 8, 0, 0)},
		{name: "ISO 8601 space separator", from: "2024-09-10 08:00:00Z", to: "2024-09-10 09:00Z",
			wantFrom: utc(2024, 9, 10, 8, 0, 0), wantTo: utc(2024, 9, 10, 9, 0, 0)},
		{name: "ISO 8601 without zone is read in loc", from: "2024-09-10T08:00:00", to: "2024-09-10T09:00", loc: ict,
			wantFrom: utc(2024, 9, 10, 1, 0, 0), wantTo: utc(2024, 9, 10, 2, 0, 0)},
		{name: "UNIX seconds", from: "1725926400", to: "1726185599",
			wantFrom: 1725926400, wantTo: 1726185599,
			note: "from 1725926400 → 1725926400 (2024-09-10 00:00:00 UTC); to 1726185599 → 1726185599 (2024-09-12 23:59:59 UTC)"},
		{name: "UNIX zero", from: "0", to: "1",
			wantFrom: 0, wantTo: 1},
		{name: "now both", from: "now", to: "NOW",
			wantFrom: now.Unix(), wantTo: now.Unix()},
		{name: "to empty means now", from: "01/09/2024", to: "",
			wantFrom: utc(2024, 9, 1, 0, 0, 0), wantTo: now.Unix(),
			noteHas: []string{"to now → 1725955200"}},
		{name: "surrounding spaces", from: "  10/09/2024 ", to: " 2024-09-12\t",
			wantFrom: 1725926400, wantTo: 1726185599},
		{name: "mixed forms", from: "10/09/2024", to: "2024-09-10T08:00:00Z",
			wantFrom: 1725926400, wantTo: utc(2024, 9, 10, 8, 0, 0)},

		// Relative ranges through Parse.
		{name: "relative from, empty to", from: "last 7 days", to: "",
			wantFrom: utc(2024, 9, 3, 8, 0, 0), wantTo: now.Unix(),
			note: "last 7 days → from 1725350400 (2024-09-03 08:00:00 UTC) to 1725955200 (2024-09-10 08:00:00 UTC)"},
		{name: "relative from with explicit to takes its start", from: "yesterday", to: "now",
			wantFrom: utc(2024, 9, 9, 0, 0, 0), wantTo: now.Unix(),
			noteHas: []string{"from yesterday (start) → 1725840000"}},
		{name: "relative to takes its end", from: "01/09/2024", to: "yesterday",
			wantFrom: utc(2024, 9, 1, 0, 0, 0), wantTo: utc(2024, 9, 9, 23, 59, 59),
			noteHas: []string{"to yesterday (end) → 1725926399"}},

		// Non-UTC locations (all without DST).
		{name: "dd/mm/yyyy in fixed ICT", from: "10/09/2024", to: "12/09/2024", loc: ict,
			wantFrom: 1725926400 - 7*3600, wantTo: 1726185599 - 7*3600,
			note: "from 10/09/2024 → 1725901200 (2024-09-10 00:00:00 ICT, 2024-09-09 17:00:00 UTC); to 12/09/2024 → 1726160399 (2024-09-12 23:59:59 ICT, 2024-09-12 16:59:59 UTC)"},
		{name: "yyyy-mm-dd in Asia/Ho_Chi_Minh", from: "2024-09-10", to: "2024-09-10", loc: hcm,
			wantFrom: 1725926400 - 7*3600, wantTo: 1725926400 - 7*3600 + 86399},
		{name: "dd/mm/yyyy in Asia/Tokyo", from: "01/01/2025", to: "02/01/2025", loc: tokyo,
			wantFrom: utc(2024, 12, 31, 15, 0, 0), wantTo: utc(2025, 1, 2, 14, 59, 59)},
		{name: "negative unnamed offset", from: "10/09/2024", to: "10/09/2024", loc: minus3,
			wantFrom: utc(2024, 9, 10, 3, 0, 0), wantTo: utc(2024, 9, 11, 2, 59, 59),
			noteHas: []string{"(2024-09-10 00:00:00 -0300, 2024-09-10 03:00:00 UTC)"}},
		{name: "UNIX seconds shown in loc", from: "1725926400", to: "1725926400", loc: ict,
			wantFrom: 1725926400, wantTo: 1725926400,
			noteHas: []string{"(2024-09-10 07:00:00 ICT, 2024-09-10 00:00:00 UTC)"}},
		{name: "relative in loc", from: "today", to: "", loc: ict,
			wantFrom: utc(2024, 9, 9, 17, 0, 0), wantTo: now.Unix()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(tc.from, tc.to, now, tc.loc)
			if err != nil {
				t.Fatalf("Parse(%q, %q): %v", tc.from, tc.to, err)
			}
			if r.FromUnix != tc.wantFrom || r.ToUnix != tc.wantTo {
				t.Errorf("Parse(%q, %q) = %d..%d, want %d..%d", tc.from, tc.to, r.FromUnix, r.ToUnix, tc.wantFrom, tc.wantTo)
			}
			if r.From.Unix() != r.FromUnix || r.To.Unix() != r.ToUnix {
				t.Errorf("times disagree with unix: %v/%d %v/%d", r.From, r.FromUnix, r.To, r.ToUnix)
			}
			wantLoc := tc.loc
			if wantLoc == nil {
				wantLoc = time.UTC
			}
			if r.From.Location() != wantLoc || r.To.Location() != wantLoc {
				t.Errorf("locations %v, %v; want %v", r.From.Location(), r.To.Location(), wantLoc)
			}
			if tc.note != "" && r.Note != tc.note {
				t.Errorf("Note =\n  %s\nwant\n  %s", r.Note, tc.note)
			}
			for _, s := range tc.noteHas {
				if !strings.Contains(r.Note, s) {
					t.Errorf("Note %q lacks %q", r.Note, s)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		arg      string
		input    string
		want     []string // substrings of the message
	}{
		{name: "spec example", from: "2024/13/01", to: "", arg: "from", input: "2024/13/01",
			want: []string{"invalid argument `from`: \"2024/13/01\" is not a date I understand; use dd/mm/yyyy (10/09/2024), yyyy-mm-dd, ISO 8601 (2024-09-10T08:00:00Z), UNIX seconds, or a range like \"last 7 days\""}},
		{name: "empty from", from: "", to: "12/09/2024", arg: "from", input: "",
			want: []string{"`from`", "is empty", "dd/mm/yyyy (10/09/2024)"}},
		{name: "blank from", from: "   ", to: "", arg: "from", input: "",
			want: []string{"is empty"}},
		{name: "garbage to", from: "10/09/2024", to: "tomorrow-ish", arg: "to", input: "tomorrow-ish",
			want: []string{"invalid argument `to`: \"tomorrow-ish\" is not a date I understand", "UNIX seconds"}},
		{name: "impossible 31/02", from: "31/02/2024", to: "", arg: "from", input: "31/02/2024",
			want: []string{"not a real date", "February 2024 has days 01 to 29"}},
		{name: "impossible 29/02 non-leap", from: "29/02/2023", to: "", arg: "from", input: "29/02/2023",
			want: []string{"February 2023 has days 01 to 28"}},
		{name: "day zero", from: "00/09/2024", to: "", arg: "from", input: "00/09/2024",
			want: []string{"not a real date", "September 2024"}},
		{name: "31 April", from: "01/04/2024", to: "31/04/2024", arg: "to", input: "31/04/2024",
			want: []string{"`to`", "April 2024 has days 01 to 30"}},
		{name: "month 13 (mm/dd confusion)", from: "09/13/2024", to: "", arg: "from", input: "09/13/2024",
			want: []string{"has month 13", "day first", "03/04/2025 is 3 April 2025", "13/09/2024"}},
		{name: "month 00", from: "10/00/2024", to: "", arg: "from", input: "10/00/2024",
			want: []string{"has month 00"}},
		{name: "unpadded dd/mm", from: "1/9/2024", to: "", arg: "from", input: "1/9/2024",
			want: []string{"two-digit day and month", "write 01/09/2024"}},
		{name: "two-digit year", from: "10/09/24", to: "", arg: "from", input: "10/09/24",
			want: []string{"not a date I understand"}},
		{name: "dashes day first", from: "10-09-2024", to: "", arg: "from", input: "10-09-2024",
			want: []string{"not a date I understand"}},
		{name: "yyyy-mm-dd bad month", from: "2024-13-01", to: "", arg: "from", input: "2024-13-01",
			want: []string{"has month 13", "01 to 12"}},
		{name: "yyyy-mm-dd bad day", from: "2024-02-30", to: "", arg: "from", input: "2024-02-30",
			want: []string{"February 2024 has days 01 to 29"}},
		{name: "bad ISO time", from: "2024-09-10T25:00:00Z", to: "", arg: "from", input: "2024-09-10T25:00:00Z",
			want: []string{"not a valid ISO 8601 date-time", "2024-09-10T08:00:00Z"}},
		{name: "bad ISO zone", from: "2024-09-10T08:00:00 UTC+7", to: "", arg: "from", input: "2024-09-10T08:00:00 UTC+7",
			want: []string{"not a valid ISO 8601 date-time"}},
		{name: "milliseconds", from: "1725926400000", to: "", arg: "from", input: "1725926400000",
			want: []string{"too large for UNIX seconds", "divide by 1000"}},
		{name: "overflow digits", from: "99999999999999999999999", to: "", arg: "from", input: "99999999999999999999999",
			want: []string{"too large"}},
		{name: "yyyymmdd ambiguity", from: "20240910", to: "", arg: "from", input: "20240910",
			want: []string{"ambiguous", "write 2024-09-10"}},
		{name: "negative unix", from: "-5", to: "", arg: "from", input: "-5",
			want: []string{"not a date I understand"}},
		{name: "relative typo", from: "last 7 dayz", to: "", arg: "from", input: "last 7 dayz",
			want: []string{"unknown unit \"dayz\"", "last 7 days"}},
		{name: "relative typo in to", from: "01/09/2024", to: "this fortnight", arg: "to", input: "this fortnight",
			want: []string{"invalid argument `to`", "not a range I understand"}},
		{name: "from after to", from: "12/09/2024", to: "10/09/2024", arg: "to", input: "10/09/2024",
			want: []string{"`to`", "\"10/09/2024\" (1726012799, 2024-09-10 23:59:59 UTC) is before `from` \"12/09/2024\" (1726099200, 2024-09-12 00:00:00 UTC)", "swap"}},
		{name: "from in future with empty to", from: "2025-01-01", to: "", arg: "to", input: "now",
			want: []string{"\"now\"", "is before `from` \"2025-01-01\""}},
		{name: "from after to by a second", from: "1725926401", to: "1725926400", arg: "to", input: "1725926400",
			want: []string{"must not be later"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(tc.from, tc.to, now, nil)
			if err == nil {
				t.Fatalf("Parse(%q, %q) = %+v, want error", tc.from, tc.to, r)
			}
			var e *argerr.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *argerr.Error: %v", err, err)
			}
			if e.Arg != tc.arg || !strings.HasPrefix(e.Problem, fmt.Sprintf("%q ", tc.input)) {
				t.Errorf("Arg, Problem = %q, %q; want %q and the quoted input %q", e.Arg, e.Problem, tc.arg, tc.input)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "invalid argument `"+tc.arg+"`: ") {
				t.Errorf("message %q does not name the argument", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message\n  %s\nlacks\n  %s", msg, w)
				}
			}
		})
	}
}

func TestParseRelative(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	tests := []struct {
		expr     string
		loc      *time.Location
		now      time.Time
		from, to int64
	}{
		{expr: "last 7 days", from: utc(2024, 9, 3, 8, 0, 0), to: now.Unix()},
		{expr: "Last  7   Days ", from: utc(2024, 9, 3, 8, 0, 0), to: now.Unix()},
		{expr: "last 7d", from: utc(2024, 9, 3, 8, 0, 0), to: now.Unix()},
		{expr: "last 1 day", from: utc(2024, 9, 9, 8, 0, 0), to: now.Unix()},
		{expr: "last day", from: utc(2024, 9, 9, 8, 0, 0), to: now.Unix()},
		{expr: "last 24 hours", from: utc(2024, 9, 9, 8, 0, 0), to: now.Unix()},
		{expr: "past 24h", from: utc(2024, 9, 9, 8, 0, 0), to: now.Unix()},
		{expr: "last hour", from: utc(2024, 9, 10, 7, 0, 0), to: now.Unix()},
		{expr: "last 30 minutes", from: utc(2024, 9, 10, 7, 30, 0), to: now.Unix()},
		{expr: "last 30 min", from: utc(2024, 9, 10, 7, 30, 0), to: now.Unix()},
		{expr: "last 90 seconds", from: utc(2024, 9, 10, 7, 58, 30), to: now.Unix()},
		{expr: "past 2 weeks", from: utc(2024, 8, 27, 8, 0, 0), to: now.Unix()},
		{expr: "past week", from: utc(2024, 9, 3, 8, 0, 0), to: now.Unix()},
		{expr: "previous 3 months", from: utc(2024, 6, 10, 8, 0, 0), to: now.Unix()},
		{expr: "last 1 year", from: utc(2023, 9, 10, 8, 0, 0), to: now.Unix()},
		{expr: "today", from: utc(2024, 9, 10, 0, 0, 0), to: now.Unix()},
		{expr: "TODAY", from: utc(2024, 9, 10, 0, 0, 0), to: now.Unix()},
		{expr: "yesterday", from: utc(2024, 9, 9, 0, 0, 0), to: utc(2024, 9, 9, 23, 59, 59)},
		{expr: "this week", from: utc(2024, 9, 9, 0, 0, 0), to: now.Unix()}, // Monday
		{expr: "last week", from: utc(2024, 9, 2, 0, 0, 0), to: utc(2024, 9, 8, 23, 59, 59)},
		{expr: "this month", from: utc(2024, 9, 1, 0, 0, 0), to: now.Unix()},
		{expr: "last month", from: utc(2024, 8, 1, 0, 0, 0), to: utc(2024, 8, 31, 23, 59, 59)},
		{expr: "previous month", from: utc(2024, 8, 1, 0, 0, 0), to: utc(2024, 8, 31, 23, 59, 59)},
		{expr: "this year", from: utc(2024, 1, 1, 0, 0, 0), to: now.Unix()},
		{expr: "last year", from: utc(2023, 1, 1, 0, 0, 0), to: utc(2023, 12, 31, 23, 59, 59)},
		// Month and year boundaries.
		{expr: "last month", now: time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC),
			from: utc(2023, 12, 1, 0, 0, 0), to: utc(2023, 12, 31, 23, 59, 59)},
		{expr: "last month", now: time.Date(2024, 3, 31, 12, 0, 0, 0, time.UTC),
			from: utc(2024, 2, 1, 0, 0, 0), to: utc(2024, 2, 29, 23, 59, 59)},
		{expr: "this week", now: time.Date(2024, 9, 15, 12, 0, 0, 0, time.UTC), // Sunday
			from: utc(2024, 9, 9, 0, 0, 0), to: utc(2024, 9, 15, 12, 0, 0)},
		{expr: "yesterday", now: time.Date(2024, 3, 1, 0, 30, 0, 0, time.UTC),
			from: utc(2024, 2, 29, 0, 0, 0), to: utc(2024, 2, 29, 23, 59, 59)},
		// In ICT it is already 15:00 on 10 September.
		{expr: "today", loc: ict, from: utc(2024, 9, 9, 17, 0, 0), to: now.Unix()},
		{expr: "yesterday", loc: ict, from: utc(2024, 9, 8, 17, 0, 0), to: utc(2024, 9, 9, 16, 59, 59)},
		{expr: "this month", loc: ict, from: utc(2024, 8, 31, 17, 0, 0), to: now.Unix()},
		// 2024-09-30 20:00 UTC is already 1 October in ICT.
		{expr: "last month", loc: ict, now: time.Date(2024, 9, 30, 20, 0, 0, 0, time.UTC),
			from: utc(2024, 8, 31, 17, 0, 0), to: utc(2024, 9, 30, 16, 59, 59)},
		{expr: "last 7 days", loc: ict, from: utc(2024, 9, 3, 8, 0, 0), to: now.Unix()},
		// Sub-second now is truncated.
		{expr: "last 30 minutes", now: now.Add(999 * time.Millisecond), from: utc(2024, 9, 10, 7, 30, 0), to: now.Unix()},
	}
	for _, tc := range tests {
		n := tc.now
		if n.IsZero() {
			n = now
		}
		r, err := ParseRelative(tc.expr, n, tc.loc)
		if err != nil {
			t.Errorf("ParseRelative(%q, %v, %v): %v", tc.expr, n, tc.loc, err)
			continue
		}
		if r.FromUnix != tc.from || r.ToUnix != tc.to {
			t.Errorf("ParseRelative(%q, %v, %v) = %s .. %s, want %s .. %s", tc.expr, n, tc.loc,
				time.Unix(r.FromUnix, 0).UTC(), time.Unix(r.ToUnix, 0).UTC(),
				time.Unix(tc.from, 0).UTC(), time.Unix(tc.to, 0).UTC())
		}
		if !strings.Contains(r.Note, strings.TrimSpace(tc.expr)+" → from ") {
			t.Errorf("Note %q does not report the expression", r.Note)
		}
	}
}

func TestParseRelativeErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"", "not a range I understand"},
		{"next 7 days", "not a range I understand"},
		{"last", "not a range I understand"},
		{"last 7", "not a range I understand"},
		{"7 days", "not a range I understand"},
		{"last seven days", "not a range I understand"},
		{"last 7 fortnights", "unknown unit \"fortnights\""},
		{"last 0 days", "has count 0"},
		{"last 99999999999999999999 days", "has count"},
		{"last 2000000 days", "has count 2000000"},
		{"10/09/2024", "not a range I understand"},
	}
	for _, tc := range tests {
		_, err := ParseRelative(tc.expr, now, nil)
		var e *argerr.Error
		if !errors.As(err, &e) {
			t.Errorf("ParseRelative(%q) error = %v, want *argerr.Error", tc.expr, err)
			continue
		}
		if e.Arg != "from" || !strings.HasPrefix(e.Problem, fmt.Sprintf("%q ", tc.expr)) {
			t.Errorf("ParseRelative(%q): Arg, Problem = %q, %q", tc.expr, e.Arg, e.Problem)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRelative(%q) = %q, want it to contain %q", tc.expr, err, tc.want)
		}
		if !strings.Contains(err.Error(), "last 7 days") {
			t.Errorf("ParseRelative(%q) = %q gives no example", tc.expr, err)
		}
	}
}

func TestInstant(t *testing.T) {
	day := func(d, h, m, s int) time.Time { return time.Date(2024, 9, d, h, m, s, 0, time.UTC) }
	for _, tc := range []struct {
		in   string
		end  bool
		want time.Time
		err  string // the message once named `until`
	}{
		{in: "2024-09-01", want: day(1, 0, 0, 0)},
		{in: "01/09/2024", end: true, want: day(1, 23, 59, 59)},
		{in: "yesterday", want: day(9, 0, 0, 0)},
		{in: "yesterday", end: true, want: day(9, 23, 59, 59)},
		{in: " now ", want: now.Truncate(time.Second)},
		{in: "soon", err: "invalid argument `until`: \"soon\" is not a date I understand; " + accepted},
		{in: "last 7 dayz", err: "invalid argument `until`: \"last 7 dayz\" has unknown unit \"dayz\""},
		{in: "", err: "invalid argument `until`: \"\" is empty"},
	} {
		got, err := Instant(tc.in, tc.end, now, nil)
		if tc.err != "" {
			var e *argerr.Error
			if !errors.As(err, &e) || e.Arg != "" {
				t.Errorf("Instant(%q) error %#v, want an *argerr.Error naming no argument", tc.in, err)
			}
			if msg := fmt.Sprint(argerr.Named(err, "until")); !strings.HasPrefix(msg, tc.err) {
				t.Errorf("Instant(%q) named error = %q, want prefix %q", tc.in, msg, tc.err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("Instant(%q, %v) = %v, %v; want %v", tc.in, tc.end, got, err, tc.want)
		}
	}
}
