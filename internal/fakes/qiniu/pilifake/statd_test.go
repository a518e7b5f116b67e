package pilifake

import (
	"encoding/json"
	"testing"
)

type statdPoint struct {
	Time   string                     `json:"time"`
	Values map[string]json.RawMessage `json:"values"`
}

func TestStatd(t *testing.T) {
	e := newEnv(t, "test", "live2")
	// Now: 2021-10-25 19:45:31 +08:00; the doc examples ask for 2021-09-28..30.
	cases := []struct {
		name, target string
		code         int
		times        []string
		keys         []string // keys of the first point's values
		nested       []string // select keys inside the first group
	}{
		{"upflow negated areas (doc)", "/statd/upflow?$area=!cn&$area=!hk&$hub=test&begin=20210928&end=20210930&g=day&select=flow", 200,
			[]string{"2021-09-28T00:00:00+08:00", "2021-09-29T00:00:00+08:00"}, []string{"flow"}, nil},
		{"upflow group hub (doc)", "/statd/upflow?$hub=test&begin=20210928&end=20210930&g=day&group=hub&select=flow", 200,
			[]string{"2021-09-28T00:00:00+08:00", "2021-09-29T00:00:00+08:00"}, []string{"test"}, []string{"flow"}},
		{"upflow group hub unfiltered", "/statd/upflow?begin=20210928&end=20210929&g=day&group=hub&select=flow", 200,
			[]string{"2021-09-28T00:00:00+08:00"}, []string{"live2", "test"}, []string{"flow"}},
		{"downflow (doc)", "/statd/downflow?$hub=test&begin=20210928&end=20210930&g=day&select=flow", 200,
			[]string{"2021-09-28T00:00:00+08:00", "2021-09-29T00:00:00+08:00"}, []string{"flow"}, nil},
		{"downflow group area (doc)", "/statd/downflow?$hub=test&begin=20210928&end=20210930&g=day&group=area&select=flow", 200,
			nil, []string{"am", "apac", "cn", "emea", "hk", "tw"}, []string{"flow"}},
		{"downflow group area negated", "/statd/downflow?$area=!cn&begin=20210928&end=20210929&g=day&group=area&select=flow", 200,
			nil, []string{"am", "apac", "emea", "hk", "tw"}, []string{"flow"}},
		{"downflow_rtc", "/statd/downflow_rtc?$hub=test&begin=20210928&end=20210930&g=day&select=flow", 200, nil, []string{"flow"}, nil},
		{"codec OR profiles (doc)", "/statd/codec?$hub=test&$profile=480p&$profile=720p&begin=20210928&end=20210930&g=day&select=duration", 200,
			nil, []string{"duration"}, nil},
		{"codec group negated (doc)", "/statd/codec?$hub=test&$profile=!480p&begin=20210928&end=20210930&g=day&group=profile&select=duration", 200,
			nil, []string{"720p"}, []string{"duration"}},
		{"nrop (doc)", "/statd/nrop?$assured=false&$hub=test&begin=20210928&end=20210930&g=day&select=count", 200, nil, []string{"count"}, nil},
		{"nrop group hub (doc)", "/statd/nrop?$assured=false&$assured=true&$hub=test&begin=20210928&end=20210930&g=day&group=hub&select=count", 200,
			nil, []string{"test"}, []string{"count"}},
		{"caster three selects (doc)", "/statd/caster?begin=20210928&end=20210930&g=day&select=upflow&select=downflow&select=duration", 200,
			nil, []string{"downflow", "duration", "upflow"}, nil},
		{"caster group resolution (doc, filter 480p)", "/statd/caster?$resolution=480p&begin=20210928&end=20210930&g=day&group=resolution&select=upflow", 200,
			nil, []string{"480p"}, []string{"upflow"}},
		{"pub (doc)", "/statd/pub?begin=20211024&end=20211026&g=day&select=duration", 200,
			[]string{"2021-10-24T00:00:00+08:00", "2021-10-25T00:00:00+08:00"}, []string{"duration"}, nil},
		{"pub hourly group tp (doc)", "/statd/pub?begin=20210928&end=20210930&g=hour&group=tp&select=duration", 200,
			nil, []string{"normal"}, []string{"duration"}},
		{"5min with seconds format", "/statd/upflow?begin=20210928000000&end=20210928001500&g=5min&select=flow", 200,
			[]string{"2021-09-28T00:00:00+08:00", "2021-09-28T00:05:00+08:00", "2021-09-28T00:10:00+08:00"}, []string{"flow"}, nil},
		{"month", "/statd/upflow?begin=20210815&end=20211001&g=month&select=flow", 200,
			[]string{"2021-08-01T00:00:00+08:00", "2021-09-01T00:00:00+08:00"}, []string{"flow"}, nil},
		{"end clamped to now", "/statd/upflow?begin=20211025&end=20211030&g=day&select=flow", 200,
			[]string{"2021-10-25T00:00:00+08:00"}, []string{"flow"}, nil},
		{"end defaults to now", "/statd/upflow?begin=20211025170000&g=hour&select=flow", 200,
			[]string{"2021-10-25T17:00:00+08:00", "2021-10-25T18:00:00+08:00", "2021-10-25T19:00:00+08:00"}, []string{"flow"}, nil},
		{"empty range", "/statd/upflow?begin=20211030&g=day&select=flow", 200, []string{}, nil, nil},
		{"missing begin", "/statd/upflow?g=day&select=flow", 400, nil, nil, nil},
		{"bad begin", "/statd/upflow?begin=2021-09-28&g=day&select=flow", 400, nil, nil, nil},
		{"bad end", "/statd/upflow?begin=20210928&end=x&g=day&select=flow", 400, nil, nil, nil},
		{"bad g", "/statd/upflow?begin=20210928&g=week&select=flow", 400, nil, nil, nil},
		{"missing select", "/statd/upflow?begin=20210928&g=day", 400, nil, nil, nil},
		{"wrong select", "/statd/codec?begin=20210928&g=day&select=flow", 400, nil, nil, nil},
		{"wrong group", "/statd/codec?begin=20210928&g=day&select=duration&group=area", 400, nil, nil, nil},
		{"wrong filter", "/statd/nrop?$area=cn&begin=20210928&g=day&select=count", 400, nil, nil, nil},
		{"too many points", "/statd/upflow?begin=20200101&g=5min&select=flow", 400, nil, nil, nil},
		{"unknown endpoint", "/statd/bogus?begin=20210928&g=day&select=flow", 404, nil, nil, nil},
	}
	for _, c := range cases {
		r := e.do("GET", c.target, "")
		if r.code != c.code {
			t.Errorf("%s: %d %s", c.name, r.code, r.body)
			continue
		}
		if c.code != 200 {
			continue
		}
		var pts []statdPoint
		if err := json.Unmarshal([]byte(r.body), &pts); err != nil || pts == nil {
			t.Errorf("%s: %s %v", c.name, r.body, err)
			continue
		}
		if c.times != nil {
			var got []string
			for _, p := range pts {
				got = append(got, p.Time)
			}
			if len(got) != len(c.times) || (len(got) > 0 && got[0] != c.times[0]) || (len(got) > 0 && got[len(got)-1] != c.times[len(c.times)-1]) {
				t.Errorf("%s: times %v, want %v", c.name, got, c.times)
			}
		}
		if len(pts) == 0 {
			if r.body != "[]" {
				t.Errorf("%s: %s", c.name, r.body)
			}
			continue
		}
		if len(pts[0].Values) != len(c.keys) {
			t.Errorf("%s: values %s", c.name, r.body)
		}
		for _, k := range c.keys {
			raw, ok := pts[0].Values[k]
			if !ok {
				t.Errorf("%s: no %s in %s", c.name, k, r.body)
				continue
			}
			if c.nested == nil {
				var n int64
				if json.Unmarshal(raw, &n) != nil || n < 0 {
					t.Errorf("%s: %s = %s", c.name, k, raw)
				}
				continue
			}
			var m map[string]int64
			if json.Unmarshal(raw, &m) != nil || len(m) != len(c.nested) {
				t.Errorf("%s: %s = %s", c.name, k, raw)
			}
		}
	}
	// Deterministic.
	a := e.do("GET", cases[0].target, "").body
	e2 := newEnv(t, "test", "live2")
	if b := e2.do("GET", cases[0].target, "").body; a != b {
		t.Errorf("not deterministic: %s vs %s", a, b)
	}
	// Bigger buckets hold more: a day is 288 five-minute slots.
	var day, five []statdPoint
	json.Unmarshal([]byte(e.do("GET", "/statd/upflow?begin=20210928&end=20210929&g=day&select=flow", "").body), &day)
	json.Unmarshal([]byte(e.do("GET", "/statd/upflow?begin=20210928&end=20210928000500&g=5min&select=flow", "").body), &five)
	var d, f int64
	json.Unmarshal(day[0].Values["flow"], &d)
	json.Unmarshal(five[0].Values["flow"], &f)
	if d%288 != 0 || f >= 50_000_000 {
		t.Errorf("scaling: day %d five %d", d, f)
	}
}
