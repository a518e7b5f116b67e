package toolkit

import (
	"fmt"
	"sort"
	"strings"
)

// Inventory is every toolset the binary knows.
type Inventory struct {
	Toolsets []Toolset
}

// Selection says which tools to expose.
type Selection struct {
	// Names are toolset names; empty means the default toolsets; "all"
	// means every toolset.
	Names    []string
	ReadOnly bool
	// Configured reports whether a provider has credentials. Default
	// toolsets of unconfigured providers are left out; toolsets named
	// explicitly are kept (their tools explain how to configure).
	Configured func(provider string) bool
}

// Select returns the tools of the selection, sorted by name.
func (inv Inventory) Select(sel Selection) ([]Tool, error) {
	byName := map[string]Toolset{}
	for _, ts := range inv.Toolsets {
		byName[ts.Name] = ts
	}
	var chosen []Toolset
	switch {
	case len(sel.Names) == 0 || (len(sel.Names) == 1 && sel.Names[0] == "default"):
		for _, ts := range inv.Toolsets {
			if ts.Default && (ts.Provider == "" || sel.Configured == nil || sel.Configured(ts.Provider)) {
				chosen = append(chosen, ts)
			}
		}
	default:
		seen := map[string]bool{}
		for _, n := range sel.Names {
			n = strings.TrimSpace(n)
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			switch n {
			case "all":
				chosen = append(chosen, inv.Toolsets...)
			case "default":
				for _, ts := range inv.Toolsets {
					if ts.Default {
						chosen = append(chosen, ts)
					}
				}
			default:
				ts, ok := byName[n]
				if !ok {
					return nil, fmt.Errorf("unknown toolset %q; valid toolsets: %s, default, all", n, strings.Join(inv.Names(), ", "))
				}
				chosen = append(chosen, ts)
			}
		}
	}
	seen := map[string]bool{}
	var out []Tool
	for _, ts := range chosen {
		for _, t := range ts.Tools() {
			if seen[t.Name] || (sel.ReadOnly && !t.Annotations.ReadOnly) {
				continue
			}
			seen[t.Name] = true
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Names lists the toolset names in inventory order.
func (inv Inventory) Names() []string {
	n := make([]string, len(inv.Toolsets))
	for i, ts := range inv.Toolsets {
		n[i] = ts.Name
	}
	return n
}
