package mcpserver

import "strings"

// bearerToken returns the credentials of an Authorization header that uses
// the Bearer scheme (the scheme is case-insensitive, RFC 9110 §11.1), and
// false for any other scheme or a missing token.
func bearerToken(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
