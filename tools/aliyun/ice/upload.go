package ice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aliyun/iceapi"
	"github.com/mcp-media/mcp-media/internal/mediafile"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// UploadInput are aliyun_ice_upload_stream's arguments.
type UploadInput struct {
	FilePath      string `json:"file_path" jsonschema:"required" jsonschema_description:"Absolute path of a local video or audio file"`
	MediaID       string `json:"media_id,omitempty" jsonschema:"maxLength=128" jsonschema_description:"Existing ICE media asset to attach the stream to; omit to let ICE create one"`
	Definition    string `json:"definition,omitempty" jsonschema:"enum=FD,enum=LD,enum=SD,enum=HD,enum=OD,enum=2K,enum=4K,enum=SQ,enum=HQ" jsonschema_description:"Stream quality: FD low, LD standard, SD high, HD ultra-high, OD original, 2K, 4K; audio SQ standard, HQ high"`
	HDRType       string `json:"hdr_type,omitempty" jsonschema:"enum=HDR,enum=HDR10,enum=HLG,enum=DolbyVision,enum=HDRVivid,enum=SDR+" jsonschema_description:"HDR format of the stream; omit for SDR"`
	FileExtension string `json:"file_extension,omitempty" jsonschema:"pattern=^[A-Za-z0-9]+$,maxLength=10" jsonschema_description:"Default: the file's own extension"`
	UserData      string `json:"user_data,omitempty" jsonschema:"maxLength=4096" jsonschema_description:"JSON object, e.g. {\"Extend\":{\"localId\":\"x\"}}; with --public-url, MessageCallback.CallbackURL defaults to this server's inbox"`
	PartSizeMiB   int    `json:"part_size_mib,omitempty" jsonschema:"minimum=1,maximum=5120,default=8" jsonschema_description:"OSS multipart part size in MiB; files larger than one part go multipart"`
}

// UploadOutput is the result.
type UploadOutput struct {
	MediaID            string   `json:"media_id"`
	AssetCreated       bool     `json:"asset_created" jsonschema_description:"ICE created a new media asset (no media_id was given)"`
	FileURL            string   `json:"file_url" jsonschema_description:"OSS URL of the stream, without authentication"`
	SizeBytes          int64    `json:"size_bytes"`
	PartSizeBytes      int64    `json:"part_size_bytes"`
	Parts              int      `json:"parts"`
	PartsSent          int      `json:"parts_sent" jsonschema_description:"Parts sent by this call"`
	Multipart          bool     `json:"multipart"`
	Resumed            bool     `json:"resumed" jsonschema_description:"An interrupted earlier upload of this file was continued"`
	ResumedBytes       int64    `json:"resumed_bytes"`
	CredentialRenewals int      `json:"credential_renewals" jsonschema_description:"STS credentials renewed mid-upload with CreateUploadStream"`
	ElapsedSeconds     float64  `json:"elapsed_seconds"`
	ThroughputMiBps    float64  `json:"throughput_mib_per_s"`
	CRC64              string   `json:"crc64,omitempty" jsonschema_description:"x-oss-hash-crc64ecma of the object, checked by the SDK"`
	Notes              []string `json:"notes,omitempty"`
}

func (t *tools) uploadTool() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:  "aliyun_ice_upload_stream",
		Title: "Upload a media stream to Alibaba Cloud ICE",
		Description: "Upload a local video/audio file to ICE as a media stream (CreateUploadStream, then OSS; regions cn-shanghai, cn-beijing, cn-shenzhen), " +
			"with progress per part; a rerun for the same file sends only the missing parts. Returns MediaId and FileURL.",
	}, t.upload)
}

// stateKey names the resume record of one file version and stream.
func stateKey(info mediafile.Info, mod time.Time, in UploadInput) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%d|%s|%s", info.Path, info.Size, mod.UnixNano(), in.Definition, in.MediaID)))
	return hex.EncodeToString(h[:12])
}

func (t *tools) upload(ctx context.Context, c *toolkit.Call, in UploadInput) (UploadOutput, string, error) {
	var out UploadOutput
	info, err := c.ReadMedia("file_path", in.FilePath)
	if err != nil {
		return out, "", err
	}
	fi, err := os.Stat(info.Path)
	if err != nil {
		return out, "", toolkit.UnreadableFile("file_path", err)
	}
	ext := strings.ToLower(in.FileExtension)
	if ext == "" {
		ext = info.Ext
	}
	userData, callback, err := t.userData(in.UserData)
	if err != nil {
		return out, "", err
	}
	// The inbox route is bound to the asset once ICE names it, and dropped
	// if the upload never reached ICE.
	bound := false
	cl, err := t.client.Get()
	if err != nil {
		return out, "", err
	}
	if cl.err != nil {
		return out, "", cl.err
	}

	// Without media_id, a rerun after an interruption must reach the same
	// asset (and so the same object key) to resume: remember it, no secret,
	// in the state store, so any replica's rerun finds it.
	stateDir := filepath.Join(t.env.StateDir, "aliyun-ice")
	if t.env.StateDir == "" {
		stateDir = filepath.Join(os.TempDir(), "mcp-media-aliyun-ice")
	}
	key := stateKey(info, fi.ModTime(), in)
	rec := resumeStore{store: t.env.State, key: key}
	mediaID, remembered := in.MediaID, false
	if mediaID == "" {
		if id := rec.load(ctx); id != "" {
			mediaID, remembered = id, true
		}
	}
	name := filepath.Base(info.Path)
	start := time.Now()
	up := &iceapi.Upload{
		Path:     info.Path,
		Request:  iceapi.CreateRequest{MediaID: mediaID, Definition: in.Definition, FileExtension: ext, HDRType: in.HDRType, UserData: userData},
		PartSize: int64(in.PartSizeMiB) * iceapi.MiB,
		Parallel: t.parallel,
		// This upload's own dir: its files are what the store mirrors.
		CheckpointDir: filepath.Join(stateDir, "checkpoints", key),
		Checkpoints:   rec.checkpoints(),
		OnStream: func(s *iceapi.Stream, renewal int) {
			if callback != "" && !bound {
				t.env.Inbox.Bind(callback, s.MediaID)
				bound = true
			}
			if in.MediaID == "" && renewal == 0 {
				rec.save(ctx, s.MediaID)
			}
		},
		OnProgress: func(p iceapi.Progress) {
			c.Progress(float64(p.Done), float64(p.Total), progressLine(name, p, time.Since(start)))
		},
	}
	res, err := up.Run(ctx, cl.c)
	if callback != "" && !bound {
		t.env.Inbox.Cancel(callback)
	}
	if err != nil {
		var ae *iceapi.APIError
		if errors.As(err, &ae) && ae.Service == "ICE" && strings.Contains(ae.Code, "MediaId") && remembered {
			rec.forget(ctx)
		}
		return out, "", err
	}
	rec.forget(ctx)
	out = UploadOutput{MediaID: res.MediaID, AssetCreated: in.MediaID == "" && !remembered, FileURL: res.FileURL,
		SizeBytes: res.Size, PartSizeBytes: res.PartSize, Parts: res.Parts, PartsSent: res.PartsSent, Multipart: res.Multipart,
		Resumed: res.ResumedBytes > 0, ResumedBytes: res.ResumedBytes, CredentialRenewals: res.Renewals,
		ElapsedSeconds: res.Elapsed.Seconds(), CRC64: res.CRC64, Notes: res.Notes}
	if remembered {
		out.Notes = append(out.Notes, "No media_id was given; the asset ICE created for the interrupted upload of this file ("+res.MediaID+") was reused.")
	}
	if s := res.Elapsed.Seconds(); s > 0 {
		out.ThroughputMiBps = float64(res.Size-res.ResumedBytes) / iceapi.MiB / s
	}
	text, err := templates.ICEUploadComplete.Render(templates.ICEUploadCompleteData{
		File: name, MediaID: out.MediaID, AssetCreated: out.AssetCreated, FileURL: out.FileURL, Size: mib(res.Size),
		Parts: res.Parts, PartsSent: res.PartsSent, PartSize: mib(res.PartSize), Elapsed: res.Elapsed.Round(time.Millisecond).String(),
		Throughput: fmt.Sprintf("%.1f MiB/s", out.ThroughputMiBps), Resumed: out.Resumed, ResumedSize: mib(res.ResumedBytes),
		Renewals: res.Renewals, Notes: out.Notes,
	})
	return out, text, err
}

// userData validates user_data and fills MessageCallback.CallbackURL from
// the inbox when the server has a public URL and the caller gave none; it
// returns the route it made ("" when none).
func (t *tools) userData(raw string) (string, string, error) {
	var m map[string]any
	if strings.TrimSpace(raw) != "" {
		if err := json.Unmarshal([]byte(raw), &m); err != nil || m == nil {
			return "", "", argerr.New("user_data", "is not a JSON object", `give a JSON object such as {"Extend":{"localId":"x"}}`)
		}
	}
	if !t.env.Inbox.Enabled() {
		return raw, "", nil
	}
	if m == nil {
		m = map[string]any{}
	}
	mc, _ := m["MessageCallback"].(map[string]any)
	if mc == nil {
		mc = map[string]any{}
	}
	if u, _ := mc["CallbackURL"].(string); u != "" {
		return raw, "", nil
	}
	u, err := t.env.Inbox.NewCallback("aliyun", "ice_upload")
	if err != nil {
		return raw, "", nil
	}
	mc["CallbackURL"] = u
	m["MessageCallback"] = mc
	b, _ := json.Marshal(m)
	return string(b), u, nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/iceapi.MiB) }

func progressLine(name string, p iceapi.Progress, elapsed time.Duration) string {
	d := templates.ICEUploadProgressData{File: name, Part: p.Part, Parts: p.Parts, Done: mib(p.Done), Total: mib(p.Total), Resumed: p.Resumed}
	if p.Total > 0 {
		d.Percent = int(100 * p.Done / p.Total)
		d.Bar = templates.Bar(int(p.Done/iceapi.MiB), int(p.Total/iceapi.MiB))
	}
	if s := elapsed.Seconds(); s > 0 {
		d.Rate = fmt.Sprintf("%.1f MiB/s", float64(p.Done)/iceapi.MiB/s)
	}
	return templates.ICEUploadProgress.Line(d)
}
