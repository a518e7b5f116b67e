package vodapi

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Minute is one V12 point.
type Minute struct {
	Time  string `json:"time"`
	Bytes int64  `json:"bytes"`
}

// CheckWindow is the 90-day rule of V12, V15 and V16: start ≤ end and
// end − start ≤ 90 days (inclusive). It names the argument at fault.
func CheckWindow(start, end int64) error {
	if start > end {
		return &WindowError{Arg: "end", Problem: fmt.Sprintf("is before start (%d > %d)", start, end)}
	}
	if end-start > int64(MaxWindow.Seconds()) {
		return &WindowError{Arg: "end", Problem: fmt.Sprintf("is %.1f days after start; the VOD service allows at most 90 days", float64(end-start)/86400)}
	}
	return nil
}

// WindowError is a time range the service would refuse.
type WindowError struct{ Arg, Problem string }

func (e *WindowError) Error() string { return fmt.Sprintf("`%s` %s", e.Arg, e.Problem) }

// VideoTraffic is V12: per-minute traffic of one video over [start, end].
func (c *Client) VideoTraffic(ctx context.Context, id string, start, end int64) ([]Minute, error) {
	if err := CheckWindow(start, end); err != nil {
		return nil, err
	}
	var out struct {
		Envelope
		Points []Minute `json:"video_statistic"`
	}
	err := c.get(ctx, "/video/api/list_video_statistic", url.Values{"id": {id}, "start": {itoa(start)}, "end": {itoa(end)}}, &out)
	return out.Points, err
}

// VideoTotal is one V13 row.
type VideoTotal struct {
	VideoID        string `json:"video_id"`
	VideoName      string `json:"video_name"`
	VideoCreatedAt string `json:"video_created_at"`
	TotalBytes     int64  `json:"total_bytes"`
}

// SummaryQuery filters V13 and V14; zero values are left out.
type SummaryQuery struct {
	Search         string
	Start, End     int64
	Page, PageSize int
}

func (q SummaryQuery) values(paged bool) url.Values {
	v := url.Values{}
	if q.Search != "" {
		v.Set("search", q.Search)
	}
	if q.Start != 0 {
		v.Set("start", itoa(q.Start))
	}
	if q.End != 0 {
		v.Set("end", itoa(q.End))
	}
	if paged && q.Page > 0 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if paged && q.PageSize > 0 {
		v.Set("page_size", strconv.Itoa(q.PageSize))
	}
	return v
}

// VideoTotals is V13: total traffic per video, paged (default 20).
func (c *Client) VideoTotals(ctx context.Context, q SummaryQuery) (int, []VideoTotal, error) {
	var out struct {
		Envelope
		Count int          `json:"count"`
		List  []VideoTotal `json:"video_total_summary_list"`
	}
	err := c.get(ctx, "/video/api/list_video_total_summary", q.values(true), &out)
	return out.Count, out.List, err
}

// Day is one V15 row.
type Day struct {
	Date       string `json:"date"`
	TotalBytes int64  `json:"total_bytes"`
}

// CheckDays is V15/V16's rules: Beijing midnights and the 90-day window.
func CheckDays(start, end int64) error {
	if !BeijingMidnight(start) {
		return &WindowError{Arg: "start", Problem: fmt.Sprintf("%d is not a Beijing midnight (00:00 UTC+8)", start)}
	}
	if !BeijingMidnight(end) {
		return &WindowError{Arg: "end", Problem: fmt.Sprintf("%d is not a Beijing midnight (00:00 UTC+8)", end)}
	}
	return CheckWindow(start, end)
}

// DailyTraffic is V15: the daily sum over all videos, one row per day.
func (c *Client) DailyTraffic(ctx context.Context, start, end int64) ([]Day, error) {
	if err := CheckDays(start, end); err != nil {
		return nil, err
	}
	var out struct {
		Envelope
		List []Day `json:"user_video_day_summary_list"`
	}
	err := c.get(ctx, "/video/api/list_user_video_day_summary", url.Values{"start": {itoa(start)}, "end": {itoa(end)}}, &out)
	return out.List, err
}

// TotalTraffic is V17: bytes over all the user's videos.
func (c *Client) TotalTraffic(ctx context.Context) (int64, error) {
	var out struct {
		Envelope
		Summary struct {
			TotalBytes int64 `json:"total_bytes"`
		} `json:"user_video_total_summary"`
	}
	err := c.get(ctx, "/video/api/get_user_video_total_summary", nil, &out)
	return out.Summary.TotalBytes, err
}

// Export names a CSV export.
type Export int

const (
	ExportVideoTotals Export = iota // V14
	ExportDaily                     // V16
)

// ExportQuery is V14's filter or V16's days.
type ExportQuery struct {
	Kind       Export
	Search     string
	Start, End int64
}

// ExportStats describes an exported CSV.
type ExportStats struct {
	Header []string
	First  [][]string // up to FirstRows rows
	Rows   int        // data rows (the header excluded)
	Bytes  int64
}

// FirstRows is how many rows ExportStats keeps for a preview.
const FirstRows = 10

var errEnvelope = errors.New("the export answered with an error envelope")

// ExportCSV streams V14 or V16 into w, row by row (never whole in
// memory), checking that it is CSV with a consistent column count, and
// returns the header, the first rows and the row count.
func (c *Client) ExportCSV(ctx context.Context, q ExportQuery, w io.Writer) (ExportStats, error) {
	path := "/video/api/export_video_total_summary"
	v := SummaryQuery{Search: q.Search, Start: q.Start, End: q.End}.values(false)
	if q.Kind == ExportDaily {
		if err := CheckDays(q.Start, q.End); err != nil {
			return ExportStats{}, err
		}
		path = "/video/api/export_user_video_day_summary"
		v = url.Values{"start": {itoa(q.Start)}, "end": {itoa(q.End)}}
	}
	var st ExportStats
	var apiErr error
	h := http.Header{"Accept": {"text/csv, application/json"}}
	_, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: path, Query: v, Header: h, Timeout: 30 * time.Minute,
		Sink: func(hd http.Header, body io.Reader) error {
			st = ExportStats{}
			if mt, _, _ := mime.ParseMediaType(hd.Get("Content-Type")); mt == "application/json" {
				var env Envelope
				if err := decodeJSON(body, &env); err != nil {
					return err
				}
				if env.ErrCode == OK {
					env = Envelope{ErrCode: 0, Msg: "a JSON answer where a CSV file was expected"}
				}
				apiErr = c.check(http.MethodGet, path, env)
				return errEnvelope
			}
			return copyCSV(w, body, &st)
		}}, nil)
	if apiErr != nil {
		return st, apiErr
	}
	return st, err
}

// copyCSV copies body to w record by record, counting them.
func copyCSV(w io.Writer, body io.Reader, st *ExportStats) error {
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 64<<10)
	r := csv.NewReader(bufio.NewReaderSize(body, 64<<10))
	r.ReuseRecord = true
	out := csv.NewWriter(bw)
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("the export is not valid CSV: %w", err)
		}
		if first {
			if len(rec) > 0 {
				rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			}
			st.Header = append([]string(nil), rec...)
		} else {
			st.Rows++
			if len(st.First) < FirstRows {
				st.First = append(st.First, append([]string(nil), rec...))
			}
		}
		if err := out.Write(rec); err != nil {
			return err
		}
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	st.Bytes = cw.n
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
