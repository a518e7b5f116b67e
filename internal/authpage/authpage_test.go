package authpage

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/internal/redact"
)

// memKeyring is an in-memory keyring that counts writes.
type memKeyring struct {
	mu   sync.Mutex
	m    map[string]string
	sets int
}

func (k *memKeyring) Get(s, u string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[s+"/"+u]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *memKeyring) Set(s, u, p string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[s+"/"+u] = p
	k.sets++
	return nil
}

func (k *memKeyring) Delete(s, u string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, s+"/"+u)
	return nil
}

func newStore() (*credentials.Store, *memKeyring) {
	k := &memKeyring{m: map[string]string{}}
	return &credentials.Store{Keyring: k, Getenv: func(string) string { return "" }, Redact: &redact.Set{}}, k
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// browser is a cookie-keeping client that sends the headers a browser sends
// for a form on the page itself.
type browser struct {
	c *http.Client
}

func newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{c: &http.Client{Jar: jar}}
}

func (b *browser) get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(t *testing.T, u, origin string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestFormStoresOnceAndNamesFieldsOnly(t *testing.T) {
	store, kr := newStore()
	saved := make(chan string, 1)
	pg, err := Open(store, "aliyun", Options{OnSaved: func(p string) { saved <- p }})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if !strings.HasPrefix(pg.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %s is not on 127.0.0.1", pg.URL)
	}
	b := newBrowser()
	code, body := b.get(t, pg.URL)
	if code != 200 {
		t.Fatalf("GET %d", code)
	}
	for _, want := range []string{`name="access_key_id" type="password"`, `name="access_key_secret" type="password"`, `name="region_id" type="text"`} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %s:\n%s", want, body)
		}
	}
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no csrf token in the form")
	}
	origin := strings.TrimSuffix(pg.URL, pg.path)
	form := url.Values{"csrf": {m[1]}, "access_key_id": {"LTAI-test-id"}, "access_key_secret": {"very-secret-value"}, "region_id": {"cn-shanghai"}}

	// Another origin, a missing form token, no origin at all: refused.
	if code, _ := b.post(t, pg.URL, "http://127.0.0.1:1", form); code != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d", code)
	}
	if code, _ := b.post(t, pg.URL, "", form); code != http.StatusForbidden {
		t.Errorf("POST without Origin: %d", code)
	}
	bad := url.Values{"access_key_id": {"x"}, "access_key_secret": {"y"}}
	if code, _ := b.post(t, pg.URL, origin, bad); code != http.StatusForbidden {
		t.Errorf("POST without csrf: %d", code)
	}
	// A second browser without the page's cookie cannot open or post.
	other := newBrowser()
	if code, _ := other.get(t, pg.URL); code != http.StatusGone {
		t.Errorf("second browser GET: %d", code)
	}
	if code, _ := other.post(t, pg.URL, origin, form); code != http.StatusForbidden {
		t.Errorf("second browser POST: %d", code)
	}
	if kr.sets != 0 {
		t.Fatal("a refused request wrote the keyring")
	}

	code, body = b.post(t, pg.URL, origin, form)
	if code != 200 || !strings.Contains(body, "access_key_id, access_key_secret, region_id") {
		t.Fatalf("POST %d:\n%s", code, body)
	}
	for _, v := range []string{"LTAI-test-id", "very-secret-value", "cn-shanghai"} {
		if strings.Contains(body, v) {
			t.Errorf("the answer shows a value %q", v)
		}
	}
	<-pg.Done()
	if p := <-saved; p != "aliyun" {
		t.Errorf("OnSaved(%q)", p)
	}
	cr, err := store.Load("aliyun")
	if err != nil || cr.Get("access_key_secret") != "very-secret-value" || cr.Get("region_id") != "cn-shanghai" {
		t.Fatalf("keyring after the form: %v %v", cr, err)
	}
	// Replay: the same browser, token, cookie and form get 410, nothing more is written.
	if code, _ := b.post(t, pg.URL, origin, form); code != http.StatusGone {
		t.Errorf("replayed POST: %d", code)
	}
	if code, _ := b.get(t, pg.URL); code != http.StatusGone {
		t.Errorf("replayed GET: %d", code)
	}
	if kr.sets != 1 {
		t.Errorf("%d keyring writes, want 1", kr.sets)
	}
}

func TestMissingSecretKeepsThePageAndWrongHostIsRefused(t *testing.T) {
	store, kr := newStore()
	pg, err := Open(store, "aioz", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	b := newBrowser()
	_, body := b.get(t, pg.URL)
	csrf := csrfRE.FindStringSubmatch(body)[1]
	origin := strings.TrimSuffix(pg.URL, pg.path)
	code, body := b.post(t, pg.URL, origin, url.Values{"csrf": {csrf}, "public_key": {"pub-only"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "missing secret_key") || strings.Contains(body, "pub-only") {
		t.Errorf("incomplete form: %d\n%s", code, body)
	}
	if kr.sets != 0 {
		t.Error("an incomplete form wrote the keyring")
	}
	// DNS rebinding: a request naming another host is refused.
	req, _ := http.NewRequest("GET", pg.URL, nil)
	req.Host = "evil.example:80"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("wrong Host: %d", resp.StatusCode)
	}
	pg.Close()
	if err := pg.Wait(t.Context()); err == nil {
		t.Error("Wait after Close without keys returned nil")
	}
}

func TestOnlyLoopback(t *testing.T) {
	store, _ := newStore()
	if _, err := Open(store, "aioz", Options{Addr: "0.0.0.0:0"}); err == nil {
		t.Error("opened on 0.0.0.0")
	}
	if _, err := Open(store, "nope", Options{}); err == nil {
		t.Error("opened for an unknown provider")
	}
}
