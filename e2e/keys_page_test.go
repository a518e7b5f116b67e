package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

// elicitClient is an MCP client (the official Go SDK) that declares
// URL-mode elicitation, accepts every request and records it.
type elicitClient struct {
	mu        sync.Mutex
	requests  []*mcp.ElicitParams
	completed chan string // elicitation ids of notifications/elicitation/complete
	changed   chan struct{}
}

func (e *elicitClient) options() *mcp.ClientOptions {
	return &mcp.ClientOptions{
		Capabilities: &mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapabilities{URL: &mcp.URLElicitationCapabilities{}}},
		ElicitationHandler: func(_ context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			e.mu.Lock()
			e.requests = append(e.requests, r.Params)
			e.mu.Unlock()
			return &mcp.ElicitResult{Action: "accept"}, nil
		},
		ElicitationCompleteHandler: func(_ context.Context, r *mcp.ElicitationCompleteNotificationRequest) {
			e.completed <- r.Params.ElicitationID
		},
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
			select {
			case e.changed <- struct{}{}:
			default:
			}
		},
	}
}

// keysPageSession starts `serve` over stdio with env and connects a client
// that declares URL elicitation; it calls aioz_list_media, which must offer
// the keys page, and returns the page's URL.
func keysPageSession(t *testing.T, env []string) (*mcp.ClientSession, *elicitClient, string) {
	t.Helper()
	ctx := t.Context()
	cmd := exec.Command(binPath, "serve", "--toolsets", "all")
	cmd.Env = env
	ec := &elicitClient{completed: make(chan string, 4), changed: make(chan struct{}, 1)}
	c := mcp.NewClient(&mcp.Implementation{Name: "mcp-media-e2e-elicit", Version: "1"}, ec.options())
	// Server-initiated elicitation/create is the 2025-11-25 form; under
	// 2026-07-28 the SDK expects multi round-trip requests instead.
	cs, err := c.Connect(ctx, &mcp.CommandTransport{Command: cmd}, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatalf("MCP initialize: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "aioz_list_media", Arguments: map[string]any{"limit": 5}})
	if err != nil {
		t.Fatal(err)
	}
	text := resultText(res)
	ec.mu.Lock()
	reqs := ec.requests
	ec.mu.Unlock()
	if len(reqs) != 1 {
		t.Fatalf("%d elicitation requests, want 1; result: %s", len(reqs), text)
	}
	p := reqs[0]
	if p.Mode != "url" || !strings.HasPrefix(p.URL, "http://127.0.0.1:") || p.ElicitationID == "" || !strings.Contains(p.Message, "127.0.0.1") {
		t.Fatalf("elicitation: mode %q url %q id %q message %q", p.Mode, p.URL, p.ElicitationID, p.Message)
	}
	if !res.IsError || !strings.Contains(text, "call `aioz_list_media` again") {
		t.Fatalf("result after accepting: %s", text)
	}
	return cs, ec, p.URL
}

// A client that declares URL elicitation and calls a tool of an
// unconfigured provider gets elicitation/create with a 127.0.0.1 URL.
func TestKeysPageOfferedByElicitation(t *testing.T) {
	_, _, url := keysPageSession(t, cleanEnv())
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET the page: %d", resp.StatusCode)
	}
}

// TestKeyringKeysPage fills the offered page in headless Chromium: the keys
// land in the real keyring (gnome-keyring under dbus-run-session, see
// scripts/test), the client is told the elicitation completed and the tool
// list changed, and the next call authenticates with those keys. Reopening
// the link fails. Runs only with MCP_MEDIA_KEYRING_TEST=1.
func TestKeyringKeysPage(t *testing.T) {
	env := cleanEnv(testkit.KeyringBus(t))
	pub, sec := "e2e-page-pub-"+randHex(8), "e2e-page-sec-"+randHex(12)
	fake := aiozfake.New(aiozfake.Options{PublicKey: pub, SecretKey: sec})
	defer fake.Close()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	env = append(env, "MCP_MEDIA_AIOZ_URL="+srv.URL+"/api")
	if out, _, _ := runBin(t, env, nil, "auth", "status", "--json"); strings.Contains(string(out), `"source": "keyring"`) && strings.Contains(string(out), `"aioz"`) {
		t.Fatal("this keyring already holds keys; run against a private keyring (scripts/test)")
	}
	t.Cleanup(func() { _, _, _ = runBin(t, env, nil, "auth", "delete", "aioz") })

	cs, ec, url := keysPageSession(t, env)
	bctx := testkit.Chromium(t)
	var stored, gone string
	if err := chromedp.Run(bctx,
		chromedp.Navigate(url),
		chromedp.WaitReady("#public_key", chromedp.ByID),
		chromedp.SendKeys("#public_key", pub, chromedp.ByID),
		chromedp.SendKeys("#secret_key", sec, chromedp.ByID),
		chromedp.Click("#save", chromedp.ByID),
		chromedp.WaitReady("#result", chromedp.ByID),
		chromedp.Text("#stored", &stored, chromedp.ByID),
	); err != nil {
		t.Fatal(err)
	}
	if stored != "public_key, secret_key" {
		t.Errorf("page says stored %q", stored)
	}
	<-ec.completed
	<-ec.changed
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "aioz_list_media", Arguments: map[string]any{"limit": 5}})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("the call after the page: %s", resultText(res))
	}
	authed := 0
	for _, r := range fake.Requests() {
		if r.Status == http.StatusOK && r.Header.Get("stream-public-key") == pub {
			authed++
		}
	}
	if authed == 0 {
		t.Error("the fake saw no request authenticated with the keys typed in the page")
	}
	if err := chromedp.Run(bctx, chromedp.Navigate(url), chromedp.Text("#gone", &gone, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gone, "no longer valid") {
		t.Errorf("replayed link: %q", gone)
	}
}
