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
	chosen, err := inv.Resolve(sel)
	if err != nil {
		return nil, err
	}
	return Flatten(chosen, sel.ReadOnly), nil
}

// Resolve returns the toolsets of the selection, each once, in inventory
// order for the defaults and in the order named otherwise.
func (inv Inventory) Resolve(sel Selection) ([]Toolset, error) {
	byName := map[string]Toolset{}
	for _, ts := range inv.Toolsets {
		byName[ts.Name] = ts
	}
	var chosen []Toolset
	picked := map[string]bool{}
	add := func(ts Toolset) {
		if !picked[ts.Name] {
			picked[ts.Name] = true
			chosen = append(chosen, ts)
		}
	}
	if len(sel.Names) == 0 || (len(sel.Names) == 1 && sel.Names[0] == "default") {
		for _, ts := range inv.Toolsets {
			if ts.Default && (ts.Provider == "" || sel.Configured == nil || sel.Configured(ts.Provider)) {
				add(ts)
			}
		}
		return chosen, nil
	}
	for _, n := range sel.Names {
		switch n = strings.TrimSpace(n); n {
		case "":
		case "all":
			for _, ts := range inv.Toolsets {
				add(ts)
			}
		case "default":
			for _, ts := range inv.Toolsets {
				if ts.Default {
					add(ts)
				}
			}
		default:
			ts, ok := byName[n]
			if !ok {
				return nil, fmt.Errorf("unknown toolset %q; valid toolsets: %s, default, all", n, strings.Join(inv.Names(), ", "))
			}
			add(ts)
		}
	}
	return chosen, nil
}

// Flatten returns the tools of sets, each once, sorted by name; readOnly
// drops the tools that change anything.
func Flatten(sets []Toolset, readOnly bool) []Tool {
	seen := map[string]bool{}
	var out []Tool
	for _, ts := range sets {
		for _, t := range ts.Tools() {
			if seen[t.Name] || (readOnly && !t.Annotations.ReadOnly) {
				continue
			}
			seen[t.Name] = true
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names lists the toolset names in inventory order.
func (inv Inventory) Names() []string {
	n := make([]string, len(inv.Toolsets))
	for i, ts := range inv.Toolsets {
		n[i] = ts.Name
	}
	return n
}
