package reqlog

import (
	"fmt"
	"testing"
)

func TestRingKeepsTheNewest(t *testing.T) {
	cases := []struct {
		size, add int
		want      string
	}{
		{3, 0, "[]"},
		{3, 2, "[0 1]"},
		{3, 3, "[0 1 2]"},
		{3, 7, "[4 5 6]"},
		{1, 5, "[4]"},
	}
	for _, c := range cases {
		r := Ring[int]{Size: c.size}
		for i := 0; i < c.add; i++ {
			if n := r.Add(i); n != uint64(i) {
				t.Fatalf("Add #%d returned %d", i, n)
			}
		}
		if got := fmt.Sprint(r.All(nil)); got != c.want {
			t.Errorf("size %d after %d: %s, want %s", c.size, c.add, got, c.want)
		}
		if r.Total() != uint64(c.add) {
			t.Errorf("total %d, want %d", r.Total(), c.add)
		}
	}
}

func TestUpdateOnlyTouchesKeptEntries(t *testing.T) {
	r := Ring[string]{Size: 2}
	a := r.Add("a")
	b := r.Add("b")
	r.Update(b, "B")
	c := r.Add("c")  // drops a
	r.Update(a, "A") // gone: must not overwrite c's slot
	r.Update(c, "C")
	r.Update(99, "x")
	if got := fmt.Sprint(r.All(nil)); got != "[B C]" {
		t.Errorf("got %s", got)
	}
}

func TestDefaultSizeBoundsMemory(t *testing.T) {
	var r Ring[int]
	for i := 0; i < 3*DefaultSize; i++ {
		r.Add(i)
	}
	all := r.All(func(v int) int { return v * 10 })
	if len(all) != DefaultSize || all[0] != 2*DefaultSize*10 || cap(r.buf) > 2*DefaultSize {
		t.Errorf("kept %d entries from %d, cap %d", len(all), all[0], cap(r.buf))
	}
}
