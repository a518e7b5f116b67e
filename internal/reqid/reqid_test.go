package reqid

import (
	"context"
	"strings"
	"testing"
)

func TestOr(t *testing.T) {
	cases := []struct {
		in   string
		keep bool
	}{
		{"abc-123", true},
		{"A.b_c-9", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{"", false},
		{"has space", false},
		{"new\nline", false},
		{"semi;colon", false},
		{"ünïcode", false},
		{"Bearer/tok", false},
	}
	for _, c := range cases {
		got := Or(c.in)
		if c.keep && got != c.in {
			t.Errorf("Or(%q) = %q, want it kept", c.in, got)
		}
		if !c.keep && (got == c.in || !Valid(got) || len(got) != 16) {
			t.Errorf("Or(%q) = %q, want a fresh 16-character id", c.in, got)
		}
	}
}

func TestNewIsRandom(t *testing.T) {
	if a, b := New(), New(); a == b {
		t.Errorf("two ids are equal: %s", a)
	}
}

func TestContext(t *testing.T) {
	ctx := context.Background()
	if got := From(ctx); got != "" {
		t.Errorf("empty context: %q", got)
	}
	if got := From(With(ctx, "r-1")); got != "r-1" {
		t.Errorf("From(With(r-1)) = %q", got)
	}
}
