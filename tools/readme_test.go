package tools

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestReadmeToolTables keeps README.md's tool tables generated: the part
// between the tools:begin/end markers must be what the inventory says.
func TestReadmeToolTables(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generated(string(readme))
	if err != nil {
		t.Fatalf("README.md: %v; put the two marker lines where the tool tables go and run `%s`", err, RegenerateCommand)
	}
	want := Markdown()
	if got == want {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	line := 0
	for line < len(gl) && line < len(wl) && gl[line] == wl[line] {
		line++
	}
	at := func(l []string) string {
		if line < len(l) {
			return l[line]
		}
		return "(end of the generated part)"
	}
	t.Errorf("README.md's tool tables differ from the tool declarations; run `%s` (it runs `go run ./cmd/mcp-media tools --markdown --write-readme README.md`) and commit README.md.\nFirst difference, line %d after %s:\n  README:    %s\n  generated: %s",
		RegenerateCommand, line+1, ReadmeBegin, at(gl), at(wl))
}

func TestMarkdownListsEveryToolOnce(t *testing.T) {
	md := Markdown()
	for _, ts := range Inventory(testEnv()).Toolsets {
		if !strings.Contains(md, "\n### `"+ts.Name+"`") {
			t.Errorf("no heading for toolset %s", ts.Name)
		}
		for _, tool := range ts.Tools() {
			if n := strings.Count(md, "| `"+tool.Name+"` |"); n != 1 {
				t.Errorf("%s has %d rows", tool.Name, n)
			}
		}
	}
}

func TestMarkdownHintsAndOrder(t *testing.T) {
	sets := []setDoc{
		{Name: "extra", Tools: []toolDoc{{Name: "x_b", Description: "B | pipe.", Destructive: true, Idempotent: true}}},
		{Name: "core", Default: true, Tools: []toolDoc{
			{Name: "x_z", Description: "Reads. More.", ReadOnly: true, Idempotent: true},
			{Name: "x_a", Description: "Writes."},
			{Name: "x_d", Description: "Deletes.", Destructive: true},
			{Name: "x_i", Description: "Sets.", Idempotent: true},
		}},
	}
	got := markdown(sets)
	want := fmt.Sprintf("<!-- Generated from the tool declarations by `%s`; edit those, not this part. -->\n\n", RegenerateCommand) +
		"Default toolsets: `core`.\n\n## Tools\n" +
		"\n### `core` (default)\n\n| Tool | What it does | |\n|---|---|---|\n" +
		"| `x_a` | Writes. |  |\n" +
		"| `x_d` | Deletes. | destructive |\n" +
		"| `x_i` | Sets. | idempotent |\n" +
		"| `x_z` | Reads. | read-only |\n" +
		"\n### `extra`\n\n| Tool | What it does | |\n|---|---|---|\n" +
		"| `x_b` | B \\| pipe. | destructive, idempotent |\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestSummary(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"One sentence.", "One sentence."},
		{"First. Second.", "First."},
		{"A number (e.g. view count), filtered. Then more.", "A number (e.g. view count), filtered."},
		{"Upload: create → parts. `search` matches.", "Upload: create → parts."},
		{"No period", "No period"},
		{"  Padded.  Next.", "Padded."},
		{"Ends with a dot. ", "Ends with a dot."},
		{"Version 1.2 is out. Yes.", "Version 1.2 is out."},
	} {
		if got := Summary(c.in); got != c.want {
			t.Errorf("Summary(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestReplaceGenerated(t *testing.T) {
	doc := "intro\n" + ReadmeBegin + "\nold\n" + ReadmeEnd + "\n\n## Next\n"
	got, err := ReplaceGenerated(doc, "new\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "intro\n" + ReadmeBegin + "\nnew\n" + ReadmeEnd + "\n\n## Next\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if inner, _ := Generated(got); inner != "new\n" {
		t.Errorf("Generated = %q", inner)
	}
	for _, bad := range []string{
		"no markers",
		ReadmeBegin + "\nunterminated",
		ReadmeEnd + "\n" + ReadmeBegin + "\n",
		ReadmeBegin + "\na\n" + ReadmeEnd + "\n" + ReadmeBegin + "\nb\n" + ReadmeEnd,
	} {
		if _, err := ReplaceGenerated(bad, "x"); err == nil {
			t.Errorf("ReplaceGenerated(%q) accepted it", bad)
		}
	}
}
