package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

// Over streamable HTTP with a token, no path outside --files-root can be
// read, written or probed, through a symlink or otherwise; without
// --files-root path arguments are refused with how to enable them; a
// metadata URL is refused before any connection.
func TestHostedModeConfinesFilesAndURLs(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "shadow")
	os.WriteFile(secret, []byte("root:$6$e2e-secret-hash:19000::::::"), 0o600)
	os.Symlink(secret, filepath.Join(root, "photo.jpg"))
	os.Symlink(outside, filepath.Join(root, "out"))
	os.WriteFile(filepath.Join(root, "notes.vtt"), []byte("e2e-first-line-secret\n"), 0o600)

	for _, withRoot := range []bool{true, false} {
		token := "e2e-hosted-" + randHex(12)
		addr := freeAddr(t)
		args := []string{"serve", "--sandbox", "--toolsets", "all", "--transport", "http", "--addr", addr}
		if withRoot {
			args = append(args, "--files-root", root)
		}
		_, stderr := startServer(t, cleanEnv("MCP_MEDIA_HTTP_TOKEN="+token), args...)
		waitHTTP(t, addr, stderr)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cs := connect(t, ctx, &mcp.StreamableClientTransport{Endpoint: "http://" + addr + "/mcp",
			HTTPClient: &http.Client{Transport: bearer{token, http.DefaultTransport}}}, &notes{})
		calls := []struct {
			tool string
			args map[string]any
		}{
			{"qiniu_censor_image", map[string]any{"path": filepath.Join(root, "photo.jpg")}},
			{"qiniu_censor_image", map[string]any{"path": secret}},
			{"qiniu_transcribe_short", map[string]any{"path": filepath.Join(root, "out", "shadow")}},
			{"aioz_add_chapter", map[string]any{"media_id": "m1", "language": "en", "vtt_path": filepath.Join(outside, "missing.vtt")}},
			{"qiniu_get_transcription", map[string]any{"task_id": "t1", "vtt_path": filepath.Join(root, "out", "new.vtt")}},
			{"aioz_upload_media", map[string]any{"file_path": "/etc/passwd"}},
			{"aliyun_ice_upload_stream", map[string]any{"file_path": filepath.Join(root, "out", "shadow")}},
			{"aioz_add_subtitle", map[string]any{"media_id": "m1", "language": "en", "file_path": filepath.Join(root, "out", "talk.srt")}},
			{"aioz_upload_player_logo", map[string]any{"player_id": "p1", "logo_path": filepath.Join(root, "photo.jpg")}},
			{"aioz_create_playlist", map[string]any{"name": "e2e", "thumbnail_path": filepath.Join(root, "photo.jpg")}},
		}
		for _, c := range calls {
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: c.tool, Arguments: c.args})
			if err != nil {
				t.Fatalf("%s: %v", c.tool, err)
			}
			text := resultText(res)
			want := "outside the folders"
			if !withRoot {
				want = "--files-root"
			}
			if !res.IsError || !strings.Contains(text, want) || strings.Contains(text, "e2e-secret-hash") || strings.Contains(text, outside) {
				t.Errorf("files-root %v: %s %v: %s", withRoot, c.tool, c.args, text)
			}
		}
		if withRoot {
			// A non-WebVTT file inside the root is refused without quoting it.
			res, _ := cs.CallTool(ctx, &mcp.CallToolParams{Name: "aioz_add_chapter", Arguments: map[string]any{"media_id": "m1", "language": "en", "vtt_path": filepath.Join(root, "notes.vtt")}})
			if text := resultText(res); !res.IsError || strings.Contains(text, "e2e-first-line-secret") {
				t.Errorf("invalid VTT: %s", text)
			}
		}
		if _, err := os.Stat(filepath.Join(outside, "new.vtt")); err == nil {
			t.Error("a file was written outside --files-root")
		}
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "qiniu_transcribe_realtime", Arguments: map[string]any{"url": "http://169.254.169.254/latest/meta-data/"}})
		if err != nil {
			t.Fatal(err)
		}
		if text := resultText(res); !res.IsError || !(strings.Contains(text, "not allowed") || strings.Contains(text, "ffmpeg")) {
			t.Errorf("metadata URL: %s", text)
		}
	}
}
