// Package timerange parses the human forms of dates and time ranges that tools
// accept and converts them to UNIX seconds, reporting the conversion.
//
// A tool argument may be a day-first date (dd/mm/yyyy, so 03/04/2025 is
// 3 April 2025), an ISO date (yyyy-mm-dd), an RFC 3339 / ISO 8601 date-time
// (with or without seconds, "Z" or an offset; without a zone it is read in the
// caller's location), plain UNIX seconds, "now", or a relative range such as
// "last 7 days" or "yesterday". A date on its own means the whole day: 00:00:00
// when it starts a range and 23:59:59 when it ends one.
//
// Every successful parse carries a Note that spells out what each input became
// (for example "from 10/09/2024 → 1725926400 (2024-09-10 00:00:00 UTC)"), so a
// tool can show the user exactly which instants it queried.
package timerange

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// Range is a closed interval of time, in seconds.
type Range struct {
	From, To         time.Time // in the location given to Parse / ParseRelative
	FromUnix, ToUnix int64
	// Note reports the conversion, e.g.
	// "from 10/09/2024 → 1725926400 (2024-09-10 00:00:00 UTC); to 12/09/2024 → 1726185599 (2024-09-12 23:59:59 UTC)".
	Note string
}

// bad is an input that is not understood: the Problem quotes it and says
// what is wrong and what to write instead. Arg is left for the caller.
func bad(input, reason string) *argerr.Error {
	return &argerr.Error{Problem: fmt.Sprintf("%q %s", input, reason)}
}

// accepted lists the forms Parse understands; it ends every "not understood"
// error so the caller can correct the argument in one go.
const accepted = `use dd/mm/yyyy (10/09/2024), yyyy-mm-dd, ISO 8601 (2024-09-10T08:00:00Z), UNIX seconds, or a range like "last 7 days"`

// maxUnix is 9999-12-31T23:59:59Z; anything larger is almost certainly
// milliseconds or microseconds.
const maxUnix = 253402300799

var (
	reDMY      = regexp.MustCompile(`^(\d{2})/(\d{2})/(\d{4})$`)
	reDMYLoose = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
	reYMD      = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	reDigits   = regexp.MustCompile(`^\d+$`)
	reISOish   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt ]`)
)

// Layouts tried for ISO 8601 date-times once the date/time separator has been
// normalised to 'T' and a trailing 'z' to 'Z'. time.Parse accepts fractional
// seconds after the seconds field even when the layout has none.
var (
	zonedLayouts = []string{
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04Z0700",
		"2006-01-02T15:04:05Z07",
		"2006-01-02T15:04Z07",
	}
	localLayouts = []string{
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
	}
)

// side says which end of a range a value is for: a date-only value starts at
// 00:00:00 for the start and ends at 23:59:59 for the end.
type side int

const (
	sideFrom side = iota
	sideTo
)

// Parse converts the `from` and `to` arguments of a tool to a Range.
//
// Each of from and to may be dd/mm/yyyy, yyyy-mm-dd, an RFC 3339 / ISO 8601
// date-time, UNIX seconds or "now". A date-only from means 00:00:00 and a
// date-only to means 23:59:59 of that day in loc (nil means UTC); a date-time
// without a zone is also read in loc.
//
// If from is a relative expression (see ParseRelative) and to is empty, the
// result is that relative range. A relative expression combined with an
// explicit bound contributes its start when used as from and its end when used
// as to, so from "yesterday" to "now" runs from yesterday 00:00:00 until now.
// An empty to means now; an empty from is an error.
//
// Errors are *argerr.Error naming `from` or `to` and quoting the input; from
// later than to is an error naming both values.
func Parse(from, to string, now time.Time, loc *time.Location) (Range, error) {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)

	if from == "" {
		return Range{}, argerr.Named(bad(from, "is empty; give the start of the range: "+accepted[4:]), "from")
	}
	if to == "" {
		if _, err := parsePoint(from, sideFrom, now, loc); err != nil {
			if r, rerr := ParseRelative(from, now, loc); rerr == nil {
				return r, nil
			}
		}
	}

	ft, fromDesc, err := parseBound(from, sideFrom, now, loc)
	if err != nil {
		return Range{}, argerr.Named(err, "from")
	}
	toInput := to
	if to == "" {
		toInput = "now"
	}
	tt, toDesc, err := parseBound(toInput, sideTo, now, loc)
	if err != nil {
		return Range{}, argerr.Named(err, "to")
	}
	if ft.Unix() > tt.Unix() {
		return Range{}, argerr.Named(bad(toInput, fmt.Sprintf(
			"(%d, %s) is before `from` %q (%d, %s); `from` must not be later than `to` — swap the two values or widen the range",
			tt.Unix(), show(tt), from, ft.Unix(), show(ft))), "to")
	}
	return Range{
		From: ft, To: tt, FromUnix: ft.Unix(), ToUnix: tt.Unix(),
		Note: fmt.Sprintf("from %s → %d (%s); to %s → %d (%s)", fromDesc, ft.Unix(), show(ft), toDesc, tt.Unix(), show(tt)),
	}, nil
}

// Instant parses one point in time: any form Parse accepts for a bound. A
// date alone, or a relative expression, means its last second when end is
// true and its first otherwise. Errors are *argerr.Error quoting s; they name
// no argument, so the caller names it with argerr.Named.
func Instant(s string, end bool, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, bad(s, "is empty; give a point in time: "+accepted[4:])
	}
	sd := sideFrom
	if end {
		sd = sideTo
	}
	t, _, err := parseBound(s, sd, now.In(loc), loc)
	return t, err
}

// parseBound parses one end of a range: an absolute point, or a relative
// expression whose start (from) or end (to) is taken. desc is the input as it
// should appear in the Note. An error is an *argerr.Error naming no argument.
func parseBound(s string, sd side, now time.Time, loc *time.Location) (time.Time, string, error) {
	t, err := parsePoint(s, sd, now, loc)
	if err == nil {
		return t, s, nil
	}
	r, rerr := parseRelative(s, now, loc)
	if rerr == nil {
		if sd == sideTo {
			return r.To, fmt.Sprintf("%s (end)", s), nil
		}
		return r.From, fmt.Sprintf("%s (start)", s), nil
	}
	if looksRelative(s) {
		// "last 7 dayz": the relative parser's complaint is the useful one.
		return time.Time{}, "", rerr
	}
	return time.Time{}, "", err
}

// looksRelative reports whether s starts like a relative range expression.
func looksRelative(s string) bool {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return false
	}
	switch f[0] {
	case "last", "past", "previous", "this":
		return true
	}
	return false
}

// parsePoint parses an absolute instant. The returned error has Arg unset.
func parsePoint(s string, sd side, now time.Time, loc *time.Location) (time.Time, *argerr.Error) {
	bad := func(reason string) (time.Time, *argerr.Error) {
		return time.Time{}, bad(s, reason)
	}
	day := func(y, mo, d int) (time.Time, *argerr.Error) {
		t, err := dayBound(y, mo, d, sd, loc)
		if err != "" {
			return bad(err)
		}
		return t, nil
	}
	lower := strings.ToLower(s)
	switch {
	case lower == "now":
		return now.Truncate(time.Second), nil

	case reDMY.MatchString(s):
		m := reDMY.FindStringSubmatch(s)
		v := groupInts(m)
		d, mo, y := v[0], v[1], v[2]
		if mo < 1 || mo > 12 {
			hint := ""
			if d >= 1 && d <= 12 {
				hint = fmt.Sprintf(" (for %s %d write %s/%s/%s)", time.Month(d), mo, m[2], m[1], m[3])
			}
			return bad(fmt.Sprintf("has month %s: dates are dd/mm/yyyy, day first, so 03/04/2025 is 3 April 2025%s", m[2], hint))
		}
		return day(y, mo, d)

	case reDMYLoose.MatchString(s):
		m := reDMYLoose.FindStringSubmatch(s)
		v := groupInts(m)
		return bad(fmt.Sprintf("needs a two-digit day and month: write %02d/%02d/%s (dd/mm/yyyy, day first)", v[0], v[1], m[3]))

	case reYMD.MatchString(s):
		m := reYMD.FindStringSubmatch(s)
		v := groupInts(m)
		if v[1] < 1 || v[1] > 12 {
			return bad(fmt.Sprintf("has month %s: yyyy-mm-dd needs a month from 01 to 12; %s", m[2], accepted))
		}
		return day(v[0], v[1], v[2])

	case reDigits.MatchString(s):
		if len(s) == 8 {
			if y, _ := strconv.Atoi(s[:4]); y >= 1900 && y <= 2100 {
				return bad(fmt.Sprintf("is ambiguous: it reads as UNIX seconds in 1970 but looks like yyyymmdd; write %s-%s-%s for the date", s[:4], s[4:6], s[6:]))
			}
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > maxUnix {
			return bad("is too large for UNIX seconds (it may be milliseconds: divide by 1000); " + accepted)
		}
		return time.Unix(n, 0).In(loc), nil

	case reISOish.MatchString(s):
		norm := []byte(s)
		norm[10] = 'T'
		if n := len(norm); norm[n-1] == 'z' {
			norm[n-1] = 'Z'
		}
		ns := string(norm)
		for _, l := range zonedLayouts {
			if t, err := time.Parse(l, ns); err == nil {
				return t.In(loc).Truncate(time.Second), nil
			}
		}
		for _, l := range localLayouts {
			if t, err := time.ParseInLocation(l, ns, loc); err == nil {
				return t.Truncate(time.Second), nil
			}
		}
		return bad("is not a valid ISO 8601 date-time (expected e.g. 2024-09-10T08:00:00Z, 2024-09-10T08:00+07:00 or 2024-09-10T08:00:00); " + accepted)
	}
	return bad("is not a date I understand; " + accepted)
}

// dayBound returns 00:00:00 (from) or 23:59:59 (to) of y-mo-d in loc, or a
// reason when the day does not exist in that month.
// groupInts converts a match's groups m[1:] (all digits) to integers.
func groupInts(m []string) []int {
	out := make([]int, 0, len(m)-1)
	for _, g := range m[1:] {
		n, _ := strconv.Atoi(g)
		out = append(out, n)
	}
	return out
}

func dayBound(y, mo, d int, sd side, loc *time.Location) (time.Time, string) {
	last := time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d < 1 || d > last {
		return time.Time{}, fmt.Sprintf("is not a real date: %s %d has days 01 to %d", time.Month(mo), y, last)
	}
	if sd == sideTo {
		return time.Date(y, time.Month(mo), d, 23, 59, 59, 0, loc), ""
	}
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc), ""
}

// show renders an instant for a Note: in its own location, plus UTC when that
// location is not UTC.
func show(t time.Time) string {
	s := t.Format("2006-01-02 15:04:05 MST")
	if _, off := t.Zone(); off != 0 {
		s += ", " + t.UTC().Format("2006-01-02 15:04:05 MST")
	}
	return s
}

var reRolling = regexp.MustCompile(`^(?:last|past|previous)\s+(?:(\d+)\s*)?([a-z]+)$`)

// ParseRelative converts a relative range to a Range ending at now (or at the
// end of a whole calendar period), in loc (nil means UTC). Matching ignores
// case and extra spaces.
//
//   - "today": today 00:00:00 until now; "yesterday": all of yesterday.
//   - "this week|month|year": from the start of the current week (Monday),
//     month or year until now.
//   - "last week|month|year" (also "previous …"): the whole previous calendar
//     week (Monday to Sunday), month or year, 00:00:00 to 23:59:59.
//   - "last|past|previous N units" with units seconds, minutes, hours, days,
//     weeks, months or years (singular, plural or short: s, min, h, d, w, mo,
//     y): a rolling window from now minus N units until now. Days, weeks,
//     months and years step by calendar in loc. "past week", "last hour",
//     "last day" and the like without N mean N = 1.
//
// Errors are *argerr.Error naming `from` and quoting expr.
func ParseRelative(expr string, now time.Time, loc *time.Location) (Range, error) {
	r, err := parseRelative(expr, now, loc)
	if err != nil {
		return Range{}, argerr.Named(err, "from")
	}
	return r, nil
}

// parseRelative is ParseRelative with errors that name no argument.
func parseRelative(expr string, now time.Time, loc *time.Location) (Range, *argerr.Error) {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc).Truncate(time.Second)
	input := expr
	norm := strings.Join(strings.Fields(strings.ToLower(expr)), " ")
	y, mo, d := now.Date()
	today := time.Date(y, mo, d, 0, 0, 0, 0, loc)
	endOf := func(startOfNext time.Time) time.Time { return startOfNext.Add(-time.Second) }
	weekStart := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))

	var from, to time.Time
	switch norm {
	case "today":
		from, to = today, now
	case "yesterday":
		from, to = today.AddDate(0, 0, -1), endOf(today)
	case "this week":
		from, to = weekStart, now
	case "this month":
		from, to = time.Date(y, mo, 1, 0, 0, 0, 0, loc), now
	case "this year":
		from, to = time.Date(y, 1, 1, 0, 0, 0, 0, loc), now
	case "last week", "previous week":
		from, to = weekStart.AddDate(0, 0, -7), endOf(weekStart)
	case "last month", "previous month":
		first := time.Date(y, mo, 1, 0, 0, 0, 0, loc)
		from, to = first.AddDate(0, -1, 0), endOf(first)
	case "last year", "previous year":
		first := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		from, to = first.AddDate(-1, 0, 0), endOf(first)
	default:
		m := reRolling.FindStringSubmatch(norm)
		if m == nil {
			return Range{}, bad(input, `is not a range I understand; use "last 7 days", "last 24 hours", "past 2 weeks", "last 30 minutes", "today", "yesterday", "this month" or "last month", or give explicit dates: dd/mm/yyyy (10/09/2024), yyyy-mm-dd, ISO 8601 (2024-09-10T08:00:00Z) or UNIX seconds`)
		}
		n := 1
		if m[1] != "" {
			v, err := strconv.Atoi(m[1])
			if err != nil || v < 1 || v > 1_000_000 {
				return Range{}, bad(input, fmt.Sprintf("has count %s; use a whole number from 1 to 1000000, as in \"last 7 days\"", m[1]))
			}
			n = v
		}
		unit, ok := units[m[2]]
		if !ok {
			return Range{}, bad(input, fmt.Sprintf("has unknown unit %q; use seconds, minutes, hours, days, weeks, months or years, as in \"last 7 days\"", m[2]))
		}
		to = now
		switch unit {
		case "second":
			from = now.Add(-time.Duration(n) * time.Second)
		case "minute":
			from = now.Add(-time.Duration(n) * time.Minute)
		case "hour":
			from = now.Add(-time.Duration(n) * time.Hour)
		case "day":
			from = now.AddDate(0, 0, -n)
		case "week":
			from = now.AddDate(0, 0, -7*n)
		case "month":
			from = now.AddDate(0, -n, 0)
		case "year":
			from = now.AddDate(-n, 0, 0)
		}
	}
	return Range{
		From: from, To: to, FromUnix: from.Unix(), ToUnix: to.Unix(),
		Note: fmt.Sprintf("%s → from %d (%s) to %d (%s)", strings.TrimSpace(input), from.Unix(), show(from), to.Unix(), show(to)),
	}, nil
}

var units = map[string]string{
	"s": "second", "sec": "second", "secs": "second", "second": "second", "seconds": "second",
	"m": "minute", "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
	"h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
	"d": "day", "day": "day", "days": "day",
	"w": "week", "wk": "week", "wks": "week", "week": "week", "weeks": "week",
	"mo": "month", "mon": "month", "month": "month", "months": "month",
	"y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year",
}
