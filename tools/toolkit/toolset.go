package toolkit

import (
	"fmt"

	"github.com/mcp-media/mcp-media/internal/providers"
)

// ToolsetSpec describes a toolset: the unit users switch on and off.
type ToolsetSpec struct {
	Name        string
	Description string
	// Provider is the provider id whose credentials the toolset's tools
	// need; "" for provider-independent toolsets such as media.
	Provider string
	// Default toolsets are on when --toolsets is not given (and, for a
	// provider's toolsets, when that provider is configured).
	Default bool
}

// Toolset is a named group of tools. It is built with NewToolset, which
// stamps every tool with the toolset's name and provider: a tool never
// declares them itself.
type Toolset struct {
	ToolsetSpec
	tools []Tool
	core  bool // built by CoreToolset
}

// NewToolset groups tools under spec. A tool of a provider's toolset
// reaches outside the process, so its OpenWorld hint is set. It panics on
// an unknown provider id: a programming error the inventory tests catch.
func NewToolset(spec ToolsetSpec, tools ...Tool) Toolset {
	if spec.Provider != "" {
		if _, ok := providers.ByID(spec.Provider); !ok {
			panic(fmt.Sprintf("toolset %s: unknown provider %q", spec.Name, spec.Provider))
		}
	}
	stamped := make([]Tool, len(tools))
	for i, t := range tools {
		t.Toolset = spec.Name
		t.Provider = spec.Provider
		if spec.Provider != "" {
			t.Annotations.OpenWorld = true
		}
		stamped[i] = t
	}
	return Toolset{ToolsetSpec: spec, tools: stamped}
}

// Tools returns the toolset's tools, stamped with its name and provider.
func (ts Toolset) Tools() []Tool { return ts.tools }

// CoreToolset is a provider's small default toolset: the tools of its main
// tasks, picked by name from the provider's other toolsets. The picked tools
// keep their home toolset (Tool.Toolset), so every tool is declared once
// and a tool in a core toolset is also in its home toolset. It panics on a
// name none of from holds or on a tool of another provider: programming
// errors the inventory tests catch.
func CoreToolset(spec ToolsetSpec, from []Toolset, names ...string) Toolset {
	byName := map[string]Tool{}
	for _, ts := range from {
		for _, t := range ts.Tools() {
			byName[t.Name] = t
		}
	}
	picked := make([]Tool, 0, len(names))
	for _, n := range names {
		t, ok := byName[n]
		if !ok {
			panic(fmt.Sprintf("core toolset %s: no tool %q in the given toolsets", spec.Name, n))
		}
		if t.Provider != spec.Provider {
			panic(fmt.Sprintf("core toolset %s: %s belongs to provider %q, not %q", spec.Name, n, t.Provider, spec.Provider))
		}
		picked = append(picked, t)
	}
	return Toolset{ToolsetSpec: spec, tools: picked, core: true}
}

// Core reports whether the toolset was built by CoreToolset: its tools are
// declared in other toolsets.
func (ts Toolset) Core() bool { return ts.core }
