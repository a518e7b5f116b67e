package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/mcpserver"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/internal/sandbox"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

func version() string { return mcpserver.Version }

// newEnv builds the tool environment: keyring+env credentials, or the
// sandbox's fakes; a scrubbing logger on stderr; the state dir.
func newEnv(sandboxed bool, stderr io.Writer) (*toolkit.Env, func(), error) {
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
	log := slog.New(redact.NewHandler(set, slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})))
	env := &toolkit.Env{
		Creds:    credentials.NewStore(set),
		Redact:   set,
		Getenv:   os.Getenv,
		StateDir: stateDir(),
		Log:      log,
	}
	if tok := os.Getenv("MCP_MEDIA_HTTP_TOKEN"); tok != "" {
		set.Add(tok)
	}
	cleanup := func() {}
	if sandboxed {
		sb, err := sandbox.Start(sandbox.Options{})
		if err != nil {
			return nil, nil, fmt.Errorf("starting the sandbox fakes: %w", err)
		}
		env.Sandbox = true
		env.Getenv = sb.Getenv
		env.Creds.Sandbox = sb.Creds
		for _, f := range sb.Creds {
			for _, v := range f {
				set.Add(v)
			}
		}
		dir, err := os.MkdirTemp("", "mcp-media-sandbox-")
		if err == nil {
			env.StateDir = dir
		}
		cleanup = func() {
			sb.Close()
			if dir != "" {
				os.RemoveAll(dir)
			}
		}
	}
	return env, cleanup, nil
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
