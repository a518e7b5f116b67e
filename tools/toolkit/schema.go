package toolkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

// schemas is a tool's compiled input and output schemas. Compiling is the
// costly part of declaring a tool, so it happens on the tool's first call
// (or Tool.Check), once.
type schemas struct {
	name    string
	in, out json.RawMessage

	once    sync.Once
	err     error
	inVal   *sjs.Schema
	outVal  *sjs.Schema
	inTree  *node
	outTree *node
}

// node is the part of a generated JSON schema the toolkit acts on: the
// declared defaults and where arrays and maps are.
type node struct {
	Type                 any              `json:"type"`
	Default              json.RawMessage  `json:"default"`
	Properties           map[string]*node `json:"properties"`
	Items                *node            `json:"items"`
	AdditionalProperties json.RawMessage  `json:"additionalProperties"`
}

func (s *schemas) get() (*schemas, error) {
	s.once.Do(func() {
		if s.inVal, s.err = compile(s.name+".in", s.in); s.err != nil {
			s.err = fmt.Errorf("tool %s: input schema: %w", s.name, s.err)
			return
		}
		if s.outVal, s.err = compile(s.name+".out", s.out); s.err != nil {
			s.err = fmt.Errorf("tool %s: output schema: %w", s.name, s.err)
			return
		}
		s.inTree, s.outTree = &node{}, &node{}
		if s.err = json.Unmarshal(s.in, s.inTree); s.err == nil {
			s.err = json.Unmarshal(s.out, s.outTree)
		}
	})
	return s, s.err
}

func compile(name string, schema json.RawMessage) (*sjs.Schema, error) {
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, err
	}
	c := sjs.NewCompiler()
	url := "mem:///" + name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// Check compiles the tool's schemas; the inventory tests call it for every
// tool, so a schema that cannot compile fails a test, not a user's call.
func (t Tool) Check() error {
	_, err := t.schemas.get()
	return err
}

// prepare applies the schema's defaults to the arguments (as go-sdk does,
// so a handler never re-applies a default by hand) and validates the
// result. Errors name the argument.
func (s *schemas) prepare(raw json.RawMessage) (json.RawMessage, error) {
	var args any
	if err := json.Unmarshal(raw, &args); err != nil {
		return nil, &argerr.Error{Arg: "arguments", Problem: "are not valid JSON: " + err.Error(), Fix: "send a JSON object"}
	}
	obj, ok := args.(map[string]any)
	if !ok {
		return nil, &argerr.Error{Arg: "arguments", Problem: "must be a JSON object", Fix: "send an object such as {\"media_id\": \"...\"}"}
	}
	if applyDefaults(obj, s.inTree) {
		b, err := json.Marshal(obj)
		if err != nil {
			return nil, &argerr.Error{Arg: "arguments", Problem: err.Error(), Fix: ""}
		}
		raw = b
	}
	inst, err := sjs.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, &argerr.Error{Arg: "arguments", Problem: "are not valid JSON: " + err.Error(), Fix: "send a JSON object"}
	}
	err = s.inVal.Validate(inst)
	if err == nil {
		return raw, nil
	}
	var ve *sjs.ValidationError
	if errors.As(err, &ve) {
		return nil, fromValidation(ve, s.in)
	}
	return nil, &argerr.Error{Arg: "arguments", Problem: err.Error(), Fix: ""}
}

// applyDefaults fills absent properties that declare a default, in v and
// in the objects nested in it. It reports whether it changed anything.
func applyDefaults(v any, n *node) bool {
	if n == nil {
		return false
	}
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for name, p := range n.Properties {
			cur, present := x[name]
			if !present {
				if len(p.Default) > 0 {
					var d any
					if json.Unmarshal(p.Default, &d) == nil {
						x[name] = d
						changed = true
					}
				}
				continue
			}
			changed = applyDefaults(cur, p) || changed
		}
	case []any:
		for _, e := range x {
			changed = applyDefaults(e, n.Items) || changed
		}
	}
	return changed
}

// emptyCollections turns a null where the output schema declares an array
// into [], and a null map into {}: Go's nil slices and maps are "nothing",
// and a strict client should read them as such, not as a schema violation.
func emptyCollections(v any, n *node) any {
	if n == nil {
		return v
	}
	switch x := v.(type) {
	case nil:
		switch {
		case n.is("array"):
			return []any{}
		case n.is("object") && len(n.Properties) == 0 && isSchema(n.AdditionalProperties):
			return map[string]any{}
		}
	case map[string]any:
		if len(n.Properties) > 0 {
			for name, p := range n.Properties {
				if cur, ok := x[name]; ok {
					x[name] = emptyCollections(cur, p)
				}
			}
		} else if isSchema(n.AdditionalProperties) {
			var vn node
			if json.Unmarshal(n.AdditionalProperties, &vn) == nil {
				for k, cur := range x {
					x[k] = emptyCollections(cur, &vn)
				}
			}
		}
	case []any:
		for i, e := range x {
			x[i] = emptyCollections(e, n.Items)
		}
	}
	return v
}

func (n *node) is(typ string) bool {
	switch t := n.Type.(type) {
	case string:
		return t == typ
	case []any:
		for _, e := range t {
			if e == typ {
				return true
			}
		}
	}
	return false
}

// isSchema reports whether additionalProperties holds a schema (an
// object), as generated for a Go map, rather than true or false.
func isSchema(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// checkOutput validates structured content against the output schema.
func (s *schemas) checkOutput(structured any) error {
	b, err := json.Marshal(structured)
	if err != nil {
		return err
	}
	inst, err := sjs.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	if err := s.outVal.Validate(inst); err != nil {
		return fmt.Errorf("internal error in %s: its result does not match its declared output schema (%v); the server keeps running, please report this", s.name, err)
	}
	return nil
}

// CheckOutput validates a result's structured content against the tool's
// declared output schema (tooltest runs it on every result).
func (t Tool) CheckOutput(structured any) error {
	s, err := t.schemas.get()
	if err != nil {
		return err
	}
	return s.checkOutput(structured)
}
