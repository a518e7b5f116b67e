package ice

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/aliyun/iceapi"
	"github.com/mcp-media/mcp-media/internal/state"
)

// resumeTTL is how long an interrupted upload's record and checkpoint are
// kept after their last save.
const resumeTTL = 30 * 24 * time.Hour

// resumeStore keeps what a rerun of an interrupted upload needs in the
// state store, so any replica resumes it: the media asset ICE created
// (upload/ice/<key>) and the OSS SDK's checkpoint files
// (upload/ice-ckpt/<key>). Neither holds a secret. A nil store keeps
// nothing (checkpoints then stay in the local checkpoint dir only).
type resumeStore struct {
	store state.Store
	key   string
}

type resumeRecord struct {
	MediaID string `json:"media_id"`
}

func (r resumeStore) recordKey() string { return "upload/ice/" + r.key }

// load returns the remembered media id, or "".
func (r resumeStore) load(ctx context.Context) string {
	if r.store == nil {
		return ""
	}
	b, err := r.store.Get(ctx, r.recordKey())
	var rec resumeRecord
	if err != nil || json.Unmarshal(b, &rec) != nil {
		return ""
	}
	return rec.MediaID
}

// save remembers the media id (best effort: losing it only loses resume).
func (r resumeStore) save(ctx context.Context, mediaID string) {
	if r.store == nil {
		return
	}
	b, _ := json.Marshal(resumeRecord{MediaID: mediaID})
	_ = r.store.Set(context.WithoutCancel(ctx), r.recordKey(), b, resumeTTL)
}

// forget drops the record (done, or its asset is gone).
func (r resumeStore) forget(ctx context.Context) {
	if r.store != nil {
		_ = r.store.Delete(context.WithoutCancel(ctx), r.recordKey())
	}
}

// checkpoints is the upload's CheckpointStore, nil without a store.
func (r resumeStore) checkpoints() iceapi.CheckpointStore {
	if r.store == nil {
		return nil
	}
	return checkpointStore{store: r.store, key: "upload/ice-ckpt/" + r.key}
}

// checkpointStore keeps an upload's checkpoint files as one JSON value
// (base name → contents).
type checkpointStore struct {
	store state.Store
	key   string
}

func (c checkpointStore) Load(ctx context.Context) (map[string][]byte, error) {
	b, err := c.store.Get(ctx, c.key)
	if errors.Is(err, state.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var files map[string][]byte
	if json.Unmarshal(b, &files) != nil {
		_ = c.store.Delete(ctx, c.key) // corrupt: discarded, not trusted
		return nil, nil
	}
	return files, nil
}

func (c checkpointStore) Save(ctx context.Context, files map[string][]byte) error {
	b, err := json.Marshal(files)
	if err != nil {
		return err
	}
	return c.store.Set(ctx, c.key, b, resumeTTL)
}

func (c checkpointStore) Delete(ctx context.Context) error { return c.store.Delete(ctx, c.key) }
