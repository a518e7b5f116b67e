package toolkit

import (
	"encoding/base64"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/chart"
)

// Charts: a handler that has a picture of its result (a breakdown, a time
// series) calls Call.Chart; Run then adds the chart as one PNG image content
// block after the text, unless the server runs with --no-charts
// (Env.NoCharts) for clients that cannot show images. The structured content
// and the text stay the whole answer: the image only repeats them. A chart
// without data, or one that cannot be drawn, is left out (and logged).

// ChartMIME is the MIME type of chart image blocks.
const ChartMIME = "image/png"

// Chart attaches ch to the call's result (the last call wins).
func (c *Call) Chart(ch chart.Chart) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chart = &ch
}

// chartContent draws the attached chart, its words scrubbed like the text.
func (c *Call) chartContent() []mcp.Content {
	c.mu.Lock()
	ch := c.chart
	c.mu.Unlock()
	if ch == nil || c.env.NoCharts || !ch.HasData() {
		return nil
	}
	scrubbed := chart.Chart{Title: c.env.Redact.String(ch.Title)}
	for _, p := range ch.Panels {
		p.Title, p.XLabel, p.YLabel = c.env.Redact.String(p.Title), c.env.Redact.String(p.XLabel), c.env.Redact.String(p.YLabel)
		labels := make([]string, len(p.Labels))
		for i, l := range p.Labels {
			labels[i] = c.env.Redact.String(l)
		}
		p.Labels = labels
		scrubbed.Panels = append(scrubbed.Panels, p)
	}
	b, err := scrubbed.PNG()
	if err != nil {
		if c.env.Log != nil {
			c.env.Log.Warn("chart left out", "error", err)
		}
		return nil
	}
	return []mcp.Content{mcp.NewImageContent(base64.StdEncoding.EncodeToString(b), ChartMIME)}
}

// ResultImages returns the decoded bytes of a result's image blocks of
// MIME type mime ("" for any), for tests and the CLI. A block whose data is
// not base64 is returned as nil.
func ResultImages(res *mcp.CallToolResult, mime string) [][]byte {
	if res == nil {
		return nil
	}
	var out [][]byte
	for _, c := range res.Content {
		ic, ok := c.(mcp.ImageContent)
		if !ok || (mime != "" && ic.MIMEType != mime) {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(ic.Data)
		if err != nil {
			b = nil
		}
		out = append(out, b)
	}
	return out
}
