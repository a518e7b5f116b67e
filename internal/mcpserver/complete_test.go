package mcpserver

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/sandbox"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// sandboxEnv binds the tools to the sandbox fakes.
func sandboxEnv(t *testing.T) *toolkit.Env {
	t.Helper()
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	set := &redact.Set{}
	return &toolkit.Env{Redact: set, Getenv: sb.Getenv, Sandbox: true, StateDir: t.TempDir(),
		Creds: &credentials.Store{Redact: set, Getenv: sb.Getenv, Sandbox: sb.Creds}}
}

func complete(t *testing.T, cs *sdk.ClientSession, ref *sdk.CompleteReference, name, value string, ctxArgs map[string]string) []string {
	t.Helper()
	p := &sdk.CompleteParams{Ref: ref, Argument: sdk.CompleteParamsArgument{Name: name, Value: value}}
	if ctxArgs != nil {
		p.Context = &sdk.CompleteContext{Arguments: ctxArgs}
	}
	res, err := cs.Complete(t.Context(), p)
	if err != nil {
		t.Fatalf("complete %s=%q: %v", name, value, err)
	}
	return res.Completion.Values
}

func TestCompletionsPromptsAndCardResources(t *testing.T) {
	cs, _ := sdkSession(t, serveHTTP(t, Options{Env: sandboxEnv(t)}))
	if cs.InitializeResult().Capabilities.Completions == nil {
		t.Fatal("completions capability not advertised")
	}
	prompt := func(n string) *sdk.CompleteReference { return &sdk.CompleteReference{Type: "ref/prompt", Name: n} }

	if got := complete(t, cs, prompt("go_live"), "hub", "", nil); !slices.Contains(got, sandbox.SandboxHub) {
		t.Errorf("hub completions %v", got)
	}
	if got := complete(t, cs, prompt("go_live"), "stream", "studio", map[string]string{"hub": sandbox.SandboxHub}); !slices.Equal(got, []string{sandbox.SandboxLiveStream}) {
		t.Errorf("stream completions %v", got)
	}
	langs := complete(t, cs, prompt("publish_video"), "language", "zh-", nil)
	if !slices.Contains(langs, "zh-CN") || slices.Contains(langs, "en") {
		t.Errorf("language completions %v", langs)
	}
	if got := complete(t, cs, prompt("go_live"), "expires_in", "1", nil); !slices.Equal(got, []string{"12h", "1d", "1h"}) {
		t.Errorf("expires_in completions %v", got)
	}
	if got := complete(t, cs, prompt("publish_video"), "file_path", "/", nil); len(got) != 0 {
		t.Errorf("file_path completes to %v", got)
	}

	// A title typed where a media id goes finds the id.
	media := &sdk.CompleteReference{Type: "ref/resource", URI: "mcp-media://aioz/media/{media_id}"}
	ids := complete(t, cs, media, "media_id", "Product launch", nil)
	if len(ids) != 1 {
		t.Fatalf("media ids for a title: %v", ids)
	}
	if all := complete(t, cs, media, "media_id", "", nil); len(all) < 3 || !slices.Contains(all, ids[0]) {
		t.Errorf("all media ids: %v", all)
	}

	tmpl, err := cs.ListResourceTemplates(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, rt := range tmpl.ResourceTemplates {
		uris = append(uris, rt.URITemplate)
	}
	for _, want := range []string{"mcp-media://aioz/media/{media_id}", "mcp-media://qiniu/streams/{hub}/{stream}", "mcp-media://vod/videos/{video_id}", "mcp-media://tools/{tool}/schema"} {
		if !slices.Contains(uris, want) {
			t.Errorf("resource templates %v lack %s", uris, want)
		}
	}
	read := func(uri string) (map[string]any, string) {
		t.Helper()
		res, err := cs.ReadResource(t.Context(), &sdk.ReadResourceParams{URI: uri})
		if err != nil {
			t.Fatalf("read %s: %v", uri, err)
		}
		var doc map[string]any
		var card string
		for _, c := range res.Contents {
			switch c.MIMEType {
			case "application/json":
				if err := json.Unmarshal([]byte(c.Text), &doc); err != nil {
					t.Fatalf("%s JSON: %v", uri, err)
				}
			case "text/markdown":
				card = c.Text
			}
		}
		return doc, card
	}
	doc, card := read("mcp-media://aioz/media/" + ids[0])
	if m, _ := doc["media"].(map[string]any); m["id"] != ids[0] || !strings.Contains(card, "Product launch keynote") {
		t.Errorf("media card: %v\n%s", doc, card)
	}
	doc, card = read("mcp-media://qiniu/streams/" + sandbox.SandboxHub + "/" + sandbox.SandboxLiveStream)
	if doc["stream"] != sandbox.SandboxLiveStream || doc["status"] != "live" || card == "" {
		t.Errorf("stream card: %v\n%s", doc, card)
	}
	if _, err := cs.ReadResource(t.Context(), &sdk.ReadResourceParams{URI: "mcp-media://qiniu/streams/" + sandbox.SandboxHub + "/nosuch1"}); err == nil {
		t.Error("an unknown stream's card was read")
	}

	// VOD: video ids complete, and a video reads back as its card.
	vodRef := &sdk.CompleteReference{Type: "ref/resource", URI: "mcp-media://vod/videos/{video_id}"}
	vids := complete(t, cs, vodRef, "video_id", "", nil)
	if len(vids) == 0 {
		t.Fatal("no VOD video id completions in the sandbox library")
	}
	doc, card = read("mcp-media://vod/videos/" + vids[0])
	if v, _ := doc["video"].(map[string]any); v["id"] != vids[0] || card == "" {
		t.Errorf("VOD card: %v\n%s", doc, card)
	}

	// The full schema of a tool, with the descriptions tools/list leaves out.
	schemaRef := &sdk.CompleteReference{Type: "ref/resource", URI: "mcp-media://tools/{tool}/schema"}
	if got := complete(t, cs, schemaRef, "tool", "aioz_upload_m", nil); !slices.Equal(got, []string{"aioz_upload_media"}) {
		t.Errorf("tool completions %v", got)
	}
	res, err := cs.ReadResource(t.Context(), &sdk.ReadResourceParams{URI: "mcp-media://tools/aioz_upload_media/schema"})
	if err != nil || !strings.Contains(res.Contents[0].Text, "empty until transcoding finishes") || !strings.Contains(res.Contents[0].Text, `"required"`) {
		t.Errorf("tool schema resource: %v %+v", err, res)
	}

	for _, p := range []struct {
		name string
		args map[string]string
		want []string
	}{
		{"publish_video", map[string]string{"file_path": "/v.mp4", "language": "en", "playlist_id": "pl1"}, []string{"aioz_upload_media", "aioz_wait_for_media", "qiniu_transcribe_long", "pl1", "media_toolsets"}},
		{"go_live", map[string]string{"stream": "show1", "hub": "h1"}, []string{"qiniu_create_stream", "qiniu_stream_urls", "qiniu_get_live_status", "qiniu_record_stream"}},
		{"moderate_live_stream", map[string]string{"stream": "show1"}, []string{"qiniu_start_video_stream_censor", "media_events", "qiniu_stop_audio_stream_censor"}},
		{"subtitles_from_speech", map[string]string{"url": "https://x/a.mp3", "media_id": "m1"}, []string{"qiniu_transcribe_long", "vtt_path", "m1"}},
	} {
		res, err := cs.GetPrompt(t.Context(), &sdk.GetPromptParams{Name: p.name, Arguments: p.args})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		text := res.Messages[0].Content.(*sdk.TextContent).Text
		for _, w := range p.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", p.name, w, text)
			}
		}
		if _, err := cs.GetPrompt(t.Context(), &sdk.GetPromptParams{Name: p.name}); err == nil {
			t.Errorf("%s without its required argument succeeded", p.name)
		}
	}
}
