package aiozfake

import (
	"strings"
	"testing"
)

func TestUserMe(t *testing.T) {
	e := newEnv(t, Options{Balance: 12.5})
	r := e.do("GET", "/user/me", nil)
	u := r.data(t)["user"].(map[string]any)
	if u["balance"] != "12.5" || u["debt"] != "0" || u["id"] != UserID || u["email"] == "" {
		t.Fatalf("user %v", u)
	}
	for _, k := range []string{"id", "first_name", "last_name", "email", "wallet_address", "wallet_connection", "balance", "debt",
		"exclusive_code", "media_qualities_config", "last_requested_at", "created_at", "updated_at", "deleted_at"} {
		if _, ok := u[k].(string); !ok {
			t.Errorf("user.%s is not a string: %v", k, u[k])
		}
	}
	e.s.SetBalance(0)
	if u := e.do("GET", "/user/me", nil).data(t)["user"].(map[string]any); u["balance"] != "0" {
		t.Fatalf("balance after SetBalance(0): %v", u["balance"])
	}
	if d := newEnv(t, Options{}).do("GET", "/user/me", nil).data(t)["user"].(map[string]any); d["balance"] != "100" {
		t.Fatalf("default balance %v", d["balance"])
	}
	for _, s := range []string{testPub, testSec} {
		if strings.Contains(string(r.body), s) {
			t.Fatal("user/me echoes a key")
		}
	}
}
