package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/mcp-media/mcp-media/internal/fileroot"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/mcpserver"
	"github.com/mcp-media/mcp-media/internal/metrics"
	"github.com/mcp-media/mcp-media/internal/oauth"
	"github.com/mcp-media/mcp-media/internal/transport"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func cmdServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	transportKind := fs.String("transport", "stdio", "stdio (desktop assistants), sse or http (streamable HTTP, for hosted agents)")
	addr := fs.String("addr", "127.0.0.1:8765", "listen address for sse/http; any non-loopback address needs MCP_MEDIA_HTTP_TOKEN or --oauth-issuer")
	var toolsets, origins listFlag
	fs.Var(&toolsets, "toolsets", "a comma-separated `LIST` of toolsets, or all (default: the default toolsets of configured providers; mcp-media tools lists them)")
	readOnly := fs.Bool("read-only", false, "expose only tools that change nothing")
	sandboxed := fs.Bool("sandbox", false, "use the built-in fake providers (no account needed; nothing reaches a real cloud)")
	sandboxFile := fs.String("sandbox-file", "", "use the fake providers that mcp-media sandbox --out `FILE` runs, instead of starting them in this process: for replicas sharing --state, which then share one sandbox")
	callbackAddr := fs.String("callback-addr", "", "listen address of the callback receiver (POST /callbacks/<token>); default: the --addr listener for sse/http, none for stdio")
	publicURL := fs.String("public-url", "", "base URL providers use to reach the callback receiver (e.g. https://hooks.example.com); without it, results that only come by callback cannot arrive and tools poll instead")
	queryAfter := fs.Duration("callback-query-after", inbox.DefaultRecoverAfter, "with --public-url: ask the provider for a task whose callback is this late (long ASR, audio censor, translation), so a callback lost to a receiver that was down still arrives in media_events; then again every as long; 0 never asks")
	noCharts := fs.Bool("no-charts", false, "leave the PNG chart images out of results (for clients that cannot show images)")
	var filesRoots listFlag
	fs.Var(&filesRoots, "files-root", "folder whose files tools may read and write (repeatable); required for path arguments on sse/http, and confines them on stdio when given")
	allowPrivate := fs.Bool("allow-private-urls", false, "let URLs the server fetches for an agent (realtime transcription input) reach loopback and private addresses; cloud metadata addresses stay refused (on with --sandbox)")
	// The environment's defaults are read after parsing (MCP_MEDIA_LOG_FORMAT
	// by logHandler): --help prints a flag's default, and a Redis URL may
	// carry its password.
	stateURL := fs.String("state", "", "where sessions, callbacks and upload-resume state live: local (this process and its state dir), or redis://host:6379/0 shared by replicas behind a load balancer (default $MCP_MEDIA_STATE_URL; see docs/HOSTING.md)")
	oauthIssuer := fs.String("oauth-issuer", "", "sse/http: accept OAuth 2.1 access tokens (JWTs) from this authorization server instead of MCP_MEDIA_HTTP_TOKEN, e.g. https://auth.example.com/realms/media; its jwks_uri comes from /.well-known/oauth-authorization-server (or openid-configuration) at start-up (see docs/HOSTING.md)")
	oauthAudience := fs.String("oauth-audience", "", "with --oauth-issuer (required): the aud value tokens must carry for this server, as configured at the authorization server (e.g. https://mcp.example.com/mcp)")
	oauthResource := fs.String("oauth-resource", "", "with --oauth-issuer: the public URL of this server's /mcp endpoint announced in the protected resource metadata (default: --oauth-audience when it is a URL, else the URL each request arrived at)")
	oauthRead := fs.String("oauth-read-scope", oauth.DefaultReadScope, "with --oauth-issuer: the scope that allows the read-only tools")
	oauthWrite := fs.String("oauth-write-scope", oauth.DefaultWriteScope, "with --oauth-issuer: the scope that allows every tool (implies the read scope)")
	fs.Var(&origins, "allow-origin", "extra Origin allowed on sse/http besides loopback ones (repeatable)")
	logFormat := fs.String("log-format", "", "log lines on stderr: text, or json (one object per line); default $MCP_MEDIA_LOG_FORMAT, else text")
	metricsAddr := fs.String("metrics-addr", "", "also serve Prometheus /metrics on this host:port without authentication (sse/http; /metrics on --addr needs the bearer token); e.g. 127.0.0.1:9464. It shows tool names and counts, never keys or arguments")
	drainDelay := fs.Duration("drain-delay", 0, "on SIGTERM/SIGINT (sse/http): keep accepting this long after /readyz turned to 503 draining, for load balancers that poll it (e.g. 5s), before the drain starts")
	shutdownTimeout := fs.Duration("shutdown-timeout", mcpserver.DefaultShutdownTimeout, "on SIGTERM/SIGINT (sse/http): how long in-flight requests get to finish before their connections close; /readyz answers 503 draining meanwhile")
	fs.Usage = subUsage(fs, stderr, "serve [flags]",
		"Serves the MCP tools. stdio is for Claude Desktop/Code and IDEs; sse and http listen on --addr\n(streamable HTTP at /mcp, SSE at /sse + /message).")
	if done, err := parseFlagsOnly(fs, args); done {
		return err
	}
	if *stateURL == "" {
		*stateURL = os.Getenv("MCP_MEDIA_STATE_URL")
	}
	if *sandboxFile != "" {
		if *sandboxed {
			return &exitError{code: 2, msg: "--sandbox and --sandbox-file: pick one (--sandbox starts fakes in this process, --sandbox-file uses those `mcp-media sandbox` runs)"}
		}
		*sandboxed = true
	}
	switch {
	case *queryAfter < 0:
		return &exitError{code: 2, msg: fmt.Sprintf("--callback-query-after is %s; give a duration such as 2m, or 0 to never ask the provider about a late callback", *queryAfter)}
	case *queryAfter == 0:
		*queryAfter = -1 // inbox.Options: never
	}
	oauthOn := *oauthIssuer != ""
	if msg := oauthUsage(fs, *transportKind, oauthOn); msg != "" {
		return &exitError{code: 2, msg: msg}
	}
	// On sse/http the callback receiver shares the MCP listener unless
	// --callback-addr names its own.
	shared := *transportKind != "stdio" && *callbackAddr == ""
	if *transportKind == "stdio" && *publicURL != "" && *callbackAddr == "" && !*sandboxed {
		return &exitError{code: 2, msg: "--public-url needs --callback-addr with the stdio transport: stdio has no HTTP listener for providers to call (e.g. --callback-addr 127.0.0.1:8766 behind your tunnel or proxy)"}
	}
	// The callback receiver answers without the bearer token (each path holds
	// its own), so announcing the shared MCP listener to providers with
	// --public-url exposes the MCP endpoints too: demand the token then.
	if shared && *publicURL != "" && !*sandboxed && os.Getenv("MCP_MEDIA_HTTP_TOKEN") == "" && !oauthOn {
		return &exitError{code: 2, msg: "--public-url makes the MCP listener reachable from outside, so it needs MCP_MEDIA_HTTP_TOKEN (clients then send `Authorization: Bearer <token>`) or --oauth-issuer; or give the callback receiver its own listener with --callback-addr"}
	}
	var verifier *oauth.Verifier
	if oauthOn {
		var err error
		endpoint := mcpserver.PathStreamable
		if *transportKind == "sse" {
			endpoint = mcpserver.PathSSE
		}
		verifier, err = oauth.New(ctx, oauth.Config{Issuer: *oauthIssuer, Audience: *oauthAudience, Resource: *oauthResource,
			Endpoint: endpoint, ReadScope: *oauthRead, WriteScope: *oauthWrite})
		if err != nil {
			return &exitError{code: 2, msg: err.Error()}
		}
	}
	if *metricsAddr != "" {
		if err := mcpserver.CheckMetricsAddr(*metricsAddr); err != nil {
			return &exitError{code: 2, msg: err.Error()}
		}
	}
	opts := envOptions{sandbox: *sandboxed, sandboxFile: *sandboxFile, publicURL: *publicURL, callbackAddr: *callbackAddr, noCharts: *noCharts, stateURL: *stateURL, logFormat: *logFormat, queryAfter: *queryAfter}
	if shared && *sandboxed {
		opts.callbackAddr = "127.0.0.1:0" // the fakes call back on loopback
	}
	files, err := fileroot.New(filesRoots, *transportKind != "stdio")
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	env, _, cleanup, err := newEnv(opts, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	env.Files = files
	env.AllowPrivateURLs = env.AllowPrivateURLs || *allowPrivate
	// The keys page listens on 127.0.0.1: offer it only where the client's
	// user is on this machine.
	noKeysPage := *transportKind != "stdio" && !mcpserver.LocalAddr(*addr)
	var m *metrics.Metrics
	if *transportKind != "stdio" {
		m = metrics.New()
	}
	s, sel, err := mcpserver.Build(mcpserver.Options{Toolsets: toolsets, ReadOnly: *readOnly, Env: env, NoKeysPage: noKeysPage, Metrics: m})
	if err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	switch *transportKind {
	case "stdio":
		env.Log.Info("serving on stdio", "tools", len(sel), "sandbox", *sandboxed)
		return mcpserver.ServeStdio(ctx, s, stdin, stdout, env.Log)
	case "sse", "http":
		return mcpserver.ServeHTTP(ctx, s, *transportKind, mcpserver.HTTPOptions{
			Addr: *addr, Token: os.Getenv("MCP_MEDIA_HTTP_TOKEN"), OAuth: verifier, AllowedOrigins: origins, Log: env.Log,
			Extra: extra(shared && !*sandboxed, env),
			Ready: mcpserver.Readiness(env), Metrics: m, MetricsAddr: *metricsAddr, ShutdownTimeout: *shutdownTimeout, DrainDelay: *drainDelay,
			Sessions: transport.HTTPOptions{Store: env.State, Log: env.Log},
		}, func(bound string) {
			path := mcpserver.PathStreamable
			if *transportKind == "sse" {
				path = mcpserver.PathSSE
			}
			fmt.Fprintf(stderr, "mcp-media: serving %d tools over %s at http://%s%s%s\n", len(sel), *transportKind, bound, path, sandboxNote(*sandboxed))
		})
	default:
		return &exitError{code: 2, msg: fmt.Sprintf("--transport %q: use stdio, sse or http", *transportKind)}
	}
}

// oauthUsage refuses OAuth flags where they cannot apply: stdio has no
// HTTP request to carry a token, and the static token would be a second
// way in.
func oauthUsage(fs *flag.FlagSet, kind string, on bool) string {
	var set []string
	fs.Visit(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "oauth-") {
			set = append(set, "--"+f.Name)
		}
	})
	switch {
	case len(set) == 0:
		return ""
	case kind == "stdio":
		return strings.Join(set, ", ") + ": OAuth applies to --transport http or sse only; stdio runs as the user who started it and needs no token"
	case !on:
		return strings.Join(set, ", ") + " without --oauth-issuer: name the authorization server whose tokens to accept"
	case os.Getenv("MCP_MEDIA_HTTP_TOKEN") != "":
		return mcpserver.ErrTokenAndOAuth.Error()
	}
	return ""
}

func sandboxNote(on bool) string {
	if on {
		return " (sandbox: fake providers)"
	}
	return ""
}

// extra mounts the callback receiver on the MCP listener. Providers cannot
// send the bearer token, so the guard lets /callbacks/ through: each path
// holds an unguessable per-task token instead.
func extra(on bool, env *toolkit.Env) map[string]http.Handler {
	if !on {
		return nil
	}
	return map[string]http.Handler{inbox.PathPrefix: env.Inbox}
}
