package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"golang.org/x/term"

	"github.com/mcp-media/mcp-media/internal/credentials"
)

// stdoutIsTerminal is replaced by tests.
var stdoutIsTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// cmdAuthReveal prints a secret the server stored (a new API key, a stream
// key) on the terminal: the one place such a secret is shown.
func cmdAuthReveal(store *credentials.Store, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("auth reveal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	force := fs.Bool("force", false, "print even when standard output is not a terminal")
	fs.Usage = subUsage(fs, stderr, "auth reveal ACCOUNT [--force]",
		"Shows on this terminal a secret the server stored, e.g. aioz/api_key/<id> or\naioz/stream_key/<id>; refused when standard output is not a terminal, unless --force.")
	account, rest := splitID(args)
	if err := fs.Parse(rest); err != nil {
		return parseError(err)
	}
	if account == "" && fs.NArg() > 0 {
		account = fs.Arg(0)
	}
	provider, name, err := credentials.SplitAccount(account)
	if err != nil {
		return &exitError{code: 2, msg: "auth reveal: " + err.Error()}
	}
	if !*force && !stdoutIsTerminal(stdout) {
		return &exitError{code: 2, msg: "auth reveal: standard output is not a terminal, so the secret would land in a pipe, a file or a log; run it in a terminal, or pass --force if that is really what you want"}
	}
	v := store.Aux(provider, name)
	if v == "" {
		return &exitError{code: 1, msg: fmt.Sprintf("auth reveal: nothing is stored under %s (service %q) — or the keyring is unavailable", account, credentials.Service)}
	}
	if fields, ok := credentials.AuxFields(v); ok {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(stdout, "%s: %s\n", k, fields[k])
		}
	} else {
		fmt.Fprintln(stdout, v)
	}
	fmt.Fprintln(stderr, "Keep it safe — treat it like a password.")
	return nil
}

// cmdAuthUse makes a stored key set the provider's active keys.
func cmdAuthUse(store *credentials.Store, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return &exitError{code: 2, msg: "auth use: which account? e.g. mcp-media auth use aioz/api_key/<id>"}
	}
	provider, name, err := credentials.SplitAccount(args[0])
	if err != nil {
		return &exitError{code: 2, msg: "auth use: " + err.Error()}
	}
	if err := store.UseAux(provider, name); err != nil {
		return &exitError{code: 1, msg: "auth use: " + err.Error()}
	}
	fmt.Fprintf(stdout, "The %s keys are now those stored under %s (keyring service %q, account %q); running servers pick them up on their next call.\n",
		provider, args[0], credentials.Service, provider)
	return nil
}
