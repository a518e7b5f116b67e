package vodfake

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"time"
)

const maxWindow = 90 * 86400

// minuteBytes is the fake's deterministic traffic of one video in the
// minute starting at m (Unix seconds): about one minute in eight has views.
func minuteBytes(seed uint64, m int64) int64 {
	x := seed ^ uint64(m/60)*0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	if x%8 != 0 {
		return 0
	}
	return 2000 + int64(x>>8%100000)
}

// seedOf is a video's traffic seed.
func seedOf(id string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return h.Sum64()
}

// span clips [start, end] to the video's life up to now (minute starts).
func (s *Server) span(v *video, start, end int64) (int64, int64) {
	from := v.Created.Unix() / 60 * 60
	if start > from {
		from = (start + 59) / 60 * 60
	}
	to := s.opts.Now().Unix()
	if end != 0 && end < to {
		to = end
	}
	return from, to
}

func (s *Server) videoTotal(v *video, start, end int64) int64 {
	from, to := s.span(v, start, end)
	var sum int64
	seed := seedOf(v.ID)
	for m := from; m <= to; m += 60 {
		sum += minuteBytes(seed, m)
	}
	return sum
}

func intArg(r *http.Request, name string, required bool) (int64, bool) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return 0, !required
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	return n, err == nil && n >= 0
}

// window reads start and end under the 90-day rule, [start, end] inclusive.
func window(r *http.Request, midnights bool) (int64, int64, bool) {
	start, ok1 := intArg(r, "start", true)
	end, ok2 := intArg(r, "end", true)
	if !ok1 || !ok2 || start > end || end-start > maxWindow {
		return 0, 0, false
	}
	if midnights && ((start+8*3600)%86400 != 0 || (end+8*3600)%86400 != 0) {
		return 0, 0, false
	}
	return start, end, true
}

func (s *Server) minutes(w http.ResponseWriter, r *http.Request) {
	start, end, good := window(r, false)
	if !good {
		fail(w, 3101)
		return
	}
	v := s.lockVideo(w, r)
	if v == nil {
		return
	}
	defer s.mu.Unlock()
	from, to := s.span(v, start, end)
	points := []any{}
	seed := seedOf(v.ID)
	for m := from; m <= to; m += 60 {
		if b := minuteBytes(seed, m); b > 0 {
			points = append(points, map[string]any{"time": rfc(time.Unix(m, 0)), "bytes": b})
		}
	}
	ok(w, map[string]any{"video_statistic": points})
}

// totalRows walks V13/V14's rows: the live videos newest first, then the
// archived (synthetic) ones, each generated when it is reached (s.mu held).
func (s *Server) totalRows(search string, start, end int64, each func(i int, row []string) bool) int {
	n := 0
	for _, v := range s.live(nil) {
		if !matches(search, v.ID, v.Name) {
			continue
		}
		if each != nil && !each(n, []string{v.ID, v.Name, rfc(v.Created), strconv.FormatInt(s.videoTotal(v, start, end), 10)}) {
			each = nil
		}
		n++
	}
	for i := 1; i <= s.synthetic; i++ {
		id, name := ArchivedRow(i)
		if !matches(search, id, name) {
			continue
		}
		if each != nil {
			if !each(n, []string{id, name, rfc(archiveEpoch.Add(time.Duration(i) * time.Minute)), strconv.FormatInt(archivedBytes(i), 10)}) {
				each = nil
			}
		}
		n++
	}
	return n
}

var archiveEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, beijing)

// ArchivedRow is the id and name of archived row i (1-based).
func ArchivedRow(i int) (id, name string) {
	return fmt.Sprintf("arch%06d", i), fmt.Sprintf("Archived clip %d", i)
}

func archivedBytes(i int) int64 { return int64(i)*7919%10000000 + 1 }

func (s *Server) totals(w http.ResponseWriter, r *http.Request) {
	page, size, good := pageArgs(r, 20)
	start, ok1 := intArg(r, "start", false)
	end, ok2 := intArg(r, "end", false)
	if !good || !ok1 || !ok2 {
		fail(w, 3101)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := []any{}
	lo, hi := (page-1)*size, page*size
	count := s.totalRows(r.URL.Query().Get("search"), start, end, func(i int, row []string) bool {
		if i >= lo && i < hi {
			n, _ := strconv.ParseInt(row[3], 10, 64)
			rows = append(rows, map[string]any{"video_id": row[0], "video_name": row[1], "video_created_at": row[2], "total_bytes": n})
		}
		return i < hi
	})
	ok(w, map[string]any{"count": count, "video_total_summary_list": rows})
}

func csvHeaders(w http.ResponseWriter, name string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return csv.NewWriter(bufio.NewWriterSize(w, 32<<10))
}

// exportTotals streams V14 row by row. The lock is held while rows are
// generated (they are computed, not stored).
func (s *Server) exportTotals(w http.ResponseWriter, r *http.Request) {
	start, ok1 := intArg(r, "start", false)
	end, ok2 := intArg(r, "end", false)
	if !ok1 || !ok2 {
		fail(w, 3101)
		return
	}
	cw := csvHeaders(w, "video_total_summary.csv")
	_ = cw.Write([]string{"video_id", "video_name", "video_created_at", "total_bytes"})
	s.mu.Lock()
	s.totalRows(r.URL.Query().Get("search"), start, end, func(i int, row []string) bool {
		_ = cw.Write(row)
		return cw.Error() == nil
	})
	s.mu.Unlock()
	cw.Flush()
	flush(w)
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(interface{ Flush() }); ok {
		f.Flush()
	}
}

// dayRows is V15/V16: one row per Beijing day from start to end inclusive.
func (s *Server) dayRows(start, end int64, each func(date string, bytes int64)) {
	for d := start; d <= end; d += 86400 {
		var sum int64
		for _, v := range s.live(nil) {
			sum += s.videoTotal(v, d, d+86399)
		}
		each(time.Unix(d, 0).In(beijing).Format("2006-01-02"), sum)
	}
}

func (s *Server) days(w http.ResponseWriter, r *http.Request) {
	start, end, good := window(r, true)
	if !good {
		fail(w, 3101)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := []any{}
	s.dayRows(start, end, func(date string, b int64) { rows = append(rows, map[string]any{"date": date, "total_bytes": b}) })
	ok(w, map[string]any{"user_video_day_summary_list": rows})
}

func (s *Server) exportDays(w http.ResponseWriter, r *http.Request) {
	start, end, good := window(r, true)
	if !good {
		fail(w, 3101)
		return
	}
	cw := csvHeaders(w, "user_video_day_summary.csv")
	_ = cw.Write([]string{"date", "total_bytes"})
	s.mu.Lock()
	s.dayRows(start, end, func(date string, b int64) { _ = cw.Write([]string{date, strconv.FormatInt(b, 10)}) })
	s.mu.Unlock()
	cw.Flush()
	flush(w)
}

func (s *Server) userTotal(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum int64
	for _, v := range s.live(nil) {
		sum += s.videoTotal(v, 0, 0)
	}
	ok(w, map[string]any{"user_video_total_summary": map[string]any{"total_bytes": sum}})
}
