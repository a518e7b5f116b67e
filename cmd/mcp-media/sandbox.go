package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/sandbox"
)

// cmdSandbox runs the sandbox's fakes on their own, for replicas to share
// (serve --sandbox-file): `serve --sandbox` starts fakes inside each
// process, so replicas behind a load balancer would each see a different
// fake account.
func cmdSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "mcp-media-sandbox.json", "`FILE` to write the fakes' endpoints and fake keys to (mode 0600); pass it to each replica's serve --sandbox-file")
	publicURL := fs.String("public-url", "", "the replicas' --public-url: the VOD fake then calls back their standing address, derived from MCP_MEDIA_CALLBACK_KEY (set the same value here)")
	step := fs.Duration("step", time.Second, "the fakes' pace for long work (transcoding, long ASR)")
	fs.Usage = subUsage(fs, stderr, "sandbox [--out FILE] [--public-url URL]",
		"Runs the built-in fake providers on 127.0.0.1 until interrupted, and writes where they are\n(with their fake keys) to FILE, so several `mcp-media serve --sandbox-file FILE` replicas on\nthis machine share one sandbox. Nothing reaches a real account.")
	if done, err := parseFlagsOnly(fs, args); done {
		return err
	}
	var stable []byte
	if *publicURL != "" {
		k := os.Getenv("MCP_MEDIA_CALLBACK_KEY")
		if len(k) < 32 {
			return &exitError{code: 2, msg: "--public-url needs MCP_MEDIA_CALLBACK_KEY, the same 32+ characters the replicas have, to derive their standing callback address"}
		}
		stable = []byte(k)
	}
	sb, err := sandbox.Start(sandbox.Options{Step: *step})
	if err != nil {
		return fmt.Errorf("starting the sandbox fakes: %w", err)
	}
	defer sb.Close()
	if stable != nil {
		// The address every replica derives (inbox.StableCallback).
		ib, err := inbox.New(inbox.Options{PublicURL: *publicURL, StableKey: stable, RecoverAfter: -1})
		if err != nil {
			return err
		}
		err = registerVODCallbacks(sb, ib)
		ib.Close()
		if err != nil {
			return err
		}
	}
	file, err := filepath.Abs(*out) // the replicas may start elsewhere
	if err != nil {
		return fmt.Errorf("--out %s: %w", *out, err)
	}
	if err := sb.WriteFile(file); err != nil {
		return err
	}
	defer os.Remove(file)
	fmt.Fprintf(stdout, "mcp-media sandbox: fake providers running on 127.0.0.1 (fake keys; nothing reaches a real account).\n"+
		"Wrote %s. Start each replica on this machine with\n  %s\n"+
		"Ctrl-C stops the fakes and removes the file.\n", file, replicaCommand(file, *publicURL))
	<-ctx.Done()
	return nil
}

// replicaCommand is the serve command sandbox suggests for each replica. A
// MCP_MEDIA_STATE_URL in the environment is serve's default, and may hold
// Redis's password, so it is left to the environment rather than printed.
func replicaCommand(file, publicURL string) string {
	state := " --state redis://127.0.0.1:6379/0"
	if os.Getenv("MCP_MEDIA_STATE_URL") != "" {
		state = "" // serve reads it from the environment
	}
	cmd := "mcp-media serve --transport http --sandbox-file " + file + state + " --addr 127.0.0.1:PORT"
	if publicURL != "" {
		cmd += " --public-url " + publicURL + "\n  and the same MCP_MEDIA_CALLBACK_KEY in their environment"
	}
	return cmd
}
