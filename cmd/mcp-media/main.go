// Command mcp-media is an MCP server that lets AI agents operate media
// clouds (AIOZ Stream, Qiniu, Alibaba Cloud ICE, a VOD service) through
// schema-typed tools, with keys kept in the OS keyring.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `mcp-media — media clouds as MCP tools for AI agents

Usage:
  mcp-media serve [--transport stdio|sse|http] [--addr 127.0.0.1:8765]
                  [--toolsets a,b|all] [--read-only] [--sandbox]
  mcp-media auth set PROVIDER [--stdin]     store keys in the OS keyring
  mcp-media auth status [--json]            which providers are configured, and from where
  mcp-media auth delete PROVIDER            remove keys from the keyring
  mcp-media tools [--toolsets …] [--read-only] [--json]
                                            what tools/list would expose
  mcp-media tools --markdown [--write-readme README.md]
                                            the README's toolset tables
  mcp-media call TOOL --args JSON [--json] [--sandbox]
                                            run one tool and print what an agent gets
  mcp-media demo                            walk the main flows on the built-in sandbox
  mcp-media sandbox [--out FILE]            run the sandbox's fakes alone, for replicas
                                            sharing one (serve --sandbox-file FILE)
  mcp-media config claude-desktop|claude-code|cursor|vscode [--write] [--sandbox] [--toolsets …]
                                            the client's config snippet (this binary's path); --write merges it
  mcp-media version

Providers: aioz, qiniu, aliyun, vod. Try everything with no account:
  mcp-media demo
  mcp-media serve --sandbox

Set up a client:        mcp-media config claude-desktop --write   (or claude-code, cursor, vscode)

Run "mcp-media COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdin, stdout, stderr)
	case "auth":
		err = cmdAuth(ctx, args[1:], stdin, stdout, stderr)
	case "tools":
		err = cmdTools(ctx, args[1:], stdout, stderr)
	case "call":
		err = cmdCall(ctx, args[1:], stdout, stderr)
	case "demo":
		err = cmdDemo(ctx, args[1:], stdout, stderr)
	case "config":
		err = cmdConfig(args[1:], stdout, stderr)
	case "sandbox":
		err = cmdSandbox(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "mcp-media", version())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		var ce *exitError
		if errors.As(err, &ce) {
			if ce.msg != "" {
				fmt.Fprintln(stderr, ce.msg)
			}
			return ce.code
		}
		fmt.Fprintln(stderr, "mcp-media:", err)
		return 1
	}
	return 0
}

// exitError carries an exit code (2 for usage errors, 1 for tool errors).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// subUsage is a flag set's --help: the synopsis, what the command does, its
// flags.
func subUsage(fs *flag.FlagSet, w io.Writer, synopsis, about string) func() {
	return func() {
		fmt.Fprintf(w, "Usage: mcp-media %s\n\n%s\n\nFlags:\n", synopsis, about)
		fs.PrintDefaults()
	}
}

// parseFlagsOnly parses the flags of a command that takes no other words
// ("serve http" would otherwise serve stdio). done says the command ends
// here, with err: nil after --help, exit 2 after a bad flag or a stray word.
func parseFlagsOnly(fs *flag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		return true, parseError(err)
	}
	if fs.NArg() > 0 {
		return true, &exitError{code: 2, msg: fmt.Sprintf("mcp-media %s takes flags only, not %q; see mcp-media %s --help", fs.Name(), strings.Join(fs.Args(), " "), fs.Name())}
	}
	return false, nil
}

// parseError is what a command returns when its flags do not parse: nothing
// (exit 0) after --help, whose usage the flag set has printed; exit 2 after
// a bad flag, which the flag set has named.
func parseError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return &exitError{code: 2}
}
