package aioz

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
)

// The stream key goes to the keyring and appears in no result, even
// though the multicast routes carry it in their path; the agent gets the
// RTMP server and the reveal command.
func TestLiveStreamKeyStaysOutOfTheChat(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	kr := withKeyring(t, h)
	res := h.run.OK(t, "aioz_create_live_stream_key", map[string]any{"name": "studio", "save": true})
	id := res.Str("live_stream_key", "id")
	minted := h.fake.Minted()
	if len(minted) != 1 {
		t.Fatalf("minted %v", minted)
	}
	sk := minted[0]
	if v, _ := kr.Get(credentials.Service, "aioz/stream_key/"+id); v != sk {
		t.Fatalf("keyring holds %q", v)
	}
	if !strings.Contains(res.Text, "rtmp://") || !strings.Contains(res.Text, "mcp-media auth reveal aioz/stream_key/"+id) {
		t.Errorf("card:\n%s", res.Text)
	}
	var texts []string
	texts = append(texts, res.Text, res.Str())
	call := func(name string, args map[string]any) {
		r := h.run.OK(t, name, args)
		texts = append(texts, r.Text, r.Str())
	}
	call("aioz_list_live_stream_keys", map[string]any{})
	call("aioz_get_live_stream_key", map[string]any{"live_stream_key_id": id})
	call("aioz_update_live_stream_key", map[string]any{"live_stream_key_id": id, "name": "studio B"})
	call("aioz_set_multicast", map[string]any{"live_stream_key_id": id, "urls": []string{"rtmp://relay.example.com/live/x"}})
	call("aioz_get_multicast", map[string]any{"live_stream_key_id": id})
	call("aioz_delete_multicast", map[string]any{"live_stream_key_id": id})
	h.run.Fails(t, "aioz_get_multicast", map[string]any{"live_stream_key_id": "nope"}, "not found")
	for _, tx := range texts {
		if strings.Contains(tx, sk) || strings.Contains(tx, base64.StdEncoding.EncodeToString([]byte(sk))) {
			t.Fatalf("the stream key reached a result:\n%s", tx)
		}
	}
	var sawPath bool
	for _, r := range h.fake.Requests() {
		sawPath = sawPath || strings.Contains(r.Path, "/multicast/"+sk)
	}
	if !sawPath {
		t.Error("the multicast calls did not use the stream key")
	}
	h.run.OK(t, "aioz_delete_live_stream_key", map[string]any{"live_stream_key_id": id})
	if v, _ := kr.Get(credentials.Service, "aioz/stream_key/"+id); v != "" {
		t.Error("the deleted key's stream key stayed in the keyring")
	}
}

func TestBroadcastLifecycle(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	key := h.run.OK(t, "aioz_create_live_stream_key", map[string]any{"name": "studio"}).Str("live_stream_key", "id")
	h.run.Fails(t, "aioz_create_streaming", map[string]any{"live_stream_key_id": key, "title": "x", "qualities": []map[string]any{{"resolution": "4320p"}}}, "`qualities.0.resolution`")
	s := h.run.OK(t, "aioz_create_streaming", map[string]any{"live_stream_key_id": key, "title": "Show", "save": true,
		"qualities": []map[string]any{{"resolution": "720p", "video_codec": "h265"}}})
	if !strings.Contains(s.Text, "Safari/iOS") {
		t.Errorf("h265 + mpegts not warned about:\n%s", s.Text)
	}
	sid := s.Str("streaming", "id")
	ids := map[string]any{"live_stream_key_id": key, "stream_id": sid}
	if l := h.run.OK(t, "aioz_list_streamings", map[string]any{"live_stream_key_id": key, "search": "sho"}); !strings.Contains(l.Text, sid) {
		t.Errorf("list:\n%s", l.Text)
	}
	h.run.OK(t, "aioz_update_streaming", map[string]any{"live_stream_key_id": key, "stream_id": sid, "title": "Show B"})
	if g := h.run.OK(t, "aioz_get_streaming", ids); !strings.Contains(g.Text, "Show B") {
		t.Errorf("get:\n%s", g.Text)
	}
	png := filepath.Join(t.TempDir(), "t.png")
	os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n0000"), 0o600)
	h.run.OK(t, "aioz_set_streaming_thumbnail", map[string]any{"stream_id": sid, "image_path": png})
	h.run.OK(t, "aioz_delete_streaming_thumbnail", map[string]any{"stream_id": sid})
	h.run.Fails(t, "aioz_delete_streaming_thumbnail", map[string]any{"stream_id": sid}, "not found")
	h.run.OK(t, "aioz_get_live_recording", map[string]any{"stream_id": sid})
	st := h.run.OK(t, "aioz_get_live_statistics", map[string]any{"stream_id": sid})
	if st.Num("fps_in") != 30 {
		t.Errorf("statistics: %s", st.Text)
	}
	if p := h.run.OK(t, "aioz_get_player_config", map[string]any{"kind": "live_stream", "id": sid}); !strings.Contains(p.Text, sid) {
		t.Errorf("player config:\n%s", p.Text)
	}
	// AIOZ refuses updates once the broadcast is over; the error says so.
	h.fake.EndStreaming(sid)
	h.run.Fails(t, "aioz_update_streaming", map[string]any{"live_stream_key_id": key, "stream_id": sid, "title": "late"}, "only update while live")
	h.run.OK(t, "aioz_delete_streaming", ids)
	h.run.Fails(t, "aioz_get_streaming", ids, "not found", "aioz_list_streamings")
}
