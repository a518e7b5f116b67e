package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	_ "image/png" // chart images
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/mcpserver"
	"github.com/mcp-media/mcp-media/tools"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func cmdTools(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tools", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var toolsets listFlag
	fs.Var(&toolsets, "toolsets", "comma-separated toolsets, or all")
	readOnly := fs.Bool("read-only", false, "only tools that change nothing")
	asJSON := fs.Bool("json", false, "print the tools/list payload")
	sandboxed := fs.Bool("sandbox", false, "as with serve --sandbox (every provider configured)")
	markdown := fs.Bool("markdown", false, "print the README's toolset tables (every toolset, whatever is configured)")
	writeReadme := fs.String("write-readme", "", "with --markdown: rewrite the tables in this README between "+tools.ReadmeBegin+" and "+tools.ReadmeEnd)
	fs.Usage = subUsage(fs, stderr, `tools [--toolsets a,b|all] [--read-only] [--json] [--sandbox]
       mcp-media tools --markdown [--write-readme README.md]`, `Lists what tools/list would expose: the default toolsets of the configured
providers, or the toolsets named. --json prints the tools/list payload with
schemas. --markdown prints the README's "Default toolsets" line and one table
per toolset (every toolset, independent of configured providers);
--write-readme FILE puts them into FILE between the tools:begin/end markers
(`+tools.RegenerateCommand+` runs that for README.md).`)
	if done, err := parseFlagsOnly(fs, args); done {
		return err
	}
	if *writeReadme != "" && !*markdown {
		return &exitError{code: 2, msg: "--write-readme needs --markdown"}
	}
	if *markdown {
		if len(toolsets) > 0 || *readOnly || *asJSON || *sandboxed {
			return &exitError{code: 2, msg: "--markdown documents every toolset; it takes no --toolsets, --read-only, --json or --sandbox"}
		}
		return writeMarkdown(*writeReadme, stdout)
	}
	env, _, cleanup, err := newEnv(envOptions{sandbox: *sandboxed}, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	inv := tools.Inventory(env)
	sel, err := mcpserver.Select(inv, mcpserver.Options{Toolsets: toolsets, ReadOnly: *readOnly, Env: env})
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	if *asJSON {
		list := make([]mcp.Tool, len(sel))
		for i, t := range sel {
			list[i] = t.MCP()
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"tools": list})
	}
	for _, t := range sel {
		ro := ""
		if t.Annotations.ReadOnly {
			ro = " (read-only)"
		}
		fmt.Fprintf(stdout, "%-28s %-15s %s%s\n", t.Name, t.Toolset, tools.Summary(t.Description), ro)
	}
	fmt.Fprintf(stdout, "\n%d tools. Toolsets: %s (or all); * = on by default. An agent turns the others on with media_toolsets. Unconfigured providers' default toolsets are hidden: see `mcp-media auth status`.\n",
		len(sel), strings.Join(toolsetNames(inv), ", "))
	return nil
}

func toolsetNames(inv toolkit.Inventory) []string {
	var out []string
	for _, ts := range inv.Toolsets {
		n := ts.Name
		if ts.Default {
			n += "*"
		}
		out = append(out, n)
	}
	return out
}

// writeMarkdown prints the README's generated part, or with a path puts it
// between the markers of that file (written only when it changes).
func writeMarkdown(path string, stdout io.Writer) error {
	md := tools.Markdown()
	if path == "" {
		_, err := io.WriteString(stdout, md)
		return err
	}
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	updated, err := tools.ReplaceGenerated(string(old), md)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if updated == string(old) {
		fmt.Fprintf(stdout, "%s: tool tables already up to date\n", path)
		return nil
	}
	if err := os.WriteFile(path, []byte(updated), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: tool tables rewritten\n", path)
	return nil
}

func cmdCall(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	argsJSON := fs.String("args", "{}", "tool arguments as a JSON object")
	asJSON := fs.Bool("json", false, "also print the structured result as JSON")
	sandboxed := fs.Bool("sandbox", false, "call the built-in fake providers")
	noCharts := fs.Bool("no-charts", false, "leave the PNG chart images out of the result")
	imageDir := fs.String("image-dir", "", "write the result's images into this directory (chart-1.png, …)")
	var toolsets listFlag
	fs.Var(&toolsets, "toolsets", "toolsets to load (default: all)")
	fs.Usage = subUsage(fs, stderr, "call TOOL --args '{\"media_id\":\"…\"}' [--json] [--sandbox]",
		"Runs one tool through the same server code an agent uses and prints the text it gets\n(progress on stderr). Exit status 1 when the tool returns an error.")
	name, rest := splitID(args)
	if err := fs.Parse(rest); err != nil {
		return parseError(err)
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" {
		fs.Usage()
		return &exitError{code: 2}
	}
	var arguments map[string]any
	if err := json.Unmarshal([]byte(*argsJSON), &arguments); err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("--args is not a JSON object: %v", err)}
	}
	if len(toolsets) == 0 {
		toolsets = listFlag{"all"}
	}
	stderr = &syncWriter{w: stderr}
	env, _, cleanup, err := newEnv(envOptions{sandbox: *sandboxed, noCharts: *noCharts}, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	s, sel, err := mcpserver.Build(mcpserver.Options{Toolsets: toolsets, Env: env})
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	found := false
	for _, t := range sel {
		found = found || t.Name == name
	}
	if !found {
		return &exitError{code: 2, msg: fmt.Sprintf("no tool %q in toolsets %s; list them with `mcp-media tools --toolsets all`", name, strings.Join(toolsets, ","))}
	}
	c, err := client.NewInProcessClient(s)
	if err != nil {
		return err
	}
	defer c.Close()
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			if msg, ok := n.Params.AdditionalFields["message"].(string); ok {
				fmt.Fprintf(stderr, "%s\n\n", msg)
			}
		}
	})
	if err := c.Start(ctx); err != nil {
		return err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "mcp-media call", Version: version()}
	if _, err := c.Initialize(ctx, init); err != nil {
		return err
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = arguments
	req.Params.Meta = &mcp.Meta{ProgressToken: "call"}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, toolkit.ResultText(res))
	if err := printImages(res, *imageDir, stdout); err != nil {
		return err
	}
	if *asJSON && res.StructuredContent != nil {
		b, _ := json.MarshalIndent(res.StructuredContent, "", "  ")
		fmt.Fprintf(stdout, "\n%s\n", b)
	}
	if res.IsError {
		return &exitError{code: 1}
	}
	return nil
}

// printImages says what images a result carries (their size), and writes
// them into dir when one is given.
func printImages(res *mcp.CallToolResult, dir string, stdout io.Writer) error {
	for i, b := range toolkit.ResultImages(res, "") {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			fmt.Fprintf(stdout, "\n[image %d: %d bytes, not a PNG: %v]\n", i+1, len(b), err)
			continue
		}
		where := ""
		if dir != "" {
			p := filepath.Join(dir, fmt.Sprintf("chart-%d.png", i+1))
			if err := os.WriteFile(p, b, 0o644); err != nil {
				return err
			}
			where = ", written to " + p
		}
		fmt.Fprintf(stdout, "\n[chart %d: PNG %dx%d, %d KB%s]\n", i+1, cfg.Width, cfg.Height, (len(b)+1023)/1024, where)
	}
	return nil
}
