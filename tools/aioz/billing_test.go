package aioz

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aiozfake"
)

// Payments use camelCase orderBy/sortBy (the fake refuses snake_case);
// the billing shows the balance beside usage costs.
func TestBillingUsesCamelCasePaging(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	h.run.OK(t, "aioz_upload_media", map[string]any{"file_path": writeVideo(t, 2<<20)})
	h.fake.Settle()
	res := h.run.OK(t, "aioz_get_billing", map[string]any{"order_by": "asc", "limit": 5})
	for _, w := range []string{"Balance: **100**", "Storage", "Transcode", "Top-ups", "Monthly billings", "0x5a1e"} {
		if !strings.Contains(res.Text, w) {
			t.Errorf("billing lacks %q:\n%s", w, res.Text)
		}
	}
	var sawCamel bool
	for _, r := range h.fake.Requests() {
		if strings.HasPrefix(r.Path, "/api/payment/") && r.Path != "/api/payment/usage" {
			if strings.Contains(r.RawQuery, "order_by") || !strings.Contains(r.RawQuery, "orderBy=asc") {
				t.Errorf("%s?%s", r.Path, r.RawQuery)
			}
			sawCamel = true
		}
	}
	if !sawCamel {
		t.Error("no payment list was requested")
	}
	acct := h.run.OK(t, "aioz_get_account", map[string]any{})
	if !strings.Contains(acct.Text, "0x00000000000000000000000000000000000a1020") {
		t.Errorf("account lacks the wallet:\n%s", acct.Text)
	}
	// Rule A3: the price is shown beside the balance.
	h.fake.SetBalance(0.000001)
	c := h.run.Fails(t, "aioz_create_media", map[string]any{"title": "x", "qualities": []map[string]any{{"resolution": "1080p"}}, "duration_seconds": 600}, "insufficient")
	if !strings.Contains(c.Text, "balance of 0.000001") {
		t.Errorf("no balance beside the price:\n%s", c.Text)
	}
}

// The payment endpoints may be retired (seed 001 only): a 404 is reported
// in the card and the output, and the balance still shows.
func TestBillingToleratesRetiredPaymentEndpoints(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	retired := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/payment/") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"status":"error","message":"Route not found"}`)
			return
		}
		h.fake.ServeHTTP(w, r)
	}))
	defer retired.Close()
	h.env.Getenv = func(k string) string { return map[string]string{"MCP_MEDIA_AIOZ_URL": retired.URL + "/api"}[k] }
	res := h.run.OK(t, "aioz_get_billing", map[string]any{})
	var out BillingOutput
	structured(t, res.MCP, &out)
	if len(out.Unavailable) != 3 || out.Balance != "100" || !strings.Contains(res.Text, "may be retired") {
		t.Errorf("billing with retired endpoints: %+v\n%s", out, res.Text)
	}
}

// An empty media made by aioz_create_media takes its file through
// aioz_upload_media media_id; a media that has its file refuses a second.
func TestUploadIntoAnExistingMedia(t *testing.T) {
	h := newHarness(t, aiozfake.Options{})
	created := h.run.OK(t, "aioz_create_media", map[string]any{"title": "Empty first"})
	id := created.Str("media", "id")
	if !strings.Contains(created.Text, "media_id `"+id+"`") {
		t.Errorf("create does not say how to upload into it:\n%s", created.Text)
	}
	path := writeVideo(t, 2<<20)
	up := h.run.OK(t, "aioz_upload_media", map[string]any{"file_path": path, "media_id": id})
	if up.Str("media_id") != id || up.Str("title") != "Empty first" {
		t.Errorf("upload: %s", up.Str())
	}
	creates := 0
	for _, r := range h.fake.Requests() {
		if r.Path == "/api/media/create" {
			creates++
		}
	}
	if creates != 1 {
		t.Errorf("%d creates, want only aioz_create_media's", creates)
	}
	h.run.Fails(t, "aioz_upload_media", map[string]any{"file_path": path, "media_id": id}, "`media_id`", "already uploaded")
	h.run.Fails(t, "aioz_upload_media", map[string]any{"file_path": path, "media_id": id, "qualities": []map[string]any{{"resolution": "720p"}}}, "`qualities`")
	h.fake.Settle()
	png := filepath.Join(t.TempDir(), "t.png")
	os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n0000"), 0o600)
	h.run.OK(t, "aioz_set_media_thumbnail", map[string]any{"media_id": id, "image_path": png})
	h.run.OK(t, "aioz_delete_media_thumbnail", map[string]any{"media_id": id})
	h.run.Fails(t, "aioz_delete_media_thumbnail", map[string]any{"media_id": id}, "not found")
	stats := h.run.OK(t, "aioz_get_media_statistics", map[string]any{"type": "video"})
	if !strings.Contains(stats.Text, id) {
		t.Errorf("statistics:\n%s", stats.Text)
	}
}
