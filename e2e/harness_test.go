package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/testkit"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

// binPath is the mcp-media binary built once by TestMain.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mcp-media-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "mcp-media")
	build := exec.Command("go", "build", "-o", binPath, "./cmd/mcp-media")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/mcp-media: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// ---- testdata/calls.json (format: README.md) ----

type fileSpec struct {
	Name   string `json:"name"`
	Text   string `json:"text,omitempty"`
	Base64 string `json:"base64,omitempty"`
	Hex    string `json:"hex,omitempty"`
	Size   int64  `json:"size,omitempty"`
	Absent bool   `json:"absent,omitempty"`
}

type callSpec struct {
	Tool     string         `json:"tool"`
	ID       string         `json:"id,omitempty"`
	Args     map[string]any `json:"args"`
	Error    string         `json:"error,omitempty"`
	Contains string         `json:"contains,omitempty"`
	Prefix   string         `json:"prefix,omitempty"`
}

type callsFile struct {
	Files map[string]fileSpec `json:"files"`
	Calls []callSpec          `json:"calls"`
}

func loadCalls(t testing.TB) callsFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "calls.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cf callsFile
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&cf); err != nil {
		t.Fatalf("testdata/calls.json: %v", err)
	}
	for i, c := range cf.Calls {
		if c.Tool == "" {
			t.Fatalf("testdata/calls.json: calls[%d] has no tool", i)
		}
	}
	return cf
}

// makeFixtures writes the files of calls.json into dir and returns the
// placeholder values: each file's absolute path, run_id and tmp_dir.
func makeFixtures(t testing.TB, dir string, files map[string]fileSpec) map[string]any {
	t.Helper()
	vars := map[string]any{"run_id": randHex(4), "tmp_dir": dir}
	for key, f := range files {
		p := filepath.Join(dir, f.Name)
		vars[key] = p
		if f.Absent {
			continue
		}
		var data []byte
		switch {
		case f.Text != "":
			data = []byte(f.Text)
		case f.Base64 != "":
			b, err := base64.StdEncoding.DecodeString(f.Base64)
			if err != nil {
				t.Fatalf("calls.json files.%s.base64: %v", key, err)
			}
			data = b
		case f.Hex != "":
			b, err := hex.DecodeString(f.Hex)
			if err != nil {
				t.Fatalf("calls.json files.%s.hex: %v", key, err)
			}
			data = b
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if f.Size > int64(len(data)) {
			if err := os.Truncate(p, f.Size); err != nil {
				t.Fatal(err)
			}
		}
	}
	return vars
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}`)

// lookup resolves "name.path.to.field" in vars (numeric segments index
// arrays).
func lookup(vars map[string]any, ref string) (any, bool) {
	parts := strings.Split(ref, ".")
	cur, ok := vars[parts[0]]
	if !ok {
		return nil, false
	}
	for _, p := range parts[1:] {
		switch v := cur.(type) {
		case map[string]any:
			if cur, ok = v[p]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, cur != nil
}

// resolve replaces placeholders in v. A string that is exactly one
// placeholder takes the referenced value with its JSON type. With lenient,
// an unresolved placeholder becomes "unresolved-<ref>" instead of an error.
func resolve(v any, vars map[string]any, lenient bool) (any, error) {
	switch x := v.(type) {
	case string:
		if m := placeholder.FindStringSubmatch(x); m != nil && m[0] == x {
			if val, ok := lookup(vars, m[1]); ok {
				return val, nil
			}
			if lenient {
				return "unresolved-" + m[1], nil
			}
			return nil, fmt.Errorf("placeholder {{%s}} is unresolved (did the call with that id fail?)", m[1])
		}
		var err error
		out := placeholder.ReplaceAllStringFunc(x, func(s string) string {
			ref := placeholder.FindStringSubmatch(s)[1]
			val, ok := lookup(vars, ref)
			if !ok {
				if !lenient && err == nil {
					err = fmt.Errorf("placeholder {{%s}} is unresolved (did the call with that id fail?)", ref)
				}
				return "unresolved-" + ref
			}
			if s, ok := val.(string); ok {
				return s
			}
			b, _ := json.Marshal(val)
			return string(b)
		})
		return out, err
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := resolve(e, vars, lenient)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := resolve(e, vars, lenient)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// ---- the tool catalogue ----

type toolInfo struct {
	Name         string          `json:"name"`
	InputSchema  json.RawMessage `json:"inputSchema"`
	OutputSchema json.RawMessage `json:"outputSchema"`
}

// catalogue is what `mcp-media tools --sandbox --toolsets all --json` lists.
func catalogue(t testing.TB) []toolInfo {
	t.Helper()
	out, stderr, err := runBin(t, nil, nil, "tools", "--sandbox", "--toolsets", "all", "--json")
	if err != nil {
		t.Fatalf("mcp-media tools --json: %v\n%s", err, stderr)
	}
	var list struct {
		Tools []toolInfo `json:"tools"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("mcp-media tools --json is not JSON: %v", err)
	}
	if len(list.Tools) == 0 {
		t.Fatal("mcp-media tools --json lists no tools")
	}
	return list.Tools
}

// coverageProblems says which tools lack a valid or an invalid call. It
// also returns the tools calls.json names that the server does not list
// (entries written ahead of a tool's wiring, or stale ones): those calls are
// skipped with a warning, never counted as coverage.
func coverageProblems(tools []toolInfo, calls []callSpec) (probs, unknown []string) {
	valid, invalid := map[string]int{}, map[string]int{}
	for _, c := range calls {
		if c.Error == "" {
			valid[c.Tool]++
		} else {
			invalid[c.Tool]++
		}
	}
	known := map[string]bool{}
	for _, tl := range tools {
		known[tl.Name] = true
		if valid[tl.Name] == 0 {
			probs = append(probs, fmt.Sprintf("tool %s has no valid call in e2e/testdata/calls.json: add one that succeeds in the sandbox", tl.Name))
		}
		if invalid[tl.Name] == 0 {
			probs = append(probs, fmt.Sprintf("tool %s has no invalid call in e2e/testdata/calls.json: add one with \"error\": \"`argument`\"", tl.Name))
		}
	}
	for _, c := range calls {
		if !known[c.Tool] {
			unknown = append(unknown, c.Tool)
		}
	}
	slices.Sort(probs)
	slices.Sort(unknown)
	return probs, slices.Compact(unknown)
}

// listedOnly is the set of tool names, for replayOptions.Only.
func listedOnly(tools []toolInfo) map[string]bool {
	m := map[string]bool{}
	for _, tl := range tools {
		m[tl.Name] = true
	}
	return m
}

// ---- running the binary ----

// runBin runs the binary to completion. env nil means the test process's
// environment.
func runBin(t testing.TB, env []string, stdin []byte, args ...string) (stdout, stderr []byte, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = env
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.Bytes(), e.Bytes(), err
}

// cleanEnv is the test environment without provider keys, endpoint
// overrides, the HTTP token or a D-Bus session (so no keyring answers),
// plus extra.
func cleanEnv(extra ...string) []string {
	// Without DBUS_SESSION_BUS_ADDRESS, D-Bus finds the desktop session bus
	// by itself (/run/user/<uid>/bus) and with it a developer's real keys:
	// point it nowhere unless the caller brings its own bus.
	env := []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/mcp-media-test-bus"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if dropEnv(k) {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func dropEnv(k string) bool {
	switch {
	case strings.HasPrefix(k, "AIOZ_"), strings.HasPrefix(k, "STREAM_"), strings.HasPrefix(k, "QINIU_"),
		strings.HasPrefix(k, "ALIBABA_CLOUD_"), strings.HasPrefix(k, "MCP_MEDIA_"),
		k == "DBUS_SESSION_BUS_ADDRESS":
		return true
	}
	return false
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func randHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// lockedBuffer is an io.Writer safe for a child's stderr and the test.
type lockedBuffer = testkit.Buffer

// ---- an MCP client session with recorded notifications ----

type notes struct {
	mu       sync.Mutex
	progress []*mcp.ProgressNotificationParams
	logs     []string
}

func (n *notes) options() *mcp.ClientOptions {
	return &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *mcp.ProgressNotificationClientRequest) {
			n.mu.Lock()
			n.progress = append(n.progress, r.Params)
			n.mu.Unlock()
		},
		LoggingMessageHandler: func(_ context.Context, r *mcp.LoggingMessageRequest) {
			b, _ := json.Marshal(r.Params)
			n.mu.Lock()
			n.logs = append(n.logs, string(b))
			n.mu.Unlock()
		},
	}
}

// all returns every notification as text.
func (n *notes) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := slices.Clone(n.logs)
	for _, p := range n.progress {
		b, _ := json.Marshal(p)
		out = append(out, string(b))
	}
	return out
}

func (n *notes) progressFor(token any) []*mcp.ProgressNotificationParams {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []*mcp.ProgressNotificationParams
	for _, p := range n.progress {
		if fmt.Sprint(p.ProgressToken) == fmt.Sprint(token) {
			out = append(out, p)
		}
	}
	return out
}

func connect(t testing.TB, ctx context.Context, transport mcp.Transport, n *notes) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "mcp-media-e2e", Version: "1"}, n.options())
	cs, err := c.Connect(ctx, transport, nil)
	if err != nil {
		t.Fatalf("MCP initialize: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func resultText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// ---- replaying calls.json ----

type outcome struct {
	Index      int
	Spec       callSpec
	Args       any
	Text       string
	Structured any
	IsError    bool
	Err        error // protocol-level error
	Problems   []string
}

func (o outcome) label() string {
	b, _ := json.Marshal(o.Args)
	s := string(b)
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return fmt.Sprintf("calls[%d] %s %s", o.Index, o.Spec.Tool, s)
}

type replayOptions struct {
	// Lenient turns unresolved placeholders into dummies and skips the
	// success/error expectations (the wrong-keys run).
	Lenient bool
	// Schemas validate structuredContent of successful calls (tool name →
	// compiled output schema); nil skips validation.
	Schemas map[string]*sjs.Schema
	// Only, when set, limits the replay to these tools.
	Only map[string]bool
}

// replay calls every entry of calls.json in order over cs, each with a
// progress token, saves structured results under their id, and checks the
// expectations. It never stops early: one outcome per call.
func replay(ctx context.Context, cs *mcp.ClientSession, cf callsFile, vars map[string]any, opt replayOptions) []outcome {
	var outs []outcome
	for i, spec := range cf.Calls {
		if opt.Only != nil && !opt.Only[spec.Tool] {
			continue
		}
		o := outcome{Index: i, Spec: spec}
		args, err := resolve(map[string]any(spec.Args), vars, opt.Lenient)
		o.Args = args
		if err != nil {
			o.Problems = append(o.Problems, err.Error())
			outs = append(outs, o)
			continue
		}
		if args == nil {
			args = map[string]any{}
		}
		params := &mcp.CallToolParams{Name: spec.Tool, Arguments: args}
		params.SetProgressToken(fmt.Sprintf("call-%d", i))
		cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		res, err := cs.CallTool(cctx, params)
		cancel()
		if err != nil {
			o.Err = err
			o.Problems = append(o.Problems, "protocol error: "+err.Error())
			outs = append(outs, o)
			continue
		}
		o.Text, o.Structured, o.IsError = resultText(res), res.StructuredContent, res.IsError
		if spec.ID != "" && !res.IsError && res.StructuredContent != nil {
			vars[spec.ID] = normalise(res.StructuredContent)
		}
		if !opt.Lenient {
			o.Problems = append(o.Problems, expectations(spec, o, vars, opt.Schemas)...)
		}
		outs = append(outs, o)
	}
	return outs
}

func normalise(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func expectations(spec callSpec, o outcome, vars map[string]any, schemas map[string]*sjs.Schema) []string {
	var probs []string
	text := o.Text
	if spec.Error != "" {
		if !o.IsError {
			probs = append(probs, fmt.Sprintf("expected isError naming %s, got a success: %.300s", spec.Error, text))
		} else if !strings.Contains(text, spec.Error) {
			probs = append(probs, fmt.Sprintf("error does not name %s: %.300s", spec.Error, text))
		}
		return probs
	}
	if o.IsError {
		return append(probs, fmt.Sprintf("expected success, got isError: %.400s", text))
	}
	if spec.Prefix != "" {
		p, _ := resolve(spec.Prefix, vars, true)
		if !strings.HasPrefix(text, p.(string)) {
			probs = append(probs, fmt.Sprintf("text does not start with %q: %.200s", p, text))
		}
	}
	if spec.Contains != "" {
		c, _ := resolve(spec.Contains, vars, true)
		if !strings.Contains(text, c.(string)) {
			probs = append(probs, fmt.Sprintf("text does not contain %q: %.300s", c, text))
		}
	}
	if schemas != nil {
		if s := schemas[spec.Tool]; s != nil {
			if o.Structured == nil {
				probs = append(probs, "the tool declares an outputSchema but returned no structuredContent")
			} else if err := s.Validate(normalise(o.Structured)); err != nil {
				probs = append(probs, "structuredContent does not match the outputSchema: "+err.Error())
			}
		}
	}
	return probs
}

// outputSchemas compiles every tool's outputSchema.
func outputSchemas(t testing.TB, tools []*mcp.Tool) map[string]*sjs.Schema {
	t.Helper()
	out := map[string]*sjs.Schema{}
	for _, tl := range tools {
		if tl.OutputSchema == nil {
			continue
		}
		b, _ := json.Marshal(tl.OutputSchema)
		doc, err := sjs.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s outputSchema: %v", tl.Name, err)
		}
		c := sjs.NewCompiler()
		url := "mem:///" + tl.Name + ".out.json"
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("%s outputSchema does not compile: %v", tl.Name, err)
		}
		out[tl.Name] = s
	}
	return out
}

// report fails t once per outcome with problems and logs a summary.
func report(t *testing.T, outs []outcome) {
	t.Helper()
	failed := 0
	for _, o := range outs {
		if len(o.Problems) > 0 {
			failed++
			t.Errorf("%s:\n    %s", o.label(), strings.Join(o.Problems, "\n    "))
		}
	}
	t.Logf("%d calls, %d passed, %d failed", len(outs), len(outs)-failed, failed)
}

func itoa(i int) string { return strconv.Itoa(i) }
