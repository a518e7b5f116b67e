package qiniuauth

import (
	"encoding/base64"
	"strings"
)

// EncodeStreamTitle encodes a raw stream title for use in a Pili API path
// (pili spec §5): URL-safe base64 with '=' padding kept, e.g.
// "carter2000" → "Y2FydGVyMjAwMA==".
func EncodeStreamTitle(title string) string {
	return base64.URLEncoding.EncodeToString([]byte(title))
}

// DecodeStreamTitle reverses EncodeStreamTitle. It tolerates missing padding
// and the standard ('+', '/') alphabet.
func DecodeStreamTitle(enc string) (string, error) {
	s := strings.NewReplacer("+", "-", "/", "_").Replace(strings.TrimRight(enc, "="))
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
