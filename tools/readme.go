package tools

//go:generate go run ../cmd/mcp-media tools --markdown --write-readme ../README.md

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// The README's generated part sits between these two lines.
const (
	ReadmeBegin = "<!-- tools:begin -->"
	ReadmeEnd   = "<!-- tools:end -->"
)

// RegenerateCommand is what a contributor runs when the README's tool tables
// are out of date.
const RegenerateCommand = "go generate ./tools/"

// toolDoc and setDoc are what the README needs of a tool and a toolset.
type toolDoc struct {
	Name, Description                 string
	ReadOnly, Destructive, Idempotent bool
}

type setDoc struct {
	Name    string
	Default bool
	Core    bool // its tools are documented in their home toolsets
	Tools   []toolDoc
}

// docsOf is the one place the docs read toolkit.Toolset and toolkit.Tool.
func docsOf(inv toolkit.Inventory) []setDoc {
	var out []setDoc
	for _, ts := range inv.Toolsets {
		s := setDoc{Name: ts.Name, Default: ts.Default, Core: ts.Core()}
		for _, t := range ts.Tools() {
			s.Tools = append(s.Tools, toolDoc{
				Name:        t.Name,
				Description: t.Description,
				ReadOnly:    t.Annotations.ReadOnly,
				Destructive: t.Annotations.Destructive,
				Idempotent:  t.Annotations.Idempotent,
			})
		}
		out = append(out, s)
	}
	return out
}

// docsEnv binds the inventory for documentation: no credentials, an empty
// environment, so the text does not depend on who runs the generator.
func docsEnv() *toolkit.Env {
	set := &redact.Set{}
	return &toolkit.Env{
		Creds:  &credentials.Store{Redact: set},
		Redact: set,
		Getenv: func(string) string { return "" },
	}
}

// Markdown is the README's generated part (without the markers): the
// default-toolsets line and one table per toolset, default toolsets first,
// each in inventory order, tools sorted by name. It documents every toolset
// whatever is configured.
func Markdown() string {
	return markdown(docsOf(Inventory(docsEnv())))
}

func markdown(sets []setDoc) string {
	var ordered []setDoc
	for _, def := range []bool{true, false} {
		for _, s := range sets {
			if s.Default == def {
				ordered = append(ordered, s)
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- Generated from the tool declarations by `%s`; edit those, not this part. -->\n\n", RegenerateCommand)
	var defaults []string
	for _, s := range ordered {
		if s.Default {
			defaults = append(defaults, "`"+s.Name+"`")
		}
	}
	fmt.Fprintf(&b, "Default toolsets: %s.\n\n## Tools\n", strings.Join(defaults, ", "))
	for _, s := range ordered {
		heading := "`" + s.Name + "`"
		if s.Default {
			heading += " (default)"
		}
		tools := append([]toolDoc(nil), s.Tools...)
		sort.Slice(tools, func(i, j int) bool { return tools[i].Name < tools[j].Name })
		if s.Core {
			var names []string
			for _, t := range tools {
				names = append(names, "`"+t.Name+"`")
			}
			fmt.Fprintf(&b, "\n### %s\n\nEach tool's row is in its own toolset below: %s.\n", heading, strings.Join(names, ", "))
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n| Tool | What it does | |\n|---|---|---|\n", heading)
		for _, t := range tools {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", t.Name, cell(Summary(t.Description)), hints(t))
		}
	}
	return b.String()
}

// hints renders the annotations a reader cares about: read-only (which
// implies idempotent), else destructive and/or idempotent.
func hints(t toolDoc) string {
	if t.ReadOnly {
		return "read-only"
	}
	var h []string
	if t.Destructive {
		h = append(h, "destructive")
	}
	if t.Idempotent {
		h = append(h, "idempotent")
	}
	return strings.Join(h, ", ")
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// Summary is a description's first sentence: up to the first ". " that is
// followed by something other than a lower-case letter, so "e.g. view
// count" does not end it.
func Summary(desc string) string {
	desc = strings.TrimSpace(desc)
	for i := 0; i+1 < len(desc); i++ {
		if desc[i] != '.' || desc[i+1] != ' ' {
			continue
		}
		rest := strings.TrimLeft(desc[i+1:], " ")
		r, _ := utf8.DecodeRuneInString(rest)
		if rest != "" && !unicode.IsLower(r) {
			return desc[:i+1]
		}
	}
	return desc
}

// ReplaceGenerated returns readme with the part between ReadmeBegin and
// ReadmeEnd replaced by generated.
func ReplaceGenerated(readme, generated string) (string, error) {
	before, _, after, err := splitGenerated(readme)
	if err != nil {
		return "", err
	}
	return before + ReadmeBegin + "\n" + generated + ReadmeEnd + after, nil
}

// Generated returns the part of readme between the markers.
func Generated(readme string) (string, error) {
	_, inner, _, err := splitGenerated(readme)
	return inner, err
}

func splitGenerated(readme string) (before, inner, after string, err error) {
	i := strings.Index(readme, ReadmeBegin+"\n")
	if i < 0 {
		return "", "", "", fmt.Errorf("no %q line", ReadmeBegin)
	}
	start := i + len(ReadmeBegin) + 1
	j := strings.Index(readme[start:], ReadmeEnd)
	if j < 0 {
		return "", "", "", fmt.Errorf("no %q after %q", ReadmeEnd, ReadmeBegin)
	}
	if strings.Contains(readme[start+j+len(ReadmeEnd):], ReadmeBegin) {
		return "", "", "", fmt.Errorf("%q appears twice", ReadmeBegin)
	}
	return readme[:i], readme[start : start+j], readme[start+j+len(ReadmeEnd):], nil
}
