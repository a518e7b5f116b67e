package aiozfake

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func logoForm(t *testing.T, name string, data []byte) (string, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("logo_link", "https://example.com")
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	return b.String(), w.FormDataContentType()
}

func pngOf(w, h int) []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h)))
	return b.Bytes()
}

func TestPlayersAreStrict(t *testing.T) {
	e := newEnv(t, Options{})
	if r := e.doAuth("POST", "/players", map[string]any{"name": "x"}, false); r.code != http.StatusUnauthorized {
		t.Errorf("no keys: %d", r.code)
	}
	for _, theme := range []map[string]any{{"main_color": "#ff0000"}, {"main_color": "red"}, {"text_color": "rgba(1,2,3,1.5)"}, {"control_bar_height": "40"}, {"control_bar_height": "4em"}, {"nope": "1px"}} {
		if r := e.do("POST", "/players", map[string]any{"name": "x", "theme": theme}); r.code != http.StatusBadRequest {
			t.Errorf("theme %v: %d %s", theme, r.code, r.body)
		}
	}
	if r := e.do("POST", "/players", map[string]any{"theme": map[string]any{}}); r.code != http.StatusBadRequest || !strings.Contains(r.message(), "name") {
		t.Errorf("no name: %d %s", r.code, r.body)
	}
	a := e.do("POST", "/players", map[string]any{"name": "A", "is_default": true, "theme": map[string]any{"main_color": "rgba(255, 0, 0, 1)", "control_bar_height": "40px"}})
	if a.code != http.StatusCreated {
		t.Fatalf("create: %d %s", a.code, a.body)
	}
	aID := a.data(t)["player_theme"].(map[string]any)["id"].(string)
	b := e.do("POST", "/players", map[string]any{"name": "B"}).data(t)["player_theme"].(map[string]any)["id"].(string)
	if r := e.do("PATCH", "/players/"+b, map[string]any{"is_default": true}); r.code != 200 {
		t.Fatalf("patch: %d %s", r.code, r.body)
	}
	defaults := 0
	for _, p := range e.do("GET", "/players", nil).data(t)["player_themes"].([]any) {
		if p.(map[string]any)["is_default"] == true {
			defaults++
		}
	}
	if defaults != 1 {
		t.Errorf("%d default players after setting one (B12)", defaults)
	}
	// Logos: size, dimensions and content type.
	for name, data := range map[string][]byte{"big.png": append(pngOf(10, 10), make([]byte, maxLogoBytes)...), "wide.png": pngOf(201, 100), "tall.png": pngOf(100, 101), "text.png": []byte("hello")} {
		body, ct := logoForm(t, name, data)
		if r := e.do("POST", "/players/"+aID+"/logo", body, "Content-Type", ct); r.code != http.StatusBadRequest {
			t.Errorf("logo %s: %d %s", name, r.code, r.body)
		}
	}
	body, ct := logoForm(t, "ok.png", pngOf(200, 100))
	if r := e.do("POST", "/players/"+aID+"/logo", body, "Content-Type", ct); r.code != 200 || r.data(t)["asset"].(map[string]any)["logo_link"] != "https://example.com" {
		t.Errorf("logo: %d %s", r.code, r.body)
	}
	// B15: an assigned player cannot be deleted.
	m := e.s.SeedMedia(MediaSeed{Title: "Clip"})[0]
	if r := e.do("POST", "/players/add-player", map[string]any{"video_id": m, "player_theme_id": aID}); r.code != 200 {
		t.Fatalf("add-player: %d %s", r.code, r.body)
	}
	if r := e.do("DELETE", "/players/"+aID, nil); r.code != http.StatusBadRequest || !strings.Contains(r.message(), m) {
		t.Errorf("delete assigned: %d %s", r.code, r.body)
	}
	if r := e.do("POST", "/players/remove-player", map[string]any{"media_id": m, "player_theme_id": b}); r.code != http.StatusBadRequest {
		t.Errorf("remove a theme the media does not use: %d", r.code)
	}
	e.do("POST", "/players/remove-player", map[string]any{"media_id": m, "player_theme_id": aID})
	if r := e.do("DELETE", "/players/"+aID, nil); r.code != 200 {
		t.Errorf("delete: %d %s", r.code, r.body)
	}
}

func TestPlaylistLinkedList(t *testing.T) {
	e := newEnv(t, Options{})
	ids := e.s.SeedMedia(MediaSeed{ID: "a", Title: "A"}, MediaSeed{ID: "b", Title: "B"}, MediaSeed{ID: "c", Title: "C"})
	// Seed 001's multipart create.
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("name", "L")
	w.WriteField("tags", "x,y")
	w.WriteField("metadata", `{"k":"v"}`)
	w.Close()
	cr := e.do("POST", "/playlists/create", buf.String(), "Content-Type", w.FormDataContentType())
	if cr.code != http.StatusCreated {
		t.Fatalf("create: %d %s", cr.code, cr.body)
	}
	pl := cr.data(t)["playlist"].(map[string]any)
	if pl["tags"] != "x,y" || pl["metadata"].(map[string]any)["k"] != "v" {
		t.Errorf("playlist: %v", pl)
	}
	id := pl["id"].(string)
	for _, m := range ids {
		if r := e.do("POST", "/playlists/"+id+"/items", map[string]any{"video_id": m}); r.code != 200 {
			t.Fatalf("add: %d %s", r.code, r.body)
		}
	}
	items := func() []map[string]any {
		var out []map[string]any
		for _, it := range e.do("GET", "/playlists/"+id, nil).data(t)["playlist"].(map[string]any)["items"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	it := items()
	if it[0]["previous_id"] != "" || it[0]["next_id"] != it[1]["id"] || it[2]["next_id"] != "" || it[2]["previous_id"] != it[1]["id"] {
		t.Fatalf("links: %v", it)
	}
	a, b, c := it[0]["id"], it[1]["id"], it[2]["id"]
	bad := []map[string]any{
		{"next_id": a},                                    // no current_id
		{"current_id": c},                                 // no neighbour
		{"current_id": c, "next_id": b},                   // next alone must be the head
		{"current_id": a, "previous_id": b},               // previous alone must be the tail
		{"current_id": b, "next_id": a, "previous_id": c}, // not adjacent
		{"current_id": c, "next_id": "zzz"},
	}
	for _, body := range bad {
		if r := e.do("PUT", "/playlists/"+id+"/items", body); r.code != http.StatusBadRequest {
			t.Errorf("move %v: %d %s", body, r.code, r.body)
		}
	}
	if r := e.do("PUT", "/playlists/"+id+"/items", map[string]any{"current_id": c, "next_id": a}); r.code != 200 {
		t.Fatalf("move to top: %d %s", r.code, r.body)
	}
	if r := e.do("PUT", "/playlists/"+id+"/items", map[string]any{"current_id": a, "previous_id": c, "next_id": b}); r.code != 200 {
		t.Fatalf("move between: %d %s", r.code, r.body)
	}
	var got []string
	for _, x := range items() {
		got = append(got, x["video_id"].(string))
	}
	if strings.Join(got, "") != "cab" {
		t.Errorf("order %v, want c a b", got)
	}
	// Sorted detail keeps the links of the list order.
	sorted := e.do("GET", "/playlists/"+id+"?sort_by=title&order_by=asc", nil).data(t)["playlist"].(map[string]any)["items"].([]any)
	if sorted[0].(map[string]any)["video_id"] != "a" || sorted[0].(map[string]any)["previous_id"] != c {
		t.Errorf("sorted: %v", sorted[0])
	}
	if r := e.do("DELETE", "/playlists/"+id+"/items/"+b.(string), nil); r.code != 200 {
		t.Errorf("remove with an empty body: %d %s", r.code, r.body)
	}
	if r := e.do("DELETE", "/playlists/"+id+"/items/"+b.(string), nil); r.code != http.StatusNotFound {
		t.Errorf("remove twice: %d", r.code)
	}
	if r := e.doAuth("GET", "/playlists/"+id, nil, false); r.code != http.StatusUnauthorized {
		t.Errorf("no keys: %d", r.code)
	}
}

// assets.mp4_url and source_url answer a file once the media is done; an
// audio media has no MP4 (R7).
func TestRenditionFiles(t *testing.T) {
	e := newEnv(t, Options{})
	ids := e.s.SeedMedia(MediaSeed{Title: "V"}, MediaSeed{Title: "A", Type: "audio"}, MediaSeed{Title: "N", Status: StatusNew})
	for _, c := range []struct {
		path string
		code int
	}{
		{"/media/" + ids[0] + "/mp4", 200}, {"/media/" + ids[0] + "/source", 200},
		{"/media/" + ids[1] + "/mp4", 404}, {"/media/" + ids[1] + "/source", 200},
		{"/media/" + ids[2] + "/mp4", 404}, {"/media/nope/source", 404},
	} {
		r := e.doAuth("GET", c.path, nil, false)
		if r.code != c.code || c.code == 200 && string(r.body[4:8]) != "ftyp" {
			t.Errorf("GET %s: %d %q, want %d", c.path, r.code, r.body, c.code)
		}
	}
}
