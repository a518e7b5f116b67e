package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// configHome points HOME (and the per-OS config roots) at a temp dir.
func configHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("APPDATA", filepath.Join(home, "AppData", "Roaming"))
	t.Setenv("XDG_CONFIG_HOME", "")
	return home
}

func TestConfigPrintsSnippetWithAbsoluteBinary(t *testing.T) {
	configHome(t)
	bin, err := executablePath()
	if err != nil || !filepath.IsAbs(bin) {
		t.Fatalf("executable %q: %v", bin, err)
	}
	code, out, errOut := runCLI(t, "", "config", "claude-desktop", "--sandbox", "--toolsets", "aioz_media,qiniu_live")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		MCPServers map[string]struct {
			Command string   `json:"command"`
			Args    []string `json:"args"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	m := doc.MCPServers["media"]
	if m.Command != bin || strings.Join(m.Args, " ") != "serve --sandbox --toolsets aioz_media,qiniu_live" {
		t.Errorf("entry %+v (binary %s)", m, bin)
	}

	code, out, _ = runCLI(t, "", "config", "vscode")
	var vs struct {
		Servers map[string]map[string]any `json:"servers"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &vs) != nil || vs.Servers["media"]["type"] != "stdio" || vs.Servers["media"]["command"] != bin {
		t.Errorf("vscode snippet (exit %d):\n%s", code, out)
	}

	code, out, errOut = runCLI(t, "", "config", "claude-code", "--write")
	if code != 2 || !strings.HasPrefix(out, "claude mcp add --scope user media -- ") || !strings.Contains(out, " serve") || !strings.Contains(errOut, "run the command above") {
		t.Errorf("claude-code --write (exit %d): %s / %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("HOME"), ".claude.json")); err == nil {
		t.Error("claude-code --write wrote ~/.claude.json")
	}
	if code, _, errOut := runCLI(t, "", "config", "emacs"); code != 2 || !strings.Contains(errOut, "name one client") {
		t.Errorf("unknown client: %d %s", code, errOut)
	}
}

func desktopPath(home string) string {
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "Claude", "claude_desktop_config.json")
	case "windows":
		return filepath.Join(home, "AppData", "Roaming", "Claude", "claude_desktop_config.json")
	}
	return filepath.Join(home, ".config", "Claude", "claude_desktop_config.json")
}

// --write keeps the other servers and keys in their order, backs the file
// up, shows a diff, and a second run changes nothing.
func TestConfigWriteMergesAndBacksUp(t *testing.T) {
	home := configHome(t)
	path := desktopPath(home)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	orig := `{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {
    "files": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-filesystem",
        "/tmp"
      ],
      "env": {
        "DEBUG": "1"
      }
    },
    "media": {
      "command": "/old/mcp-media",
      "args": [
        "serve"
      ]
    }
  },
  "zoom": 1.5
}
`
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "", "config", "claude-desktop", "--write")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	bin, _ := executablePath()
	if !strings.Contains(out, "Backed up") || !strings.Contains(out, "\n-       \"command\": \"/old/mcp-media\",\n+       \"command\": "+jsonString(bin)+",\n") ||
		strings.Contains(out, "npx") {
		t.Errorf("output lacks the backup line or the diff:\n%s", out)
	}
	if b, err := os.ReadFile(path + ".bak"); err != nil || string(b) != orig {
		t.Errorf("backup: %v\n%s", err, b)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatalf("written file is not JSON: %v\n%s", err, got)
	}
	servers := doc["mcpServers"].(map[string]any)
	files := servers["files"].(map[string]any)
	if files["command"] != "npx" || files["env"].(map[string]any)["DEBUG"] != "1" || doc["zoom"] != 1.5 || doc["globalShortcut"] != "Ctrl+Space" {
		t.Errorf("other settings lost:\n%s", got)
	}
	if servers["media"].(map[string]any)["command"] != bin {
		t.Errorf("media entry not updated:\n%s", got)
	}
	if i, j := strings.Index(string(got), "globalShortcut"), strings.Index(string(got), "zoom"); i > j {
		t.Errorf("key order changed:\n%s", got)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 && runtime.GOOS != "windows" {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	code, out, _ = runCLI(t, "", "config", "claude-desktop", "--write")
	if code != 0 || !strings.Contains(out, "nothing changed") {
		t.Errorf("second write (exit %d): %s", code, out)
	}
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestConfigWriteNewFilesAndRefusals(t *testing.T) {
	home := configHome(t)
	// Cursor: no file yet; it is created with our entry only.
	if code, out, errOut := runCLI(t, "", "config", "cursor", "--write", "--name", "media-sandbox", "--sandbox"); code != 0 || strings.Contains(out, "Backed up") {
		t.Fatalf("cursor (exit %d): %s %s", code, out, errOut)
	}
	b, err := os.ReadFile(filepath.Join(home, ".cursor", "mcp.json"))
	if err != nil || !strings.Contains(string(b), `"media-sandbox": {`) || !strings.Contains(string(b), `"--sandbox"`) {
		t.Errorf("cursor file: %v\n%s", err, b)
	}
	// VS Code workspace config, relative to the current directory.
	t.Chdir(t.TempDir())
	if code, _, errOut := runCLI(t, "", "config", "vscode", "--write", "--workspace"); code != 0 {
		t.Fatalf("vscode: %s", errOut)
	}
	b, err = os.ReadFile(filepath.Join(".vscode", "mcp.json"))
	if err != nil || !strings.Contains(string(b), `"servers": {`) || !strings.Contains(string(b), `"type": "stdio"`) {
		t.Errorf("vscode file: %v\n%s", err, b)
	}
	// A file with comments (JSONC) is left alone.
	jsonc := "{\n  // my servers\n  \"servers\": {}\n}\n"
	if err := os.WriteFile(filepath.Join(".vscode", "mcp.json"), []byte(jsonc), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "config", "vscode", "--write", "--workspace"); code != 1 || !strings.Contains(errOut, "not plain JSON") {
		t.Errorf("JSONC file (exit %d): %s", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(".vscode", "mcp.json")); string(b) != jsonc {
		t.Error("a file --write refused was changed")
	}
}

func TestLineDiff(t *testing.T) {
	d := lineDiff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nX\ne\nf\ng\n")
	want := "  b\n  c\n- d\n+ X\n  e\n  f\n"
	if d != want {
		t.Errorf("diff:\n%s\nwant:\n%s", d, want)
	}
	if d := lineDiff("", "{}\n"); d != "+ {}\n" {
		t.Errorf("new file diff %q", d)
	}
}
