package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

func TestStringMasksSecretsAndEncodings(t *testing.T) {
	var s Set
	secret := "s3cr3t/key+value=="
	s.Add(secret, "short")
	for _, in := range []string{
		"key " + secret + " end",
		"q=" + url.QueryEscape(secret),
		"b64 " + base64.StdEncoding.EncodeToString([]byte(secret)),
		"b64url " + base64.RawURLEncoding.EncodeToString([]byte(secret)),
	} {
		out := s.String(in)
		if strings.Contains(out, secret) || !strings.Contains(out, Mask) {
			t.Errorf("%q → %q", in, out)
		}
	}
	if got := s.String("a short word"); got != "a short word" {
		t.Errorf("values under six bytes must not be masked: %q", got)
	}
	if !s.Contains("x"+secret) || s.Contains("nothing here") {
		t.Error("Contains is wrong")
	}
}

func TestLongestSecretMaskedWhole(t *testing.T) {
	var s Set
	s.Add("abcdefgh", "abcdefgh-ijklmnop")
	if got := s.String("abcdefgh-ijklmnop"); got != Mask {
		t.Errorf("got %q", got)
	}
}

func TestErrorKeepsChain(t *testing.T) {
	var s Set
	s.Add("topsecret-1")
	base := errors.New("failed with topsecret-1")
	err := s.Error(base)
	if strings.Contains(err.Error(), "topsecret-1") || !errors.Is(err, base) {
		t.Errorf("got %v", err)
	}
}

func TestHandlerScrubsLogs(t *testing.T) {
	var s Set
	s.Add("topsecret-2")
	var buf bytes.Buffer
	log := slog.New(NewHandler(&s, slog.NewTextHandler(&buf, nil)))
	log.With("k", "topsecret-2").Info("msg topsecret-2", "attr", "x topsecret-2", "err", errors.New("e topsecret-2"), slog.Group("g", "v", "topsecret-2"))
	if strings.Contains(buf.String(), "topsecret-2") {
		t.Errorf("log leaked: %s", buf.String())
	}
}

// A signature attached to a masked key goes with it, whatever the request
// was: per-request signatures are never registered one by one.
func TestSignatureAfterMaskedKeyIsMasked(t *testing.T) {
	var s Set
	s.Add("AKexample123")
	for _, in := range []string{
		"Authorization: Qiniu AKexample123:5-rq3m8RlNH0vKXbkz3Tz9gjx9w=",
		"wss://host/asr?e=1700000000&token=AKexample123:abcDEF_-09xyz=",
	} {
		out := s.String(in)
		if strings.Contains(out, "AKexample123") || strings.Contains(out, "5-rq3m8R") || strings.Contains(out, "abcDEF") {
			t.Errorf("%q → %q", in, out)
		}
	}
	if got := s.String("time 10:30 and ratio a:b"); got != "time 10:30 and ratio a:b" {
		t.Errorf("ordinary colons changed: %q", got)
	}
}

// The set stays the same size however many requests are signed.
func BenchmarkString(b *testing.B) {
	var s Set
	s.Add("AKexample123", "SKexample456")
	text := strings.Repeat("some provider answer with AKexample123:sig= in it ", 50)
	for i := 0; i < b.N; i++ {
		s.String(text)
	}
}

func TestURLDropsQueryAndUserInfo(t *testing.T) {
	for in, want := range map[string]string{
		"https://bucket.example.com/a.mp3?e=1700000000&token=AK:sig": "https://bucket.example.com/a.mp3?…",
		"rtmp://user:pass@push.example.com/hub/s?key=secret":         "rtmp://push.example.com/hub/s?…",
		"https://example.com/plain.wav":                              "https://example.com/plain.wav",
		"/local/file.wav":                                            "/local/file.wav",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

// An identifier stays; a signature attached to it is masked unless it was
// delivered on purpose; registered secrets are masked as before.
func TestIdentifiers(t *testing.T) {
	s := &Set{}
	s.Add("the-secret-key")
	s.AddIdentifier("AKIDENTIFIER01")
	in := "id AKIDENTIFIER01 auth Qiniu AKIDENTIFIER01:c2lnbmF0dXJl push rtmp://d/h/s?e=1&token=AKIDENTIFIER01:ZGVsaXZlcmVk sk the-secret-key"
	want := "id AKIDENTIFIER01 auth Qiniu AKIDENTIFIER01:" + Mask + " push rtmp://d/h/s?e=1&token=AKIDENTIFIER01:" + Mask + " sk " + Mask
	if got := s.String(in); got != want {
		t.Errorf("before Deliver:\n got %s\nwant %s", got, want)
	}
	s.Deliver("AKIDENTIFIER01:ZGVsaXZlcmVk")
	want = "id AKIDENTIFIER01 auth Qiniu AKIDENTIFIER01:" + Mask + " push rtmp://d/h/s?e=1&token=AKIDENTIFIER01:ZGVsaXZlcmVk sk " + Mask
	if got := s.String(in); got != want {
		t.Errorf("after Deliver:\n got %s\nwant %s", got, want)
	}
	if s.Contains("AKIDENTIFIER01") {
		t.Error("an identifier counts as a secret")
	}
}

func TestHexAndPairForms(t *testing.T) {
	s := &Set{}
	s.Add("SuperSecretKey42")
	raw := []byte("SuperSecretKey42")
	for _, leak := range []string{
		hex.EncodeToString(raw),
		strings.ToUpper(hex.EncodeToString(raw)),
		base64.StdEncoding.EncodeToString([]byte("public-id:SuperSecretKey42")),
		base64.RawURLEncoding.EncodeToString([]byte("x:SuperSecretKey42")),
		"Basic " + base64.StdEncoding.EncodeToString([]byte("ab:SuperSecretKey42")),
	} {
		if got := s.String("auth " + leak + " end"); strings.Contains(got, strings.TrimPrefix(leak, "Basic ")) {
			t.Errorf("%q not masked: %q", leak, got)
		}
	}
	if got := s.String("plain words and aGVsbG8gd29ybGQ="); got != "plain words and aGVsbG8gd29ybGQ=" {
		t.Errorf("unrelated base64 masked: %q", got)
	}
}

// A result full of base64-looking runs (ids, words of eight letters or
// more): the cost of encodedPairs' decoding.
func BenchmarkStringBase64Runs(b *testing.B) {
	var s Set
	s.Add("AKexample123", "SKexample456")
	text := strings.Repeat(`{"media_id":"c2f3a1b0d4e5f6a7b8c9","file_url":"https://bucket.oss-cn-shanghai.aliyuncs.com/sv/4a5b6c7d-18f2/stream_HD.mp4","description":"uploaded","token":"dGhpcyBpcyBub3QgYSBzZWNyZXQ="} `, 20)
	for i := 0; i < b.N; i++ {
		s.String(text)
	}
}
