package vodfake

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const tok = "fake-token-1234"

type clk struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clk) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clk) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func start(t *testing.T) (*Server, *httptest.Server, *clk) {
	c := &clk{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	f := New(Options{Token: tok, Now: c.now, Manual: true, Step: time.Second})
	s := httptest.NewServer(f)
	t.Cleanup(func() { s.Close(); f.Close() })
	return f, s, c
}

func call(t *testing.T, method, url string, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return out
}

func TestDefaultsAndErrors(t *testing.T) {
	f, s, _ := start(t)
	var seeds []VideoSeed
	for i := 0; i < 33; i++ {
		seeds = append(seeds, VideoSeed{Name: fmt.Sprintf("clip %d", i), Created: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Size: 10})
	}
	f.Seed(s.URL, seeds...)
	out := call(t, "GET", s.URL+"/video/api/list", "")
	if out["count"].(float64) != 33 || len(out["videos"].([]any)) != 15 {
		t.Errorf("V2 default page: count %v, %d videos", out["count"], len(out["videos"].([]any)))
	}
	out = call(t, "GET", s.URL+"/video/api/list_video_total_summary", "")
	if len(out["video_total_summary_list"].([]any)) != 20 {
		t.Errorf("V13 default page size")
	}
	resp, _ := http.Get(s.URL + "/video/api/list")
	var env map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&env)
	if resp.StatusCode != 200 || env["errcode"].(float64) != 3108 || env["msg"] != "访问拒绝" {
		t.Errorf("no token: %d %v", resp.StatusCode, env)
	}
	// 1471881600 is 2016-08-23 00:00 Beijing; 1479657600 is 90 days later.
	for q, want := range map[string]float64{
		"start=1471881600&end=1479657600": 1000, // exactly 90 days
		"start=1471881600&end=1479744000": 3101, // 91 days
		"start=1471881601&end=1471968000": 3101, // not a Beijing midnight
		"start=1471968000&end=1471881600": 3101, // start after end
	} {
		if out := call(t, "GET", s.URL+"/video/api/list_user_video_day_summary?"+q, ""); out["errcode"].(float64) != want {
			t.Errorf("V15 %s: errcode %v, want %v", q, out["errcode"], want)
		}
	}
	if out := call(t, "GET", s.URL+"/video/api/list_video_statistic?id=x&start=0&end=7776001", ""); out["errcode"].(float64) != 3101 {
		t.Errorf("V12 over 90 days: %v", out["errcode"])
	}
	if out := call(t, "POST", s.URL+"/video/api/set_video_password?id=x", `{"shared_state":1,"password":"12345678901234567"}`); out["errcode"].(float64) != 3101 {
		t.Errorf("V7 17 characters: %v", out["errcode"])
	}
}

// TestCallbacksRetried: both events reach the registered URLs, a non-2xx
// answer is retried.
func TestCallbacksRetried(t *testing.T) {
	f, s, c := start(t)
	var mu sync.Mutex
	var got []string
	var fails atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fails.Add(1) == 1 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.URL.Path+" "+string(b))
		mu.Unlock()
	}))
	defer recv.Close()
	call(t, "POST", s.URL+"/fake/api/user_event_config", `{"event_group":"video","url":"`+recv.URL+`/video"}`)
	f.RegisterCallback("transcoding", recv.URL+"/trans")
	ids := f.Seed(s.URL, VideoSeed{Name: "a", Created: c.now(), Size: 100})
	f.mu.Lock()
	f.videos[ids[0]].Announced, f.videos[ids[0]].Ready = false, c.now().Add(time.Second)
	f.mu.Unlock()
	c.add(time.Second)
	f.Tick()
	f.Flush()
	if out := call(t, "POST", s.URL+"/video/api/trans?id="+ids[0], `{"task_config_temp_id":1}`); out["errcode"].(float64) != 1000 {
		t.Fatal(out)
	}
	c.add(5 * time.Second)
	f.Tick()
	f.Flush()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !strings.Contains(got[0], `"event_type":"video_ready"`) || !strings.HasPrefix(got[1], "/trans ") ||
		!strings.Contains(got[1], `"play_set_id"`) {
		t.Errorf("deliveries: %v", got)
	}
	if d := f.Deliveries(); len(d) != 3 || d[0].Status != 503 || d[1].Attempt != 2 {
		t.Errorf("attempts: %+v", d)
	}
}

// TestLargeExportStreams: a 200,000-row export is generated row by row;
// the heap after it does not hold the rows.
func TestLargeExportStreams(t *testing.T) {
	f, s, _ := start(t)
	f.SetArchivedRows(200000)
	req, _ := http.NewRequest("GET", s.URL+"/video/api/export_video_total_summary", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	rows, size := 0, 0
	var peak uint64
	for sc.Scan() {
		rows++
		size += len(sc.Bytes()) + 1
		if rows%50000 == 0 {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak {
				peak = m.HeapInuse
			}
		}
	}
	if rows != 200001 {
		t.Errorf("%d lines", rows)
	}
	t.Logf("peak heap in use while streaming 200,000 rows (%d KiB of CSV): %d KiB", size>>10, peak>>10)
	// The whole export held in memory would be at least its own size.
	if peak >= uint64(size) {
		t.Errorf("heap in use reached %d KiB for a %d KiB export: the fake holds the rows", peak>>10, size>>10)
	}
}
