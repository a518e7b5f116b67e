package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/oauth/oauthtest"
)

// Three replicas as OAuth resource servers for an issuer started here:
// every refusal (missing, expired, wrong audience, wrong signature) is a
// 401 pointing at the metadata, on whichever replica; a read-scope token
// lists and calls only read-only tools through the balancer; and a session
// answers only to the user who started it, on every replica.
func TestClusterOAuth(t *testing.T) {
	iss := oauthtest.New(t, oauthtest.Options{})
	const aud = "api://mcp-media-cluster"
	le := newLeakEnv(t)
	c := newCluster(t, 3, func(int) []string { return le.env(t, le.creds) }, "--oauth-issuer", iss.URL, "--oauth-audience", aud)
	c.route(-1, -1)
	endpoint := c.lb.URL + "/mcp"

	expired := iss.Claims(aud, "mcp-media:write")
	expired["exp"] = time.Now().Add(-time.Minute).Unix()
	for i, tc := range []struct{ name, auth string }{
		{"missing token", ""},
		{"expired", "Bearer " + iss.Sign(expired)},
		{"wrong audience", "Bearer " + iss.Token("api://someone-else", "mcp-media:write")},
		{"wrong signature", "Bearer " + iss.SignForeign(iss.Claims(aud, "mcp-media:write"))},
	} {
		hdr := map[string]string{pinHeader: string(rune('0' + i%3))}
		if tc.auth != "" {
			hdr["Authorization"] = tc.auth
		}
		resp := postMCP(t, endpoint, initBody, hdr)
		if ch := resp.Header.Get("WWW-Authenticate"); resp.StatusCode != 401 || !strings.Contains(ch, `resource_metadata="`) {
			t.Errorf("%s on replica %d: %d %q, want 401 with resource_metadata", tc.name, i%3, resp.StatusCode, ch)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	reader := c.connectAs(ctx, nil, iss.Token(aud, "mcp-media:read"))
	tools, err := reader.cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range tools.Tools {
		if tl.Name != "media_toolsets" && (tl.Annotations == nil || !tl.Annotations.ReadOnlyHint) {
			t.Errorf("a read-scope token lists %s, which is not read-only", tl.Name)
		}
	}
	mustCall(t, ctx, reader.cs, "media_providers", nil)
	if res, err := callTool(ctx, reader.cs, "aioz_upload_media", map[string]any{"file_path": c.filesDir + "/x.mp4"}); err == nil && !res.IsError {
		t.Error("a read-scope token called aioz_upload_media")
	}
	writer := c.connectAs(ctx, nil, iss.Token(aud, "mcp-media:write"))
	all, err := writer.cs.ListTools(ctx, nil)
	if err != nil || len(all.Tools) <= len(tools.Tools) {
		t.Errorf("the write token lists %d tools, the read token %d: want more (%v)", len(all.Tools), len(tools.Tools), err)
	}

	// alice's session, tried by bob's valid token through each replica.
	alice := iss.Token(aud, "mcp-media:write")
	bobClaims := iss.Claims(aud, "mcp-media:write")
	bobClaims["sub"] = "bob"
	bob := iss.Sign(bobClaims)
	resp := postMCP(t, endpoint, initBody, map[string]string{"Authorization": "Bearer " + alice})
	sid := resp.Header.Get("Mcp-Session-Id")
	if sid == "" {
		t.Fatalf("initialize as alice: %d, no session", resp.StatusCode)
	}
	ping := func(token string, replica int) int {
		return postMCP(t, endpoint, `{"jsonrpc":"2.0","id":2,"method":"ping"}`, map[string]string{
			"Authorization": "Bearer " + token, "Mcp-Session-Id": sid, pinHeader: string(rune('0' + replica))}).StatusCode
	}
	for r := 0; r < 3; r++ {
		if s := ping(bob, r); s != http.StatusNotFound {
			t.Errorf("bob with alice's session on replica %d: %d, want 404", r, s)
		}
		if s := ping(alice, r); s != http.StatusOK {
			t.Errorf("alice's own session on replica %d: %d, want 200", r, s)
		}
	}
}
