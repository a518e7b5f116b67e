package aioz

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/media"
	"github.com/mcp-media/mcp-media/tools/toolkit/tooltest"
)

// withInbox gives the harness a callback inbox served on loopback (as
// --public-url does) and media_events beside the AIOZ tools.
func withInbox(t *testing.T, h *harness) (*inbox.Inbox, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ib, err := inbox.New(inbox.Options{PublicURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(inbox.PathPrefix, ib)
	h.env.Inbox = ib
	h.run = tooltest.NewRunner(h.env, append(Toolsets(h.env), media.Toolset(h.env)), testPub, testSec)
	h.run.ProgressToken = "tok"
	return ib, srv
}

// awaitEvent waits for an inbox event matching ok; the deadline only turns
// a hang into a failure.
func awaitEvent(t *testing.T, ib *inbox.Inbox, ok func(inbox.Event) bool) inbox.Event {
	t.Helper()
	got := make(chan inbox.Event, 16)
	stop := ib.Subscribe(func(ev inbox.Event) {
		if ok(ev) {
			got <- ev
		}
	})
	defer stop()
	evs, _ := ib.List(inbox.Filter{Limit: 1000})
	for _, ev := range evs {
		if ok(ev) {
			return ev
		}
	}
	select {
	case ev := <-got:
		return ev
	case <-time.After(30 * time.Second):
		t.Fatal("the expected inbox event never arrived")
	}
	return inbox.Event{}
}

func payloadType(ev inbox.Event) string {
	var p struct {
		Type    string `json:"type"`
		MediaID string `json:"media_id"`
	}
	_ = json.Unmarshal(ev.Payload, &p)
	return p.Type + "|" + p.MediaID
}

// Rule A8: a webhook is active only after /webhooks/check succeeded.
func TestWebhookActiveOnlyAfterItsCheck(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	var healthy atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
		}
	}))
	defer target.Close()

	res := h.run.OK(t, "aioz_create_webhook", map[string]any{"name": "ops", "url": target.URL + "/hook"})
	var out WebhookOutput
	structured(t, res.MCP, &out)
	if out.Active || !out.Check.Checked || out.Check.OK {
		t.Fatalf("a webhook whose check failed was reported %+v", out)
	}
	if !strings.Contains(res.Text, "Not active") || strings.Contains(res.Text, "✅ Active") {
		t.Errorf("card claims more than the check said:\n%s", res.Text)
	}
	if got := h.fake.Checks(); len(got) != 1 || got[0] != out.Webhook.ID {
		t.Fatalf("check requests %v, want one for %s", got, out.Webhook.ID)
	}
	// Reading it back makes no check and claims nothing.
	res = h.run.OK(t, "aioz_get_webhook", map[string]any{"webhook_id": out.Webhook.ID})
	structured(t, res.MCP, &out)
	if out.Active || out.Check.Checked || !strings.Contains(res.Text, "Not checked") {
		t.Errorf("get reported %+v:\n%s", out, res.Text)
	}
	healthy.Store(true)
	res = h.run.OK(t, "aioz_update_webhook", map[string]any{"webhook_id": out.Webhook.ID, "events": []string{"encoding_finished"}})
	structured(t, res.MCP, &out)
	if !out.Active || !strings.Contains(res.Text, "✅ Active") || len(out.Webhook.Events) != 1 {
		t.Fatalf("update after the URL recovered: %+v\n%s", out, res.Text)
	}
	// The check that made it active came after the update, in this call.
	var patch, check int
	for i, r := range h.fake.Requests() {
		switch {
		case r.Method == http.MethodPatch && strings.HasPrefix(r.Path, "/api/webhooks/"):
			patch = i
		case r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/api/webhooks/check/"):
			check = i
		}
	}
	if check < patch {
		t.Errorf("the last check (request %d) came before the update (request %d)", check, patch)
	}
	res = h.run.OK(t, "aioz_check_webhook", map[string]any{"webhook_id": out.Webhook.ID})
	if !strings.Contains(res.Text, "is active") {
		t.Errorf("check: %s", res.Text)
	}
	h.run.Fails(t, "aioz_create_webhook", map[string]any{"name": "x"}, "`url`", "--public-url")
	h.run.Fails(t, "aioz_create_webhook", map[string]any{"name": "x", "url": "ftp://a/b"}, "`url`")
	h.run.OK(t, "aioz_delete_webhook", map[string]any{"webhook_id": out.Webhook.ID})
	h.run.Fails(t, "aioz_get_webhook", map[string]any{"webhook_id": out.Webhook.ID}, "not found", "aioz_list_webhooks")
}

// Deliveries from the fake land in the inbox under the webhook's path and
// media_events shows them as seed 001's cards; a made-up path and a replay
// add nothing; aioz_wait_for_media reports what arrived.
func TestWebhookDeliveriesRenderedFromTheInbox(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	ib, srv := withInbox(t, h)

	res := h.run.OK(t, "aioz_create_webhook", map[string]any{"name": "inbox"})
	var hook WebhookOutput
	structured(t, res.MCP, &hook)
	if !hook.Active || !hook.Webhook.Inbox || hook.Webhook.URL != "" {
		t.Fatalf("inbox webhook: %+v\n%s", hook, res.Text)
	}
	if strings.Contains(res.Text, srv.URL) {
		t.Errorf("the card shows the inbox's capability URL:\n%s", res.Text)
	}
	awaitEvent(t, ib, func(ev inbox.Event) bool { return strings.HasPrefix(payloadType(ev), "webhook_check|") })

	up := h.run.OK(t, "aioz_upload_media", map[string]any{"file_path": writeVideo(t, 3<<20), "title": "Hooked"})
	mediaID := up.Str("media_id")
	received := awaitEvent(t, ib, func(ev inbox.Event) bool { return payloadType(ev) == "file_received|"+mediaID })
	awaitEvent(t, ib, func(ev inbox.Event) bool { return payloadType(ev) == "encoding_started|"+mediaID })

	var p struct {
		EmittedAt string `json:"emitted_at"`
	}
	_ = json.Unmarshal(received.Payload, &p)
	at, _ := time.Parse(time.RFC3339, p.EmittedAt)
	want, err := templates.AIOZFileReceived.Render(templates.MediaEvent{MediaID: mediaID, Title: "Hooked", Type: "video", Timestamp: templates.Timestamp(at), HasMP4: true})
	if err != nil {
		t.Fatal(err)
	}
	events := h.run.OK(t, "media_events", map[string]any{"provider": "aioz", "kind": WebhookKind, "limit": 100})
	if !strings.Contains(events.Text, want) {
		t.Fatalf("media_events lacks the file_received card:\n%s\nwant:\n%s", events.Text, want)
	}
	// The fake keeps delivering later events of the upload while this test
	// runs, so count only what a forgery or a replay could add.
	suspect := func() int {
		evs, _ := ib.List(inbox.Filter{Limit: 1000})
		n := 0
		for _, ev := range evs {
			if typ := payloadType(ev); typ == "file_received|"+mediaID || strings.Contains(typ, "forged") {
				n++
			}
		}
		return n
	}
	before := suspect()

	// A made-up path is refused; a replay of a delivery is not stored twice.
	resp, err := http.Post(srv.URL+inbox.PathPrefix+strings.Repeat("ab", 24), "application/json", strings.NewReader(`{"type":"file_received","media_id":"forged","title":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("a made-up callback path answered %d", resp.StatusCode)
	}
	client := aiozapi.New(aiozapi.Config{BaseURL: h.srv.URL + "/api", PublicKey: testPub, SecretKey: testSec})
	wh, err := client.GetWebhook(context.Background(), hook.Webhook.ID)
	if err != nil {
		t.Fatal(err)
	}
	// AIOZ retrying a delivery: acknowledged, stored once.
	resp, err = http.Post(wh.URL, "application/json", strings.NewReader(string(received.Payload)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a replayed delivery answered %d", resp.StatusCode)
	}
	if after := suspect(); after != before {
		t.Errorf("the made-up path and the replay added %d events", after-before)
	}
	if forged := h.run.OK(t, "media_events", map[string]any{"kind": WebhookKind, "limit": 100}); strings.Contains(forged.Text, "forged") {
		t.Errorf("the forged delivery shows up:\n%s", forged.Text)
	}

	// The wait reports the deliveries that came (their cards as progress),
	// then the final card from the media's state.
	h.mu.Lock()
	h.progress = nil
	h.mu.Unlock()
	wait := h.run.OK(t, "aioz_wait_for_media", map[string]any{"media_id": mediaID, "timeout_seconds": 60})
	var w WaitOutput
	structured(t, wait.MCP, &w)
	if w.Webhooks < 2 || w.Event != "encoding_finished" {
		t.Errorf("wait: %+v", w)
	}
	h.mu.Lock()
	joined := strings.Join(h.progress, "\n")
	h.mu.Unlock()
	if !strings.Contains(joined, want) {
		t.Errorf("wait progress lacks the delivered file_received card:\n%s", joined)
	}

	// When the inbox stops taking the webhook's path, the card says so and
	// the check fails; url "" gives it a new path that works.
	ib.Cancel(wh.URL)
	if g := h.run.OK(t, "aioz_get_webhook", map[string]any{"webhook_id": hook.Webhook.ID}); !strings.Contains(g.Text, "no longer accepts deliveries") {
		t.Errorf("dead inbox path not reported:\n%s", g.Text)
	}
	if c := h.run.OK(t, "aioz_check_webhook", map[string]any{"webhook_id": hook.Webhook.ID}); c.Data["active"] != false {
		t.Errorf("check of a dead path: %s", c.Text)
	}
	if u := h.run.OK(t, "aioz_update_webhook", map[string]any{"webhook_id": hook.Webhook.ID, "url": ""}); u.Data["active"] != true {
		t.Errorf("update to a new inbox path: %s", u.Text)
	}
}

// The encoding_finished card links to the configured endpoint and the
// media's own links (the sandbox's, not production's).
func TestEncodingFinishedUsesTheMediasLinks(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	up := h.run.OK(t, "aioz_upload_media", map[string]any{"file_path": writeVideo(t, 2<<20)})
	h.fake.Settle()
	res := h.run.OK(t, "aioz_wait_for_media", map[string]any{"media_id": up.Str("media_id")})
	if strings.Contains(res.Text, "https://api.aiozstream.network") || !strings.Contains(res.Text, h.srv.URL+"/api/media/"+up.Str("media_id")+"/manifest.m3u8") {
		t.Errorf("encoding_finished card:\n%s", res.Text)
	}
}
