package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
)

const mib = 1 << 20

// writeVideo writes an MP4-shaped sparse file of size bytes.
func writeVideo(t *testing.T, path string, size int64) {
	t.Helper()
	head := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	if err := os.WriteFile(path, head, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
}

// partIndex is the chunk index of a part request from its Content-Range.
func partIndex(contentRange string, chunk int64) int {
	r := strings.TrimPrefix(contentRange, "bytes ")
	start, _, _ := strings.Cut(r, "-")
	n, err := strconv.ParseInt(start, 10, 64)
	if err != nil {
		return -1
	}
	return int(n / chunk)
}

// TestKillAndResume SIGKILLs `mcp-media call aioz_upload_media` while part 1
// of a 120 MiB upload (50 MiB chunks) is in flight, then runs the same call
// again with the same state dir: the fake must see one create, part 0 once
// in all, parts 1 and 2 once each in the second run, and complete last.
func TestKillAndResume(t *testing.T) {
	const chunk = 50 * mib
	fake, url, pub, sec, started, unblock := blockingAIOZ(t, chunk, 1)

	dir := t.TempDir()
	video := filepath.Join(dir, "resume-clip.mp4")
	writeVideo(t, video, 120*mib)
	env := cleanEnv(
		"AIOZ_STREAM_PUBLIC_KEY="+pub, "AIOZ_STREAM_SECRET_KEY="+sec,
		"MCP_MEDIA_AIOZ_URL="+url+"/api",
		"MCP_MEDIA_STATE_DIR="+filepath.Join(dir, "state"),
	)
	args, _ := json.Marshal(map[string]any{"file_path": video, "title": "resume test", "chunk_size_mib": 50})
	callArgs := []string{"call", "aioz_upload_media", "--args", string(args), "--json"}

	// Run 1: killed while part 1 is in flight.
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
	case <-started:
	case err := <-exited:
		t.Fatalf("the first upload ended before part 1 started (%v):\n%s", err, out1.String())
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("part 1 never started:\n%s", out1.String())
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no clean-up in the process
		t.Fatal(err)
	}
	<-exited
	unblock()
	firstRun := len(fake.Requests())

	// Run 2: the same call resumes.
	stdout, stderr, err := runBin(t, env, nil, callArgs...)
	if err != nil {
		t.Fatalf("the resumed upload failed: %v\n%s\n%s", err, stdout, stderr)
	}
	if !strings.HasPrefix(string(stdout), "## 🎉 Upload Complete!") {
		t.Errorf("the resumed upload's text does not start with the Upload Complete card:\n%.400s", stdout)
	}
	if !bytes.Contains(stdout, []byte(`"resumed": true`)) {
		t.Errorf("the structured result does not say resumed: true:\n%s", stdout)
	}

	checkResumed(t, fake.Requests(), firstRun, chunk)
}

// blockingAIOZ is an AIOZ fake whose part `part` (of chunk-sized parts)
// hangs until unblock, answering 503 then; started closes when it arrives.
func blockingAIOZ(t *testing.T, chunk int64, part int) (fake *aiozfake.Server, url, pub, sec string, started <-chan struct{}, unblock func()) {
	t.Helper()
	pub, sec = "e2e-resume-pub-"+randHex(8), "e2e-resume-sec-"+randHex(12)
	fake = aiozfake.New(aiozfake.Options{PublicKey: pub, SecretKey: sec, Step: 50 * time.Millisecond})
	t.Cleanup(fake.Close)
	var blocking atomic.Bool
	blocking.Store(true)
	st, release := make(chan struct{}), make(chan struct{})
	var once, unonce sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if blocking.Load() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/part") &&
			partIndex(r.Header.Get("Content-Range"), chunk) == part {
			once.Do(func() { close(st) })
			select {
			case <-release:
			case <-r.Context().Done():
			}
			http.Error(w, "interrupted by the test", http.StatusServiceUnavailable)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	unblock = func() { unonce.Do(func() { blocking.Store(false); close(release) }) }
	t.Cleanup(srv.Close)
	t.Cleanup(unblock)
	return fake, srv.URL, pub, sec, st, unblock
}

// checkResumed checks the fake's requests: one create, part 0 once in the
// first run (its requests before firstRun), parts 1 and 2 once each in the
// second, and complete after every part.
func checkResumed(t *testing.T, reqs []aiozfake.Request, firstRun int, chunk int64) {
	t.Helper()
	creates, completes := 0, 0
	parts := map[int][2]int{} // index → count in run 1, run 2
	lastPart, complete := -1, -1
	for i, r := range reqs {
		run := 0
		if i >= firstRun {
			run = 1
		}
		switch {
		case r.Method == http.MethodPost && r.Path == "/api/media/create":
			creates++
		case r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/part"):
			idx := partIndex(r.ContentRange, chunk)
			c := parts[idx]
			c[run]++
			parts[idx] = c
			lastPart = i
			if r.Status/100 != 2 {
				t.Errorf("part %d answered %d", idx, r.Status)
			}
		case r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/complete"):
			completes++
			complete = i
			if r.Status/100 != 2 {
				t.Errorf("complete answered %d", r.Status)
			}
		}
	}
	if creates != 1 {
		t.Errorf("%d creates, want 1 (the second run must reuse the media)", creates)
	}
	if p := parts[0]; p != [2]int{1, 0} {
		t.Errorf("part 0 sent %d times in run 1 and %d in run 2, want once in run 1 only", p[0], p[1])
	}
	for _, i := range []int{1, 2} {
		if p := parts[i]; p != [2]int{0, 1} {
			t.Errorf("part %d reached the fake %d times in run 1 and %d in run 2, want once in run 2", i, p[0], p[1])
		}
	}
	if len(parts) != 3 {
		t.Errorf("parts seen: %v, want indexes 0, 1, 2", parts)
	}
	if completes != 1 || complete < lastPart {
		t.Errorf("complete: %d calls, at request %d, last part at request %d: want one complete after every part", completes, complete, lastPart)
	}
}
