package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// clientSpec is where and how an MCP client keeps its servers.
type clientSpec struct {
	name string
	// key is the top-level object holding the servers ("mcpServers", or
	// "servers" for VS Code); "" for Claude Code, which is configured with
	// its own command.
	key string
	// path is the config file for goos with home and the environment.
	path func(goos, home string, getenv func(string) string, workspace bool) (string, error)
}

var clients = map[string]clientSpec{
	"claude-desktop": {name: "Claude Desktop", key: "mcpServers", path: func(goos, home string, getenv func(string) string, _ bool) (string, error) {
		// modelcontextprotocol.io "Connect to local MCP servers".
		switch goos {
		case "darwin":
			return filepath.Join(home, "Library", "Application Support", "Claude", "claude_desktop_config.json"), nil
		case "windows":
			if a := getenv("APPDATA"); a != "" {
				return filepath.Join(a, "Claude", "claude_desktop_config.json"), nil
			}
			return "", errors.New("%APPDATA% is not set")
		}
		return filepath.Join(home, ".config", "Claude", "claude_desktop_config.json"), nil
	}},
	"cursor": {name: "Cursor", key: "mcpServers", path: func(_, home string, _ func(string) string, workspace bool) (string, error) {
		if workspace {
			return filepath.Join(".cursor", "mcp.json"), nil
		}
		return filepath.Join(home, ".cursor", "mcp.json"), nil
	}},
	"vscode": {name: "VS Code", key: "servers", path: func(goos, home string, getenv func(string) string, workspace bool) (string, error) {
		if workspace {
			return filepath.Join(".vscode", "mcp.json"), nil
		}
		switch goos {
		case "darwin":
			return filepath.Join(home, "Library", "Application Support", "Code", "User", "mcp.json"), nil
		case "windows":
			if a := getenv("APPDATA"); a != "" {
				return filepath.Join(a, "Code", "User", "mcp.json"), nil
			}
			return "", errors.New("%APPDATA% is not set")
		}
		return filepath.Join(home, ".config", "Code", "User", "mcp.json"), nil
	}},
	"claude-code": {name: "Claude Code"},
}

// configSynopsis and configAbout are config's --help.
const configSynopsis = `config claude-desktop|claude-code|cursor|vscode [--write] [--workspace]
                         [--sandbox] [--toolsets a,b|all] [--read-only] [--name media]`

const configAbout = `Prints the configuration that makes the client start this binary (by its
absolute path) as an MCP server over stdio. --write merges it into the
client's config file, keeping the other servers: the file is backed up
first and the change is shown as a diff.

  claude-desktop  claude_desktop_config.json ("mcpServers"): macOS
                  ~/Library/Application Support/Claude/, Windows %APPDATA%\Claude\,
                  Linux ~/.config/Claude/
  cursor          ~/.cursor/mcp.json ("mcpServers"); --workspace: .cursor/mcp.json
  vscode          the user mcp.json ("servers"); --workspace: .vscode/mcp.json
  claude-code     prints the "claude mcp add" command; Claude Code writes its
                  own ~/.claude.json, so --write is refused: run the command`

func cmdConfig(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("write", false, "merge the entry into the client's config file (backed up first)")
	workspace := fs.Bool("workspace", false, "cursor, vscode: the config of the project in the current directory")
	sandboxed := fs.Bool("sandbox", false, "serve the built-in fake providers (no account needed)")
	readOnly := fs.Bool("read-only", false, "expose read-only tools only")
	name := fs.String("name", "media", "the server's name in the client")
	var toolsets listFlag
	fs.Var(&toolsets, "toolsets", "toolsets to expose from the start (for clients that ignore tools/list_changed), or all")
	fs.Usage = subUsage(fs, stderr, configSynopsis, configAbout)
	var client string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		client, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return parseError(err)
	}
	spec, ok := clients[client]
	if !ok || fs.NArg() > 0 {
		fs.Usage()
		return &exitError{code: 2, msg: fmt.Sprintf("config: name one client: claude-desktop, claude-code, cursor or vscode (got %q)", strings.Join(append([]string{client}, fs.Args()...), " "))}
	}
	bin, err := executablePath()
	if err != nil {
		return err
	}
	serveArgs := []string{"serve"}
	if *sandboxed {
		serveArgs = append(serveArgs, "--sandbox")
	}
	if *readOnly {
		serveArgs = append(serveArgs, "--read-only")
	}
	if len(toolsets) > 0 {
		serveArgs = append(serveArgs, "--toolsets", strings.Join(toolsets, ","))
	}
	if spec.key == "" {
		cmd := append([]string{"claude", "mcp", "add", "--scope", "user", *name, "--", bin}, serveArgs...)
		fmt.Fprintln(stdout, shellJoin(cmd))
		if *write {
			return &exitError{code: 2, msg: "config claude-code: --write is not supported: Claude Code keeps its servers in ~/.claude.json, a file it manages itself; run the command above instead"}
		}
		return nil
	}
	entry := newObject()
	if spec.key == "servers" {
		entry.set("type", "stdio")
	}
	entry.set("command", bin)
	entry.set("args", serveArgs)
	if !*write {
		doc := newObject()
		servers := newObject()
		servers.set(*name, entry)
		doc.set(spec.key, servers)
		_, err := stdout.Write(writeOrdered(doc))
		return err
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return err
	}
	path, err := spec.path(runtime.GOOS, home, os.Getenv, *workspace)
	if err != nil {
		return fmt.Errorf("config %s: %w", client, err)
	}
	return mergeConfig(path, spec, *name, entry, stdout)
}

// mergeConfig puts entry under spec.key/name in the file at path, keeping
// everything else, after backing the file up; it prints the diff.
func mergeConfig(path string, spec clientSpec, name string, entry *jobject, stdout io.Writer) error {
	old, err := os.ReadFile(path)
	mode := os.FileMode(0o600)
	switch {
	case errors.Is(err, os.ErrNotExist):
		old = nil
	case err != nil:
		return err
	default:
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
	}
	doc := newObject()
	if len(strings.TrimSpace(string(old))) > 0 {
		v, err := parseOrdered(old)
		if err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("%s is not plain JSON (%v; comments are not kept by --write): add the entry by hand; `mcp-media config %s` prints it", path, err, clientID(spec))}
		}
		o, ok := v.(*jobject)
		if !ok {
			return &exitError{code: 1, msg: fmt.Sprintf("%s does not hold a JSON object; add the entry by hand", path)}
		}
		doc = o
	}
	servers := newObject()
	if v, ok := doc.get(spec.key); ok {
		o, isObj := v.(*jobject)
		if !isObj {
			return &exitError{code: 1, msg: fmt.Sprintf("%s: %q is not a JSON object; add the entry by hand", path, spec.key)}
		}
		servers = o
	}
	servers.set(name, entry)
	doc.set(spec.key, servers)
	updated := writeOrdered(doc)
	if string(updated) == string(old) {
		fmt.Fprintf(stdout, "%s already has this entry for %q; nothing changed.\n", path, name)
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if old != nil {
		backup := backupName(path)
		if err := os.WriteFile(backup, old, mode); err != nil {
			return fmt.Errorf("backing up %s: %w", path, err)
		}
		fmt.Fprintf(stdout, "Backed up %s to %s\n", path, backup)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mcp-media-config-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(updated); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %s (%s, server %q):\n%s", path, spec.name, name, lineDiff(string(old), string(updated)))
	fmt.Fprintf(stdout, "Restart %s to load it.\n", spec.name)
	return nil
}

func clientID(spec clientSpec) string {
	for id, s := range clients {
		if s.name == spec.name {
			return id
		}
	}
	return ""
}

// backupName is path.bak, or path.bak.<time> when that exists already.
func backupName(path string) string {
	b := path + ".bak"
	if _, err := os.Stat(b); errors.Is(err, os.ErrNotExist) {
		return b
	}
	return b + "." + time.Now().UTC().Format("20060102T150405.000000000")
}

// executablePath is this binary's absolute path with symlinks resolved.
func executablePath() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding this binary's path: %w", err)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return filepath.Abs(p)
}

// shellJoin quotes words for a POSIX shell where needed.
func shellJoin(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		if w != "" && strings.IndexFunc(w, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./,:=@%+", r))
		}) < 0 {
			out[i] = w
			continue
		}
		out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}
