package redact

import (
	"bytes"
	"encoding/base64"
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
