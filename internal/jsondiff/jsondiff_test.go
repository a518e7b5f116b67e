package jsondiff

import (
	"strings"
	"testing"
)

func TestDocuments(t *testing.T) {
	for _, c := range []struct {
		name, old, new string
		max            int
		want           []string
	}{
		{name: "equal", old: `{"a":1,"b":[1,2]}`, new: `{"b":[1,2],"a":1}`},
		{name: "formatting only", old: "{\n  \"a\": 1\n}\n", new: `{"a":1}`},
		{
			name: "changed leaf",
			old:  `{"inputSchema":{"properties":{"page_size":{"default":15}}}}`,
			new:  `{"inputSchema":{"properties":{"page_size":{"default":20}}}}`,
			want: []string{"inputSchema.properties.page_size.default: 15 → 20"},
		},
		{
			name: "added and removed keys, sorted",
			old:  `{"annotations":{"destructiveHint":true,"readOnlyHint":false},"inputSchema":{"properties":{}}}`,
			new:  `{"annotations":{"readOnlyHint":false},"inputSchema":{"properties":{"search":{"type":"string"}}}}`,
			want: []string{
				`- annotations.destructiveHint: true`,
				`+ inputSchema.properties.search: {"type":"string"}`,
			},
		},
		{
			name: "arrays by index",
			old:  `{"required":["a","b"],"enum":[1,2,3]}`,
			new:  `{"required":["a","c","b"],"enum":[1,2]}`,
			want: []string{
				`- enum[2]: 3`,
				`required[1]: "b" → "c"`,
				`+ required[2]: "b"`,
			},
		},
		{
			name: "indices sort numerically",
			old:  `[0,0,0,0,0,0,0,0,0,0,0,0]`,
			new:  `[0,0,1,0,0,0,0,0,0,0,0,1]`,
			want: []string{`[2]: 0 → 1`, `[11]: 0 → 1`},
		},
		{
			name: "kind changes",
			old:  `{"a":{"x":1},"b":[1],"c":null,"d":"1"}`,
			new:  `{"a":"x","b":{"0":1},"c":false,"d":1}`,
			want: []string{
				`a: {"x":1} → "x"`,
				`b: [1] → {"0":1}`,
				`c: null → false`,
				`d: "1" → 1`,
			},
		},
		{name: "whole document", old: `1`, new: `2`, want: []string{"(document): 1 → 2"}},
		{
			name: "odd keys are quoted",
			old:  `{"a.b":1,"x y":{"$ref":1}}`,
			new:  `{"a.b":2,"x y":{"$ref":2}}`,
			want: []string{`["a.b"]: 1 → 2`, `["x y"].$ref: 1 → 2`},
		},
		{
			name: "long values are cut",
			old:  `{"d":"short"}`,
			new:  `{"d":"` + strings.Repeat("x", 100) + `"}`,
			want: []string{`d: "short" → "` + strings.Repeat("x", 58) + `…`},
		},
		{
			name: "bounded",
			old:  `{"a":1,"b":1,"c":1,"d":1}`,
			new:  `{"a":2,"b":2,"c":2,"d":2}`,
			max:  2,
			want: []string{"a: 1 → 2", "b: 1 → 2", "… and 2 more"},
		},
		{name: "numbers keep their text", old: `{"n":1.50}`, new: `{"n":1.5}`, want: []string{"n: 1.50 → 1.5"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Documents([]byte(c.old), []byte(c.new), c.max)
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if len(c.want) > 0 {
				want = strings.Join(c.want, "\n") + "\n"
			}
			if got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestDocumentsRefusesNonJSON(t *testing.T) {
	for _, c := range [][2]string{{`{`, `{}`}, {`{}`, `nope`}, {`{} {}`, `{}`}} {
		if _, err := Documents([]byte(c[0]), []byte(c[1]), 0); err == nil {
			t.Errorf("Documents(%q, %q) accepted it", c[0], c[1])
		}
	}
}
