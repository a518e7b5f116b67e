package chart

import (
	"strings"
	"time"
)

// timeLayouts are the forms providers put on time buckets.
var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

func parseTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// TimeAxis turns time-bucket strings into short axis labels ("Mar 4",
// "14:05" or "Mar 4 14:00", whichever the buckets need) and names the axis
// with its unit and time zone ("day (UTC)", "time (UTC+08:00)"). Strings it
// cannot read as times are kept as they are, under axis "time".
func TimeAxis(buckets []string) (labels []string, axis string) {
	times := make([]time.Time, len(buckets))
	for i, b := range buckets {
		t, ok := parseTime(b)
		if !ok {
			return append([]string(nil), buckets...), "time"
		}
		times[i] = t
	}
	if len(times) == 0 {
		return nil, "time"
	}
	zone := "UTC"
	if _, off := times[0].Zone(); off != 0 {
		zone = "UTC" + times[0].Format("-07:00")
	}
	midnights, sameDay, sameYear := true, true, true
	for _, t := range times {
		if t.Hour() != 0 || t.Minute() != 0 {
			midnights = false
		}
		if t.YearDay() != times[0].YearDay() || t.Year() != times[0].Year() {
			sameDay = false
		}
		if t.Year() != times[0].Year() {
			sameYear = false
		}
	}
	layout, unit := "Jan 2 15:04", "time"
	switch {
	case midnights && len(times) > 1:
		layout, unit = "Jan 2", "day"
		if !sameYear {
			layout = "2006-01-02"
		}
	case sameDay:
		layout = "15:04"
		unit = "time on " + times[0].Format("Jan 2, 2006")
	}
	labels = make([]string, len(times))
	for i, t := range times {
		labels[i] = t.Format(layout)
	}
	return labels, unit + " (" + zone + ")"
}
