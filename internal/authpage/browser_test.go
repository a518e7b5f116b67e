package authpage

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mcp-media/mcp-media/internal/testkit"
)

// A real browser fills the form: the keys reach the keyring, the page says
// which fields were stored, reopening the link fails, and a form posted to
// it from another origin (one that knows the token and the CSRF value) is
// refused.
func TestChromiumFillsTheForm(t *testing.T) {
	ctx := testkit.Chromium(t)
	store, kr := newStore()
	pg, err := Open(store, "vod", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	var stored, gone string
	err = chromedp.Run(ctx,
		chromedp.Navigate(pg.URL),
		chromedp.WaitReady("#token", chromedp.ByID),
		chromedp.SendKeys("#token", "vod-browser-token", chromedp.ByID),
		chromedp.SendKeys("#base_url", "https://vod.example.test", chromedp.ByID),
		chromedp.Click("#save", chromedp.ByID),
		chromedp.WaitReady("#result", chromedp.ByID),
		chromedp.Text("#stored", &stored, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if stored != "token, base_url" {
		t.Errorf("page says stored %q", stored)
	}
	cr, err := store.Load("vod")
	if err != nil || cr.Get("token") != "vod-browser-token" || cr.Get("base_url") != "https://vod.example.test" {
		t.Fatalf("keyring after the browser: %v %v", cr, err)
	}
	// Replay: the link is spent.
	if err := chromedp.Run(ctx, chromedp.Navigate(pg.URL), chromedp.Text("#gone", &gone, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gone, "no longer valid") || kr.sets != 1 {
		t.Errorf("replay: %q, %d keyring writes", gone, kr.sets)
	}

	// Cross-origin: the user opened a fresh page (so the browser holds its
	// cookie), then another site posts a form to it.
	pg2, err := Open(store, "aioz", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg2.Close()
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s"><input name="csrf" value="%s">`+
			`<input name="public_key" value="evil-pub"><input name="secret_key" value="evil-sec"></form>`+
			`<script>document.getElementById("f").submit()</script>`, pg2.URL, pg2.csrf)
	}))
	defer evil.Close()
	var body string
	err = chromedp.Run(ctx,
		chromedp.Navigate(pg2.URL),
		chromedp.WaitReady("#save", chromedp.ByID),
		chromedp.Navigate(evil.URL),
		chromedp.WaitReady("body", chromedp.ByQuery),
		chromedp.Poll(`document.location.href.startsWith(`+fmt.Sprintf("%q", pg2.URL)+`) && document.body.innerText.length > 0`, nil),
		chromedp.Text("body", &body, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "refused") {
		t.Errorf("cross-origin POST answered: %q", body)
	}
	if _, err := store.Load("aioz"); err == nil || kr.sets != 1 {
		t.Errorf("the cross-origin form stored keys (%d writes)", kr.sets)
	}
}
