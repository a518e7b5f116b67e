package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/mcp-media/mcp-media/internal/authpage"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/providers"
)

// authSetWeb is `auth set PROVIDER --web`: the one-time local keys page
// (internal/authpage), opened in the browser or, when none can be started
// (or --no-browser), printed for the user to open. It waits until the keys
// are stored, the page expires, or the command is interrupted.
func authSetWeb(ctx context.Context, store *credentials.Store, p providers.Provider, noBrowser bool, stdout, stderr io.Writer) error {
	page, err := authpage.Open(store, p.ID, authpage.Options{})
	if err != nil {
		return &exitError{code: 1, msg: "auth set " + p.ID + " --web: " + err.Error()}
	}
	defer page.Close()
	opened := false
	if !noBrowser && os.Getenv("MCP_MEDIA_NO_BROWSER") == "" {
		opened = openBrowser(page.URL) == nil
	}
	if opened {
		fmt.Fprintf(stderr, "Opened a one-time page in your browser to enter the %s keys. If it did not appear, open:\n  %s\n", p.Name, page.URL)
	} else {
		fmt.Fprintf(stderr, "Open this one-time page to enter the %s keys (valid %d minutes, works once):\n  %s\n", p.Name, int(authpage.DefaultTTL.Minutes()), page.URL)
	}
	fmt.Fprintln(stderr, "Waiting for the form to be submitted (Ctrl-C to give up)…")
	if err := page.Wait(ctx); err != nil {
		return &exitError{code: 1, msg: "auth set " + p.ID + " --web: " + err.Error()}
	}
	fmt.Fprintf(stdout, "Stored %s keys in the OS keyring (service %q, account %q): %s.\n", p.Name, credentials.Service, p.ID, strings.Join(page.Stored(), ", "))
	return nil
}

// openBrowser starts the desktop's browser on url without waiting for it.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("cmd", "/c", "start", "", url)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return fmt.Errorf("no graphical session")
		}
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
