package inbox

import (
	"path/filepath"
	"testing"
)

func TestLen(t *testing.T) {
	cases := []struct {
		name      string
		max, adds int
		want      int
	}{
		{"empty", 0, 0, 0},
		{"a few", 0, 3, 3},
		{"more than a thousand", 5000, 1001, 1001},
		{"capped by Max", 10, 25, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := New(Options{PublicURL: "https://hooks.example.com", File: filepath.Join(t.TempDir(), "inbox.jsonl"), Max: c.max})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < c.adds; i++ {
				b.Add("aioz", "webhook", "m", []byte(`{}`))
			}
			if got := b.Len(); got != c.want {
				t.Errorf("Len = %d, want %d", got, c.want)
			}
		})
	}
	var nilInbox *Inbox
	if nilInbox.Len() != 0 {
		t.Error("nil inbox is not empty")
	}
}
