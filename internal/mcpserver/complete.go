package mcpserver

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// completer answers completion/complete for prompt arguments and
// resource-template variables. Values come from the providers through the
// same tools an agent calls (so keys, redaction and errors work as for a
// call): an argument's name says what it is. A provider that is not
// configured, or a tool that does not exist in this build, completes to
// nothing rather than failing.
type completer struct {
	env   *toolkit.Env
	tools map[string]toolkit.Tool
}

// maxCompletions is the protocol's cap on values per answer.
const maxCompletions = 100

// source lists candidate values for an argument: a tool, its arguments
// given the typed prefix and the other resolved arguments, and where the
// values are in its structured result.
type source struct {
	tool string
	args func(prefix string, ctx map[string]string) map[string]any
	// values extracts candidates from the tool's structured result.
	values func(out map[string]any) []string
	// search, when set, is the tool's text-search argument: a prefix that
	// matches no value is searched for (a title typed where an id goes).
	search string
}

// field lists out[list][*][key] (key "" means the items are strings).
func field(list, key string) func(map[string]any) []string {
	return func(out map[string]any) []string {
		items, _ := out[list].([]any)
		var vals []string
		for _, it := range items {
			if key == "" {
				if s, ok := it.(string); ok {
					vals = append(vals, s)
				}
				continue
			}
			if m, ok := it.(map[string]any); ok {
				if s, ok := m[key].(string); ok && s != "" {
					vals = append(vals, s)
				}
			}
		}
		return vals
	}
}

func searchArgs(key string, extra map[string]any) func(string, map[string]string) map[string]any {
	return func(prefix string, _ map[string]string) map[string]any {
		a := map[string]any{}
		for k, v := range extra {
			a[k] = v
		}
		if prefix != "" && key != "" {
			a[key] = prefix
		}
		return a
	}
}

var sources = map[string]source{
	"media_id":    {"aioz_list_media", searchArgs("", map[string]any{"limit": 100}), field("media", "id"), "search"},
	"title":       {"aioz_list_media", searchArgs("search", map[string]any{"limit": 100}), field("media", "title"), ""},
	"playlist_id": {"aioz_list_playlists", searchArgs("", nil), field("playlists", "id"), ""},
	"player_id":   {"aioz_list_players", searchArgs("", nil), field("players", "id"), ""},
	"hub":         {"qiniu_list_hubs", searchArgs("", nil), field("hubs", ""), ""},
	"stream": {"qiniu_list_streams", func(prefix string, ctx map[string]string) map[string]any {
		a := map[string]any{"limit": 100}
		if prefix != "" {
			a["prefix"] = prefix
		}
		if h := ctx["hub"]; h != "" {
			a["hub"] = h
		}
		return a
	}, field("streams", ""), ""},
	"video_id": {"vod_list_videos", searchArgs("", map[string]any{"page_size": 100}), field("videos", "id"), "search"},
}

// Languages offered for BCP 47 language arguments: the tags the providers'
// speech, caption and translation features name most often.
var languages = []string{
	"ar", "bn", "cs", "da", "de", "el", "en", "en-AU", "en-GB", "en-IN", "en-US", "es", "es-419", "es-ES", "es-MX",
	"fa", "fi", "fil", "fr", "fr-CA", "fr-FR", "he", "hi", "hu", "id", "it", "ja", "ko", "ms", "nl", "no", "pl",
	"pt", "pt-BR", "pt-PT", "ro", "ru", "sv", "sw", "ta", "th", "tr", "uk", "ur", "vi",
	"yue", "zh", "zh-CN", "zh-HK", "zh-Hans", "zh-Hant", "zh-TW",
}

// fixed are arguments with a known set of values.
var fixed = map[string][]string{
	"checks":     {"ad", "behavior", "logo", "moan", "person", "politics", "porn", "violence"},
	"expires_in": {"30m", "1h", "2h", "6h", "12h", "1d", "3d", "7d"},
	"record":     {"yes", "no"},
}

// complete returns the candidates for the argument named name.
func (c *completer) complete(ctx context.Context, name, prefix string, resolved map[string]string) *mcp.Completion {
	if name == "language" || strings.HasSuffix(name, "_language") || name == "lang" {
		return finish(languages, prefix)
	}
	if vals, ok := fixed[name]; ok {
		return finish(vals, prefix)
	}
	if name == "tool" {
		names := make([]string, 0, len(c.tools))
		for n := range c.tools {
			names = append(names, n)
		}
		return finish(names, prefix)
	}
	src, ok := sources[name]
	if !ok {
		return &mcp.Completion{Values: []string{}}
	}
	t, ok := c.tools[src.tool]
	if !ok {
		return &mcp.Completion{Values: []string{}}
	}
	args := src.args(prefix, resolved)
	comp := finish(src.values(c.run(ctx, t, args)), prefix)
	if len(comp.Values) == 0 && src.search != "" && prefix != "" {
		args[src.search] = prefix
		comp = finish(src.values(c.run(ctx, t, args)), "")
	}
	return comp
}

// run calls t and returns its structured result; nil when it fails.
func (c *completer) run(ctx context.Context, t toolkit.Tool, args map[string]any) map[string]any {
	raw, _ := json.Marshal(args)
	res := t.Run(ctx, c.env.NewCall(ctx, nil), raw)
	if res == nil || res.IsError {
		return nil
	}
	b, _ := json.Marshal(res.StructuredContent)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// finish keeps the values that start with prefix (case-insensitively),
// each once, sorted, at most maxCompletions.
func finish(vals []string, prefix string) *mcp.Completion {
	p := strings.ToLower(prefix)
	seen := map[string]bool{}
	var out []string
	for _, v := range vals {
		if !seen[v] && strings.HasPrefix(strings.ToLower(v), p) {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	comp := &mcp.Completion{Values: out, Total: len(out)}
	if len(out) > maxCompletions {
		comp.Values, comp.HasMore = out[:maxCompletions], true
	}
	if comp.Values == nil {
		comp.Values = []string{}
	}
	return comp
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (c *completer) CompletePromptArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg.Name, arg.Value, cc.Arguments), nil
}

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (c *completer) CompleteResourceArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg.Name, arg.Value, cc.Arguments), nil
}
