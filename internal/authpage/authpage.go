// Package authpage serves the one-time local page where a person types a
// provider's keys, so that keys never pass through the chat (PRODUCT.md §3):
// a listener on 127.0.0.1 with a random port, a random path token, single
// use, expiring after 10 minutes, and CSRF-protected (the Host and Origin
// must be the page's own, a cookie set when the page is first opened and a
// form token must both come back). Secret fields are password inputs; plain
// fields such as a region or base URL are shown in the clear. Submitting
// writes the keyring through credentials.Store.Save; the answer names the
// fields stored, never a value. The server offers the page by URL-mode
// elicitation; `mcp-media auth set PROVIDER --web` opens it in a browser.
package authpage

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/providers"
)

// DefaultTTL is how long a page stays valid.
const DefaultTTL = 10 * time.Minute

const cookieName = "mcp_media_keys"

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Funcs(template.FuncMap{"join": strings.Join}).Parse(pageHTML))

// Options tune Open.
type Options struct {
	TTL time.Duration // default DefaultTTL
	// Addr is the listen address; default "127.0.0.1:0" (a random port).
	// Only loopback addresses are accepted.
	Addr string
	// OnSaved runs after the keys were stored (the server then announces
	// tools/list_changed).
	OnSaved func(provider string)
	Log     *slog.Logger
}

// Page is one open page.
type Page struct {
	// ID identifies the page (the elicitation id); URL is what to open.
	ID, URL string

	provider providers.Provider
	store    *credentials.Store
	opts     Options
	origin   string // http://127.0.0.1:port
	path     string // /keys/<token>
	csrf     string
	cookie   string
	deadline time.Time

	srv  *http.Server
	done chan struct{} // closed once the keys are stored
	end  chan struct{} // closed when the page ends (stored, expired or closed)

	mu      sync.Mutex
	opened  bool // the first GET set the cookie: the link is spent
	stored  []string
	ended   bool
	endOnce sync.Once
	timer   *time.Timer
}

func token() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("authpage: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Open starts the page for provider id.
func Open(store *credentials.Store, id string, opts Options) (*Page, error) {
	p, ok := providers.ByID(id)
	if !ok {
		return nil, fmt.Errorf("unknown provider %q (known: %s)", id, strings.Join(providers.IDs(), ", "))
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(opts.Addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("the keys page listens on a loopback address only, not %q", opts.Addr)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("opening the keys page: %w", err)
	}
	pg := &Page{
		ID: "keys-" + token()[:16], provider: p, store: store, opts: opts,
		origin: "http://" + ln.Addr().String(), path: "/keys/" + token(),
		csrf: token(), cookie: token(), deadline: time.Now().Add(opts.TTL),
		done: make(chan struct{}), end: make(chan struct{}),
	}
	pg.URL = pg.origin + pg.path
	pg.srv = &http.Server{Handler: pg, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	go func() { _ = pg.srv.Serve(ln) }()
	pg.timer = time.AfterFunc(opts.TTL, pg.Close)
	return pg, nil
}

// Provider is the provider whose keys the page asks for.
func (p *Page) Provider() providers.Provider { return p.provider }

// Done is closed once the keys are stored.
func (p *Page) Done() <-chan struct{} { return p.done }

// Ended is closed when the page ends: keys stored, expired, or closed.
func (p *Page) Ended() <-chan struct{} { return p.end }

// Stored names the fields that were stored (nil before Done).
func (p *Page) Stored() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.stored...)
}

// Close ends the page; its URL stops answering.
func (p *Page) Close() {
	p.endOnce.Do(func() {
		p.mu.Lock()
		p.ended = true
		p.mu.Unlock()
		p.timer.Stop()
		close(p.end)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = p.srv.Shutdown(ctx)
		}()
	})
}

// Wait blocks until the keys are stored (nil), the page ends without them,
// or ctx ends.
func (p *Page) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return nil
	case <-p.end:
		select {
		case <-p.done:
			return nil
		default:
		}
		return errors.New("the keys page expired or was closed before the keys were saved")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// field is one input of the form.
type field struct {
	Name, Label, Value string
	Secret, Required   bool
}

type view struct {
	Provider, ProviderID, Action, CSRF, Error, Gone string
	Fields                                          []field
	Done                                            bool
	Stored                                          []string
}

func (p *Page) view() view {
	v := view{Provider: p.provider.Name, ProviderID: p.provider.ID, Action: p.path, CSRF: p.csrf}
	for _, f := range p.provider.Fields {
		label := f.Prompt
		if label == "" {
			label = f.Name
		}
		v.Fields = append(v.Fields, field{Name: f.Name, Label: label, Secret: f.Secret, Required: f.Secret})
	}
	return v
}

func (p *Page) render(w http.ResponseWriter, status int, v view) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: with no-referrer a browser sends
	// "Origin: null" on the form POST, and the origin check needs it.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = page.Execute(w, v)
}

func (p *Page) gone(w http.ResponseWriter, why string) {
	v := p.view()
	v.Gone = why
	p.render(w, http.StatusGone, v)
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// ServeHTTP serves the page's one path.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// DNS rebinding: only the address the page was opened on.
	if r.Host != strings.TrimPrefix(p.origin, "http://") {
		http.Error(w, "wrong host", http.StatusMisdirectedRequest)
		return
	}
	if r.URL.Path != p.path {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	ended, used, opened := p.ended || time.Now().After(p.deadline), p.stored != nil, p.opened
	p.mu.Unlock()
	switch {
	case used:
		p.gone(w, "The keys were already saved through this link; it cannot be used again.")
		return
	case ended:
		p.gone(w, "This link expired (it is valid for 10 minutes).")
		return
	}
	c, _ := r.Cookie(cookieName)
	hasCookie := c != nil && same(c.Value, p.cookie)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if opened && !hasCookie {
			p.gone(w, "This link was already opened in another browser; it works once.")
			return
		}
		p.mu.Lock()
		p.opened = true
		p.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: p.cookie, Path: p.path, HttpOnly: true, SameSite: http.SameSiteStrictMode,
			MaxAge: int(time.Until(p.deadline).Seconds()) + 1})
		p.render(w, http.StatusOK, p.view())
	case http.MethodPost:
		p.post(w, r, hasCookie)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// post stores the submitted keys after the CSRF checks: a same-origin
// request (Origin, or Sec-Fetch-Site, must say so), the page's cookie and
// its form token.
func (p *Page) post(w http.ResponseWriter, r *http.Request, hasCookie bool) {
	origin := r.Header.Get("Origin")
	site := r.Header.Get("Sec-Fetch-Site")
	switch {
	case origin != "" && origin != p.origin, site != "" && site != "same-origin", origin == "" && site == "":
		p.refuse(w, "refused: the form was not sent from this page")
		return
	case !hasCookie:
		p.refuse(w, "refused: open the link first; this browser did not")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		p.refuse(w, "refused: unreadable form")
		return
	}
	if !same(r.PostForm.Get("csrf"), p.csrf) {
		p.refuse(w, "refused: the form token is missing or wrong")
		return
	}
	fields := map[string]string{}
	var names []string
	for _, f := range p.provider.Fields {
		if v := strings.TrimSpace(r.PostForm.Get(f.Name)); v != "" {
			fields[f.Name] = v
			names = append(names, f.Name)
		}
	}
	p.mu.Lock()
	if p.stored != nil || p.ended {
		p.mu.Unlock()
		p.gone(w, "The keys were already saved through this link; it cannot be used again.")
		return
	}
	err := p.store.Save(p.provider.ID, fields)
	if err == nil {
		p.stored = names
	}
	p.mu.Unlock()
	if err != nil {
		// The message names fields, never values (credentials.Save).
		v := p.view()
		v.Error = "Nothing was stored: " + err.Error()
		for i := range v.Fields {
			if !v.Fields[i].Secret {
				v.Fields[i].Value = fields[v.Fields[i].Name]
			}
		}
		p.render(w, http.StatusUnprocessableEntity, v)
		return
	}
	if p.opts.Log != nil {
		p.opts.Log.Info("keys stored from the local page", "provider", p.provider.ID, "fields", strings.Join(names, ","))
	}
	v := p.view()
	v.Done, v.Stored = true, names
	p.render(w, http.StatusOK, v)
	close(p.done)
	if p.opts.OnSaved != nil {
		p.opts.OnSaved(p.provider.ID)
	}
	// The link is spent: a replay gets 410 until the page's time is up.
}

func (p *Page) refuse(w http.ResponseWriter, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, http.StatusForbidden)
}
