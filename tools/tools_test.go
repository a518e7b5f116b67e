package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/jsondiff"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// testEnv has every provider configured (sandbox credentials) and no network.
func testEnv() *toolkit.Env {
	set := &redact.Set{}
	return &toolkit.Env{
		Creds: &credentials.Store{Redact: set, Sandbox: map[string]map[string]string{
			"aioz":   {"public_key": "p", "secret_key": "s"},
			"qiniu":  {"access_key": "a", "secret_key": "s"},
			"aliyun": {"access_key_id": "a", "access_key_secret": "s"},
			"vod":    {"token": "t"},
		}},
		Redact: set,
		Getenv: func(string) string { return "" },
	}
}

// TestToolSchemaSnapshots keeps a JSON snapshot of every tool's definition in
// tools/__snapshots__, so a schema change shows up as a reviewed diff. Run
// with UPDATE_SNAPSHOTS=1 to accept a change. A mismatch is reported as the
// JSON paths that changed.
func TestToolSchemaSnapshots(t *testing.T) {
	inv := Inventory(testEnv())
	dir := "__snapshots__"
	update := os.Getenv("UPDATE_SNAPSHOTS") == "1"
	seen := map[string]bool{}
	for _, ts := range inv.Toolsets {
		if ts.Core() {
			continue // its tools are declared, and snapshotted, in their home toolsets
		}
		for _, tool := range ts.Tools() {
			seen[tool.Name+".json"] = true
			got, err := json.MarshalIndent(tool.MCP(), "", "  ")
			if err != nil {
				t.Fatalf("%s: tools/list serialisation fails: %v", tool.Name, err)
			}
			got = append(got, '\n')
			path := filepath.Join(dir, tool.Name+".json")
			if update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%s has no snapshot; run UPDATE_SNAPSHOTS=1 go test ./tools/ and review the new file", tool.Name)
				continue
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s", snapshotMismatch(tool.Name, path, want, got))
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !seen[e.Name()] {
			if update {
				os.Remove(filepath.Join(dir, e.Name()))
				continue
			}
			t.Errorf("snapshot %s belongs to no tool; delete it", e.Name())
		}
	}
}

// snapshotMismatch says what changed between a snapshot and the tool's
// definition now, as JSON paths (- only in the snapshot, + only in the code).
func snapshotMismatch(name, path string, snapshot, now []byte) string {
	const fix = "review it, then accept it with UPDATE_SNAPSHOTS=1 go test ./tools/"
	diff, err := jsondiff.Documents(snapshot, now, 30)
	switch {
	case err != nil:
		return fmt.Sprintf("%s: %s is not comparable (%v); %s", name, path, err, fix)
	case diff == "":
		return fmt.Sprintf("%s: %s differs only in formatting; %s", name, path, fix)
	}
	return fmt.Sprintf("%s schema changed (tools/%s → the code now):\n%s%s", name, path, indentLines(diff), fix)
}

func indentLines(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n    ") + "\n"
}

var toolName = regexp.MustCompile(`^((aioz|qiniu|aliyun|vod)_[a-z0-9]+(_[a-z0-9]+)+|media_[a-z0-9_]+)$`)

func TestToolConventions(t *testing.T) {
	inv := Inventory(testEnv())
	names := map[string]bool{}
	for _, ts := range inv.Toolsets {
		if ts.Core() {
			for _, tool := range ts.Tools() {
				if tool.Toolset == ts.Name || tool.Provider != ts.Provider || !ts.Default {
					t.Errorf("core toolset %s: %s has home %s and provider %s (default %v)", ts.Name, tool.Name, tool.Toolset, tool.Provider, ts.Default)
				}
			}
			continue
		}
		if ts.Default && ts.Provider != "" && len(ts.Tools()) > 3 {
			t.Errorf("%s is on by default with %d tools: a provider's defaults belong in its core toolset (tools/tools.go)", ts.Name, len(ts.Tools()))
		}
		for _, tool := range ts.Tools() {
			if names[tool.Name] {
				t.Errorf("%s is declared twice", tool.Name)
			}
			names[tool.Name] = true
			if !toolName.MatchString(tool.Name) {
				t.Errorf("%s does not follow <provider>_<verb>_<object>", tool.Name)
			}
			if ts.Provider != "" && !strings.HasPrefix(tool.Name, ts.Provider+"_") {
				t.Errorf("%s is in %s, a toolset of provider %s: its name must start with %s_", tool.Name, ts.Name, ts.Provider, ts.Provider)
			}
			if err := tool.Check(); err != nil {
				t.Errorf("%s: %v", tool.Name, err)
			}
			if tool.Description == "" || tool.Title == "" {
				t.Errorf("%s needs a title and a description", tool.Name)
			}
			if tool.Annotations.ReadOnly && tool.Annotations.Destructive {
				t.Errorf("%s cannot be both read-only and destructive", tool.Name)
			}
		}
	}
}

// TestDefaultToolBudget keeps the default tools/list within what agents with
// tool caps and small contexts accept: with every provider configured, at
// most 20 tools and 24 KB of tools/list result (compact JSON). Everything
// else is one media_toolsets call away.
func TestDefaultToolBudget(t *testing.T) {
	inv := Inventory(testEnv())
	env := testEnv()
	sel, err := inv.Select(toolkit.Selection{Configured: func(p string) bool { _, err := env.Creds.Load(p); return err == nil }})
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	list := make([]any, 0, len(sel))
	for _, s := range sel {
		n = append(n, s.Name)
		list = append(list, s.MCP())
	}
	b, err := json.Marshal(map[string]any{"tools": list})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("default tools/list: %d tools, %d bytes: %v", len(sel), len(b), n)
	if len(sel) > 20 {
		t.Errorf("default toolsets expose %d tools (> 20): %v", len(sel), n)
	}
	if len(b) > 24*1024 {
		t.Errorf("default tools/list is %d bytes (> 24 KB); shorten the longest descriptions and schemas", len(b))
	}
	for _, want := range []string{"media_providers", "media_events", "media_toolsets"} {
		if !strings.Contains(strings.Join(n, " "), want) {
			t.Errorf("%s is not in the default list", want)
		}
	}
	providers := map[string]bool{}
	for _, s := range sel {
		providers[s.Provider] = true
	}
	for _, p := range []string{"aioz", "qiniu", "aliyun", "vod"} {
		if !providers[p] {
			t.Errorf("provider %s has no default tool", p)
		}
	}
}

func TestReadOnlyFilter(t *testing.T) {
	inv := Inventory(testEnv())
	sel, err := inv.Select(toolkit.Selection{Names: []string{"all"}, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(sel) == 0 {
		t.Fatal("read-only selection is empty")
	}
	for _, s := range sel {
		if !s.Annotations.ReadOnly {
			t.Errorf("%s is not read-only but passed --read-only", s.Name)
		}
	}
	if _, err := inv.Select(toolkit.Selection{Names: []string{"nope"}}); err == nil {
		t.Error("an unknown toolset must be an error")
	}
}

func TestUnconfiguredProvidersHiddenByDefault(t *testing.T) {
	inv := Inventory(testEnv())
	sel, err := inv.Select(toolkit.Selection{Configured: func(p string) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sel {
		if s.Provider != "" {
			t.Errorf("%s needs %s, which is not configured, yet is in the default list", s.Name, s.Provider)
		}
	}
	all, _ := inv.Select(toolkit.Selection{Names: []string{"aioz_media"}, Configured: func(string) bool { return false }})
	if len(all) == 0 {
		t.Error("a toolset named explicitly must be exposed even when its provider is not configured")
	}
}
