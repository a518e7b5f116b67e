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
