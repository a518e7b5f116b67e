package pilifake

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

func decodeCaster(t *testing.T, body string) casterJSON {
	t.Helper()
	var c casterJSON
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return c
}

func TestCasterCRUD(t *testing.T) {
	clk := testkit.NewClock(t0)
	s := New(Options{AccessKey: testAK, SecretKey: testSK, Now: clk.Now, CasterQuota: 3})
	e := &env{t: t, s: s, clk: clk}

	r := e.do("POST", "/v1/casters", `{"name":"show1","staticKey":"","monitors":{},"canvas":{},"pvwOutput":{},"pgmOutput":{},"layouts":{},"storage":{}}`)
	if r.code != 200 {
		t.Fatal(r)
	}
	c := decodeCaster(t, r.body)
	now := t0.Unix()
	if c.ID == "" || c.Name != "show1" || len(c.StaticKey) != 16 || strings.Trim(c.StaticKey, "abcdefghijklmnopqrstuvwxyz0123456789") != "" ||
		c.Stage != 1 || c.Status != "running" || c.TimeSwitch != (timeSwitchJSON{now, now + 3600}) || c.CreateAt != now || c.UpdateAt != now ||
		string(c.Storage) != "{}" || c.UID == 0 {
		t.Fatalf("created %+v", c)
	}
	for _, k := range []string{`"createAt":`, `"updateAt":`, `"timeSwitch":{"start":`, `"storage":{}`, `"monitors":{}`} {
		if !strings.Contains(r.body, k) {
			t.Errorf("create body lacks %s: %s", k, r.body)
		}
	}
	// Defaults when objects are omitted.
	r = e.do("POST", "/v1/casters", `{"name":"show2"}`)
	c2 := decodeCaster(t, r.body)
	if !strings.Contains(r.body, `"monitors":{"0":{"url":"","vol":100,"muted":false},"1":{"url":"","vol":100,"muted":true}`) ||
		!strings.Contains(r.body, `"pgmOutput":{"closed":false,"publish":"","ab":64,"vb":1000,"channel":0,"overlay":{},"text":{},"emergencyMode":false,"emergencyChannel":0,"delay":0}`) ||
		!strings.Contains(r.body, `"storage":{"bucket":"","domain":""}`) || c2.StaticKey == c.StaticKey || c2.ID == c.ID {
		t.Fatalf("defaults: %s", r.body)
	}
	createCases := []struct {
		name, body string
		code       int
	}{
		{"name upper case", `{"name":"Show"}`, 400},
		{"name too long", `{"name":"` + strings.Repeat("a", 19) + `"}`, 400},
		{"name missing", `{}`, 400},
		{"monitor channel 8", `{"name":"x","monitors":{"8":{}}}`, 400},
		{"layouts not object", `{"name":"x","layouts":[]}`, 400},
		{"static key given", `{"name":"show3","staticKey":"mykey"}`, 200},
		{"quota", `{"name":"show4"}`, 400},
	}
	for _, cc := range createCases {
		expect(t, cc.name, e.do("POST", "/v1/casters", cc.body), cc.code)
	}

	id := "/v1/casters/" + c.ID
	// Get and list omit storage.
	r = e.do("GET", id, "")
	if r.code != 200 || strings.Contains(r.body, `"storage"`) || decodeCaster(t, r.body).ID != c.ID {
		t.Fatalf("get: %s", r.body)
	}
	clk.Add(time.Minute)
	// Update: top level partial, nested whole; name and canvas ignored.
	r = e.do("POST", id, `{"name":"renamed","canvas":{"resolution":"1080p"},"staticKey":"newkey","pgmOutput":{"publish":"rtmp://out/x"},"monitors":{"0":{"url":"rtmp://in/a","vol":200,"muted":false}}}`)
	u := decodeCaster(t, r.body)
	if r.code != 200 || u.Name != "show1" || u.StaticKey != "newkey" || string(u.PgmOutput) != `{"publish":"rtmp://out/x"}` ||
		string(u.Monitors) != `{"0":{"url":"rtmp://in/a","vol":200,"muted":false}}` || string(u.Canvas) != "{}" ||
		u.UpdateAt != now+60 || string(u.PvwOutput) != "{}" || !strings.Contains(r.body, `"storage"`) {
		t.Fatalf("update: %s", r.body)
	}
	expect(t, "update bad monitors", e.do("POST", id, `{"monitors":{"x":{}}}`), 400)
	expect(t, "update unchanged after error", e.do("GET", id, ""), 200, `"staticKey":"newkey"`)
	expect(t, "update unknown", e.do("POST", "/v1/casters/nope", `{"staticKey":"k"}`), 404, `{"error":"not found"}`)

	// Start while running extends; start time while running refused.
	expect(t, "start running with time", e.do("POST", id+"/start", `{"start": 1700000000, "hour": 1}`), 400)
	expect(t, "extend", e.do("POST", id+"/start", `{"start": 0, "hour": 2}`), 200)
	if ts := decodeCaster(t, e.do("GET", id, "").body).TimeSwitch; ts.Stop != now+3600+7200 {
		t.Fatalf("extend: %+v", ts)
	}
	// Stop (no body, no Content-Type).
	expect(t, "stop", e.doCT("POST", id+"/stop", "", ""), 200)
	if g := decodeCaster(t, e.do("GET", id, "").body); g.Status != "stopped" || g.TimeSwitch.Stop != now+60 {
		t.Fatalf("stop: %+v", g)
	}
	expect(t, "start default 1h", e.doCT("POST", id+"/start", "", ""), 200)
	if g := decodeCaster(t, e.do("GET", id, "").body); g.Status != "running" || g.TimeSwitch != (timeSwitchJSON{now + 60, now + 60 + 3600}) {
		t.Fatalf("start: %+v", g)
	}
	e.do("POST", id+"/stop", "")
	expect(t, "scheduled start", e.do("POST", id+"/start", `{"start": `+itoa(now+600)+`, "hour": 3}`), 200)
	if g := decodeCaster(t, e.do("GET", id, "").body); g.Status != "pending" || g.TimeSwitch != (timeSwitchJSON{now + 600, now + 600 + 3*3600}) {
		t.Fatalf("scheduled: %+v", g)
	}
	clk.Add(10 * time.Minute)
	if g := decodeCaster(t, e.do("GET", id, "").body); g.Status != "running" {
		t.Fatalf("scheduled start did not run: %+v", g)
	}
	expect(t, "start negative hour", e.do("POST", id+"/start", `{"hour": -1}`), 400)
	expect(t, "start unknown", e.do("POST", "/v1/casters/nope/start", `{}`), 404)
	expect(t, "stop unknown", e.do("POST", "/v1/casters/nope/stop", ""), 404)
	// The run window expires by itself.
	clk.Add(4 * time.Hour)
	if g := decodeCaster(t, e.do("GET", id, "").body); g.Status != "stopped" {
		t.Fatalf("window: %+v", g)
	}

	// List: prefix, limit, marker; items have no storage.
	var list struct {
		Count  int
		Marker string
		Items  []casterJSON
	}
	r = e.do("GET", "/v1/casters", "")
	json.Unmarshal([]byte(r.body), &list)
	if list.Count != 3 || list.Marker != "" || len(list.Items) != 3 || strings.Contains(r.body, `"storage"`) {
		t.Fatalf("list: %s", r.body)
	}
	r = e.do("GET", "/v1/casters?name=show&limit=2", "")
	json.Unmarshal([]byte(r.body), &list)
	if list.Count != 2 || list.Marker == "" {
		t.Fatalf("page1: %s", r.body)
	}
	first := list.Items
	r = e.do("GET", "/v1/casters?name=show&limit=2&marker="+list.Marker, "")
	list.Items = nil
	json.Unmarshal([]byte(r.body), &list)
	if list.Count != 1 || list.Marker != "" || list.Items[0].ID == first[0].ID || list.Items[0].ID == first[1].ID {
		t.Fatalf("page2: %s", r.body)
	}
	r = e.do("GET", "/v1/casters?name=show2", "")
	json.Unmarshal([]byte(r.body), &list)
	if list.Count != 1 || list.Items[0].Name != "show2" {
		t.Fatalf("prefix: %s", r.body)
	}
	expect(t, "list bad limit", e.do("GET", "/v1/casters?limit=x", ""), 400)

	// Delete (no Content-Type, as documented).
	expect(t, "delete", e.doCT("DELETE", id, "", ""), 200)
	expect(t, "delete again", e.doCT("DELETE", id, "", ""), 404)
	expect(t, "get deleted", e.do("GET", id, ""), 404)
	// Quota frees up.
	expect(t, "create after delete", e.do("POST", "/v1/casters", `{"name":"show5"}`), 200)
}

func TestCasterDefaultQuotaIsOne(t *testing.T) {
	e := newEnv(t)
	expect(t, "first", e.do("POST", "/v1/casters", `{"name":"a"}`), 200)
	expect(t, "second", e.do("POST", "/v1/casters", `{"name":"b"}`), 400)
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
