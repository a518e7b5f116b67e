package vod

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// ExportInput are vod_export_traffic's arguments.
type ExportInput struct {
	Kind       string `json:"kind" jsonschema:"required,enum=per_video,enum=per_day" jsonschema_description:"per_video: V14, total per video; per_day: V16, one row per Beijing day"`
	Search     string `json:"search,omitempty" jsonschema:"maxLength=255" jsonschema_description:"per_video: video id or name"`
	From       string `json:"from,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Required with per_day (snapped to Beijing midnight); optional with per_video"`
	To         string `json:"to,omitempty" jsonschema:"maxLength=64"`
	OutputPath string `json:"output_path,omitempty" jsonschema:"maxLength=4096" jsonschema_description:"Absolute path of a new .csv file (default: a new file in the server's state directory); an existing file is never overwritten"`
}

// ExportOutput describes the written CSV.
type ExportOutput struct {
	Path    string     `json:"path"`
	Rows    int        `json:"rows" jsonschema_description:"Data rows, the header excluded"`
	Bytes   int64      `json:"bytes"`
	Header  []string   `json:"header"`
	First   [][]string `json:"first_rows" jsonschema_description:"Up to 10 rows, for a preview"`
	Range   *Range     `json:"range,omitempty"`
	Request string     `json:"operation" jsonschema:"enum=V14,enum=V16"`
}

func (t *tools) exportTool() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:  "vod_export_traffic",
		Title: "Export VOD traffic as CSV",
		Description: "V14 (per video) or V16 (per Beijing day, at most 90 days) as a CSV file, streamed to disk row by row (never whole in memory): " +
			"to output_path, or a new file in the state directory. Returns the path, the row count, the header and the first rows.",
	}, t.export)
}

func (t *tools) export(ctx context.Context, c *toolkit.Call, in ExportInput) (ExportOutput, string, error) {
	out := ExportOutput{Request: "V14", Header: []string{}, First: [][]string{}}
	q := vodapi.ExportQuery{Kind: vodapi.ExportVideoTotals, Search: strings.TrimSpace(in.Search)}
	var r *Range
	if in.From != "" || in.To != "" {
		rr, err := t.parseRange(in.From, in.To)
		if err != nil {
			return out, "", err
		}
		r = &rr
	}
	if in.Kind == "per_day" {
		if r == nil {
			return out, "", argerr.New("from", "is required with kind per_day", `give a start date, e.g. "last 30 days"`)
		}
		if in.Search != "" {
			return out, "", argerr.New("search", "is not used with kind per_day (V16 sums all videos)", "remove it, or use kind per_video")
		}
		snapped, err := snapDays(*r)
		if err != nil {
			return out, "", err
		}
		r, q.Kind, out.Request = &snapped, vodapi.ExportDaily, "V16"
	}
	if r != nil {
		q.Start, q.End = r.FromUnix, r.ToUnix
	}
	out.Range = r
	path, err := t.exportPath(c, in)
	if err != nil {
		return out, "", err
	}
	client, err := t.get()
	if err != nil {
		return out, "", err
	}
	// Write beside the target and rename on success, so a failed export
	// leaves no half file under the name given.
	f, err := os.OpenFile(path+".part", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return out, "", argerr.New("output_path", err.Error(), "give a path in a writable directory")
	}
	w := bufio.NewWriterSize(f, 64<<10)
	c.Progress(0, 0, templates.VODExportProgress.Line(templates.VODExport{Kind: in.Kind, Path: path}))
	st, err := client.ExportCSV(ctx, q, w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Link fails if path appeared meanwhile: never overwrite. Where hard
		// links are not supported, rename after a last check.
		if lerr := os.Link(path+".part", path); lerr != nil {
			if _, serr := os.Stat(path); serr == nil {
				err = lerr
			} else {
				err = os.Rename(path+".part", path)
			}
		}
	}
	os.Remove(path + ".part")
	if err != nil {
		return out, "", fmt.Errorf("export failed, no file was written: %w", windowArg(err))
	}
	out.Path, out.Rows, out.Bytes, out.Header = path, st.Rows, st.Bytes, st.Header
	if len(st.First) > 0 {
		out.First = st.First
	}
	d := templates.VODTableData{Title: fmt.Sprintf("Traffic export (%s): %d rows", out.Request, st.Rows), Columns: st.Header, Rows: st.First,
		Totals: []templates.Field{{Name: "File", Value: "`" + path + "`"}, {Name: "Size", Value: Human(st.Bytes)}, {Name: "Rows", Value: fmt.Sprint(st.Rows)}}}
	if r != nil {
		d.Conversion = r.Conversion
	}
	if st.Rows > len(st.First) {
		d.Notes = append(d.Notes, fmt.Sprintf("The first %d of %d rows are shown; the file has them all.", len(st.First), st.Rows))
	}
	text, err := templates.VODTable.Render(d)
	return out, text, err
}

// exportPath is output_path checked, or a new file in the state directory.
// Where a path may point (--files-root) is the toolkit's decision.
func (t *tools) exportPath(c *toolkit.Call, in ExportInput) (string, error) {
	if p := strings.TrimSpace(in.OutputPath); p != "" {
		if !strings.EqualFold(filepath.Ext(p), ".csv") {
			return "", argerr.New("output_path", fmt.Sprintf("%q does not end in .csv", p), "give a path ending in .csv")
		}
		return c.WritePath("output_path", p)
	}
	dir := t.env.StateDir
	if dir == "" {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "exports")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating %s: %w", dir, err)
	}
	name := fmt.Sprintf("vod-%s-%s.csv", strings.ReplaceAll(in.Kind, "_", "-"), t.now().UTC().Format("20060102T150405.000Z"))
	return filepath.Join(dir, name), nil
}
