package pilifake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/qiniuauth"
	"github.com/mcp-media/mcp-media/internal/testkit"
)

// Sample keys from the Pili push-auth page; the spec's vectors use them.
const (
	testAK = testkit.QiniuAK
	testSK = testkit.QiniuSK
)

// t0 is the startAt of the GetStreamLive example.
var t0 = time.Unix(1635162331, 0)

type env struct {
	t   *testing.T
	s   *Server
	clk *testkit.Clock
}

func newEnv(t *testing.T, hubs ...string) *env {
	t.Helper()
	clk := testkit.NewClock(t0)
	if len(hubs) == 0 {
		hubs = []string{"test"}
	}
	return &env{t: t, clk: clk, s: New(Options{AccessKey: testAK, SecretKey: testSK, Hubs: hubs, Now: clk.Now})}
}

type resp struct {
	code int
	body string
}

// do sends a request signed by qiniuauth (the independent client-side
// implementation). Content-Type: application/json for bodies, the
// x-www-form-urlencoded the docs show for GETs otherwise.
func (e *env) do(method, target, body string) resp {
	e.t.Helper()
	ct := ""
	switch {
	case body != "":
		ct = "application/json"
	case method == http.MethodGet:
		ct = "application/x-www-form-urlencoded"
	}
	return e.doCT(method, target, ct, body)
}

// doCT is do with an explicit Content-Type ("" sends none).
func (e *env) doCT(method, target, ct, body string) resp {
	e.t.Helper()
	host := "pili.qiniuapi.com"
	if strings.HasPrefix(target, "/v1/casters") {
		host = "pili-caster.qiniuapi.com"
	}
	return e.raw(method, host, target, ct, body, func(r *http.Request) {
		if _, err := (qiniuauth.Credentials{AccessKey: testAK, SecretKey: testSK}).SignRequest(r); err != nil {
			e.t.Fatal(err)
		}
	})
}

func (e *env) raw(method, host, target, ct, body string, sign func(*http.Request)) resp {
	e.t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Host = host
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if sign != nil {
		sign(req)
	}
	w := httptest.NewRecorder()
	e.s.ServeHTTP(w, req)
	return resp{w.Code, w.Body.String()}
}

func enc(title string) string { return qiniuauth.EncodeStreamTitle(title) }

func expect(t *testing.T, name string, r resp, code int, bodyContains ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("%s: code %d, want %d (body %s)", name, r.code, code, r.body)
		return
	}
	for _, s := range bodyContains {
		if !strings.Contains(r.body, s) {
			t.Errorf("%s: body %s lacks %s", name, r.body, s)
		}
	}
}
