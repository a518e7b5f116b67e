// Package charttest reads back the PNG charts of internal/chart in tests:
// it decodes the image and measures the bars by their colour, so a test can
// check that a chart carries its data, not only that an image exists.
package charttest

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/mcp-media/mcp-media/internal/chart"
)

// Bar is one bar found in an image: its pixel columns and height.
type Bar struct {
	X0, X1 int // first and last column
	Height int // bar-coloured pixels in its tallest column
	Top    int // y of its highest bar-coloured pixel
}

// Decode decodes a PNG, failing the test when it is not one.
func Decode(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// Bars finds the bars in the part r of an image (the whole image when r is
// empty): runs of columns holding chart.BarColor, left to right. For a grid
// of panels pass one panel's rectangle: each panel has its own scale.
func Bars(img image.Image, r image.Rectangle) []Bar {
	if r.Empty() {
		r = img.Bounds()
	}
	var bars []Bar
	var cur *Bar
	for x := r.Min.X; x < r.Max.X; x++ {
		n, top := 0, -1
		for y := r.Min.Y; y < r.Max.Y; y++ {
			if isBar(img, x, y) {
				n++
				if top < 0 {
					top = y
				}
			}
		}
		if n == 0 {
			cur = nil
			continue
		}
		if cur == nil {
			bars = append(bars, Bar{X0: x, X1: x, Height: n, Top: top})
			cur = &bars[len(bars)-1]
			continue
		}
		cur.X1 = x
		if n > cur.Height {
			cur.Height, cur.Top = n, top
		}
	}
	return bars
}

// Covered counts the pixels of the bar colour (for line charts).
func Covered(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if isBar(img, x, y) {
				n++
			}
		}
	}
	return n
}

func isBar(img image.Image, x, y int) bool {
	r, g, bl, _ := img.At(x, y).RGBA()
	c := chart.BarColor
	return r>>8 == uint32(c.R) && g>>8 == uint32(c.G) && bl>>8 == uint32(c.B)
}

// Proportional checks that heights are proportional to values within two
// pixels (the anti-aliased top and bottom edges) plus 1.5%.
func Proportional(t testing.TB, bars []Bar, values []float64) {
	t.Helper()
	if len(bars) != len(values) {
		t.Fatalf("found %d bars, want %d: %+v", len(bars), len(values), bars)
	}
	ref, refV := 0, 0.0
	for i, v := range values {
		if v > refV {
			ref, refV = i, v
		}
	}
	unit := float64(bars[ref].Height) / refV
	for i, v := range values {
		want := v * unit
		if d := float64(bars[i].Height) - want; d > 2+0.015*want || d < -2-0.015*want {
			t.Errorf("bar %d is %d px high, want %.1f (value %v; tallest %v = %d px)", i, bars[i].Height, want, v, refV, bars[ref].Height)
		}
	}
}
