package aiozfake

import (
	"strings"
	"testing"
)

func TestThumbnail(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.create(map[string]any{"title": "thumb"})
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 64)
	jpg := "\xFF\xD8\xFF\xE0" + strings.Repeat("\x00", 64)
	cases := []struct {
		name, filename, content string
		code                    int
	}{
		{"png", "a.png", png, 200},
		{"jpg", "a.jpg", jpg, 200},
		{"jpeg upper", "A.JPEG", jpg, 200},
		{"gif ext", "a.gif", png, 400},
		{"no ext", "thumb", png, 400},
		{"png ext but text", "a.png", "not an image at all", 400},
		{"jpg ext but gif", "a.jpg", "GIF89a.....", 400},
		{"empty", "a.png", "", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, ct := multipartBody(t, c.filename, "file", c.content)
			r := e.do("POST", "/media/"+id+"/thumbnail", body, "Content-Type", ct)
			if r.code != c.code {
				t.Fatalf("%d %s", r.code, r.body)
			}
		})
	}
	body, ct := multipartBody(t, "", "other", "x")
	if r := e.do("POST", "/media/"+id+"/thumbnail", body, "Content-Type", ct); r.code != 400 || !strings.Contains(r.message(), "file is required") {
		t.Fatalf("missing file: %d %s", r.code, r.body)
	}
	body, ct = multipartBody(t, "a.png", "file", png)
	if r := e.do("POST", "/media/nope/thumbnail", body, "Content-Type", ct); r.code != 404 {
		t.Fatalf("unknown media: %d", r.code)
	}
	if r := e.do("DELETE", "/media/"+id+"/thumbnail", nil); r.code != 200 {
		t.Fatalf("delete: %d %s", r.code, r.body)
	}
	if r := e.do("DELETE", "/media/"+id+"/thumbnail", nil); r.code != 404 {
		t.Fatalf("delete twice: %d", r.code)
	}
}
