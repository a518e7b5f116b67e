package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/internal/redact"
)

const authUsage = `Usage:
  mcp-media auth set PROVIDER [--stdin]   prompt for the keys (no echo) and store them in the OS keyring
  mcp-media auth set PROVIDER --web       the same through a one-time page on 127.0.0.1 (--no-browser prints its URL)
  mcp-media auth status [--json]          configured or not, and from where (keyring or environment); never a value
  mcp-media auth delete PROVIDER          remove the provider's keyring entry
  mcp-media auth reveal ACCOUNT [--force] show on this terminal a secret the server stored, e.g. aioz/api_key/<id>
                                          or aioz/stream_key/<id> (refused when stdout is not a terminal, unless --force)
  mcp-media auth use ACCOUNT              make a stored key set (aioz/api_key/<id>) the provider's active keys

With --stdin, the secret fields are read as one JSON object, e.g.
  echo '{"public_key":"…","secret_key":"…"}' | mcp-media auth set aioz --stdin

Providers and their fields:
`

func authHelp(w io.Writer) {
	fmt.Fprint(w, authUsage)
	for _, p := range providers.All {
		var names []string
		for _, f := range p.Fields {
			names = append(names, f.Name)
		}
		fmt.Fprintf(w, "  %-7s %-28s fields: %s; environment: %s\n", p.ID, p.Name, strings.Join(names, ", "), p.EnvHint())
	}
	fmt.Fprint(w, "\nKeys live in the keyring under service \"mcp-media\", account = provider id. Without a keyring\n(headless Linux with no Secret Service) set the environment variables instead; nothing is written to a file.\n")
}

func cmdAuth(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		authHelp(stdout)
		if len(args) == 0 {
			return &exitError{code: 2}
		}
		return nil
	}
	store := credentials.NewStore(&redact.Set{})
	// A person at a terminal may answer an unlock prompt; the server never
	// prompts. The change file tells running servers to reread the keyring.
	store.Keyring = credentials.OSKeyring{Interactive: isTerminal(stdin)}
	store.ChangeFile = filepath.Join(stateDir(), credentials.ChangeFileName)
	switch args[0] {
	case "set":
		fs := flag.NewFlagSet("auth set", flag.ContinueOnError)
		fs.SetOutput(stderr)
		fromStdin := fs.Bool("stdin", false, "read the fields as a JSON object from standard input")
		web := fs.Bool("web", false, "enter the keys in a one-time page on 127.0.0.1, opened in the browser")
		noBrowser := fs.Bool("no-browser", false, "with --web: print the page's URL instead of opening a browser")
		fs.Usage = subUsage(fs, stderr, "auth set PROVIDER [--stdin | --web [--no-browser]]",
			"Stores PROVIDER's keys ("+strings.Join(providers.IDs(), ", ")+") in the OS keyring: asked for on the terminal\n(no echo), read as JSON from standard input, or entered in a one-time local page.")
		id, rest := splitID(args[1:])
		if err := fs.Parse(rest); err != nil {
			return parseError(err)
		}
		if id == "" && fs.NArg() > 0 {
			id = fs.Arg(0)
		}
		p, ok := providers.ByID(id)
		if !ok {
			return &exitError{code: 2, msg: fmt.Sprintf("auth set: unknown or missing provider %q; choose one of %s", id, strings.Join(providers.IDs(), ", "))}
		}
		if *web {
			return authSetWeb(ctx, store, p, *noBrowser, stdout, stderr)
		}
		var fields map[string]string
		var err error
		if *fromStdin {
			fields, err = readJSONFields(stdin)
		} else {
			fields, err = prompt(p, stdin, stderr)
		}
		if err != nil {
			return &exitError{code: 2, msg: "auth set " + id + ": " + err.Error()}
		}
		if err := store.Save(id, fields); err != nil {
			if errors.Is(err, credentials.ErrKeyringUnavailable) {
				return &exitError{code: 1, msg: "auth set " + id + ": " + err.Error()}
			}
			return &exitError{code: 2, msg: "auth set " + id + ": " + err.Error()}
		}
		fmt.Fprintf(stdout, "Stored %s keys in the OS keyring (service %q, account %q).\n", p.Name, credentials.Service, id)
		fmt.Fprintln(stdout, "Keep your keys safe — treat them like passwords and consider rotating them after this session.")
		return nil
	case "status":
		fs := flag.NewFlagSet("auth status", flag.ContinueOnError)
		fs.SetOutput(stderr)
		asJSON := fs.Bool("json", false, "print JSON")
		fs.Usage = subUsage(fs, stderr, "auth status [--json]",
			"Says for each provider whether its keys are configured, and from where (keyring or\nenvironment); never a value.")
		if err := fs.Parse(args[1:]); err != nil {
			return parseError(err)
		}
		st := store.StatusAll()
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(st)
		}
		for _, s := range st {
			if s.Configured {
				fmt.Fprintf(stdout, "%-7s configured (%s)\n", s.Provider, s.Source)
			} else {
				fmt.Fprintf(stdout, "%-7s not configured — %s\n", s.Provider, s.Note)
			}
		}
		return nil
	case "delete":
		if len(args) < 2 {
			return &exitError{code: 2, msg: "auth delete: which provider? " + strings.Join(providers.IDs(), ", ")}
		}
		if err := store.Delete(args[1]); err != nil {
			return &exitError{code: 1, msg: "auth delete: " + err.Error()}
		}
		fmt.Fprintf(stdout, "Removed %s keys from the OS keyring (environment variables, if set, still apply).\n", args[1])
		return nil
	case "reveal":
		return cmdAuthReveal(store, args[1:], stdout, stderr)
	case "use":
		return cmdAuthUse(store, args[1:], stdout)
	}
	return &exitError{code: 2, msg: fmt.Sprintf("auth: unknown subcommand %q (set, status, delete, reveal, use)", args[0])}
}

// splitID lets the provider come before or after the flags.
func splitID(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

func readJSONFields(r io.Reader) (map[string]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<16))
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, errors.New("standard input is not a JSON object (expected e.g. {\"public_key\":\"…\",\"secret_key\":\"…\"})")
	}
	out := map[string]string{}
	for k, v := range raw {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("field %q must be a string", k)
		}
		out[k] = s
	}
	return out, nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// prompt asks for each field; secrets are read without echo.
func prompt(p providers.Provider, stdin io.Reader, stderr io.Writer) (map[string]string, error) {
	f, isFile := stdin.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		return nil, errors.New("standard input is not a terminal; pipe the keys as JSON with --stdin")
	}
	out := map[string]string{}
	rd := bufio.NewReader(stdin)
	for _, fld := range p.Fields {
		fmt.Fprintf(stderr, "Please enter your %s: ", fld.Prompt)
		var v string
		if fld.Secret {
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(stderr)
			if err != nil {
				return nil, err
			}
			v = string(b)
		} else {
			line, err := rd.ReadString('\n')
			if err != nil && line == "" {
				return nil, err
			}
			v = line
		}
		out[fld.Name] = strings.TrimSpace(v)
	}
	return out, nil
}
