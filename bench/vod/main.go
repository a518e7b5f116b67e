// Command vod measures the VOD tools' memory against the in-process fake:
// vod_upload_video of files of several sizes (the multipart body is
// streamed from disk through an io.Pipe, so peak memory should not grow
// with the file) and vod_export_traffic of CSV exports of several row
// counts (streamed row by row). Each case runs in its own process so the
// peak RSS (VmHWM) is its own.
//
//	go run ./bench/vod -sizes 30,300 -rows 20000,200000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/vodfake"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
	"github.com/mcp-media/mcp-media/tools/vod"
)

const token = "bench-vod-token-0000"

func main() {
	sizes := flag.String("sizes", "30,300", "upload file sizes in MiB")
	rows := flag.String("rows", "20000,200000", "export row counts")
	one := flag.String("one", "", "internal: run one case (upload:MiB or export:rows)")
	flag.Parse()
	if *one != "" {
		if err := runOne(*one); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	fmt.Printf("%-22s %12s %14s %14s %12s %10s\n", "case", "seconds", "peak heap MiB", "alloc MiB", "VmHWM MiB", "progress")
	for _, s := range strings.Split(*sizes, ",") {
		child("upload:" + strings.TrimSpace(s))
	}
	for _, r := range strings.Split(*rows, ",") {
		child("export:" + strings.TrimSpace(r))
	}
}

func child(arg string) {
	cmd := exec.Command(os.Args[0], "-one", arg)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", arg, err)
	}
}

func runOne(arg string) error {
	kind, nstr, _ := strings.Cut(arg, ":")
	n, err := strconv.Atoi(nstr)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "bench-vod-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fake := vodfake.New(vodfake.Options{Token: token, Step: 50 * time.Millisecond})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	defer fake.Close()
	set := &redact.Set{}
	var progress atomic.Int64
	env := &toolkit.Env{
		Creds:        &credentials.Store{Redact: set, Sandbox: map[string]map[string]string{"vod": {"token": token, "base_url": srv.URL}}},
		Redact:       set,
		Getenv:       func(string) string { return "" },
		StateDir:     dir,
		ProgressSink: func(float64, float64, string) { progress.Add(1) },
	}
	tools := map[string]toolkit.Tool{}
	for _, ts := range vod.Toolsets(env) {
		for _, t := range ts.Tools() {
			tools[t.Name] = t
		}
	}
	var name string
	var args map[string]any
	switch kind {
	case "upload":
		p := filepath.Join(dir, "bench.mp4")
		if err := writeVideo(p, int64(n)<<20); err != nil {
			return err
		}
		name, args = "vod_upload_video", map[string]any{"file_path": p}
	case "export":
		fake.SetArchivedRows(n)
		name, args = "vod_export_traffic", map[string]any{"kind": "per_video"}
	default:
		return fmt.Errorf("unknown case %s", kind)
	}
	raw, _ := json.Marshal(args)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	ctx := context.Background()
	res := tools[name].Run(ctx, env.NewCall(ctx, "bench"), raw)
	elapsed := time.Since(start)
	close(stop)
	<-done
	if res.IsError {
		return fmt.Errorf("%s: %s", name, toolkit.ResultText(res))
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	label := fmt.Sprintf("upload %d MiB", n)
	if kind == "export" {
		label = fmt.Sprintf("export %d rows", n)
	}
	fmt.Printf("%-22s %12.2f %14.1f %14.1f %12.1f %10d\n", label, elapsed.Seconds(), float64(peak.Load())/(1<<20),
		float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), vmHWM(), progress.Load())
	return nil
}

// writeVideo writes an MP4-shaped file: an ftyp box, then zeros (sparse).
func writeVideo(p string, size int64) error {
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	if _, err := f.Write([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")); err != nil {
		f.Close()
		return err
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// vmHWM is the process's peak resident set in MiB (Linux; 0 elsewhere).
func vmHWM() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}
