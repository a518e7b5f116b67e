package aiozapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Spec §6.3: the caption paths first, the transcript paths on 404.
func TestSubtitlesFallBackToTranscripts(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(r.URL.Path, "/captions") {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":"error","message":"Route not found"}`))
			return
		}
		switch r.Method {
		case http.MethodPost:
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"status":"success","data":{"media_caption":{"language":"en","is_default":false}}}`))
		case http.MethodGet:
			w.Write([]byte(`{"status":"success","data":{"media_captions":[{"language":"en","is_default":true}],"total":1}}`))
		default:
			w.Write([]byte(`{"status":"success","message":"ok"}`))
		}
	}))
	defer srv.Close()
	c := New(Config{BaseURL: srv.URL, PublicKey: "p", SecretKey: "s"})
	ctx := context.Background()
	sub, fam, err := c.AddSubtitle(ctx, "m1", "en", []byte("WEBVTT\n"))
	if err != nil || fam != FamilyTranscripts || sub.Language != "en" {
		t.Fatalf("add: %+v %s %v", sub, fam, err)
	}
	list, err := c.ListSubtitles(ctx, "m1", 0, 10)
	if err != nil || list.Family != FamilyTranscripts || len(list.Subtitles) != 1 || !list.Subtitles[0].IsDefault {
		t.Fatalf("list: %+v %v", list, err)
	}
	if fam, err := c.SetDefaultSubtitle(ctx, "m1", "en"); err != nil || fam != FamilyTranscripts {
		t.Fatalf("default: %s %v", fam, err)
	}
	if fam, err := c.DeleteSubtitle(ctx, "m1", "en"); err != nil || fam != FamilyTranscripts {
		t.Fatalf("delete: %s %v", fam, err)
	}
	want := []string{"POST /media/m1/captions/en", "POST /media/m1/transcripts/en", "GET /media/m1/captions", "GET /media/m1/transcripts",
		"PATCH /media/m1/captions/en", "PATCH /media/m1/transcripts/en", "DELETE /media/m1/captions/en", "DELETE /media/m1/transcripts/en"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("requests %v\nwant %v", seen, want)
	}
}

func TestLinkedOrder(t *testing.T) {
	items := []PlaylistItem{{ID: "c", PreviousID: "b"}, {ID: "a", NextID: "b"}, {ID: "b", PreviousID: "a", NextID: "c"}}
	var got []string
	for _, it := range LinkedOrder(items) {
		got = append(got, it.ID)
	}
	if strings.Join(got, "") != "abc" {
		t.Errorf("order %v", got)
	}
	broken := []PlaylistItem{{ID: "x"}, {ID: "y"}}
	if got := LinkedOrder(broken); got[0].ID != "x" || got[1].ID != "y" {
		t.Errorf("broken links should keep the listed order: %v", got)
	}
}
