// Command ice measures aliyun_ice's upload path (CreateUploadStream on the
// ICE fake, then the OSS SDK's multipart uploader against the OSS fake,
// both in this process) beside plain sequential reading of the same file in
// the same run, and the peak Go heap and process RSS while uploading: the
// fakes hash and drop the bytes, so the peak should not grow with the file.
//
//	go run ./bench/ice -sizes 40,1024 -part-mib 8
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"hash/crc64"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/aliyun/iceapi"
	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/icefake"
	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/ossfake"
	"github.com/mcp-media/mcp-media/internal/redact"
)

func main() {
	sizes := flag.String("sizes", "40,1024", "file sizes in MiB, comma separated")
	partMiB := flag.Int("part-mib", 8, "part size in MiB")
	parallel := flag.Int("parallel", 3, "parallel part uploads")
	flag.Parse()
	dir, err := os.MkdirTemp("", "bench-ice-")
	check(err)
	defer os.RemoveAll(dir)

	oss := ossfake.New()
	os1 := httptest.NewServer(oss)
	defer os1.Close()
	ice := icefake.New(icefake.Options{AccessKeyID: "bench-ak-123456", AccessKeySecret: "bench-sk-123456", OSS: oss, OSSEndpoint: os1.URL})
	is := httptest.NewServer(ice)
	defer is.Close()
	client, err := iceapi.New(iceapi.Config{Endpoint: is.URL, Region: "cn-shanghai", AccessKeyID: "bench-ak-123456", AccessKeySecret: "bench-sk-123456", Redact: &redact.Set{}})
	check(err)

	fmt.Printf("GOMAXPROCS=%d part=%d MiB parallel=%d\n", runtime.GOMAXPROCS(0), *partMiB, *parallel)
	fmt.Printf("%8s %14s %14s %14s %14s %12s %12s\n", "size", "read MiB/s", "read+crc MiB/s", "upload MiB/s", "upload time", "peak heap", "max RSS")
	for _, s := range strings.Split(*sizes, ",") {
		mib, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		path := filepath.Join(dir, fmt.Sprintf("clip-%d.mp4", mib))
		check(writeFile(path, int64(mib)<<20))
		size := int64(mib) << 20
		read := throughput(size, func() { readAll(path, false) })
		readCRC := throughput(size, func() { readAll(path, true) })

		runtime.GC()
		var peak atomic.Uint64
		stop := make(chan struct{})
		go sample(&peak, stop)
		start := time.Now()
		u := &iceapi.Upload{Path: path, PartSize: int64(*partMiB) << 20, Parallel: *parallel, CheckpointDir: filepath.Join(dir, "cp")}
		res, err := u.Run(context.Background(), client)
		el := time.Since(start)
		close(stop)
		check(err)
		if res.Size != size {
			panic("size mismatch")
		}
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		fmt.Printf("%5d MiB %14.0f %14.0f %14.0f %14s %9.1f MiB %9.1f MiB\n", mib, read, readCRC,
			float64(size)/(1<<20)/el.Seconds(), el.Round(time.Millisecond), float64(peak.Load())/(1<<20), float64(ru.Maxrss)/1024)
		os.Remove(path)
	}
}

func throughput(size int64, f func()) float64 {
	f() // warm the page cache
	start := time.Now()
	f()
	return float64(size) / (1 << 20) / time.Since(start).Seconds()
}

func readAll(path string, crc bool) {
	f, err := os.Open(path)
	check(err)
	defer f.Close()
	var w io.Writer = io.Discard
	if crc {
		w = crc64.New(crc64.MakeTable(crc64.ECMA))
	}
	_, err = io.CopyBuffer(w, f, make([]byte, 256<<10))
	check(err)
}

func sample(peak *atomic.Uint64, stop chan struct{}) {
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
}

func writeFile(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	if _, err := f.Write(head); err != nil {
		return err
	}
	_, err = io.CopyN(f, rand.Reader, size-int64(len(head)))
	return err
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
