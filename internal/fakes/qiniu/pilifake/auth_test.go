package pilifake

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"testing"
)

func hmacB64(key, data string) string {
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(data))
	return base64.URLEncoding.EncodeToString(m.Sum(nil))
}

func TestSignatureVerification(t *testing.T) {
	setAuth := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", v) }
	}
	signWith := func(ak, sk, data string) func(*http.Request) {
		return setAuth("Qiniu " + ak + ":" + hmacB64(sk, data))
	}
	cases := []struct {
		name                           string
		method, host, target, ct, body string
		sign                           func(*http.Request)
		after                          func(*http.Request) // tamper after signing
		code                           int
	}{
		// The spec's computed vectors (qiniu-pili.md §2.1), header verbatim.
		{"spec vector GET /v2/hubs", "GET", "pili.qiniuapi.com", "/v2/hubs", "application/x-www-form-urlencoded", "",
			setAuth("Qiniu 7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:qatYOhwO4oR_HApstdA6FvPFyrs="), nil, 200},
		{"spec vector GET with query", "GET", "pili.qiniuapi.com", "/v2/hubs/test/streams?limit=10&liveonly=true", "application/x-www-form-urlencoded", "",
			setAuth("Qiniu 7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:NT7MfJWz8ryEu2sO9htzb7WOIHI="), nil, 200},
		{"spec vector POST create stream", "POST", "pili.qiniuapi.com", "/v2/hubs/test/streams", "application/json", `{"key":"testkey"}`,
			setAuth("Qiniu 7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:Y7koizn3NnBFmrQtYbG07-ymAg4="), nil, 200},
		{"spec vector DELETE caster (authenticated, then 404)", "DELETE", "pili-caster.qiniuapi.com", "/v1/casters/abc", "", "",
			setAuth("Qiniu 7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:XYNya755dtxZ3tF4BNtGN9bVGOs="), nil, 404},
		{"no Authorization", "GET", "pili.qiniuapi.com", "/v2/hubs", "", "", nil, nil, 401},
		{"wrong secret", "GET", "pili.qiniuapi.com", "/v2/hubs", "", "",
			signWith(testAK, "wrong", "GET /v2/hubs\nHost: pili.qiniuapi.com\n\n"), nil, 401},
		{"unknown access key", "GET", "pili.qiniuapi.com", "/v2/hubs", "", "",
			signWith("other", testSK, "GET /v2/hubs\nHost: pili.qiniuapi.com\n\n"), nil, 401},
		{"wrong scheme", "GET", "pili.qiniuapi.com", "/v2/hubs", "", "",
			setAuth("QBox " + testAK + ":" + hmacB64(testSK, "GET /v2/hubs\nHost: pili.qiniuapi.com\n\n")), nil, 401},
		{"body changed after signing", "POST", "pili.qiniuapi.com", "/v2/hubs/test/streams", "application/json", `{"key":"testkey"}`,
			setAuth("Qiniu 7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:Y7koizn3NnBFmrQtYbG07-ymAg4="),
			func(r *http.Request) { r.Body = http.NoBody; r.ContentLength = 0 }, 401},
		{"content type sent but not signed", "GET", "pili.qiniuapi.com", "/v2/hubs", "application/x-www-form-urlencoded", "",
			signWith(testAK, testSK, "GET /v2/hubs\nHost: pili.qiniuapi.com\n\n"), nil, 401},
		{"body not signed", "POST", "pili.qiniuapi.com", "/v2/hubs/test/streams", "application/json", `{"key":"testkey"}`,
			signWith(testAK, testSK, "POST /v2/hubs/test/streams\nHost: pili.qiniuapi.com\nContent-Type: application/json\n\n"), nil, 401},
		{"wrong host", "GET", "pili-caster.qiniuapi.com", "/v2/hubs", "application/x-www-form-urlencoded", "",
			setAuth("Qiniu 7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:qatYOhwO4oR_HApstdA6FvPFyrs="), nil, 401},
		{"query not signed", "GET", "pili.qiniuapi.com", "/v2/hubs?x=1", "application/x-www-form-urlencoded", "",
			setAuth("Qiniu 7O7hf7Ld1RrC_fpZdFvU8aCgOPuhw2K4eapYOdII:qatYOhwO4oR_HApstdA6FvPFyrs="), nil, 401},
		{"lower-case method signed", "GET", "pili.qiniuapi.com", "/v2/hubs", "", "",
			signWith(testAK, testSK, "get /v2/hubs\nHost: pili.qiniuapi.com\n\n"), nil, 401},
		{"no space after Qiniu tolerated", "GET", "pili.qiniuapi.com", "/v2/hubs", "", "",
			setAuth("Qiniu" + testAK + ":" + hmacB64(testSK, "GET /v2/hubs\nHost: pili.qiniuapi.com\n\n")), nil, 200},
		{"octet-stream body is not signed", "POST", "pili.qiniuapi.com", "/v2/hubs/test/hlsplus", "application/octet-stream", "xyz",
			signWith(testAK, testSK, "POST /v2/hubs/test/hlsplus\nHost: pili.qiniuapi.com\nContent-Type: application/octet-stream\n\n"), nil, 400},
		{"SDK-style X-Qiniu headers signed", "GET", "pili.qiniuapi.com", "/v2/hubs", "", "",
			func(r *http.Request) {
				r.Header.Set("X-Qiniu-Date", "20211025T120000Z")
				r.Header.Set("X-Qiniu-A", "1")
				r.Header.Set("Authorization", "Qiniu "+testAK+":"+hmacB64(testSK,
					"GET /v2/hubs\nHost: pili.qiniuapi.com\nX-Qiniu-A: 1\nX-Qiniu-Date: 20211025T120000Z\n\n"))
			}, nil, 200},
		{"X-Qiniu headers present but not signed (p056 form) accepted", "GET", "pili.qiniuapi.com", "/v2/hubs", "", "",
			func(r *http.Request) {
				r.Header.Set("X-Qiniu-Date", "20211025T120000Z")
				r.Header.Set("Authorization", "Qiniu "+testAK+":"+hmacB64(testSK, "GET /v2/hubs\nHost: pili.qiniuapi.com\n\n"))
			}, nil, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			sign := c.sign
			if c.after != nil {
				sign = func(r *http.Request) { c.sign(r); c.after(r) }
			}
			r := e.raw(c.method, c.host, c.target, c.ct, c.body, sign)
			if r.code != c.code {
				t.Fatalf("code %d, want %d (%s)", r.code, c.code, r.body)
			}
			if c.code == 401 && r.body != `{"error":"bad token"}` {
				t.Fatalf("401 body %s", r.body)
			}
			if n := len(e.s.Requests()); n != 1 {
				t.Fatalf("recorded %d requests", n)
			}
		})
	}
}

func TestRequestsRecorded(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/v2/hubs/test/streams", `{"key":"abcd"}`)
	e.raw("GET", "pili.qiniuapi.com", "/v2/hubs?x=1", "", "", nil)
	reqs := e.s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/v2/hubs/test/streams" || string(r.Body) != `{"key":"abcd"}` ||
		r.Host != "pili.qiniuapi.com" || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%+v", r)
	}
	if reqs[1].RawQuery != "x=1" {
		t.Fatalf("%+v", reqs[1])
	}
	reqs[0].Body[0] = 'X' // copies
	if e.s.Requests()[0].Body[0] != '{' {
		t.Fatal("Requests returned shared memory")
	}
}
