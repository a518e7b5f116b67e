package aiozapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// UploadState is what survives an interrupted upload: which media was
// created and which chunks arrived, with their MD5s. It holds no secret.
type UploadState struct {
	Key       string         `json:"key"`
	Path      string         `json:"path"`
	Size      int64          `json:"size"`
	ChunkSize int64          `json:"chunk_size"`
	MediaID   string         `json:"media_id"`
	Title     string         `json:"title"`
	Type      string         `json:"type"`
	Done      map[int]string `json:"done"`
	CreatedAt time.Time      `json:"created_at"`
	// CreateSentAt is set while /media/create is in flight and kept when
	// its answer is lost: a media titled Title may exist that this state
	// does not name yet (reconciled on the next run).
	CreateSentAt time.Time `json:"create_sent_at,omitzero"`
	// CompleteSent is set when /complete was sent but its answer lost.
	CompleteSent bool `json:"complete_sent,omitempty"`
}

// StateStore keeps upload states as JSON files in a directory (under the
// user's config dir), written atomically after every chunk.
type StateStore struct{ Dir string }

// FileKey identifies a file by absolute path, size, modification time and
// chunk size, plus the endpoint (so two accounts or servers never share a
// resume state).
func FileKey(path string, fi os.FileInfo, chunkSize int64, endpoint string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	h := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s", abs, fi.Size(), fi.ModTime().UnixNano(), chunkSize, endpoint)))
	return hex.EncodeToString(h[:12])
}

func (s *StateStore) file(key string) string { return filepath.Join(s.Dir, "upload-"+key+".json") }

// Load returns the state for key, or nil when there is none.
func (s *StateStore) Load(key string) (*UploadState, error) {
	b, err := os.ReadFile(s.file(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading upload state: %w", err)
	}
	var st UploadState
	if err := json.Unmarshal(b, &st); err != nil || st.Key != key {
		// A corrupt state file is discarded, not trusted.
		_ = os.Remove(s.file(key))
		return nil, nil
	}
	if st.Done == nil {
		st.Done = map[int]string{}
	}
	return &st, nil
}

// Save writes st atomically (temp file, fsync, rename).
func (s *StateStore) Save(st *UploadState) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("creating upload state dir: %w", err)
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.Dir, ".upload-*.tmp")
	if err != nil {
		return fmt.Errorf("saving upload state: %w", err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.file(st.Key))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("saving upload state: %w", err)
	}
	return nil
}

// Delete forgets a state.
func (s *StateStore) Delete(key string) error {
	err := os.Remove(s.file(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// StateMaxAge is how long an abandoned upload's state is kept: AIOZ
// media left in `new` that long is not worth resuming.
const StateMaxAge = 30 * 24 * time.Hour

// Prune deletes states not touched for longer than maxAge, so abandoned
// uploads do not pile up in the config dir.
func (s *StateStore) Prune(maxAge time.Duration, now time.Time) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "upload-") || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > maxAge {
			_ = os.Remove(filepath.Join(s.Dir, e.Name()))
		}
	}
}
