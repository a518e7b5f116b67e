package aiozfake

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Analytics (spec §6.8). The numbers are synthetic (fake-only): for every
// media in status "done" and every UTC hour from the media's creation to
// Options.Now that overlaps [from, to], a 64-bit hash of (media id, hour
// start) yields
//
//	impressions = h % 6                       (0–5)
//	plays = starts = views = (h>>8) % (impressions+1)
//	ends = (h>>16) % (plays+1)
//	watch_time = plays × (20 + (h>>24) % 280) seconds
//
// and the dimensions of that hour (country/continent, device type,
// operating system, browser) from further bits. Hours without impressions
// carry no events. Derived values: play_rate and rate = plays/impressions,
// retention = ends/starts, average = sum per media with events (watch_time:
// seconds per play). Values are rounded to 4 decimals. Usage (GET
// /analytics/data) reports delivery = watch_time × 62500 bytes. A fixed
// time range in the past therefore always returns the same numbers.

var (
	aggMetrics    = []string{"play", "start", "end", "impression", "watch_time", "view"}
	aggregations  = []string{"count", "rate", "total", "average", "sum"}
	bucketMetrics = []string{"play", "play_rate", "start", "end", "impression", "watch_time", "retention", "view"}
	breakdowns    = []string{"media-id", "media-type", "continent", "country", "device-type", "operating-system", "browser"}
	intervals     = []string{"hour", "day"}
)

var fakeCountries = []struct{ country, continent string }{
	{"US", "NA"}, {"VN", "AS"}, {"DE", "EU"}, {"BR", "SA"},
	{"JP", "AS"}, {"FR", "EU"}, {"AU", "OC"}, {"NG", "AF"},
}

var (
	fakeDevices  = []string{"computer", "phone", "tablet", "tv"}
	fakeOS       = []string{"windows", "macos", "android", "ios", "linux"}
	fakeBrowsers = []string{"chrome", "firefox", "safari", "edge"}
)

// deliveryBytesPerWatchSecond converts watch time into delivered bytes for
// the usage endpoint (0.5 Mbit/s).
const deliveryBytesPerWatchSecond = 62500

type metricFilter struct {
	MediaIDs    []string `json:"media_ids,omitempty"`
	MediaType   string   `json:"media_type,omitempty"`
	Continents  []string `json:"continents,omitempty"`
	Countries   []string `json:"countries,omitempty"`
	DeviceTypes []string `json:"device_types,omitempty"`
	OS          []string `json:"os,omitempty"`
	Browsers    []string `json:"browsers,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

type timeFrameJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type metricsContext struct {
	Metric      string        `json:"metric"`
	Aggregation string        `json:"aggregation"`
	Breakdown   string        `json:"breakdown"`
	Interval    string        `json:"interval"`
	Filter      metricFilter  `json:"filter"`
	TimeFrame   timeFrameJSON `json:"time_frame"`
}

type metricItem struct {
	DimensionValue string  `json:"dimension_value,omitempty"`
	EmittedAt      string  `json:"emitted_at,omitempty"`
	MetricValue    float64 `json:"metric_value"`
}

type metricsReq struct {
	From      *int64        `json:"from"`
	To        *int64        `json:"to"`
	FilterBy  *metricFilter `json:"filter_by"`
	Limit     *int          `json:"limit"`
	Offset    *int          `json:"offset"`
	SortBy    string        `json:"sort_by"`
	OrderBy   string        `json:"order_by"`
	SumOthers *bool         `json:"sum_others"` // accepted, no effect (meaning unspecified)
}

// hourStat is the synthetic activity of one media during one hour.
type hourStat struct {
	m                                          *media
	hour                                       int64
	impressions, plays, ends, watch            int
	continent, country, device, opsys, browser string
}

func hourHash(id string, hour int64) uint64 {
	f := fnv.New64a()
	_, _ = f.Write([]byte(id + "|" + strconv.FormatInt(hour, 10)))
	// splitmix64 finaliser for well-spread bits
	z := f.Sum64() + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func synth(m *media, hour int64) hourStat {
	h := hourHash(m.ID, hour)
	st := hourStat{m: m, hour: hour}
	st.impressions = int(h % 6)
	st.plays = int((h >> 8) % uint64(st.impressions+1))
	st.ends = int((h >> 16) % uint64(st.plays+1))
	st.watch = st.plays * (20 + int((h>>24)%280))
	c := fakeCountries[(h>>32)%uint64(len(fakeCountries))]
	st.country, st.continent = c.country, c.continent
	st.device = fakeDevices[(h>>40)%uint64(len(fakeDevices))]
	st.opsys = fakeOS[(h>>46)%uint64(len(fakeOS))]
	st.browser = fakeBrowsers[(h>>52)%uint64(len(fakeBrowsers))]
	return st
}

func inFold(list []string, v string) bool {
	if len(list) == 0 {
		return true
	}
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// collectLocked returns the hours with events in [from, to] for the media
// and dimensions selected by f.
func (s *Server) collectLocked(from, to int64, f metricFilter) []hourStat {
	now := s.now().Unix()
	if to > now {
		to = now
	}
	var out []hourStat
	for _, m := range s.order {
		if m.Status != StatusDone {
			continue
		}
		if len(f.MediaIDs) > 0 && !contains(f.MediaIDs, m.ID) {
			continue
		}
		if f.MediaType != "" && f.MediaType != m.Type {
			continue
		}
		if !m.hasTags(f.Tags) {
			continue
		}
		start := floorDiv(from, 3600) * 3600
		if c := floorDiv(m.CreatedAt.Unix(), 3600) * 3600; c > start {
			start = c
		}
		for h := start; h <= to; h += 3600 {
			st := synth(m, h)
			if st.impressions == 0 {
				continue
			}
			if !inFold(f.Continents, st.continent) || !inFold(f.Countries, st.country) ||
				!inFold(f.DeviceTypes, st.device) || !inFold(f.OS, st.opsys) || !inFold(f.Browsers, st.browser) {
				continue
			}
			out = append(out, st)
		}
	}
	return out
}

// collect is collectLocked with s.mu taken for the call.
func (s *Server) collect(from, to int64, f metricFilter) []hourStat {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.collectLocked(from, to, f)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

type totals struct {
	impressions, plays, ends, watch float64
	media                           map[string]bool
}

func sum(stats []hourStat) totals {
	t := totals{media: map[string]bool{}}
	for _, st := range stats {
		t.impressions += float64(st.impressions)
		t.plays += float64(st.plays)
		t.ends += float64(st.ends)
		t.watch += float64(st.watch)
		t.media[st.m.ID] = true
	}
	return t
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// metricTotal is the summed value of a count metric (watch_time: seconds).
func (t totals) metricTotal(metric string) float64 {
	switch metric {
	case "impression":
		return t.impressions
	case "end":
		return t.ends
	case "watch_time":
		return t.watch
	case "play_rate":
		return ratio(t.plays, t.impressions)
	case "retention":
		return ratio(t.ends, t.plays)
	}
	return t.plays // play, start, view
}

func aggregate(t totals, metric, agg string) float64 {
	switch agg {
	case "rate":
		return round4(ratio(t.plays, t.impressions))
	case "count":
		if metric == "watch_time" {
			return t.plays
		}
		return t.metricTotal(metric)
	case "average":
		if metric == "watch_time" {
			return round4(ratio(t.watch, t.plays))
		}
		return round4(ratio(t.metricTotal(metric), float64(len(t.media))))
	}
	return round4(t.metricTotal(metric)) // sum, total
}

func enumErr(name, v string, allowed []string) error {
	return badRequest("%s %q is not allowed (allowed: %s)", name, v, strings.Join(allowed, ", "))
}

// enumOr returns v, or def when v is empty, when that is one of allowed,
// and enumErr's 400 otherwise.
func enumOr(name, v, def string, allowed []string) (string, error) {
	if v == "" {
		v = def
	}
	if !contains(allowed, v) {
		return v, enumErr(name, v, allowed)
	}
	return v, nil
}

// decodeMetricsReq decodes and validates the common body of N1–N3.
func decodeMetricsReq(r *http.Request) (metricsReq, metricFilter, error) {
	var req metricsReq
	if err := decodeJSON(r, &req); err != nil {
		return req, metricFilter{}, err
	}
	if req.From == nil {
		return req, metricFilter{}, badRequest("from is required (UNIX timestamp in seconds, integer)")
	}
	if req.To == nil {
		return req, metricFilter{}, badRequest("to is required (UNIX timestamp in seconds, integer)")
	}
	if *req.From < 0 || *req.To < 0 {
		return req, metricFilter{}, badRequest("from and to must be non-negative UNIX timestamps")
	}
	if err := checkOrder(*req.From, *req.To); err != nil {
		return req, metricFilter{}, err
	}
	var f metricFilter
	if req.FilterBy != nil {
		f = *req.FilterBy
	}
	if f.MediaType != "" && f.MediaType != "video" && f.MediaType != "audio" {
		return req, f, enumErr("filter_by.media_type", f.MediaType, []string{"video", "audio"})
	}
	return req, f, nil
}

func metricsCtx(metric, agg, breakdown, interval string, f metricFilter, from, to int64) metricsContext {
	return metricsContext{
		Metric: metric, Aggregation: agg, Breakdown: breakdown, Interval: interval, Filter: f,
		TimeFrame: timeFrameJSON{From: rfc3339(time.Unix(from, 0)), To: rfc3339(time.Unix(to, 0))},
	}
}

// pathEnums reads the path values {metric} (one of metrics) and {name} (one
// of allowed). When either is not allowed it drains the body, answers 400
// and reports false.
func pathEnums(w http.ResponseWriter, r *http.Request, metrics []string, name string, allowed []string) (metric, v string, ok bool) {
	metric, v = r.PathValue("metric"), r.PathValue(name)
	err := enumErr("metric", metric, metrics)
	if contains(metrics, metric) {
		err = enumErr(name, v, allowed)
		if contains(allowed, v) {
			return metric, v, true
		}
	}
	drain(r)
	writeError(w, err)
	return "", "", false
}

// N1 POST /analytics/metrics/data/{metric}/{aggregation}
func (s *Server) handleAggregate(w http.ResponseWriter, r *http.Request) {
	metric, agg, ok := pathEnums(w, r, aggMetrics, "aggregation", aggregations)
	if !ok {
		return
	}
	if agg == "rate" && metric != "play" {
		drain(r)
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("aggregation rate is only allowed with metric play, not %s", metric))
		return
	}
	req, f, err := decodeMetricsReq(r)
	if err != nil {
		writeError(w, err)
		return
	}
	t := sum(s.collect(*req.From, *req.To, f))
	writeData(w, http.StatusOK, map[string]any{
		"context": metricsCtx(metric, agg, "", "", f, *req.From, *req.To),
		"data":    aggregate(t, metric, agg),
	})
}

func dimension(st hourStat, breakdown string) string {
	switch breakdown {
	case "media-id":
		return st.m.ID
	case "media-type":
		return st.m.Type
	case "continent":
		return st.continent
	case "country":
		return st.country
	case "device-type":
		return st.device
	case "operating-system":
		return st.opsys
	}
	return st.browser
}

// sortItems orders items by sortBy ("metric_value" or the key field) in
// order; ties are broken by the key.
func sortItems(items []metricItem, byValue, desc bool, key func(metricItem) string) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if byValue && a.MetricValue != b.MetricValue {
			if desc {
				return a.MetricValue > b.MetricValue
			}
			return a.MetricValue < b.MetricValue
		}
		if desc && !byValue {
			return key(a) > key(b)
		}
		return key(a) < key(b)
	})
}

// N2 POST /analytics/metrics/bucket/{metric}/{breakdown}
func (s *Server) handleBreakdown(w http.ResponseWriter, r *http.Request) {
	if metric, bd, ok := pathEnums(w, r, bucketMetrics, "breakdown", breakdowns); ok {
		s.serveSeries(w, r, metric, bd, "")
	}
}

// N3 POST /analytics/metrics/timeseries/{metric}/{interval}
func (s *Server) handleTimeseries(w http.ResponseWriter, r *http.Request) {
	if metric, iv, ok := pathEnums(w, r, bucketMetrics, "interval", intervals); ok {
		s.serveSeries(w, r, metric, "", iv)
	}
}

func bucketStart(hour int64, interval string) int64 {
	if interval == "day" {
		return floorDiv(hour, 86400) * 86400
	}
	return hour
}

// serveSeries answers N2 (breakdown != "") or N3 (interval != "").
// Breakdown items carry dimension_value and are sorted by metric_value
// (default desc); time-series items carry emitted_at (bucket start, RFC
// 3339) and are sorted by time (default asc) unless sort_by is
// metric_value. Only buckets with events are listed.
func (s *Server) serveSeries(w http.ResponseWriter, r *http.Request, metric, bd, iv string) {
	req, f, err := decodeMetricsReq(r)
	if err != nil {
		writeError(w, err)
		return
	}
	offset, limit, err := bodyPage(req.Offset, req.Limit)
	if err != nil {
		writeError(w, err)
		return
	}
	keyField := "dimension_value"
	if iv != "" {
		keyField = "emitted_at"
	}
	var byValue bool
	switch req.SortBy {
	case "":
		byValue = bd != ""
	case "metric_value":
		byValue = true
	case keyField:
		byValue = false
	default:
		writeError(w, enumErr("sort_by", req.SortBy, []string{"metric_value", keyField}))
		return
	}
	desc := byValue
	switch req.OrderBy {
	case "":
	case "asc":
		desc = false
	case "desc":
		desc = true
	default:
		writeError(w, enumErr("order_by", req.OrderBy, []string{"asc", "desc"}))
		return
	}

	stats := s.collect(*req.From, *req.To, f)

	groups := map[string][]hourStat{}
	for _, st := range stats {
		var k string
		if bd != "" {
			k = dimension(st, bd)
		} else {
			k = rfc3339(time.Unix(bucketStart(st.hour, iv), 0))
		}
		groups[k] = append(groups[k], st)
	}
	items := make([]metricItem, 0, len(groups))
	for k, g := range groups {
		it := metricItem{MetricValue: round4(sum(g).metricTotal(metric))}
		if bd != "" {
			it.DimensionValue = k
		} else {
			it.EmittedAt = k
		}
		items = append(items, it)
	}
	key := func(it metricItem) string { return it.DimensionValue + it.EmittedAt }
	sortItems(items, byValue, desc, key)
	lo, hi := page(len(items), offset, limit)
	writeData(w, http.StatusOK, map[string]any{
		"context": metricsCtx(metric, "", bd, iv, f, *req.From, *req.To),
		"data":    items[lo:hi],
		"total":   len(items),
	})
}

func queryInt(r *http.Request, name string, required bool) (int64, bool, error) {
	q := r.URL.Query()
	v := q.Get(name)
	if v == "" {
		if required {
			return 0, false, badRequest("%s is required (UNIX timestamp in seconds, integer)", name)
		}
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, badRequest("%s must be a non-negative integer UNIX timestamp, got %q", name, v)
	}
	return n, true, nil
}

// queryRange reads the from and to query values (UNIX seconds); required
// makes both compulsory. hasTo reports whether to was given.
func queryRange(r *http.Request, required bool) (from, to int64, hasTo bool, err error) {
	if from, _, err = queryInt(r, "from", required); err != nil {
		return 0, 0, false, err
	}
	to, hasTo, err = queryInt(r, "to", required)
	return from, to, hasTo, err
}

// checkOrder rejects a time range whose from is after its to.
func checkOrder(from, to int64) error {
	if from > to {
		return badRequest("from (%d) must not be after to (%d)", from, to)
	}
	return nil
}

type dataUsageJSON struct {
	CreatedAt string `json:"created_at"`
	Delivery  int64  `json:"delivery"`
	UserID    string `json:"user_id"`
}

// N4 GET /analytics/data?from&to&interval[&offset&limit]
func (s *Server) handleDataUsage(w http.ResponseWriter, r *http.Request) {
	from, to, _, err := queryRange(r, true)
	if err == nil {
		err = checkOrder(from, to)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	iv := r.URL.Query().Get("interval")
	if iv == "" {
		writeErr(w, http.StatusBadRequest, "interval is required (hour or day)")
		return
	}
	if !contains(intervals, iv) {
		writeError(w, enumErr("interval", iv, intervals))
		return
	}
	offset, limit, err := pageParams(r)
	if err != nil {
		writeError(w, err)
		return
	}
	stats := s.collect(from, to, metricFilter{})
	byBucket := map[int64]int64{}
	for _, st := range stats {
		byBucket[bucketStart(st.hour, iv)] += int64(st.watch) * deliveryBytesPerWatchSecond
	}
	keys := make([]int64, 0, len(byBucket))
	for k, v := range byBucket {
		if v > 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	lo, hi := page(len(keys), offset, limit)
	out := make([]dataUsageJSON, 0, hi-lo)
	for _, k := range keys[lo:hi] {
		out = append(out, dataUsageJSON{CreatedAt: rfc3339(time.Unix(k, 0)), Delivery: byBucket[k], UserID: UserID})
	}
	writeData(w, http.StatusOK, map[string]any{"data": out, "total": len(keys)})
}

// N5 GET /analytics/media?[from&to&type&offset&limit]: done media with
// view = synthetic views in [from, to] (defaults: 0 and now), sorted by
// view desc, then creation order.
func (s *Server) handleAnalyticsMedia(w http.ResponseWriter, r *http.Request) {
	from, to, hasTo, err := queryRange(r, false)
	if err != nil {
		writeError(w, err)
		return
	}
	typ := r.URL.Query().Get("type")
	if typ != "" && typ != "video" && typ != "audio" {
		writeError(w, enumErr("type", typ, []string{"video", "audio"}))
		return
	}
	offset, limit, err := pageParams(r)
	if err != nil {
		writeError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !hasTo {
		to = s.now().Unix()
	}
	if err := checkOrder(from, to); err != nil {
		writeError(w, err)
		return
	}
	views := map[string]int{}
	for _, st := range s.collectLocked(from, to, metricFilter{MediaType: typ}) {
		views[st.m.ID] += st.plays
	}
	var list []*media
	for _, m := range s.order {
		if m.Status == StatusDone && (typ == "" || m.Type == typ) {
			list = append(list, m)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return views[list[i].ID] > views[list[j].ID] })
	lo, hi := page(len(list), offset, limit)
	base := baseURL(r)
	out := make([]mediaJSON, 0, hi-lo)
	for _, m := range list[lo:hi] {
		j := s.renderLocked(m, base, false)
		v := views[m.ID]
		j.View = &v
		out = append(out, j)
	}
	writeData(w, http.StatusOK, map[string]any{"media": out, "total": len(list)})
}
