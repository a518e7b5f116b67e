package icefake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/ossfake"
)

// The worked example of spec §3.2, copied into testdata.
func TestRPCSignatureWorkedExample(t *testing.T) {
	b, err := os.ReadFile("testdata/rpc_v2_example.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex struct {
		Method, Secret, Time string
		Params               map[string]string
		Cases                []struct {
			TimestampParam string `json:"timestamp_param"`
			StringToSign   string `json:"string_to_sign"`
			Signature      string
		}
	}
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	for _, c := range ex.Cases {
		p := url.Values{}
		for k, v := range ex.Params {
			p.Set(k, v)
		}
		p.Set(c.TimestampParam, ex.Time)
		p.Set("Signature", "ignored")
		sts := RPCStringToSign(ex.Method, p)
		if c.StringToSign != "" && sts != c.StringToSign {
			t.Errorf("string to sign\n got %s\nwant %s", sts, c.StringToSign)
		}
		if got := RPCSignature(ex.Secret, sts); got != c.Signature {
			t.Errorf("%s: signature %s, want %s", c.TimestampParam, got, c.Signature)
		}
	}
}

func TestPercentEncode(t *testing.T) {
	if got := PercentEncode("a b*c~d/é"); got != "a%20b%2Ac~d%2F%C3%A9" {
		t.Fatal(got)
	}
}

// signedV2 builds a legacy RPC request signed with secret.
func signedV2(t *testing.T, base, secret, nonce string, at time.Time) *http.Request {
	p := url.Values{"Action": {"CreateUploadStream"}, "Version": {"2020-11-09"}, "Format": {"JSON"}, "AccessKeyId": {"ak-test-1"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {nonce},
		"Timestamp": {at.UTC().Format("2006-01-02T15:04:05Z")}, "FileExtension": {"mp4"}}
	p.Set("Signature", RPCSignature(secret, RPCStringToSign("POST", p)))
	r, err := http.NewRequest("POST", base+"/?"+p.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func code(t *testing.T, r *http.Request) (int, string, map[string]string) {
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m["Code"], m
}

func TestGatewayChecks(t *testing.T) {
	oss := ossfake.New()
	s := New(Options{AccessKeyID: "ak-test-1", AccessKeySecret: "sk-test-1", OSS: oss, OSSEndpoint: "http://127.0.0.1:9"})
	srv := httptest.NewServer(s)
	defer srv.Close()
	now := time.Now()
	if st, c, m := code(t, signedV2(t, srv.URL, "sk-test-1", "n1", now)); st != 200 || c != "" || m["UploadAuth"] == "" || m["MediaId"] == "" {
		t.Fatalf("valid request: %d %s %v", st, c, m)
	}
	if _, c, _ := code(t, signedV2(t, srv.URL, "sk-test-1", "n1", now)); c != "SignatureNonceUsed" {
		t.Fatalf("nonce reuse: %s", c)
	}
	if _, c, m := code(t, signedV2(t, srv.URL, "wrong", "n2", now)); c != "SignatureDoesNotMatch" || !strings.Contains(m["Message"], "string to sign") {
		t.Fatalf("bad secret: %s %v", c, m)
	}
	if _, c, _ := code(t, signedV2(t, srv.URL, "sk-test-1", "n3", now.Add(-16*time.Minute))); c != "InvalidTimeStamp.Expired" {
		t.Fatalf("skew: %s", c)
	}
	r := signedV2(t, srv.URL, "sk-test-1", "n4", now)
	q := r.URL.Query()
	q.Set("AccessKeyId", "nobody")
	r.URL.RawQuery = q.Encode()
	if st, c, _ := code(t, r); c != "InvalidAccessKeyId.NotFound" || st != 404 {
		t.Fatalf("unknown key: %d %s", st, c)
	}
	r = signedV2(t, srv.URL, "sk-test-1", "n5", now)
	q = r.URL.Query()
	q.Set("MediaId", "does-not-exist")
	q.Set("Signature", "")
	q.Set("Signature", RPCSignature("sk-test-1", RPCStringToSign("POST", q)))
	r.URL.RawQuery = q.Encode()
	if _, c, _ := code(t, r); c != "InvalidParameter.MediaId" {
		t.Fatalf("unknown media: %s", c)
	}
}
