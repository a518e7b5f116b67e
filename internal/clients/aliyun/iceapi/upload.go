package iceapi

import (
	"context"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

// MiB is 2^20 bytes.
const MiB = 1 << 20

// Upload is one CreateUploadStream + OSS upload of a local file.
type Upload struct {
	Path     string
	Request  CreateRequest // MediaID empty: ICE creates an asset
	PartSize int64         // 0 → 8 MiB
	Parallel int           // 0 → 3
	// CheckpointDir holds the OSS SDK's checkpoints (bucket, key, upload id,
	// file size and time — no credential); "" → the system temp dir.
	CheckpointDir string
	// Checkpoints, when set, mirrors the checkpoint files: restored into
	// CheckpointDir before the upload, saved once the SDK wrote them,
	// deleted when the upload completed. CheckpointDir must then be this
	// upload's own directory.
	Checkpoints CheckpointStore
	// MaxRenewals bounds STS renewals after SecurityTokenExpired; 0 → 3.
	MaxRenewals int
	// OnStream is called after each CreateUploadStream (first and renewals).
	OnStream func(s *Stream, renewal int)
	// OnProgress is called once per part uploaded (and once with the
	// already-uploaded bytes when a multipart upload is resumed).
	OnProgress func(Progress)
}

// Progress is one progress step.
type Progress struct {
	Done, Total int64 // bytes
	Part, Parts int   // parts done (this run and resumed), parts in all
	Resumed     bool  // this step announces parts uploaded by an earlier run
	Elapsed     time.Duration
}

// Result is a completed upload.
type Result struct {
	MediaID, FileURL, Bucket, Key string
	Size, PartSize                int64
	Parts, PartsSent              int
	Multipart                     bool
	ResumedBytes                  int64 // uploaded by an earlier, interrupted run
	Renewals                      int   // STS credentials renewed mid-upload
	RestartedAfterRenewal         bool  // a renewal brought a new FileName: a new multipart upload was started
	Elapsed                       time.Duration
	CRC64                         string
	Notes                         []string
}

// Interrupted is an upload that stopped part-way (cancellation or error):
// what reached OSS and whether a rerun resumes.
type Interrupted struct {
	Err              error
	MediaID          string
	Bytes, Size      int64
	Parts, PartsSent int
	Resumable        bool
}

func (e *Interrupted) Error() string {
	what := "failed"
	if errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded) {
		what = "cancelled"
	}
	msg := fmt.Sprintf("upload %s after %d of %d bytes (%d parts on OSS, %d sent in this call) for media %s: %v",
		what, e.Bytes, e.Size, e.Parts, e.PartsSent, e.MediaID, e.Err)
	if e.Resumable {
		msg += fmt.Sprintf(". The multipart upload was kept: call again with the same file_path and media_id %s to send only the missing parts", e.MediaID)
	}
	return msg
}

func (e *Interrupted) Unwrap() error { return e.Err }

// expired reports OSS codes that mean "renew the STS credential".
func expired(err error) bool {
	c := ossCode(err)
	return c == "SecurityTokenExpired" || c == "InvalidAccessKeyId"
}

// Run performs the upload: CreateUploadStream, then the OSS SDK's uploader
// (multipart above one part, checkpointed), renewing the STS credential with
// a new CreateUploadStream for the same MediaId when it expires.
func (u *Upload) Run(ctx context.Context, c *Client) (*Result, error) {
	start := time.Now()
	fi, err := os.Stat(u.Path)
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	partSize := u.PartSize
	if partSize <= 0 {
		partSize = 8 * MiB
	}
	for size/partSize >= 10000 { // what the SDK would do; keeps our counts right
		partSize += u.PartSize
	}
	parallel := u.Parallel
	if parallel <= 0 {
		parallel = 3
	}
	maxRenew := u.MaxRenewals
	if maxRenew <= 0 {
		maxRenew = 3
	}
	dir := u.CheckpointDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "mcp-media-ice-checkpoints")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("checkpoint dir %s: %w", dir, err)
	}
	var cps *mirror
	if u.Checkpoints != nil {
		cps = &mirror{store: u.Checkpoints, dir: dir}
		if err := cps.restore(ctx); err != nil {
			return nil, fmt.Errorf("restoring the upload checkpoint: %w", err)
		}
	}
	parts := int((size + partSize - 1) / partSize)
	if parts == 0 {
		parts = 1
	}

	// The SDK's own CRC64 check is off: it reports a mismatch when a resumed
	// upload finds every part already on OSS (it combines no part CRCs and
	// compares 0). The whole file's CRC64-ECMA, computed alongside the
	// upload, is compared with the object's instead.
	crcCtx, stopCRC := context.WithCancel(ctx)
	defer stopCRC()
	crcCh := make(chan crcResult, 1)
	go func() { crcCh <- fileCRC64(crcCtx, u.Path) }()

	req := u.Request
	st, err := c.CreateUploadStream(ctx, req)
	if err != nil {
		return nil, err
	}
	if u.OnStream != nil {
		u.OnStream(st, 0)
	}
	res := &Result{MediaID: st.MediaID, FileURL: st.FileURL, Bucket: st.Address.Bucket, Key: st.Address.FileName,
		Size: size, PartSize: partSize, Parts: parts, Multipart: size >= partSize}
	var mu sync.Mutex
	var done int64
	for {
		hc, obs := withObserver(c.http)
		// The SDK has written the checkpoint (the upload id) before it
		// sends a part: store it then, so a process killed before its
		// first progress report still leaves an upload another can resume
		// (and no multipart upload nobody knows of).
		obs.beforeParts = func() {
			mu.Lock()
			defer mu.Unlock()
			cps.save(ctx)
		}
		cli := c.ossClient(st, hc)
		up := cli.NewUploader(func(o *oss.UploaderOptions) {
			o.PartSize, o.ParallelNum = partSize, parallel
			o.EnableCheckpoint = true
			// Pitfall: the SDK takes filepath.Dir of CheckpointDir.
			o.CheckpointDir = dir + string(filepath.Separator)
		})
		done = 0
		lastReported := int64(-1)
		put := &oss.PutObjectRequest{Bucket: oss.Ptr(st.Address.Bucket), Key: oss.Ptr(st.Address.FileName)}
		put.ProgressFn = func(inc, transferred, total int64) {
			mu.Lock()
			defer mu.Unlock()
			cps.save(ctx) // written by now: ProgressFn follows the first part
			done = transferred
			// The SDK's one call announcing the parts ListParts found.
			resumed := res.Multipart && obs.partsOK.Load() == 0 && transferred > 0
			if resumed {
				res.ResumedBytes = transferred
			}
			if u.OnProgress == nil {
				return
			}
			p := Progress{Done: transferred, Total: size, Parts: parts, Elapsed: time.Since(start), Resumed: resumed}
			if res.Multipart {
				p.Part = int(transferred / partSize)
				if transferred == size {
					p.Part = parts
				}
			} else {
				// PutObject reports per write: one step per 10%.
				if transferred != size && lastReported >= 0 && (transferred-lastReported)*10 < size {
					return
				}
				lastReported = transferred
				if transferred == size {
					p.Part = 1
				}
			}
			u.OnProgress(p)
		}
		out, err := up.UploadFile(ctx, put, u.Path)
		res.PartsSent += int(obs.partsOK.Load())
		if err != nil {
			// Also when no part got through (a cancel or a failure right
			// after InitiateMultipartUpload). Not ctx: it may be cancelled.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			mu.Lock()
			cps.save(sctx)
			mu.Unlock()
			cancel()
		}
		if err == nil {
			if out.HashCRC64 != nil {
				res.CRC64 = *out.HashCRC64
			}
			if !res.Multipart {
				res.PartsSent = 1
			}
			break
		}
		if ctx.Err() == nil && expired(err) && res.Renewals < maxRenew {
			res.Renewals++
			req.MediaID = st.MediaID
			next, rerr := c.CreateUploadStream(ctx, req)
			if rerr != nil {
				return nil, &Interrupted{Err: fmt.Errorf("renewing the expired STS credential: %w", rerr), MediaID: st.MediaID,
					Bytes: done, Size: size, Parts: int(done / partSize), PartsSent: res.PartsSent, Resumable: true}
			}
			if u.OnStream != nil {
				u.OnStream(next, res.Renewals)
			}
			if next.Address.Bucket != st.Address.Bucket || next.Address.FileName != st.Address.FileName {
				res.RestartedAfterRenewal = true
				res.Notes = append(res.Notes, "The renewed credential came with a different object key, so a new multipart upload was started (the parts already sent under the old key are not reused).")
			}
			st = next
			res.MediaID, res.FileURL, res.Bucket, res.Key = st.MediaID, st.FileURL, st.Address.Bucket, st.Address.FileName
			continue
		}
		werr := err
		if ctx.Err() != nil {
			werr = ctx.Err()
		} else {
			werr = c.translateOSS(opOf(err), err)
		}
		return nil, &Interrupted{Err: werr, MediaID: st.MediaID, Bytes: done, Size: size,
			Parts: int(done / partSize), PartsSent: res.PartsSent, Resumable: res.Multipart}
	}
	if cps != nil { // the SDK removed its file: the upload completed
		_ = cps.store.Delete(context.WithoutCancel(ctx))
	}
	local := <-crcCh
	if local.err != nil {
		return nil, fmt.Errorf("reading %s for its CRC64: %w", u.Path, local.err)
	}
	if want := strconv.FormatUint(local.crc, 10); res.CRC64 != "" && res.CRC64 != want {
		return nil, fmt.Errorf("aliyun OSS: the object %s/%s has CRC64 %s but the local file has %s: the upload is corrupt; call again to upload it anew", res.Bucket, res.Key, res.CRC64, want)
	}
	res.Elapsed = time.Since(start)
	if res.Renewals > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("The STS upload credential expired mid-upload and was renewed %d time(s) with CreateUploadStream for the same MediaId; the upload went on.", res.Renewals))
	}
	return res, nil
}

type crcResult struct {
	crc uint64
	err error
}

// fileCRC64 is the CRC64-ECMA of the file at path (OSS's x-oss-hash-crc64ecma).
func fileCRC64(ctx context.Context, path string) crcResult {
	f, err := os.Open(path)
	if err != nil {
		return crcResult{err: err}
	}
	defer f.Close()
	h := crc64.New(crc64.MakeTable(crc64.ECMA))
	buf := make([]byte, 256<<10)
	for {
		if ctx.Err() != nil {
			return crcResult{err: ctx.Err()}
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return crcResult{crc: h.Sum64()}
		}
		if err != nil {
			return crcResult{err: err}
		}
	}
}

// opOf names the OSS operation inside an SDK error.
func opOf(err error) string {
	var oe *oss.OperationError
	if errors.As(err, &oe) {
		return oe.Operation()
	}
	return "upload"
}

// ossClient is an OSS SDK client for st's address and STS credential, on
// the project's HTTP stack. Endpoint and bucket go to the SDK separately.
func (c *Client) ossClient(st *Stream, hc *http.Client) *oss.Client {
	cfg := oss.NewConfig(). // not LoadDefaultConfig: it reads OSS_SDK_LOG_LEVEL
				WithCredentialsProvider(credentials.NewStaticCredentialsProvider(st.Auth.AccessKeyID, st.Auth.AccessKeySecret, st.Auth.SecurityToken)).
				WithRegion(OSSRegion(st.Address.Endpoint, st.Auth.Region, c.cfg.Region)).
				WithEndpoint(st.Address.Endpoint).
				WithLogLevel(oss.LogOff).
				WithDisableUploadCRC64Check(true).
				WithHttpClient(hc)
	if needsPathStyle(st.Address.Endpoint) {
		cfg = cfg.WithUsePathStyle(true)
	}
	return oss.NewClient(cfg)
}
