package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/icefake"
	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/ossfake"
)

// TestICEKillAndResume SIGKILLs `mcp-media call aliyun_ice_upload_stream`
// (40 MiB, 8 MiB parts) once parts 1 and 2 are on OSS and later parts are
// held in flight, then runs the same call again with the same state dir and
// no media_id: the second run must reuse the asset and the multipart upload
// and send parts 3, 4 and 5 only.
func TestICEKillAndResume(t *testing.T) {
	f := newICEFakes(t)
	ak, sk := f.ak, f.sk
	dir := t.TempDir()
	video := filepath.Join(dir, "ice-clip.mp4")
	writeVideo(t, video, 40*mib)
	env := cleanEnv("ALIBABA_CLOUD_ACCESS_KEY_ID="+ak, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+sk, "ALIBABA_CLOUD_REGION_ID=cn-beijing",
		"MCP_MEDIA_ICE_URL="+f.iceURL, "MCP_MEDIA_STATE_DIR="+filepath.Join(dir, "state"), "DEBUG=dara,tea")
	args, _ := json.Marshal(map[string]any{"file_path": video, "part_size_mib": 8})
	callArgs := []string{"call", "aliyun_ice_upload_stream", "--args", string(args), "--json"}

	cmd := exec.Command(binPath, callArgs...)
	cmd.Env = env
	var out1 bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out1, &out1
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-f.held:
	case err := <-exited:
		t.Fatalf("the first upload ended before part 3 was held (%v):\n%s", err, out1.String())
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("part 3 never started:\n%s", out1.String())
	}
	// Parts 1 and 2 may still be in flight when part 3 is held.
	for i := 0; f.okParts() < 2 && i < 9000; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	f.unblock()
	if n := f.okParts(); n != 2 {
		t.Fatalf("%d parts on OSS after the kill, want 2", n)
	}
	firstRun := len(f.oss.Log())

	stdout, stderr, err := runBin(t, env, nil, callArgs...)
	if err != nil {
		t.Fatalf("the resumed upload failed: %v\n%s\n%s", err, stdout, stderr)
	}
	if !bytes.HasPrefix(stdout, []byte("## ✅ Media stream uploaded to Alibaba Cloud ICE")) || !bytes.Contains(stdout, []byte(`"resumed": true`)) {
		t.Errorf("the resumed upload's output:\n%.1500s", stdout)
	}
	f.checkResumed(t, firstRun)
	for _, b := range [][]byte{out1.Bytes(), stdout, stderr} {
		if bytes.Contains(b, []byte(sk)) || bytes.Contains(b, []byte("x-acs-")) || bytes.Contains(b, []byte("Authorization")) {
			t.Errorf("a secret or SDK debug output reached the terminal:\n%.800s", b)
		}
	}
}

// iceFakes are the ICE and OSS fakes of an interrupted upload: OSS holds
// part 3 and later (held closes when it does) until unblock.
type iceFakes struct {
	ak, sk      string
	oss         *ossfake.Server
	ice         *icefake.Server
	iceURL      string
	held        chan struct{}
	blocking    atomic.Bool
	release     chan struct{}
	releaseOnce sync.Once
}

func newICEFakes(t *testing.T) *iceFakes {
	f := &iceFakes{ak: "e2e-ice-ak-" + randHex(8), sk: "e2e-ice-sk-" + randHex(12), oss: ossfake.New(),
		held: make(chan struct{}), release: make(chan struct{})}
	f.blocking.Store(true)
	var heldOnce sync.Once
	ossSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if n, err := strconv.Atoi(q.Get("partNumber")); err == nil && n >= 3 && q.Has("uploadId") && f.blocking.Load() {
			heldOnce.Do(func() { close(f.held) })
			select {
			case <-f.release:
			case <-r.Context().Done():
			}
			http.Error(w, "interrupted by the test", http.StatusServiceUnavailable)
			return
		}
		f.oss.ServeHTTP(w, r)
	}))
	t.Cleanup(ossSrv.Close)
	f.ice = icefake.New(icefake.Options{AccessKeyID: f.ak, AccessKeySecret: f.sk, OSS: f.oss, OSSEndpoint: ossSrv.URL})
	iceSrv := httptest.NewServer(f.ice)
	t.Cleanup(iceSrv.Close)
	f.iceURL = iceSrv.URL
	t.Cleanup(f.unblock)
	return f
}

// unblock lets OSS take every part again, failing the ones it held.
func (f *iceFakes) unblock() {
	f.blocking.Store(false)
	f.releaseOnce.Do(func() { close(f.release) })
}

// okParts counts the parts OSS stored.
func (f *iceFakes) okParts() int {
	n := 0
	for _, e := range f.oss.Log() {
		if e.Op == "UploadPart" && e.Code == "" {
			n++
		}
	}
	return n
}

// checkResumed checks the run after OSS log entry firstRun: parts 3, 4 and
// 5 only, in the multipart upload and ICE asset the first run started.
func (f *iceFakes) checkResumed(t *testing.T, firstRun int) {
	t.Helper()
	var sent []int
	for _, e := range f.oss.Log()[firstRun:] {
		switch {
		case e.Op == "UploadPart" && e.Code == "":
			sent = append(sent, e.PartNumber)
		case e.Op == "InitiateMultipartUpload":
			t.Error("the second run started a new multipart upload")
		}
	}
	if len(sent) != 3 {
		t.Errorf("the second run sent parts %v, want 3, 4, 5", sent)
	}
	for _, p := range sent {
		if p < 3 {
			t.Errorf("part %d was sent again", p)
		}
	}
	calls := f.ice.Calls()
	if len(calls) != 2 || calls[1].MediaID != calls[0].MediaID || calls[0].Signature != "V3" {
		t.Errorf("ICE calls %+v: want two V3 CreateUploadStream for the same MediaId", calls)
	}
}
