package pilifake

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// cst is Beijing time, in which /statd takes and returns times.
var cst = time.FixedZone("CST", 8*3600)

type statdEndpoint struct {
	filters []string
	selects []string
}

// statdEndpoints are the filters and select values of spec §4.4.
var statdEndpoints = map[string]statdEndpoint{
	"upflow":       {[]string{"hub", "domain", "area"}, []string{"flow"}},
	"downflow":     {[]string{"hub", "domain", "area"}, []string{"flow"}},
	"downflow_rtc": {[]string{"hub", "domain", "area"}, []string{"flow"}},
	"codec":        {[]string{"hub", "profile"}, []string{"duration"}},
	"nrop":         {[]string{"hub", "assured"}, []string{"count"}},
	"caster":       {[]string{"container", "resolution"}, []string{"upflow", "downflow", "duration"}},
	"pub":          {[]string{"tp"}, []string{"count", "duration"}},
}

// maxStatdPoints bounds a response (fake-only limit).
const maxStatdPoints = 10000

func parseStatdTime(v string) (time.Time, bool) {
	for _, layout := range []string{"20060102150405", "20060102"} {
		if len(v) == len(layout) {
			if t, err := time.ParseInLocation(layout, v, cst); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func truncateTo(t time.Time, g string) time.Time {
	switch g {
	case "5min":
		return t.Truncate(5 * time.Minute)
	case "hour":
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, cst)
	case "day":
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst)
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, cst)
}

func step(t time.Time, g string) time.Time {
	switch g {
	case "5min":
		return t.Add(5 * time.Minute)
	case "hour":
		return t.Add(time.Hour)
	case "day":
		return t.AddDate(0, 0, 1)
	}
	return t.AddDate(0, 1, 0)
}

// statd serves /statd/<name> with deterministic synthetic values: a JSON
// array of {"time": RFC 3339 +08:00, "values": {...}} over [begin, end),
// end clamped to now; with group, values are keyed by group value. Repeated
// filters OR, a "!" prefix negates (spec §4.4, quirk 20). group is optional
// everywhere (quirk 17). Validation failures are 400 (fake-only messages).
func (s *Server) statd(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.PathValue("name")
	ep, ok := statdEndpoints[name]
	if !ok {
		writeErr(w, http.StatusNotFound, "not found")
		return
	}
	q := r.URL.Query()
	begin, ok := parseStatdTime(q.Get("begin"))
	if !ok {
		writeErr(w, http.StatusBadRequest, "invalid begin")
		return
	}
	now := s.now().In(cst)
	end := now
	if v := q.Get("end"); v != "" {
		if end, ok = parseStatdTime(v); !ok {
			writeErr(w, http.StatusBadRequest, "invalid end")
			return
		}
		if end.After(now) {
			end = now
		}
	}
	g := q.Get("g")
	if !slices.Contains([]string{"5min", "hour", "day", "month"}, g) {
		writeErr(w, http.StatusBadRequest, "invalid g")
		return
	}
	var selects []string
	for _, sel := range q["select"] {
		if !slices.Contains(ep.selects, sel) {
			writeErr(w, http.StatusBadRequest, "invalid select "+sel)
			return
		}
		if !slices.Contains(selects, sel) {
			selects = append(selects, sel)
		}
	}
	if len(selects) == 0 {
		writeErr(w, http.StatusBadRequest, "select required")
		return
	}
	group := q.Get("group")
	if group != "" && !slices.Contains(ep.filters, group) {
		writeErr(w, http.StatusBadRequest, "invalid group")
		return
	}
	filters := url.Values{}
	for k, vs := range q {
		if f, ok := strings.CutPrefix(k, "$"); ok {
			if !slices.Contains(ep.filters, f) {
				writeErr(w, http.StatusBadRequest, "invalid filter "+k)
				return
			}
			filters[f] = vs
		}
	}
	filterKey := filters.Encode() // canonical: sorted keys

	var groupValues []string
	if group != "" {
		groupValues = s.groupValues(group, filters[group])
	}
	type point struct {
		Time   string         `json:"time"`
		Values map[string]any `json:"values"`
	}
	out := []point{}
	for t := truncateTo(begin.In(cst), g); t.Before(end); t = step(t, g) {
		if len(out) >= maxStatdPoints {
			writeErr(w, http.StatusBadRequest, "too many points")
			return
		}
		slots := int64(step(t, g).Sub(t) / (5 * time.Minute))
		vals := map[string]any{}
		if group == "" {
			for _, sel := range selects {
				vals[sel] = statdValue(name, sel, "", filterKey, t, slots)
			}
		} else {
			for _, gv := range groupValues {
				m := map[string]int64{}
				for _, sel := range selects {
					m[sel] = statdValue(name, sel, gv, filterKey, t, slots)
				}
				vals[gv] = m
			}
		}
		out = append(out, point{t.Format(time.RFC3339), vals})
	}
	writeJSON(w, http.StatusOK, out)
}

// groupValues lists the keys for group: the positive filter values if any,
// otherwise the known values minus negated ones.
func (s *Server) groupValues(group string, filter []string) []string {
	var pos, neg []string
	for _, v := range filter {
		if n, ok := strings.CutPrefix(v, "!"); ok {
			neg = append(neg, n)
		} else {
			pos = append(pos, v)
		}
	}
	if len(pos) > 0 {
		sort.Strings(pos)
		return slices.Compact(pos)
	}
	var all []string
	switch group {
	case "hub":
		for n := range s.hubs {
			all = append(all, n)
		}
	case "domain":
		for _, h := range s.hubs {
			for _, d := range h.Domains {
				all = append(all, d.Domain)
			}
		}
	case "area":
		all = []string{"cn", "hk", "tw", "apac", "am", "emea"}
	case "profile":
		all = []string{"480p", "720p"}
	case "assured":
		all = []string{"false", "true"}
	case "resolution":
		all = []string{"480p", "720p", "1080p", "2k", "4k"}
	case "container":
		for id := range s.casters {
			all = append(all, id)
		}
	case "tp":
		all = []string{"normal"}
	}
	var out []string
	for _, v := range all {
		if !slices.Contains(neg, v) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// statdValue is a deterministic synthetic value for one bucket.
func statdValue(endpoint, sel, groupValue, filterKey string, t time.Time, slots int64) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%s|%s|%d", endpoint, sel, groupValue, filterKey, t.Unix())
	x := int64(h.Sum64() >> 1)
	var per int64
	switch {
	case sel == "flow" || sel == "upflow" || sel == "downflow":
		per = x % 50_000_000 // bytes per 5 min
	case sel == "duration" && endpoint == "caster":
		per = x % 301 // seconds
	case sel == "duration":
		per = x % 3_000_000 // ms
	case endpoint == "nrop":
		per = x % 100
	default:
		per = x % 10
	}
	return per * slots
}
