package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/vodapi"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/mcpserver"
	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/sandbox"
	"github.com/mcp-media/mcp-media/internal/state"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func version() string { return mcpserver.Version }

// envOptions are the parts of newEnv's result a command chooses.
type envOptions struct {
	sandbox bool
	// sandboxFile attaches to the fakes `mcp-media sandbox` runs instead of
	// starting them (--sandbox-file): replicas then share one sandbox.
	sandboxFile string
	// publicURL is where providers reach the callback inbox (--public-url).
	publicURL string
	// callbackAddr starts a callback receiver on its own listener.
	callbackAddr string
	// noCharts leaves chart images out of results (--no-charts).
	noCharts bool
	// stateURL selects the state store (--state, MCP_MEDIA_STATE_URL):
	// "" keeps it in this process, redis://… shares it with replicas.
	stateURL string
	// logFormat is text or json (--log-format); "" reads
	// MCP_MEDIA_LOG_FORMAT, default text.
	logFormat string
	// queryAfter is how late a one-shot callback may be before the
	// provider is asked (--callback-query-after); 0 is the default,
	// negative never asks.
	queryAfter time.Duration
}

// newEnv builds the tool environment: keyring+env credentials, or the
// sandbox's fakes; a scrubbing logger on stderr; the state dir; the
// callback inbox (with a receiver when asked, and always in the sandbox,
// whose fakes call back on loopback).
func newEnv(o envOptions, stderr io.Writer) (*toolkit.Env, *sandbox.Sandbox, func(), error) {
	sandboxed := o.sandbox || o.sandboxFile != ""
	set := &redact.Set{}
	level := slog.LevelWarn
	switch strings.ToLower(os.Getenv("MCP_MEDIA_LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "error":
		level = slog.LevelError
	}
	inner, err := logHandler(o.logFormat, stderr, level)
	if err != nil {
		return nil, nil, nil, err
	}
	log := slog.New(redact.NewHandler(set, inner)) // redaction in front of either format
	env := &toolkit.Env{
		Creds:    credentials.NewStore(set),
		Redact:   set,
		Getenv:   os.Getenv,
		StateDir: stateDir(),
		Log:      log,
		NoCharts: o.noCharts,
	}
	// `auth set`/`auth delete` in another process rewrite the change file;
	// the next call then rereads the keyring (no restart).
	env.Creds.ChangeFile = filepath.Join(env.StateDir, credentials.ChangeFileName)
	env.Creds.Log = log
	if tok := os.Getenv("MCP_MEDIA_HTTP_TOKEN"); tok != "" {
		set.Add(tok)
	}
	store, err := state.Open(o.stateURL, filepath.Join(env.StateDir, "state"))
	if err != nil {
		return nil, nil, nil, err
	}
	env.State = store
	cleanup := func() { store.Close() }
	var sb *sandbox.Sandbox
	if sandboxed {
		switch {
		case o.sandboxFile != "":
			sb, err = sandbox.Attach(o.sandboxFile)
		case store.Shared():
			err = errors.New("--sandbox starts fake providers inside this process, so replicas sharing --state would each talk to a different fake account: run `mcp-media sandbox --out sandbox.json` once and start every replica with --sandbox-file sandbox.json")
		default:
			if sb, err = sandbox.Start(sandbox.Options{}); err != nil {
				err = fmt.Errorf("starting the sandbox fakes: %w", err)
			}
		}
		if err != nil {
			store.Close()
			return nil, nil, nil, err
		}
		env.Sandbox = true
		env.AllowPrivateURLs = true // the fakes, and the media they fetch, are on loopback
		env.Getenv = sb.Getenv
		env.Creds.Sandbox = sb.Creds
		for id, f := range sb.Creds {
			p, _ := providers.ByID(id)
			for name, v := range f {
				if isIdentifier(p, name) {
					set.AddIdentifier(v) // the Qiniu AccessKey: signatures after it are masked
					continue
				}
				set.Add(v)
			}
		}
		dir, err := os.MkdirTemp("", "mcp-media-sandbox-")
		if err == nil {
			env.StateDir = dir
			if !store.Shared() { // the sandbox's own state, gone with it
				env.State = state.NewLocal(filepath.Join(dir, "state"))
			}
		}
		cleanup = func() {
			store.Close()
			sb.Close()
			if dir != "" {
				os.RemoveAll(dir)
			}
		}
	}
	if sandboxed && o.callbackAddr == "" {
		o.callbackAddr = "127.0.0.1:0"
	}
	// Listen first (the public URL may come from the port), create the inbox,
	// then serve it.
	var ln net.Listener
	if o.callbackAddr != "" {
		var err error
		if ln, err = net.Listen("tcp", o.callbackAddr); err != nil {
			cleanup()
			return nil, nil, nil, fmt.Errorf("--callback-addr %s: %w", o.callbackAddr, err)
		}
		if o.publicURL == "" {
			o.publicURL = "http://" + ln.Addr().String()
		}
	}
	// The inbox lives in the state store (shared by replicas with Redis); an
	// inbox.jsonl an earlier version kept is imported into it once.
	// Standing callback addresses are derived from MCP_MEDIA_CALLBACK_KEY
	// when it is set (replicas sharing --state must set the same one).
	var stableKey []byte
	if k := os.Getenv("MCP_MEDIA_CALLBACK_KEY"); k != "" {
		if len(k) < 32 {
			cleanup()
			if ln != nil {
				ln.Close()
			}
			return nil, nil, nil, fmt.Errorf("MCP_MEDIA_CALLBACK_KEY is %d characters; use 32 or more random ones (e.g. `openssl rand -hex 32`), the same on every replica", len(k))
		}
		set.Add(k)
		stableKey = []byte(k)
	}
	ib, err := inbox.New(inbox.Options{PublicURL: o.publicURL, Store: env.State, File: filepath.Join(env.StateDir, "inbox.jsonl"), StableKey: stableKey,
		RecoverAfter: o.queryAfter})
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		cleanup()
		return nil, nil, nil, err
	}
	env.Inbox = ib
	if sb != nil && sb.VOD != nil && ib.Enabled() {
		_ = registerVODCallbacks(sb, ib)
	}
	var recv *http.Server
	if ln != nil {
		mux := http.NewServeMux()
		mux.Handle(inbox.PathPrefix, ib)
		recv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = recv.Serve(ln) }()
	}
	prev := cleanup
	cleanup = func() {
		if recv != nil {
			_ = recv.Close()
		}
		ib.Close()
		prev()
	}
	return env, sb, cleanup, nil
}

// stateDir is where resumable upload state lives: $MCP_MEDIA_STATE_DIR, or
// the user's config dir.
func stateDir() string {
	if d := os.Getenv("MCP_MEDIA_STATE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "mcp-media")
	}
	return filepath.Join(os.TempDir(), "mcp-media")
}

// isIdentifier reports whether field of p is an identifier (not redacted).
func isIdentifier(p providers.Provider, field string) bool {
	for _, f := range p.Fields {
		if f.Name == field {
			return f.Identifier
		}
	}
	return false
}

// registerVODCallbacks makes the sandbox's VOD service call ib's standing
// addresses back, as if the user had registered vod_get_callback_url's
// addresses for both event groups (spec §6 step 0).
func registerVODCallbacks(sb *sandbox.Sandbox, ib *inbox.Inbox) error {
	for group, kind := range map[string]string{"video": vodapi.EventVideoReady, "transcoding": vodapi.EventVideoPlaySetReady} {
		u, err := ib.StableCallback("vod", kind)
		if err != nil {
			return err
		}
		sb.VOD.RegisterCallback(group, u)
	}
	return nil
}
