package aiozapi

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

// The secrets the API hands back are registered for redaction as soon as
// the client decodes them.
func TestReturnedSecretsAreRedacted(t *testing.T) {
	fake := aiozfake.New(aiozfake.Options{PublicKey: testkit.AIOZPublicKey, SecretKey: testkit.AIOZSecretKey})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	defer fake.Close()
	set := &redact.Set{}
	c := New(Config{BaseURL: srv.URL + "/api", PublicKey: testkit.AIOZPublicKey, SecretKey: testkit.AIOZSecretKey, Redact: set})
	ctx := context.Background()
	k, err := c.CreateAPIKey(ctx, "ci", 3600, "full_access")
	if err != nil || k.Secret == "" {
		t.Fatal(k, err)
	}
	lk, err := c.CreateLiveStreamKey(ctx, "studio", false, "video")
	if err != nil || lk.StreamKey == "" {
		t.Fatal(lk, err)
	}
	for _, s := range []string{k.Secret, lk.StreamKey} {
		if out := set.String("x " + s + " y"); strings.Contains(out, s) {
			t.Errorf("%q is not redacted: %s", s, out)
		}
	}
	list, err := c.ListAPIKeys(ctx, ListQuery{})
	if err != nil || len(list.APIKeys) != 1 || list.APIKeys[0].Secret != "" {
		t.Fatalf("list %+v %v", list, err)
	}
	if _, err := c.TopUps(ctx, PaymentPage{OrderBy: "desc"}); err != nil {
		t.Errorf("top-ups with camelCase paging: %v", err)
	}
}
