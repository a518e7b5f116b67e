package tools

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var boundedName = regexp.MustCompile(`(^|_)(id|name|title)$`)

// Every id, name and title argument has a maxLength: a 10 MB media_id used
// to come back as a 10 MB error.
func TestIDsNamesAndTitlesHaveMaxLength(t *testing.T) {
	inv := Inventory(testEnv())
	for _, ts := range inv.Toolsets {
		for _, tool := range ts.Tools() {
			var s map[string]any
			if err := json.Unmarshal(tool.InputSchema, &s); err != nil {
				t.Fatal(err)
			}
			walk(t, tool.Name, "", s)
		}
	}
}

func walk(t *testing.T, tool, at string, s map[string]any) {
	props, _ := s["properties"].(map[string]any)
	for name, p := range props {
		ps, _ := p.(map[string]any)
		if ps["type"] == "string" && boundedName.MatchString(name) && ps["enum"] == nil && ps["maxLength"] == nil {
			t.Errorf("%s: argument %s%s has no maxLength", tool, at, name)
		}
		walk(t, tool, at+name+".", ps)
		if items, ok := ps["items"].(map[string]any); ok {
			walk(t, tool, at+name+"[].", items)
		}
	}
}

func TestHugeIDRefusedBriefly(t *testing.T) {
	inv := Inventory(testEnv())
	for _, ts := range inv.Toolsets {
		for _, tool := range ts.Tools() {
			if tool.Name != "aioz_get_media" {
				continue
			}
			args, _ := json.Marshal(map[string]any{"media_id": strings.Repeat("x", 10<<20)})
			res := tool.Run(context.Background(), testEnv().NewCall(context.Background(), nil), args)
			var text strings.Builder
			b, _ := json.Marshal(res)
			text.Write(b)
			if !res.IsError || text.Len() > 4096 {
				t.Fatalf("answer is %d bytes (error %v)", text.Len(), res.IsError)
			}
			return
		}
	}
	t.Fatal("aioz_get_media not found")
}
