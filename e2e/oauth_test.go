package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcp-media/mcp-media/internal/oauth"
	"github.com/mcp-media/mcp-media/internal/oauth/oauthtest"
)

// TestOAuthOverStreamableHTTP runs the built binary as an OAuth resource
// server on a public address for an issuer started here: no token → 401
// pointing at the protected resource metadata, which answers without one;
// a read token (official Go SDK client) lists only read-only tools and
// cannot call a write tool; a write token lists the write tools too.
func TestOAuthOverStreamableHTTP(t *testing.T) {
	iss := oauthtest.New(t, oauthtest.Options{})
	const aud = "api://mcp-media-e2e"
	port := portOf(t, freeAddr(t))
	_, stderr := startServer(t, cleanEnv(), "serve", "--sandbox", "--transport", "http", "--addr", "0.0.0.0:"+port,
		"--oauth-issuer", iss.URL, "--oauth-audience", aud)
	addr := "127.0.0.1:" + port
	waitHTTP(t, addr, stderr)
	endpoint := "http://" + addr + "/mcp"

	code, body := post(t, endpoint, nil)
	if code != http.StatusUnauthorized {
		t.Fatalf("no token: %d %s, want 401", code, body)
	}
	req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(initBody))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	prm := "http://" + addr + oauth.MetadataPath + "/mcp"
	if ch := resp.Header.Get("WWW-Authenticate"); ch != `Bearer resource_metadata="`+prm+`"` {
		t.Errorf("no-token challenge %q", ch)
	}
	resp, err = http.Get(prm)
	if err != nil {
		t.Fatal(err)
	}
	var md oauth.ProtectedResource
	err = json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if err != nil || md.Resource != endpoint || !slices.Equal(md.AuthorizationServers, []string{iss.URL}) {
		t.Errorf("metadata: %v %+v", err, md)
	}
	if code, body := post(t, endpoint, map[string]string{"Authorization": "Bearer " + iss.SignForeign(iss.Claims(aud, "mcp-media:write"))}); code != http.StatusUnauthorized {
		t.Errorf("forged token: %d %s, want 401", code, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	session := func(scope string) *mcp.ClientSession {
		t.Helper()
		c := mcp.NewClient(&mcp.Implementation{Name: "mcp-media-e2e-oauth", Version: "1"}, nil)
		cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: endpoint,
			HTTPClient: &http.Client{Transport: bearer{iss.Token(aud, scope), http.DefaultTransport}}}, nil)
		if err != nil {
			t.Fatalf("initialize with %s: %v\n%s", scope, err, stderr.String())
		}
		t.Cleanup(func() { cs.Close() })
		return cs
	}
	list := func(cs *mcp.ClientSession) []*mcp.Tool {
		t.Helper()
		res, err := cs.ListTools(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res.Tools
	}

	reader := session("mcp-media:read")
	for _, tl := range list(reader) {
		if tl.Annotations == nil || !tl.Annotations.ReadOnlyHint {
			t.Errorf("read token lists %s, which is not read-only", tl.Name)
		}
	}
	if _, err := reader.CallTool(ctx, &mcp.CallToolParams{Name: "aioz_upload_media", Arguments: map[string]any{}}); err == nil ||
		!strings.Contains(err.Error(), "not found") {
		t.Errorf("read token calling aioz_upload_media: %v, want tool not found", err)
	}

	writer := session("mcp-media:write")
	if !slices.ContainsFunc(list(writer), func(tl *mcp.Tool) bool { return tl.Name == "aioz_upload_media" }) {
		t.Error("write token does not list aioz_upload_media")
	}
	if strings.Contains(stderr.String(), "eyJ") {
		t.Errorf("the server logged something token-like:\n%s", stderr.String())
	}
}
