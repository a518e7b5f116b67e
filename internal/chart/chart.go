// Package chart draws the PNG charts that tools attach to their results
// (bar charts of breakdowns, bar or line charts of time series) with
// gonum.org/v1/plot: Liberation fonts at sizes that stay readable when a
// client scales the image down, axis labels with units, dates on time axes,
// tick labels thinned and rotated so none overlaps or is clipped. It knows
// nothing of MCP; tools/toolkit turns a Chart into an image content block.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chart is one image: a title over one or more panels, laid out in a grid
// of up to two columns.
type Chart struct {
	Title  string
	Panels []Panel
}

// Panel is one plot: a value per label, drawn as bars (the default) or as a
// line (for long time series).
type Panel struct {
	Title  string
	XLabel string // the axis name with its unit or time zone, e.g. "day (UTC)"
	YLabel string // e.g. "views", "traffic (GB)"
	Labels []string
	Values []float64
	Line   bool
}

// BarColor fills every bar (tests find bars by it); lines use it too.
var BarColor = color.RGBA{R: 0x2b, G: 0x6c, B: 0xb0, A: 0xff}

// Pixel sizes of the image (at 96 dpi).
const (
	dpi        = 96
	panelW     = 1000 // one panel alone
	panelH     = 540
	gridPanelW = 640 // each panel of a grid
	gridPanelH = 440
	titleH     = 48 // the chart title band of a grid
)

// maxLabel caps a category label's length on the axis (the table has it whole).
const maxLabel = 18

// ErrNoData is returned by PNG for a chart without any value.
var ErrNoData = errors.New("chart: no data to draw")

// HasData reports whether any panel has a value.
func (c Chart) HasData() bool {
	for _, p := range c.Panels {
		if len(p.Values) > 0 {
			return true
		}
	}
	return false
}

// Size is the image size PNG draws, in pixels.
func (c Chart) Size() (w, h int) {
	if len(c.Panels) <= 1 {
		return panelW, panelH
	}
	cols, rows := grid(len(c.Panels))
	return cols * gridPanelW, rows*gridPanelH + titleH
}

// PanelRect is the part of the image where panel i is drawn, in pixels
// (for tests that read the bars back).
func (c Chart) PanelRect(i int) image.Rectangle {
	w, h := c.Size()
	if len(c.Panels) <= 1 {
		return image.Rect(0, 0, w, h)
	}
	cols, rows := grid(len(c.Panels))
	col, row := i%cols, i/cols
	ph := (h - titleH) / rows
	return image.Rect(col*w/cols, titleH+row*ph, (col+1)*w/cols, titleH+(row+1)*ph)
}

func grid(n int) (cols, rows int) {
	if n <= 1 {
		return 1, 1
	}
	return 2, (n + 1) / 2
}

// PNG draws the chart.
func (c Chart) PNG() ([]byte, error) {
	if !c.HasData() {
		return nil, ErrNoData
	}
	w, h := c.Size()
	img := vgimg.NewWith(vgimg.UseWH(px(w), px(h)), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	if len(c.Panels) == 1 {
		p, err := c.Panels[0].plot(c.Title, false)
		if err != nil {
			return nil, err
		}
		p.Draw(draw.Crop(dc, px(8), -px(12), px(8), -px(8)))
	} else {
		st := textStyle(17)
		st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
		dc.FillText(st, vg.Point{X: px(w) / 2, Y: px(h) - px(titleH)/2}, clean(c.Title))
		cols, rows := grid(len(c.Panels))
		plots := make([][]*plot.Plot, rows)
		for r := range plots {
			plots[r] = make([]*plot.Plot, cols)
			for col := range plots[r] {
				i := r*cols + col
				if i >= len(c.Panels) {
					continue
				}
				p, err := c.Panels[i].plot(c.Panels[i].Title, true)
				if err != nil {
					return nil, err
				}
				plots[r][col] = p
			}
		}
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadTop: px(titleH), PadLeft: px(8), PadRight: px(8), PadBottom: px(8), PadX: px(24), PadY: px(28)}
		canvases := plot.Align(plots, tiles, dc)
		for r := range plots {
			for col, p := range plots[r] {
				if p != nil {
					p.Draw(canvases[r][col])
				}
			}
		}
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return nil, fmt.Errorf("chart: encoding PNG: %w", err)
	}
	return b.Bytes(), nil
}

func px(n int) vg.Length { return vg.Length(n) * vg.Inch / dpi }

// sans is the Liberation Sans face gonum embeds (its default is the serif).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

func textStyle(size float64) text.Style {
	return text.Style{Color: color.Black, Font: font.From(sans, vg.Points(size)), Handler: plot.DefaultTextHandler}
}

// clean keeps a label plain: the default text handler treats nothing
// specially, but control characters would draw as boxes.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' '
		}
		return r
	}, s)
}

func short(s string) string {
	s = clean(s)
	if r := []rune(s); len(r) > maxLabel {
		return string(r[:maxLabel-1]) + "…"
	}
	if s == "" {
		return "(none)"
	}
	return s
}

func (pn Panel) plot(title string, small bool) (*plot.Plot, error) {
	p := plot.New()
	scale := 1.0
	if small {
		scale = 0.9
	}
	p.Title.Text = clean(title)
	p.Title.TextStyle = textStyle(16 * scale)
	p.Title.TextStyle.XAlign, p.Title.TextStyle.YAlign = draw.XCenter, draw.YTop
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text, p.Y.Label.Text = clean(pn.XLabel), clean(pn.YLabel)
	p.X.Label.TextStyle, p.Y.Label.TextStyle = textStyle(14*scale), textStyle(14*scale)
	p.X.Label.Padding, p.Y.Label.Padding = vg.Points(6), vg.Points(6)
	p.X.Tick.Label = textStyle(12 * scale)
	p.Y.Tick.Label = textStyle(12 * scale)
	p.Y.Tick.Label.XAlign = draw.XRight
	p.Y.Tick.Label.YAlign = draw.YCenter
	p.Y.Tick.Marker = humanTicks{}
	p.Y.Min = 0
	g := plotter.NewGrid()
	g.Vertical.Color = nil // horizontal lines only: they read off the values
	p.Add(g)
	n := len(pn.Values)
	labels := make([]string, n)
	for i := range labels {
		if i < len(pn.Labels) {
			labels[i] = short(pn.Labels[i])
		}
	}
	// Thin the labels to what fits, and rotate them when they are long.
	width := gridPanelW
	if !small {
		width = panelW
	}
	longest := 0
	for _, l := range labels {
		longest = max(longest, len([]rune(l)))
	}
	rotate := n > 8 || longest*n*7 > width-120
	slots := (width - 120) / 14 // rotated labels need one line height each
	if !rotate {
		slots = (width - 120) / max(longest*7+12, 1)
	}
	p.X.Tick.Marker = labelTicks{labels: labels, every: int(math.Ceil(float64(n) / float64(max(slots, 1))))}
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XCenter, draw.YTop
	if rotate {
		p.X.Tick.Label.Rotation = math.Pi / 5
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YTop
	}
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	top := 0.0
	for _, v := range pn.Values {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("chart: %q has a value %v that cannot be drawn", pn.Title, v)
		}
		top = max(top, v)
	}
	if top == 0 {
		top = 1
	}
	p.Y.Max = top * 1.08 // room above the highest bar
	if pn.Line {
		xy := make(plotter.XYs, n)
		for i, v := range pn.Values {
			xy[i] = plotter.XY{X: float64(i), Y: v}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = BarColor, vg.Points(2)
		p.Add(l)
		return p, nil
	}
	bw := px(width-140) / vg.Length(max(n, 1)) * 0.7
	bars, err := plotter.NewBarChart(plotter.Values(pn.Values), bw)
	if err != nil {
		return nil, err
	}
	bars.Color = BarColor
	bars.LineStyle.Width = 0
	p.Add(bars)
	return p, nil
}

// labelTicks puts every every-th label under its bar or point.
type labelTicks struct {
	labels []string
	every  int
}

func (t labelTicks) Ticks(_, _ float64) []plot.Tick {
	var ts []plot.Tick
	for i, l := range t.labels {
		if t.every > 1 && i%t.every != 0 {
			ts = append(ts, plot.Tick{Value: float64(i)})
			continue
		}
		ts = append(ts, plot.Tick{Value: float64(i), Label: l})
	}
	return ts
}

// humanTicks are gonum's default value ticks with labels like 1.5k and 2M.
type humanTicks struct{}

func (humanTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = Human(ts[i].Value)
		}
	}
	return ts
}

// Human formats a number with a k, M, G or T suffix and at most three
// significant digits before it.
func Human(v float64) string {
	a, suffix := math.Abs(v), ""
	for _, s := range []struct {
		div    float64
		suffix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= s.div {
			v, a, suffix = v/s.div, a/s.div, s.suffix
			break
		}
	}
	prec := 2
	switch {
	case a >= 100:
		prec = 0
	case a >= 10:
		prec = 1
	}
	out := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	return out + suffix
}
