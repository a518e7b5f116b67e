package aiozapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mcp-media/mcp-media/internal/state"
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

// StateStore keeps upload states as JSON values in a state.Store (keys
// upload/aioz/<key>, each ending StateMaxAge after its last save), saved
// after every chunk: with a shared store a replica resumes what another
// began.
type StateStore struct{ Store state.Store }

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

func stateKey(key string) string { return "upload/aioz/" + key }

// storeTimeout bounds one state read or write.
const storeTimeout = 10 * time.Second

// Load returns the state for key, or nil when there is none.
func (s *StateStore) Load(key string) (*UploadState, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	b, err := s.Store.Get(ctx, stateKey(key))
	if errors.Is(err, state.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading upload state: %w", err)
	}
	var st UploadState
	if err := json.Unmarshal(b, &st); err != nil || st.Key != key {
		// A corrupt state is discarded, not trusted.
		_ = s.Store.Delete(ctx, stateKey(key))
		return nil, nil
	}
	if st.Done == nil {
		st.Done = map[int]string{}
	}
	return &st, nil
}

// Save stores st (one Set), for StateMaxAge.
func (s *StateStore) Save(st *UploadState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := s.Store.Set(ctx, stateKey(st.Key), b, StateMaxAge); err != nil {
		return fmt.Errorf("saving upload state: %w", err)
	}
	return nil
}

// Delete forgets a state.
func (s *StateStore) Delete(key string) error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	return s.Store.Delete(ctx, stateKey(key))
}

// StateMaxAge is how long an abandoned upload's state is kept: AIOZ
// media left in `new` that long is not worth resuming.
const StateMaxAge = 30 * 24 * time.Hour
