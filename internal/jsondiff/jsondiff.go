// Package jsondiff lists what changed between two JSON documents, path by
// path, for test failure messages that a reviewer can read at a glance.
package jsondiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Change is one difference at a path. Old is absent for an addition, New
// for a removal.
type Change struct {
	Path           string
	Old, New       any
	HasOld, HasNew bool
}

// String renders "+ path: new", "- path: old" or "path: old → new".
func (c Change) String() string {
	switch {
	case !c.HasOld:
		return "+ " + c.Path + ": " + show(c.New)
	case !c.HasNew:
		return "- " + c.Path + ": " + show(c.Old)
	default:
		return c.Path + ": " + show(c.Old) + " → " + show(c.New)
	}
}

// Diff compares two decoded JSON values (map[string]any, []any, string,
// json.Number or float64, bool, nil) and returns the changes sorted by
// path: object keys in byte order, array elements by index. Objects are
// compared key by key, arrays index by index.
func Diff(old, new any) []Change {
	var out []Change
	walk("", old, new, &out)
	return out
}

func walk(path string, old, new any, out *[]Change) {
	switch o := old.(type) {
	case map[string]any:
		if n, ok := new.(map[string]any); ok {
			keys := make([]string, 0, len(o)+len(n))
			for k := range o {
				keys = append(keys, k)
			}
			for k := range n {
				if _, ok := o[k]; !ok {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := join(path, k)
				ov, inOld := o[k]
				nv, inNew := n[k]
				switch {
				case !inNew:
					*out = append(*out, Change{Path: p, Old: ov, HasOld: true})
				case !inOld:
					*out = append(*out, Change{Path: p, New: nv, HasNew: true})
				default:
					walk(p, ov, nv, out)
				}
			}
			return
		}
	case []any:
		if n, ok := new.([]any); ok {
			for i := 0; i < len(o) || i < len(n); i++ {
				p := fmt.Sprintf("%s[%d]", path, i)
				switch {
				case i >= len(n):
					*out = append(*out, Change{Path: p, Old: o[i], HasOld: true})
				case i >= len(o):
					*out = append(*out, Change{Path: p, New: n[i], HasNew: true})
				default:
					walk(p, o[i], n[i], out)
				}
			}
			return
		}
	}
	if !equal(old, new) {
		if path == "" {
			path = "(document)"
		}
		*out = append(*out, Change{Path: path, Old: old, New: new, HasOld: true, HasNew: true})
	}
}

// equal compares two leaves (or a container with a value of another kind).
func equal(a, b any) bool {
	ab, err1 := json.Marshal(a)
	bb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ab, bb)
}

var ident = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$-]*$`)

// join appends an object key: .key when it reads as a name, else ["key"].
func join(path, key string) string {
	if ident.MatchString(key) {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	q, _ := json.Marshal(key)
	return path + "[" + string(q) + "]"
}

const maxValue = 60

// show is a value as compact JSON, cut to maxValue characters.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if r := []rune(s); len(r) > maxValue {
		s = string(r[:maxValue-1]) + "…"
	}
	return s
}

// Documents decodes two JSON documents and renders their changes, one per
// line, at most max lines (then a line saying how many more). It returns
// an error when either is not JSON, and "" when they are equal as JSON.
func Documents(old, new []byte, max int) (string, error) {
	o, err := decode(old)
	if err != nil {
		return "", fmt.Errorf("old document: %w", err)
	}
	n, err := decode(new)
	if err != nil {
		return "", fmt.Errorf("new document: %w", err)
	}
	return Format(Diff(o, n), max), nil
}

// Format renders changes one per line, at most max of them (max <= 0: all).
func Format(changes []Change, max int) string {
	var b strings.Builder
	for i, c := range changes {
		if max > 0 && i == max {
			fmt.Fprintf(&b, "… and %d more\n", len(changes)-max)
			break
		}
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func decode(doc []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}
