package iceapi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
)

// CheckpointStore keeps an upload's OSS checkpoint files beyond this
// machine's disk (the server's state store), so that another replica — or
// this one after its disk was lost — resumes the multipart upload. The
// files hold bucket, key, upload id and file facts, no credential.
type CheckpointStore interface {
	// Load returns the saved files by base name (none: empty, nil error).
	Load(ctx context.Context) (map[string][]byte, error)
	// Save replaces the saved files.
	Save(ctx context.Context, files map[string][]byte) error
	// Delete forgets them (the upload completed).
	Delete(ctx context.Context) error
}

// checkpointSuffix is what the SDK names its upload checkpoints.
const checkpointSuffix = ".ucp"

// mirror copies an upload's checkpoint files between its CheckpointDir and
// a CheckpointStore: restore before the SDK reads them, save when the SDK
// has written one (it writes it once, after InitiateMultipartUpload; parts
// are found again with ListParts).
type mirror struct {
	store CheckpointStore
	dir   string
	saved map[string][]byte
}

// restore makes dir's checkpoint files the stored ones: the store is what
// every replica sees, and a local file it lacks is stale (its upload was
// completed, or restarted, from another replica).
func (m *mirror) restore(ctx context.Context) error {
	if m == nil {
		return nil
	}
	files, err := m.store.Load(ctx)
	if err != nil {
		return err
	}
	local, _ := filepath.Glob(filepath.Join(m.dir, "*"+checkpointSuffix))
	for _, p := range local {
		if _, ok := files[filepath.Base(p)]; !ok {
			_ = os.Remove(p)
		}
	}
	for name, data := range files {
		if name != filepath.Base(name) || !strings.HasSuffix(name, checkpointSuffix) {
			continue // only the SDK's own files, only inside dir
		}
		if err := os.WriteFile(filepath.Join(m.dir, name), data, 0o600); err != nil {
			return err
		}
	}
	m.saved = files
	return nil
}

// save stores dir's checkpoint files when they changed since the last save.
func (m *mirror) save(ctx context.Context) {
	if m == nil {
		return
	}
	files := map[string][]byte{}
	names, _ := filepath.Glob(filepath.Join(m.dir, "*"+checkpointSuffix))
	for _, p := range names {
		if b, err := os.ReadFile(p); err == nil {
			files[filepath.Base(p)] = b
		}
	}
	if same(files, m.saved) {
		return
	}
	var err error
	if len(files) == 0 {
		err = m.store.Delete(ctx)
	} else {
		err = m.store.Save(ctx, files)
	}
	if err == nil {
		m.saved = files
	}
}

func same(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}
