package aiozfake

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCreateValidation(t *testing.T) {
	e := newEnv(t, Options{})
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprint("t", i)
		}
		return out
	}
	manyMD := func(n int) []map[string]string {
		out := make([]map[string]string, n)
		for i := range out {
			out[i] = map[string]string{"key": fmt.Sprint("k", i), "value": "v"}
		}
		return out
	}
	q := func(res string, extra ...any) map[string]any {
		m := map[string]any{"resolution": res}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	cases := []struct {
		name string
		body any
		code int
		msg  string // substring of the error message
	}{
		{"minimal", map[string]any{"title": "t"}, 200, ""},
		{"missing title", map[string]any{"type": "video"}, 400, "title"},
		{"blank title", map[string]any{"title": "   "}, 400, "title"},
		{"title not string", `{"title": 5}`, 400, "title"},
		{"invalid json", `{"title": `, 400, "JSON"},
		{"empty body", "", 400, "body"},
		{"trailing data", `{"title":"a"} {}`, 400, "trailing"},
		{"bad type", map[string]any{"title": "t", "type": "image"}, 400, "type"},
		{"audio", map[string]any{"title": "t", "type": "audio"}, 200, ""},
		{"video 480p", map[string]any{"title": "t", "qualities": []any{q("480p")}}, 200, ""},
		{"video 144p dash fmp4", map[string]any{"title": "t", "qualities": []any{q("144p", "type", "dash", "container_type", "fmp4")}}, 200, ""},
		{"hls mp4 container", map[string]any{"title": "t", "qualities": []any{q("720p", "type", "hls", "container_type", "mp4")}}, 200, ""},
		{"video resolution for audio", map[string]any{"title": "t", "type": "audio", "qualities": []any{q("1080p")}}, 400, "not allowed for audio"},
		{"audio preset for video", map[string]any{"title": "t", "qualities": []any{q("highest")}}, 400, "not allowed for video"},
		{"unknown resolution", map[string]any{"title": "t", "qualities": []any{q("999p")}}, 400, "999p"},
		{"missing resolution", map[string]any{"title": "t", "qualities": []any{map[string]any{"type": "hls"}}}, 400, "resolution is required"},
		{"h264 8K", map[string]any{"title": "t", "qualities": []any{q("4320p", "video_config", map[string]any{"codec": "h264"})}}, 400, "h264"},
		{"default codec 8K", map[string]any{"title": "t", "qualities": []any{q("4320p")}}, 400, "h265"},
		{"h265 8K", map[string]any{"title": "t", "qualities": []any{q("4320p", "video_config", map[string]any{"codec": "h265"})}}, 200, ""},
		{"h264 4K", map[string]any{"title": "t", "qualities": []any{q("2160p", "video_config", map[string]any{"codec": "h264", "bitrate": 16000000})}}, 200, ""},
		{"bad codec", map[string]any{"title": "t", "qualities": []any{q("720p", "video_config", map[string]any{"codec": "vp9"})}}, 400, "codec"},
		{"bad stream type", map[string]any{"title": "t", "qualities": []any{q("720p", "type", "smooth")}}, 400, "type"},
		{"bad container", map[string]any{"title": "t", "qualities": []any{q("720p", "container_type", "avi")}}, 400, "container_type"},
		{"duplicate quality", map[string]any{"title": "t", "qualities": []any{q("720p"), q("720p")}}, 400, "duplicate"},
		{"channels as number", map[string]any{"title": "t", "qualities": []any{q("720p", "audio_config", map[string]any{"codec": "aac", "channels": 2})}}, 400, "channels"},
		{"channels as string", map[string]any{"title": "t", "qualities": []any{q("720p", "audio_config", map[string]any{"codec": "aac", "channels": "2", "bitrate": 192000, "sample_rate": 48000})}}, 200, ""},
		{"video_config on audio", map[string]any{"title": "t", "type": "audio", "qualities": []any{q("good", "video_config", map[string]any{"codec": "h264"})}}, 400, "video_config"},
		{"50 tags", map[string]any{"title": "t", "tags": many(50)}, 200, ""},
		{"51 tags", map[string]any{"title": "t", "tags": many(51)}, 400, "tags"},
		{"long tag", map[string]any{"title": "t", "tags": []string{strings.Repeat("x", 256)}}, 400, "255"},
		{"50 metadata", map[string]any{"title": "t", "metadata": manyMD(50)}, 200, ""},
		{"51 metadata", map[string]any{"title": "t", "metadata": manyMD(51)}, 400, "metadata"},
		{"metadata without key", map[string]any{"title": "t", "metadata": []any{map[string]string{"value": "v"}}}, 400, "key"},
		{"negative segment", map[string]any{"title": "t", "segment_duration": -1}, 400, "segment_duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r resp
			if s, ok := c.body.(string); ok {
				r = e.do("POST", "/media/create", s, "Content-Type", "application/json")
			} else {
				r = e.do("POST", "/media/create", c.body)
			}
			if r.code != c.code {
				t.Fatalf("code %d, want %d: %s", r.code, c.code, r.body)
			}
			if c.code != 200 {
				if m := r.json(t); m["status"] != "error" || !strings.Contains(r.message(), c.msg) {
					t.Fatalf("body %s, want message containing %q", r.body, c.msg)
				}
			}
		})
	}
}

func TestCreateFormEncoded(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("POST", "/media/create", "title=Form+Video&type=audio&tags=a,b", "Content-Type", "application/x-www-form-urlencoded")
	if r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	d := r.data(t)
	if d["title"] != "Form Video" || d["type"] != "audio" || fmt.Sprint(d["tags"]) != "[a b]" {
		t.Fatalf("%v", d)
	}
	if r := e.do("POST", "/media/create", "type=video", "Content-Type", "application/x-www-form-urlencoded"); r.code != 400 {
		t.Fatalf("form without title: %d", r.code)
	}
}

func qualityNames(d map[string]any) []string {
	var out []string
	for _, q := range d["qualities"].([]any) {
		qm := q.(map[string]any)
		out = append(out, fmt.Sprint(qm["name"], ":", qm["status"]))
	}
	return out
}

func TestCreateDefaults(t *testing.T) {
	e := newEnv(t, Options{})
	cases := []struct {
		body any
		typ  string
		qs   string
	}{
		{map[string]any{"title": "v"}, "video", "[1080p:new 720p:new 360p:new]"},
		{map[string]any{"title": "a", "type": "audio"}, "audio", "[standard:new]"},
		{map[string]any{"title": "c", "qualities": []any{map[string]any{"resolution": "240p"}}}, "video", "[240p:new]"},
	}
	for _, c := range cases {
		r := e.do("POST", "/media/create", c.body)
		d := r.data(t)
		if d["status"] != "new" || d["type"] != c.typ || fmt.Sprint(qualityNames(d)) != c.qs {
			t.Fatalf("create %v → %s", c.body, r.body)
		}
		a := d["assets"].(map[string]any)
		for k, v := range a {
			if v != "" {
				t.Fatalf("asset %s = %v before transcoding", k, v)
			}
		}
		if _, ok := a["mp4_url"]; ok {
			t.Fatal("mp4_url present before done")
		}
		for _, k := range []string{"id", "title", "description", "is_public", "duration", "size", "view", "tags", "metadata", "captions", "chapters", "user_id", "created_at", "updated_at"} {
			if _, ok := d[k]; !ok {
				t.Fatalf("field %s missing: %s", k, r.body)
			}
		}
	}
}

func seedForList(e *env) []string {
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	return e.s.SeedMedia(
		MediaSeed{Title: "Bravo clip", Tags: []string{"music", "live"}, Metadata: []Metadata{{"genre", "rock"}}, CreatedAt: t0},
		MediaSeed{Title: "alpha podcast", Type: "audio", Tags: []string{"talk"}, CreatedAt: t0.Add(time.Hour)},
		MediaSeed{Title: "Charlie CLIP", Status: StatusNew, Tags: []string{"music"}, Metadata: []Metadata{{"genre", "jazz"}}, CreatedAt: t0.Add(2 * time.Hour)},
		MediaSeed{Title: "delta gone", Status: StatusDeleted, CreatedAt: t0.Add(3 * time.Hour)},
		MediaSeed{Title: "echo failed", Status: StatusFail, CreatedAt: t0.Add(4 * time.Hour)},
	)
}

func TestListMedia(t *testing.T) {
	e := newEnv(t, Options{})
	seedForList(e)
	cases := []struct {
		name  string
		body  any
		want  string // titles in order
		total int
	}{
		{"all", map[string]any{}, "Bravo clip|alpha podcast|Charlie CLIP|echo failed", 4},
		{"desc", map[string]any{"order_by": "desc"}, "echo failed|Charlie CLIP|alpha podcast|Bravo clip", 4},
		{"name asc", map[string]any{"sort_by": "name"}, "alpha podcast|Bravo clip|Charlie CLIP|echo failed", 4},
		{"name desc", map[string]any{"sort_by": "name", "order_by": "desc"}, "echo failed|Charlie CLIP|Bravo clip|alpha podcast", 4},
		{"type audio", map[string]any{"type": "audio"}, "alpha podcast", 1},
		{"type video", map[string]any{"type": "video"}, "Bravo clip|Charlie CLIP|echo failed", 3},
		{"search case-insensitive", map[string]any{"search": "clip"}, "Bravo clip|Charlie CLIP", 2},
		{"search none", map[string]any{"search": "zzz"}, "", 0},
		{"status string", map[string]any{"status": "done"}, "Bravo clip|alpha podcast", 2},
		{"status comma string", map[string]any{"status": "new,fail"}, "Charlie CLIP|echo failed", 2},
		{"status array", map[string]any{"status": []string{"new"}}, "Charlie CLIP", 1},
		{"status deleted", map[string]any{"status": []string{"deleted"}}, "delta gone", 1},
		{"tags comma string", map[string]any{"tags": "music,live"}, "Bravo clip", 1},
		{"tags array", map[string]any{"tags": []string{"music"}}, "Bravo clip|Charlie CLIP", 2},
		{"metadata object", map[string]any{"metadata": map[string]string{"genre": "rock"}}, "Bravo clip", 1},
		{"metadata array", map[string]any{"metadata": []map[string]string{{"key": "genre", "value": "jazz"}}}, "Charlie CLIP", 1},
		{"limit", map[string]any{"limit": 2}, "Bravo clip|alpha podcast", 4},
		{"offset", map[string]any{"offset": 3, "limit": 2}, "echo failed", 4},
		{"offset past end", map[string]any{"offset": 10}, "", 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/media", c.body)
			if r.code != 200 {
				t.Fatalf("%d %s", r.code, r.body)
			}
			d := r.data(t)
			var titles []string
			for _, m := range d["media"].([]any) {
				titles = append(titles, m.(map[string]any)["title"].(string))
			}
			if got := strings.Join(titles, "|"); got != c.want {
				t.Fatalf("titles %q, want %q", got, c.want)
			}
			if int(d["total"].(float64)) != c.total {
				t.Fatalf("total %v, want %d", d["total"], c.total)
			}
		})
	}
}

func TestListValidation(t *testing.T) {
	e := newEnv(t, Options{})
	cases := []struct {
		name string
		body string
		ct   string
	}{
		{"no body", "", "application/json"},
		{"invalid json", "{", "application/json"},
		{"array body", "[]", "application/json"},
		{"limit 0", `{"limit":0}`, "application/json"},
		{"limit 101", `{"limit":101}`, "application/json"},
		{"limit string", `{"limit":"10"}`, "application/json"},
		{"offset negative", `{"offset":-1}`, "application/json"},
		{"sort_by", `{"sort_by":"size"}`, "application/json"},
		{"order_by", `{"order_by":"up"}`, "application/json"},
		{"type", `{"type":"image"}`, "application/json"},
		{"status value", `{"status":"ready"}`, "application/json"},
		{"status number", `{"status":1}`, "application/json"},
		{"tags number", `{"tags":5}`, "application/json"},
		{"metadata number values", `{"metadata":{"a":1}}`, "application/json"},
		{"wrong content type", `{}`, "text/plain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/media", c.body, "Content-Type", c.ct)
			if r.code != 400 || r.json(t)["status"] != "error" {
				t.Fatalf("%d %s", r.code, r.body)
			}
		})
	}
	if r := e.do("POST", "/media", `{"limit":100}`, "Content-Type", "application/json"); r.code != 200 {
		t.Fatalf("limit 100: %d", r.code)
	}
}

func TestDetailAssetsAfterDone(t *testing.T) {
	e := newEnv(t, Options{})
	vid := e.upload(map[string]any{"title": "v", "qualities": []any{
		map[string]any{"resolution": "720p", "type": "hls"},
		map[string]any{"resolution": "360p", "type": "dash", "container_type": "fmp4"},
	}}, []byte("video bytes"))
	first := e.detail(vid)
	if first["status"] != "transcoding" || first["assets"].(map[string]any)["hls_url"] != "" {
		t.Fatalf("first detail after complete: %v", first)
	}
	d := e.detail(vid)
	if d["status"] != "done" || d["is_mp4"] != true || d["size"].(float64) != 11 {
		t.Fatalf("second detail: %v", d)
	}
	a := d["assets"].(map[string]any)
	want := map[string]string{
		"hls_url":         e.base + "/media/" + vid + "/manifest.m3u8",
		"hls_player_url":  "https://embed.aiozstream.network/vod/hls/" + vid,
		"hls_iframe":      `<iframe src="https://embed.aiozstream.network/vod/hls/` + vid + `" width="100%" height="100%" frameborder="0" scrolling="no" allowfullscreen="true"></iframe>`,
		"dash_url":        e.base + "/media/" + vid + "/manifest",
		"dash_player_url": "https://embed.aiozstream.network/vod/dash/" + vid,
		"mp4_url":         e.base + "/media/" + vid + "/mp4",
		"source_url":      e.base + "/media/" + vid + "/source",
		"thumbnail_url":   e.base + "/media/" + vid + "/thumbnail?resolution=original",
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %v, want %v", k, a[k], v)
		}
	}
	if fmt.Sprint(qualityNames(d)) != "[720p:done 360p:done]" {
		t.Fatalf("qualities %v", qualityNames(d))
	}

	aud := e.upload(map[string]any{"title": "a", "type": "audio"}, []byte("audio"))
	e.s.Settle()
	d = e.detail(aud)
	a = d["assets"].(map[string]any)
	if d["status"] != "done" || a["hls_url"] == "" || d["is_mp4"] != false {
		t.Fatalf("audio detail %v", d)
	}
	if _, ok := a["mp4_url"]; ok {
		t.Fatalf("audio has mp4_url: %v", a)
	}
	if a["dash_url"] != "" {
		t.Fatalf("audio without dash rendition has dash_url %v", a["dash_url"])
	}
}

func TestDetailNotFound(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "x"})
	if r := e.do("GET", "/media/does-not-exist", nil); r.code != 404 || r.json(t)["status"] != "error" {
		t.Fatalf("%d %s", r.code, r.body)
	}
	if r := e.do("DELETE", "/media/"+id, nil); r.code != 200 || r.json(t)["status"] != "success" {
		t.Fatalf("delete %d %s", r.code, r.body)
	}
	for _, p := range []string{"/media/" + id, "/media/" + id + "/player.json", "/media/" + id + "/chapters"} {
		if r := e.do("GET", p, nil); r.code != 404 {
			t.Fatalf("GET %s after delete: %d", p, r.code)
		}
	}
	if r := e.do("DELETE", "/media/"+id, nil); r.code != 404 {
		t.Fatalf("second delete %d", r.code)
	}
	if r := e.do("PATCH", "/media/"+id, map[string]any{"title": "y"}); r.code != 404 {
		t.Fatalf("patch deleted %d", r.code)
	}
	d := e.do("POST", "/media", map[string]any{"status": "deleted"}).data(t)
	if d["total"].(float64) != 1 {
		t.Fatalf("deleted not listed with status filter: %v", d)
	}
}

func TestPlayerJSON(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.s.SeedMedia(MediaSeed{Title: "public one", View: 9})[0]
	r := e.doAuth("GET", "/media/"+id+"/player.json", nil, false)
	if r.code != 200 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	m := r.json(t)
	if m["id"] != id || m["title"] != "public one" {
		t.Fatalf("not the bare media object: %s", r.body)
	}
	for _, k := range []string{"status", "data", "type", "view"} {
		if k == "status" {
			if m[k] != "done" {
				t.Fatalf("status %v", m[k])
			}
			continue
		}
		if _, ok := m[k]; ok {
			t.Fatalf("player.json has %q: %s", k, r.body)
		}
	}
	if m["assets"].(map[string]any)["hls_url"] == "" {
		t.Fatal("no assets")
	}
	if r := e.doAuth("GET", "/media/nope/player.json", nil, false); r.code != 404 {
		t.Fatal(r.code)
	}
}

func TestUpdateMedia(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "old", "tags": []string{"a"}})
	cases := []struct {
		name  string
		body  any
		code  int
		check func(d map[string]any) bool
	}{
		{"title", map[string]any{"title": "new"}, 200, func(d map[string]any) bool { return d["title"] == "new" }},
		{"description", map[string]any{"description": "desc"}, 200, func(d map[string]any) bool { return d["description"] == "desc" && d["title"] == "new" }},
		{"is_public", map[string]any{"is_public": true}, 200, func(d map[string]any) bool { return d["is_public"] == true }},
		{"tags", map[string]any{"tags": []string{"x", "y"}}, 200, func(d map[string]any) bool { return fmt.Sprint(d["tags"]) == "[x y]" }},
		{"metadata", map[string]any{"metadata": []map[string]string{{"key": "k", "value": "v"}}}, 200, func(d map[string]any) bool {
			return fmt.Sprint(d["metadata"]) == "[map[key:k value:v]]"
		}},
		{"player_id", map[string]any{"player_id": "p1"}, 200, func(d map[string]any) bool { return d["player_theme_id"] == "p1" }},
		{"player_theme_id", map[string]any{"player_theme_id": "p2"}, 200, func(d map[string]any) bool { return d["player_theme_id"] == "p2" }},
		{"empty title", map[string]any{"title": ""}, 400, nil},
		{"51 tags", map[string]any{"tags": make([]string, 51)}, 400, nil},
		{"is_public string", map[string]any{"is_public": "yes"}, 400, nil},
		{"invalid json", "{", 400, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r resp
			if s, ok := c.body.(string); ok {
				r = e.do("PATCH", "/media/"+id, s, "Content-Type", "application/json")
			} else {
				r = e.do("PATCH", "/media/"+id, c.body)
			}
			if r.code != c.code {
				t.Fatalf("%d %s", r.code, r.body)
			}
			if c.code == 200 {
				if r.json(t)["status"] != "success" || r.message() == "" {
					t.Fatalf("not ResponseSuccess: %s", r.body)
				}
				if d := e.detail(id); !c.check(d) {
					t.Fatalf("detail after patch: %v", d)
				}
			}
		})
	}
}

func TestCost(t *testing.T) {
	e := newEnv(t, Options{})
	cases := []struct {
		query string
		code  int
		price float64
		msg   string
	}{
		{"type=video&duration=60&qualities=360p,1080p", 200, 0.02, ""},
		{"type=audio&duration=120&qualities=highest", 200, 0.02, ""},
		{"type=video&duration=90&qualities=720p", 200, 0.015, ""},
		{"duration=60&qualities=360p", 400, 0, "type"},
		{"type=video&qualities=360p", 400, 0, "duration"},
		{"type=video&duration=60", 400, 0, "qualities"},
		{"", 400, 0, "type, duration, qualities"},
		{"type=image&duration=60&qualities=360p", 400, 0, "type"},
		{"type=video&duration=abc&qualities=360p", 400, 0, "duration"},
		{"type=video&duration=-5&qualities=360p", 400, 0, "duration"},
		{"type=video&duration=60&qualities=standard", 400, 0, "standard"},
		{"type=audio&duration=60&qualities=360p", 400, 0, "360p"},
		{"type=video&duration=60&qualities=360p,,720p", 400, 0, "empty"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			r := e.do("GET", "/media/cost?"+c.query, nil)
			if r.code != c.code {
				t.Fatalf("%d %s", r.code, r.body)
			}
			if c.code != 200 {
				if !strings.Contains(r.message(), c.msg) {
					t.Fatalf("message %q lacks %q", r.message(), c.msg)
				}
				return
			}
			d := r.data(t)
			if d["price"].(float64) != c.price || d["is_enough"] != true {
				t.Fatalf("%v", d)
			}
		})
	}
	e.s.SetBalance(0.01)
	d := e.do("GET", "/media/cost?type=video&duration=60&qualities=360p,1080p", nil).data(t)
	if d["is_enough"] != false {
		t.Fatalf("balance 0.01 < 0.02 but is_enough %v", d["is_enough"])
	}
	d = e.do("GET", "/media/cost?type=video&duration=60&qualities=360p", nil).data(t)
	if d["is_enough"] != true {
		t.Fatalf("price == balance must be enough: %v", d)
	}
	e.s.SetBalance(0)
	d = e.do("GET", "/media/cost?type=video&duration=1&qualities=360p", nil).data(t)
	if d["is_enough"] != false {
		t.Fatalf("SetBalance(0): %v", d)
	}
	// Options.Balance is honoured
	e2 := newEnv(t, Options{Balance: 0.5})
	d = e2.do("GET", "/media/cost?type=video&duration=6000&qualities=360p", nil).data(t)
	if d["price"].(float64) != 1 || d["is_enough"] != false {
		t.Fatalf("%v", d)
	}
}

func TestSeedMedia(t *testing.T) {
	e := newEnv(t, Options{})
	ids := e.s.SeedMedia(MediaSeed{ID: "fixed-id", Title: "seeded", Type: "audio", Qualities: []string{"good", "lossless"}, View: 3})
	if ids[0] != "fixed-id" {
		t.Fatal(ids)
	}
	d := e.detail("fixed-id")
	if d["status"] != "done" || d["type"] != "audio" || d["view"].(float64) != 3 || fmt.Sprint(qualityNames(d)) != "[good:done lossless:done]" {
		t.Fatalf("%v", d)
	}
	for _, bad := range []MediaSeed{{}, {Title: "x", Type: "gif"}, {Title: "x", Status: "ready"}, {Title: "x", Qualities: []string{"good"}}, {ID: "fixed-id", Title: "dup"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("seed %+v did not panic", bad)
				}
			}()
			e.s.SeedMedia(bad)
		}()
	}
	// generated ids are deterministic across servers
	a := newEnv(t, Options{}).create(map[string]any{"title": "x"})
	b := newEnv(t, Options{}).create(map[string]any{"title": "y"})
	if a != b || len(a) != 36 {
		t.Fatalf("ids %q %q", a, b)
	}
}
