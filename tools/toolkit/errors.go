package toolkit

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// fromValidation turns the first leaf schema violation into an *argerr.Error
// that names the argument in the user's terms.
func fromValidation(ve *sjs.ValidationError, schema json.RawMessage) error {
	leaf := ve
	for len(leaf.Causes) > 0 {
		leaf = leaf.Causes[0]
	}
	arg := strings.Join(leaf.InstanceLocation, ".")
	p := message.NewPrinter(language.English)
	switch k := leaf.ErrorKind.(type) {
	case *kind.Required:
		name := strings.Join(k.Missing, "`, `")
		if arg != "" {
			name = arg + "." + name
		}
		return &argerr.Error{Arg: name, Problem: "is required", Fix: "add it (see the tool's input schema)"}
	case *kind.AdditionalProperties:
		fix := "remove it; this tool takes no arguments"
		if names := propertyNames(schema); len(names) > 0 {
			fix = "remove it; valid arguments: " + strings.Join(names, ", ")
		}
		return &argerr.Error{Arg: strings.Join(k.Properties, "`, `"), Problem: "is not an argument of this tool", Fix: fix}
	case *kind.Type:
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("must be %s, got %s", strings.Join(k.Want, " or "), k.Got)}
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			b, _ := json.Marshal(w)
			want[i] = string(b)
		}
		got, _ := json.Marshal(k.Got)
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("%s is not allowed", got), Fix: "use one of " + strings.Join(want, ", ")}
	case *kind.Minimum:
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("must be at least %s, got %s", k.Want.RatString(), ratOrAny(k.Got))}
	case *kind.MinLength:
		if k.Want == 1 {
			return &argerr.Error{Arg: orArgs(arg), Problem: "must not be empty"}
		}
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("must be at least %d characters, got %d", k.Want, k.Got)}
	case *kind.MaxLength:
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("must be at most %d characters, got %d", k.Want, k.Got)}
	case *kind.ExclusiveMinimum:
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("must be greater than %s, got %s", k.Want.RatString(), ratOrAny(k.Got))}
	case *kind.MinItems:
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("needs at least %d items, got %d", k.Want, k.Got)}
	case *kind.MaxItems:
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("takes at most %d items, got %d", k.Want, k.Got)}
	case *kind.Maximum:
		return &argerr.Error{Arg: orArgs(arg), Problem: fmt.Sprintf("must be at most %s, got %s", k.Want.RatString(), ratOrAny(k.Got))}
	}
	return &argerr.Error{Arg: orArgs(arg), Problem: leaf.ErrorKind.LocalizedString(p)}
}

func ratOrAny(v any) string {
	if s, ok := v.(interface{ RatString() string }); ok {
		return s.RatString()
	}
	return fmt.Sprint(v)
}

func orArgs(a string) string {
	if a == "" {
		return "arguments"
	}
	return a
}

func propertyNames(schema json.RawMessage) []string {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(schema, &s)
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
