package iceapi

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/icefake"
)

// The acceptance flow: 40 MiB in 8 MiB parts.
func TestUpload40MiBIn5Parts(t *testing.T) {
	r := newRig(t, icefake.Options{})
	path, crc := mediaFile(t, r.dir, 40*MiB)
	var steps []Progress
	u := &Upload{Path: path, Request: CreateRequest{FileExtension: "mp4"}, PartSize: 8 * MiB, CheckpointDir: t.TempDir(),
		OnProgress: func(p Progress) { steps = append(steps, p) }}
	res, err := u.Run(bg, r.client(t, testSecret, false))
	if err != nil {
		t.Fatal(err)
	}
	calls := r.ice.Calls()
	if len(calls) != 1 || calls[0].Signature != "V3" || calls[0].Code != "" {
		t.Fatalf("ICE calls: %+v", calls)
	}
	got := ops(r.oss.Log())
	if got["InitiateMultipartUpload"] != 1 || got["UploadPart"] != 5 || got["CompleteMultipartUpload"] != 1 || got["PutObject"] != 0 {
		t.Fatalf("OSS ops: %v", got)
	}
	for _, e := range r.oss.Log() {
		if !e.Token || e.Signature != "V4" || !strings.HasPrefix(e.CredID, "STS.") {
			t.Fatalf("OSS request not signed with the STS pair and token: %+v", e)
		}
	}
	if len(steps) < 5 {
		t.Fatalf("want ≥5 progress steps, got %d", len(steps))
	}
	if last := steps[len(steps)-1]; last.Done != 40*MiB || last.Part != 5 {
		t.Fatalf("last progress %+v", last)
	}
	if res.MediaID == "" || res.FileURL == "" || res.Parts != 5 || res.PartsSent != 5 || res.ResumedBytes != 0 {
		t.Fatalf("result %+v", res)
	}
	obj, ok := r.oss.Object(res.Bucket, res.Key)
	if !ok || obj.Size != 40*MiB || obj.CRC64 != crc {
		t.Fatalf("object %+v ok=%v want crc %d", obj, ok, crc)
	}
}

func TestSmallFileIsOnePutObject(t *testing.T) {
	r := newRig(t, icefake.Options{})
	path, crc := mediaFile(t, r.dir, 300*1024)
	res, err := (&Upload{Path: path, PartSize: MiB, CheckpointDir: t.TempDir()}).Run(bg, r.client(t, testSecret, true))
	if err != nil {
		t.Fatal(err)
	}
	if got := ops(r.oss.Log()); got["PutObject"] != 1 || len(got) != 1 {
		t.Fatalf("ops %v", got)
	}
	if c := r.ice.Calls(); c[0].Signature != "V2" {
		t.Fatalf("want legacy signature, got %+v", c)
	}
	if obj, _ := r.oss.Object(res.Bucket, res.Key); obj.CRC64 != crc {
		t.Fatal("crc mismatch")
	}
}

// memCheckpoints is a CheckpointStore in memory (the state store's role).
type memCheckpoints struct {
	files map[string][]byte
	saves int
}

func (m *memCheckpoints) Load(context.Context) (map[string][]byte, error) { return m.files, nil }
func (m *memCheckpoints) Save(_ context.Context, f map[string][]byte) error {
	m.files = f
	m.saves++
	return nil
}
func (m *memCheckpoints) Delete(context.Context) error { m.files = nil; return nil }

// Cancel after two parts; a second run (fresh client and media) sends only
// parts 3-5: from the same checkpoint dir, or — another replica — from an
// empty dir with the checkpoint mirrored through a CheckpointStore.
func TestCancelThenResumeSendsOnlyMissingParts(t *testing.T) {
	cases := []struct {
		name     string
		mirrored bool
	}{{"same checkpoint dir", false}, {"other machine, checkpoint from the store", true}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, icefake.Options{})
			path, crc := mediaFile(t, r.dir, 40*MiB)
			cp, cp2 := t.TempDir(), t.TempDir()
			var store *memCheckpoints
			var cps CheckpointStore // a nil *memCheckpoints would not be a nil interface
			if tc.mirrored {
				store = &memCheckpoints{}
				cps = store
			} else {
				cp2 = cp
			}
			ctx, cancel := context.WithCancel(bg)
			u := &Upload{Path: path, PartSize: 8 * MiB, Parallel: 1, CheckpointDir: cp, Checkpoints: cps,
				OnProgress: func(p Progress) {
					if p.Part == 2 {
						cancel()
					}
				}}
			_, err := u.Run(ctx, r.client(t, testSecret, false))
			var in *Interrupted
			if !errors.As(err, &in) || !errors.Is(err, context.Canceled) || in.Parts != 2 || !in.Resumable {
				t.Fatalf("want an Interrupted cancel after 2 parts, got %v", err)
			}
			if !strings.Contains(err.Error(), "cancelled") || !strings.Contains(err.Error(), in.MediaID) {
				t.Fatalf("message: %v", err)
			}
			// The SDK's checkpoint holds bucket, key, upload id and file facts only.
			entries, _ := os.ReadDir(cp)
			if len(entries) != 1 {
				t.Fatalf("want one checkpoint, got %v", entries)
			}
			raw, err := os.ReadFile(filepath.Join(cp, entries[0].Name()))
			if err != nil || r.red.Len() < 3 || r.red.Contains(string(raw)) || strings.Contains(string(raw), "CAIS") {
				t.Fatalf("checkpoint carries a secret or is unreadable (%v): %s", err, raw)
			}
			if tc.mirrored && (len(store.files) != 1 || !bytes.Equal(store.files[entries[0].Name()], raw) || store.saves != 1) {
				t.Fatalf("mirrored checkpoint: %d files, %d saves", len(store.files), store.saves)
			}
			before := len(r.oss.Log())
			var resumed []Progress
			u2 := &Upload{Path: path, Request: CreateRequest{MediaID: in.MediaID}, PartSize: 8 * MiB, CheckpointDir: cp2, Checkpoints: cps,
				OnProgress: func(p Progress) { resumed = append(resumed, p) }}
			res, err := u2.Run(bg, r.client(t, testSecret, false))
			if err != nil {
				t.Fatal(err)
			}
			var parts []int
			for _, e := range r.oss.Log()[before:] {
				if e.Op == "UploadPart" && e.Code == "" {
					parts = append(parts, e.PartNumber)
				}
				if e.Op == "InitiateMultipartUpload" {
					t.Fatal("the resume started a new multipart upload")
				}
			}
			if len(parts) != 3 || res.PartsSent != 3 || res.ResumedBytes != 16*MiB {
				t.Fatalf("sent parts %v, result %+v", parts, res)
			}
			if len(resumed) == 0 || !resumed[0].Resumed {
				t.Fatalf("first progress should announce the resumed parts: %+v", resumed)
			}
			if obj, _ := r.oss.Object(res.Bucket, res.Key); obj.CRC64 != crc || obj.Size != 40*MiB {
				t.Fatalf("object %+v", obj)
			}
			if entries, _ := os.ReadDir(cp2); len(entries) != 0 {
				t.Fatalf("checkpoint left after success: %v", entries)
			}
			if tc.mirrored {
				if store.files != nil {
					t.Fatalf("stored checkpoint left after success: %v", store.files)
				}
				// The first machine's file is stale now: its next upload drops it.
				if err := (&mirror{store: store, dir: cp}).restore(bg); err != nil {
					t.Fatal(err)
				}
				if entries, _ := os.ReadDir(cp); len(entries) != 0 {
					t.Fatalf("stale checkpoint kept: %v", entries)
				}
			}
		})
	}
}

func TestExpiredCredentialIsRenewed(t *testing.T) {
	for _, newName := range []bool{false, true} {
		r := newRig(t, icefake.Options{NewFileNameOnRenew: newName})
		path, crc := mediaFile(t, r.dir, 40*MiB)
		r.oss.ExpireAfterParts(2)
		res, err := (&Upload{Path: path, PartSize: 8 * MiB, Parallel: 1, CheckpointDir: t.TempDir()}).Run(bg, r.client(t, testSecret, false))
		if err != nil {
			t.Fatal(err)
		}
		calls := r.ice.Calls()
		if len(calls) != 2 || calls[1].MediaID != res.MediaID {
			t.Fatalf("want a second CreateUploadStream for the same MediaId: %+v", calls)
		}
		if res.Renewals != 1 || res.RestartedAfterRenewal != newName || len(res.Notes) == 0 {
			t.Fatalf("result %+v", res)
		}
		expired := 0
		for _, e := range r.oss.Log() {
			if e.Code == "SecurityTokenExpired" {
				expired++
			}
		}
		if expired == 0 {
			t.Fatal("the fake never refused an expired token")
		}
		if obj, _ := r.oss.Object(res.Bucket, res.Key); obj.CRC64 != crc {
			t.Fatal("crc mismatch")
		}
	}
}

func TestWrongSecretNamesAuthSet(t *testing.T) {
	r := newRig(t, icefake.Options{})
	path, _ := mediaFile(t, r.dir, 200*1024)
	_, err := (&Upload{Path: path, CheckpointDir: t.TempDir()}).Run(bg, r.client(t, "wrong-secret-value-123", false))
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "SignatureDoesNotMatch" {
		t.Fatalf("got %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "mcp-media auth set aliyun") || strings.Contains(msg, "ACS3-HMAC-SHA256\n") || strings.Contains(strings.ToLower(msg), "string to sign") {
		t.Fatalf("message: %q", msg)
	}
	if len(r.oss.Log()) != 0 {
		t.Fatal("OSS was called after a failed CreateUploadStream")
	}
}

// SDK pitfall: resuming when every part is already on OSS (the first run
// was cut off before CompleteMultipartUpload) must complete, not fail the
// SDK's CRC64 check with "client 0".
func TestResumeWithAllPartsUploaded(t *testing.T) {
	r := newRig(t, icefake.Options{})
	path, crc := mediaFile(t, r.dir, 24*MiB)
	cp := t.TempDir()
	ctx, cancel := context.WithCancel(bg)
	u := &Upload{Path: path, PartSize: 8 * MiB, Parallel: 1, CheckpointDir: cp,
		OnProgress: func(p Progress) {
			if p.Part == 3 {
				cancel()
			}
		}}
	_, err := u.Run(ctx, r.client(t, testSecret, false))
	var in *Interrupted
	if !errors.As(err, &in) {
		t.Fatalf("got %v", err)
	}
	res, err := (&Upload{Path: path, Request: CreateRequest{MediaID: in.MediaID}, PartSize: 8 * MiB, CheckpointDir: cp}).Run(bg, r.client(t, testSecret, false))
	if err != nil {
		t.Fatal(err)
	}
	if res.PartsSent != 0 || res.ResumedBytes != 24*MiB {
		t.Fatalf("%+v", res)
	}
	if obj, _ := r.oss.Object(res.Bucket, res.Key); obj.CRC64 != crc || res.CRC64 == "" {
		t.Fatalf("object %+v result crc %s", obj, res.CRC64)
	}
}

// The checkpoint (the multipart upload's id) is in the store before the
// first part is sent, so a process killed before any progress leaves an
// upload another replica resumes — not one nobody knows of.
func TestCheckpointStoredBeforeTheFirstPart(t *testing.T) {
	r := newRig(t, icefake.Options{})
	store := &memCheckpoints{}
	var mu sync.Mutex
	var storedAtFirstPart *bool
	wrapped := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Query().Has("partNumber") {
			mu.Lock()
			if storedAtFirstPart == nil {
				v := len(store.files) == 1
				storedAtFirstPart = &v
			}
			mu.Unlock()
		}
		r.oss.ServeHTTP(w, req)
	}))
	t.Cleanup(wrapped.Close)
	r.ice = icefake.New(icefake.Options{AccessKeyID: testAK, AccessKeySecret: testSecret, OSS: r.oss, OSSEndpoint: wrapped.URL})
	is := httptest.NewServer(r.ice)
	t.Cleanup(is.Close)
	r.iceURL = is.URL
	path, _ := mediaFile(t, r.dir, 24*MiB)
	u := &Upload{Path: path, PartSize: 8 * MiB, Parallel: 1, CheckpointDir: t.TempDir(), Checkpoints: store}
	if _, err := u.Run(bg, r.client(t, testSecret, false)); err != nil {
		t.Fatal(err)
	}
	if storedAtFirstPart == nil || !*storedAtFirstPart {
		t.Error("the first part was sent before the checkpoint was stored")
	}
}
