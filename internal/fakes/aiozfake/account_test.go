package aiozfake

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Created keys authenticate; only_upload keys only upload; expired keys
// are refused; the secret is returned once and never listed.
func TestAPIKeysAuthenticateAndScope(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newEnv(t, Options{Now: func() time.Time { return now }})
	for _, bad := range []map[string]any{
		{"api_key_name": "x", "ttl": "2147483648"}, {"api_key_name": "x", "ttl": "0"}, {"api_key_name": "x", "ttl": 60},
		{"api_key_name": "x", "ttl": "60", "type": "admin"}, {"ttl": "60"},
	} {
		if r := e.do("POST", "/api_keys", bad); r.code != 400 {
			t.Errorf("%v: %d %s", bad, r.code, r.body)
		}
	}
	r := e.do("POST", "/api_keys", map[string]any{"api_key_name": "up", "ttl": "3600", "type": "only_upload"})
	if r.code != 201 {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	k := r.data(t)["api_key"].(map[string]any)
	pub, sec := k["public_key"].(string), k["secret"].(string)
	if sec == "" || len(e.s.Minted()) != 1 || e.s.Minted()[0] != sec || k["expired_at"] != "2026-01-01T01:00:00Z" {
		t.Fatalf("key %v", k)
	}
	as := func(method, path string, body any) int {
		return e.doAuth(method, path, body, false, "stream-public-key", pub, "stream-secret-key", sec).code
	}
	if c := as("POST", "/media/create", map[string]any{"title": "t"}); c != 200 {
		t.Errorf("only_upload create: %d", c)
	}
	if c := as("GET", "/user/me", nil); c != 403 {
		t.Errorf("only_upload /user/me: %d, want 403", c)
	}
	list := e.do("GET", "/api_keys", nil)
	if strings.Contains(string(list.body), sec) || !strings.Contains(string(list.body), sec[len(sec)-4:]) {
		t.Errorf("list: %s", list.body)
	}
	if r := e.do("GET", "/api_keys?sort_by=size", nil); r.code != 400 {
		t.Errorf("sort_by=size: %d", r.code)
	}
	id := k["id"].(string)
	if r := e.do("PATCH", "/api_keys/"+id, map[string]any{"api_key_name": "renamed"}); r.code != 200 {
		t.Errorf("rename: %d", r.code)
	}
	now = now.Add(2 * time.Hour)
	if c := as("POST", "/media/create", map[string]any{"title": "t"}); c != 401 {
		t.Errorf("expired key: %d, want 401", c)
	}
	if r := e.do("DELETE", "/api_keys/"+id, nil); r.code != 200 {
		t.Errorf("delete: %d", r.code)
	}
	if r := e.do("DELETE", "/api_keys/"+id, nil); r.code != 404 {
		t.Errorf("second delete: %d", r.code)
	}
}

// The check POSTs the URL and answers 200 only on a 2xx; events go to the
// webhooks subscribed to them.
func TestWebhookCheckAndDelivery(t *testing.T) {
	got := make(chan string, 16)
	status := http.StatusOK
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
		w.WriteHeader(status)
	}))
	defer target.Close()
	e := newEnv(t, Options{})
	if r := e.do("POST", "/webhooks", map[string]any{"name": "x", "url": "ftp://a"}); r.code != 400 {
		t.Errorf("ftp url: %d", r.code)
	}
	r := e.do("POST", "/webhooks", map[string]any{"name": "h", "url": target.URL, "encoding_started": true})
	if r.code != 201 {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	id := r.data(t)["webhook"].(map[string]any)["id"].(string)
	if r := e.do("POST", "/webhooks/check/"+id, nil); r.code != 200 {
		t.Errorf("check: %d %s", r.code, r.body)
	}
	if b := <-got; !strings.Contains(b, `"webhook_check"`) {
		t.Errorf("check payload %s", b)
	}
	status = http.StatusInternalServerError
	if r := e.do("POST", "/webhooks/check/"+id, nil); r.code != 400 {
		t.Errorf("check of a failing URL: %d", r.code)
	}
	<-got
	status = http.StatusOK
	e.upload(map[string]any{"title": "clip"}, []byte("0123456789"))
	// Only encoding_started is subscribed: file_received is not sent.
	if b := <-got; !strings.Contains(b, `"encoding_started"`) {
		t.Errorf("delivery %s", b)
	}
	if g := e.do("GET", "/webhooks/"+id, nil).data(t)["webhook"].(map[string]any); g["last_triggered_at"] == "" {
		t.Errorf("last_triggered_at not set: %v", g)
	}
	if l := e.do("GET", "/webhooks?encoding_started=true&search=H", nil).data(t); l["total"].(float64) != 1 {
		t.Errorf("list: %v", l)
	}
	if r := e.do("DELETE", "/webhooks/"+id, nil); r.code != 200 {
		t.Errorf("delete: %d", r.code)
	}
}

func TestPaymentsTakeCamelCase(t *testing.T) {
	e := newEnv(t, Options{})
	if r := e.do("GET", "/payment/top_ups?order_by=desc", nil); r.code != 400 || !strings.Contains(r.message(), "orderBy") {
		t.Errorf("snake_case: %d %s", r.code, r.body)
	}
	if r := e.do("GET", "/payment/billings?sortBy=created_at", nil); r.code != 400 {
		t.Errorf("billings sortBy: %d", r.code)
	}
	if d := e.do("GET", "/payment/top_ups?orderBy=asc&sortBy=created_at&limit=1", nil).data(t); d["total"].(float64) != 2 || len(d["top_ups"].([]any)) != 1 {
		t.Errorf("top-ups %v", d)
	}
	if r := e.do("GET", "/payment/usage?from=10&to=5", nil); r.code != 400 {
		t.Errorf("from > to: %d", r.code)
	}
	if d := e.do("GET", "/payment/usage?from=0&to=9999999999", nil).data(t); d["storage_cost"] == nil {
		t.Errorf("usage %v", d)
	}
}

func TestLiveStreamRoutes(t *testing.T) {
	e := newEnv(t, Options{})
	if r := e.do("POST", "/live_streams", map[string]any{"name": "s", "type": "3d"}); r.code != 400 {
		t.Errorf("bad type: %d", r.code)
	}
	k := e.do("POST", "/live_streams", map[string]any{"name": "studio", "save": true}).data(t)
	id, sk := k["id"].(string), k["stream_key"].(string)
	if !strings.HasPrefix(k["rtmp_url"].(string), "rtmp://") || e.s.Minted()[0] != sk {
		t.Fatalf("key %v", k)
	}
	if l := e.do("GET", "/live_streams?type=audio", nil).data(t); l["total"].(float64) != 0 {
		t.Errorf("audio keys: %v", l)
	}
	st := e.do("POST", "/live_streams/"+id+"/streamings", map[string]any{"title": "show", "qualities": []map[string]any{{"resolution": "480p"}}})
	if st.code != 400 {
		t.Errorf("480p live: %d", st.code)
	}
	sid := e.do("POST", "/live_streams/"+id+"/streamings", map[string]any{"title": "show", "save": true}).data(t)["id"].(string)
	for _, p := range []string{"/live_streams/" + id + "/streamings", "/live_streams/" + id + "/streamings/" + sid, "/live_streams/" + sid + "/video",
		"/live_streams/statistic/" + sid, "/live_streams/multicast/" + sk} {
		if r := e.do("GET", p, nil); r.code != 200 {
			t.Errorf("GET %s: %d %s", p, r.code, r.body)
		}
	}
	if r := e.doAuth("GET", "/live_streams/player/"+sid+"/media", nil, false); r.code != 200 {
		t.Errorf("public player: %d", r.code)
	}
	if r := e.doAuth("GET", "/live_streams/"+id+"/streamings/"+sid, nil, false); r.code != 401 {
		t.Errorf("streaming without keys: %d", r.code)
	}
	if r := e.do("GET", "/live_streams/multicast/not-a-key", nil); r.code != 400 {
		t.Errorf("unknown stream key: %d", r.code)
	}
	if r := e.do("POST", "/live_streams/multicast/"+sk, map[string]any{"multicast_urls": []string{"http://x"}}); r.code != 400 {
		t.Errorf("http multicast: %d", r.code)
	}
	if r := e.do("GET", "/live_streams/"+id+"/nothing", nil); r.code != 404 {
		t.Errorf("unknown subroute: %d", r.code)
	}
	e.s.EndStreaming(sid)
	if r := e.do("PUT", "/live_streams/"+id+"/streamings", map[string]any{"stream_id": sid, "title": "late"}); r.code != 400 {
		t.Errorf("update after the end: %d", r.code)
	}
	if r := e.do("DELETE", "/live_streams/"+id, nil); r.code != 200 {
		t.Errorf("delete key: %d", r.code)
	}
	if r := e.do("GET", "/live_streams/"+id+"/streamings/"+sid, nil); r.code != 404 {
		t.Errorf("streaming of a deleted key: %d", r.code)
	}
}

// The fake reaches loopback only: a check of another address fails
// without a connection.
func TestWebhookCheckRefusesOtherHosts(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.do("POST", "/webhooks", map[string]any{"name": "x", "url": "http://169.254.169.254/latest"}).data(t)["webhook"].(map[string]any)["id"].(string)
	r := e.do("POST", "/webhooks/check/"+id, nil)
	if r.code != 400 || !strings.Contains(r.message(), "loopback only") {
		t.Errorf("check of a metadata address: %d %s", r.code, r.body)
	}
}
