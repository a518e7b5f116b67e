package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/tools"
)

func TestToolsMarkdown(t *testing.T) {
	code, out, errs := runCLI(t, "", "tools", "--markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if out != tools.Markdown() {
		t.Error("tools --markdown does not print tools.Markdown()")
	}
	for _, want := range []string{"Default toolsets: `media`", "### `qiniu_translate`", "| `qiniu_record_stream` |"} {
		if !strings.Contains(out, want) {
			t.Errorf("--markdown lacks %q", want)
		}
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "README.md")
	doc := "# x\n\n" + tools.ReadmeBegin + "\nstale\n" + tools.ReadmeEnd + "\n\n## After\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, "", "tools", "--markdown", "--write-readme", path); code != 0 || !strings.Contains(out, "rewritten") {
		t.Fatalf("--write-readme: exit %d, %q, %q", code, out, errs)
	}
	b, _ := os.ReadFile(path)
	if want := "# x\n\n" + tools.ReadmeBegin + "\n" + tools.Markdown() + tools.ReadmeEnd + "\n\n## After\n"; string(b) != want {
		t.Errorf("rewritten README:\n%s", b)
	}
	if code, out, _ := runCLI(t, "", "tools", "--markdown", "--write-readme", path); code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("second --write-readme: exit %d, %q", code, out)
	}
	os.WriteFile(path, []byte("no markers\n"), 0o644)
	if code, _, errs := runCLI(t, "", "tools", "--markdown", "--write-readme", path); code == 0 || !strings.Contains(errs, "tools:begin") {
		t.Errorf("a README without markers: exit %d, %q", code, errs)
	}

	for _, args := range [][]string{
		{"tools", "--markdown", "--json"},
		{"tools", "--markdown", "--toolsets", "all"},
		{"tools", "--write-readme", path},
	} {
		if code, _, _ := runCLI(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestToolsHelpDocumentsMarkdown(t *testing.T) {
	code, _, errs := runCLI(t, "", "tools", "--help")
	if code != 0 {
		t.Errorf("tools --help exits %d", code)
	}
	for _, want := range []string{"--markdown", "-write-readme", tools.RegenerateCommand} {
		if !strings.Contains(errs, want) {
			t.Errorf("tools --help does not mention %s:\n%s", want, errs)
		}
	}
}
