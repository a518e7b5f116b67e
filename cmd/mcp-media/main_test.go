package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("MCP_MEDIA_STATE_DIR", t.TempDir())
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCLI(t *testing.T) {
	cases := []struct {
		args     []string
		stdin    string
		code     int
		wantOut  string
		wantErr  string
		rejected string
	}{
		{args: nil, code: 2, wantErr: "Usage:"},
		{args: []string{"frobnicate"}, code: 2, wantErr: `unknown command "frobnicate"`},
		{args: []string{"help"}, code: 0, wantOut: "mcp-media demo"},
		{args: []string{"auth", "--help"}, code: 0, wantOut: "AIOZ_STREAM_PUBLIC_KEY"},
		// --help on any command prints its usage and exits 0; a bad flag
		// is named and exits 2.
		{args: []string{"serve", "--help"}, code: 0, wantErr: "Usage: mcp-media serve [flags]\n\nServes the MCP tools."},
		{args: []string{"sandbox", "--help"}, code: 0, wantErr: "Usage: mcp-media sandbox"},
		{args: []string{"demo", "--help"}, code: 0, wantErr: "Usage: mcp-media demo"},
		{args: []string{"tools", "--help"}, code: 0, wantErr: "Usage: mcp-media tools"},
		{args: []string{"call", "--help"}, code: 0, wantErr: "Usage: mcp-media call TOOL"},
		{args: []string{"config", "--help"}, code: 0, wantErr: "Usage: mcp-media config claude-desktop"},
		{args: []string{"auth", "set", "aioz", "--help"}, code: 0, wantErr: "Usage: mcp-media auth set PROVIDER"},
		{args: []string{"auth", "status", "--help"}, code: 0, wantErr: "Usage: mcp-media auth status"},
		{args: []string{"auth", "reveal", "--help"}, code: 0, wantErr: "Usage: mcp-media auth reveal ACCOUNT"},
		{args: []string{"serve", "--bogus"}, code: 2, wantErr: "flag provided but not defined: -bogus"},
		{args: []string{"sandbox", "--bogus"}, code: 2, wantErr: "flag provided but not defined: -bogus"},
		{args: []string{"serve", "http"}, code: 2, wantErr: `mcp-media serve takes flags only, not "http"; see mcp-media serve --help`},
		{args: []string{"tools", "stray"}, code: 2, wantErr: `mcp-media tools takes flags only, not "stray"`},
		{args: []string{"sandbox", "a", "b"}, code: 2, wantErr: `mcp-media sandbox takes flags only, not "a b"`},
		{args: []string{"auth", "set", "nope"}, code: 2, wantErr: "choose one of aioz, aliyun, qiniu, vod"},
		{args: []string{"auth", "set", "aioz"}, code: 2, wantErr: "not a terminal; pipe the keys as JSON with --stdin"},
		{args: []string{"auth", "set", "aioz", "--stdin"}, stdin: "not json", code: 2, wantErr: "not a JSON object"},
		{args: []string{"tools", "--sandbox"}, code: 0, wantOut: "aioz_upload_media"},
		{args: []string{"tools", "--sandbox", "--toolsets", "nope"}, code: 2, wantErr: `unknown toolset "nope"`},
		{args: []string{"tools", "--sandbox", "--read-only"}, code: 0, wantOut: "aioz_list_media", rejected: "aioz_delete_media"},
		{args: []string{"call", "nope_tool", "--sandbox"}, code: 2, wantErr: `no tool "nope_tool"`},
		{args: []string{"call", "aioz_list_media", "--args", "{bad", "--sandbox"}, code: 2, wantErr: "--args is not a JSON object"},
		{args: []string{"call", "aioz_list_media", "--args", `{"limit":500}`, "--sandbox"}, code: 1, wantOut: "invalid argument `limit`"},
		{args: []string{"call", "aioz_list_media", "--args", `{"search":"keynote"}`, "--sandbox", "--json"}, code: 0, wantOut: `"total": 1`},
		{args: []string{"serve", "--transport", "carrier-pigeon", "--sandbox"}, code: 2, wantErr: "use stdio, sse or http"},
		{args: []string{"serve", "--transport", "http", "--addr", "0.0.0.0:0"}, code: 1, wantErr: "MCP_MEDIA_HTTP_TOKEN"},
		{args: []string{"serve", "--public-url", "https://hooks.example.com"}, code: 2, wantErr: "--public-url needs --callback-addr"},
		{args: []string{"serve", "--oauth-issuer", "https://auth.example.com", "--oauth-audience", "a"}, code: 2,
			wantErr: "--oauth-audience, --oauth-issuer: OAuth applies to --transport http or sse only"},
		{args: []string{"serve", "--transport", "http", "--oauth-audience", "a"}, code: 2, wantErr: "--oauth-audience without --oauth-issuer"},
		{args: []string{"serve", "--transport", "http", "--oauth-issuer", "https://auth.example.com"}, code: 2, wantErr: "--oauth-audience is required"},
		{args: []string{"serve", "--transport", "http", "--oauth-issuer", "http://auth.example.com", "--oauth-audience", "a"}, code: 2,
			wantErr: "plain http is only accepted on loopback"},
		{args: []string{"serve", "--transport", "http", "--oauth-issuer", "http://127.0.0.1:1", "--oauth-audience", "a"}, code: 2,
			wantErr: "--oauth-issuer http://127.0.0.1:1: no usable authorization server metadata; tried http://127.0.0.1:1/.well-known/oauth-authorization-server"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Setenv("MCP_MEDIA_HTTP_TOKEN", "")
			code, out, errOut := runCLI(t, c.stdin, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			if !strings.Contains(out, c.wantOut) || !strings.Contains(errOut, c.wantErr) {
				t.Errorf("stdout %q\nstderr %q\nwant %q / %q", out, errOut, c.wantOut, c.wantErr)
			}
			if c.rejected != "" && strings.Contains(out, c.rejected) {
				t.Errorf("%s should not be listed", c.rejected)
			}
		})
	}
}

// The README promises what the demo shows; this keeps the promise true.
func TestDemoShowsTheMainFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo uploads 60 MiB and waits for transcoding")
	}
	code, out, errOut := runCLI(t, "", "demo", "--size-mib", "60")
	if code != 0 {
		t.Fatalf("demo exited %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"⟳ progress notification:\n    ## 📤 Uploading: Launch teaser",
		"(2 of 2 chunks)",
		"## 🎉 Upload Complete!",
		"## ✅ Encoding Finished — Media is Live!",
		"## 🎬 Media matching “teaser”",
		"Added 3 chapters (en)",
		"### device_type",
		"🔗 Stream URLs",
		"🟢 Live",
		"Stream disabled",
		"Stream enabled",
		"## 🗣️ Transcription",
		"Image moderation",
		"📬 Callback inbox",
		"invalid argument `chunk_size_mib`",
		"no real account was touched",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}

// The static token and OAuth are two ways in: both at once is refused.
func TestServeRefusesTokenWithOAuth(t *testing.T) {
	t.Setenv("MCP_MEDIA_HTTP_TOKEN", "tok-123456")
	code, _, errOut := runCLI(t, "", "serve", "--transport", "http", "--oauth-issuer", "https://auth.example.com", "--oauth-audience", "a")
	if code != 2 || !strings.Contains(errOut, "MCP_MEDIA_HTTP_TOKEN and --oauth-issuer are both set") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// A Redis URL in the environment may hold its password: neither --help
// (which prints flag defaults), nor an error, nor sandbox's suggested
// command prints it.
func TestStateURLFromEnvironmentIsNotPrinted(t *testing.T) {
	const password = "hunter2-redis-password"
	t.Setenv("MCP_MEDIA_STATE_URL", "redis://:"+password+"@127.0.0.1:1/0")
	t.Setenv("MCP_MEDIA_HTTP_TOKEN", "")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"serve", "--help"}, 0, "default $MCP_MEDIA_STATE_URL"},
		{[]string{"serve", "--transport", "http", "--addr", "127.0.0.1:0", "--sandbox-file", filepath.Join(t.TempDir(), "none.json")}, 1, ""},
	} {
		code, out, errOut := runCLI(t, "", c.args...)
		if code != c.code || !strings.Contains(out+errOut, c.want) {
			t.Errorf("%v: exit %d, want %d; output %q, want %q", c.args, code, c.code, out+errOut, c.want)
		}
		if strings.Contains(out+errOut, password) {
			t.Errorf("%v printed the Redis password:\n%s%s", c.args, out, errOut)
		}
	}
	// sandbox prints its hint, then returns at once on a done context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	file := filepath.Join(t.TempDir(), "sandbox.json")
	if code := run(ctx, []string{"sandbox", "--out", file}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("sandbox: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "--sandbox-file "+file+" --addr") || strings.Contains(out.String()+errb.String(), password) {
		t.Errorf("sandbox's hint should leave the state URL to the environment:\n%s", out.String())
	}
}
