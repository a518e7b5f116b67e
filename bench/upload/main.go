// Command upload measures the AIOZ chunked upload against the in-process
// fake: throughput beside plain MD5 hashing of the same file in the same
// run, and peak memory for several file sizes (it should not grow with the
// file). The fake verifies every part's MD5 on the same cores; the last
// column uploads to a sink that checks nothing, to show the client's own
// cost. It also prints the byte size of the default tools/list.
//
//	go run ./bench/upload -sizes 256,1024
package main

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func main() {
	sizes := flag.String("sizes", "256,1024", "file sizes in MiB")
	chunk := flag.Int("chunk-mib", 50, "chunk size in MiB")
	dir := flag.String("dir", "", "where to write the test files (default: a temp dir)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the uploads here")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "mcp-media-bench-")
		check(err)
		defer os.RemoveAll(d)
		*dir = d
	}
	n, count := toolsListBytes()
	fmt.Printf("tools/list (default toolsets, every provider configured): %d bytes, %d tools\n\n", n, count)
	fmt.Printf("%-9s %-14s %-14s %-7s %-16s %-16s %-16s\n", "size", "md5 MB/s", "upload MB/s", "ratio", "peak heap MiB", "peak RSS MiB", "to sink MB/s")
	for _, s := range strings.Split(*sizes, ",") {
		mib, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		path := filepath.Join(*dir, fmt.Sprintf("bench-%d.mp4", mib))
		check(writeFile(path, int64(mib)<<20))
		md5Rate := hashRate(path)
		upRate, heap := uploadRate(path, int64(*chunk)<<20, aiozfake.New(aiozfake.Options{PublicKey: "bench-pub", SecretKey: "bench-sec"}))
		sinkRate, _ := uploadRate(path, int64(*chunk)<<20, sink{})
		fmt.Printf("%-9s %-14.0f %-14.0f %-7.2f %-16.1f %-16.1f %-16.0f\n", fmt.Sprintf("%d MiB", mib), md5Rate, upRate, upRate/md5Rate, float64(heap)/(1<<20), float64(peakRSS())/(1<<20), sinkRate)
		os.Remove(path)
	}
}

func toolsListBytes() (int, int) {
	set := &redact.Set{}
	env := &toolkit.Env{Redact: set, Getenv: func(string) string { return "" }, Creds: &credentials.Store{Redact: set, Sandbox: map[string]map[string]string{
		"aioz": {"public_key": "p", "secret_key": "s"}, "qiniu": {"access_key": "a", "secret_key": "s"},
		"aliyun": {"access_key_id": "a", "access_key_secret": "s"}, "vod": {"token": "t"}}}}
	sel, err := tools.Inventory(env).Select(toolkit.Selection{Configured: func(string) bool { return true }})
	check(err)
	list := make([]any, len(sel))
	for i, t := range sel {
		list[i] = t.MCP()
	}
	b, err := json.Marshal(map[string]any{"tools": list})
	check(err)
	return len(b), len(sel)
}

// hashRate is the baseline: read the file and MD5 it, MB/s (10^6).
func hashRate(path string) float64 {
	f, err := os.Open(path)
	check(err)
	defer f.Close()
	start := time.Now()
	h := md5.New()
	n, err := io.Copy(h, bufio.NewReaderSize(f, 1<<20))
	check(err)
	return float64(n) / 1e6 / time.Since(start).Seconds()
}

// uploadRate uploads through the real client to the fake over loopback and
// samples the heap while it runs.
func uploadRate(path string, chunk int64, api http.Handler) (float64, uint64) {
	srv := httptest.NewServer(api)
	defer srv.Close()
	if f, ok := api.(*aiozfake.Server); ok {
		defer f.Close()
	}
	client := aiozapi.New(aiozapi.Config{BaseURL: srv.URL + "/api", PublicKey: "bench-pub", SecretKey: "bench-sec"})
	fi, err := os.Stat(path)
	check(err)

	runtime.GC()
	debug.FreeOSMemory()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	up := &aiozapi.Upload{Client: client, Path: path, ChunkSize: chunk, Create: aiozapi.CreateMediaRequest{Title: "bench", Type: "video"}}
	_, err = up.Run(context.Background())
	elapsed := time.Since(start)
	close(stop)
	<-done
	check(err)
	return float64(fi.Size()) / 1e6 / elapsed.Seconds(), peak.Load()
}

// sink answers the upload flow without checking anything: the client's own
// cost, with no server-side MD5 competing for the same cores.
type sink struct{}

func (sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	if strings.HasSuffix(r.URL.Path, "/media/create") {
		_, _ = io.WriteString(w, `{"status":"success","data":{"id":"bench","status":"new"}}`)
		return
	}
	_, _ = io.WriteString(w, `{"status":"success","message":"ok"}`)
}

func writeFile(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	buf := make([]byte, 1<<20)
	var x uint64 = 88172645463325252
	for written := int64(24); written < size; {
		for i := 0; i < len(buf); i += 8 {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			for j := 0; j < 8 && i+j < len(buf); j++ {
				buf[i+j] = byte(x >> (8 * j))
			}
		}
		n := min(int64(len(buf)), size-written)
		w.Write(buf[:n])
		written += n
	}
	return w.Flush()
}

// peakRSS reads VmHWM (peak resident memory) from /proc; 0 elsewhere.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseUint(f[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
