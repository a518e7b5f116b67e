package iceapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mcp-media/mcp-media/internal/redact"
)

type example struct {
	AddressJSON string `json:"address_json"`
	AuthJSON    string `json:"auth_json"`
	SeedAddress string `json:"seed_upload_address"`
	SeedAuth    string `json:"seed_upload_auth"`
}

func loadExample(t *testing.T) example {
	b, err := os.ReadFile("testdata/upload_stream.json")
	if err != nil {
		t.Fatal(err)
	}
	var e example
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestDecodeAddressAndAuth(t *testing.T) {
	e := loadExample(t)
	a, err := DecodeAddress(b64(e.AddressJSON))
	if err != nil {
		t.Fatal(err)
	}
	if a != (Address{Endpoint: "https://oss-cn-shanghai.aliyuncs.com", Bucket: "outin-xxx", FileName: "stream/48555e8b-181dd5a8c07/48555e8b-181dd5a8c07.mp4"}) {
		t.Fatalf("%+v", a)
	}
	set := &redact.Set{}
	au, err := DecodeAuth(b64(e.AuthJSON), set)
	if err != nil {
		t.Fatal(err)
	}
	if au.AccessKeyID != "STS.NTestKeyId" || au.AccessKeySecret != "tmp-secret-abcdef" || au.SecurityToken != "CAIStesttoken123456" || au.Expiration != "3600" {
		t.Fatal("auth fields not decoded")
	}
	for _, s := range []string{au.AccessKeyID, au.AccessKeySecret, au.SecurityToken} {
		if set.String("x "+s+" y") == "x "+s+" y" {
			t.Fatalf("%q not registered for redaction", s)
		}
	}
	if p := fmt.Sprintf("%v %+v %#v", au, au, au); strings.Contains(p, "tmp-secret") || strings.Contains(p, "CAIS") {
		t.Fatalf("Auth prints its secret: %s", p)
	}
	// Unpadded and scheme-less forms are accepted.
	a, err = DecodeAddress(base64.RawStdEncoding.EncodeToString([]byte(`{"Endpoint":"oss-cn-beijing.aliyuncs.com","Bucket":"b","FileName":"k"}`)))
	if err != nil || a.Endpoint != "https://oss-cn-beijing.aliyuncs.com" {
		t.Fatalf("%+v %v", a, err)
	}
}

func TestDecodeErrorsAreClearNotPanics(t *testing.T) {
	e := loadExample(t)
	cases := map[string]string{
		"":                                  "empty",
		"%%%":                               "not Base64",
		b64("[1,2]"):                        "not a JSON object",
		b64(`{"Endpoint":"x","Bucket":""}`): "no Bucket, FileName",
		e.SeedAddress:                       "not Base64", // the seed's masked example
	}
	for in, want := range cases {
		_, err := DecodeAddress(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodeAddress(%q) = %v, want %q", in, err, want)
		}
	}
	_, err := DecodeAuth(b64(`{"AccessKeyId":"STS.x","AccessKeySecret":"hush-hush-secret"}`), &redact.Set{})
	if err == nil || !strings.Contains(err.Error(), "no SecurityToken") || strings.Contains(err.Error(), "hush-hush") {
		t.Fatalf("got %v", err)
	}
}

func TestRegionRule(t *testing.T) {
	for _, r := range []string{"cn-shanghai", "cn-beijing", "cn-shenzhen"} {
		if err := CheckRegion(r); err != nil {
			t.Errorf("%s refused: %v", r, err)
		}
	}
	for _, r := range []string{"cn-hangzhou", "ap-southeast-1", "us-west-1", ""} {
		err := CheckRegion(r)
		var re *RegionError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "cn-shanghai, cn-beijing, cn-shenzhen") {
			t.Errorf("%q: %v", r, err)
		}
	}
	// New refuses before any request: the endpoint does not even exist.
	_, err := New(Config{Endpoint: "http://127.0.0.1:1", Region: "cn-hangzhou", AccessKeyID: "id-123456", AccessKeySecret: "secret-123456"})
	var re *RegionError
	if !errors.As(err, &re) {
		t.Fatalf("got %v", err)
	}
}

func TestOSSRegionAndPathStyle(t *testing.T) {
	for in, want := range map[string]string{
		"https://oss-cn-shanghai.aliyuncs.com":         "cn-shanghai",
		"https://oss-cn-beijing-internal.aliyuncs.com": "cn-beijing",
		"https://outin-1.oss-cn-shenzhen.aliyuncs.com": "cn-shenzhen",
		"http://127.0.0.1:9000":                        "fallback",
	} {
		if got := OSSRegion(in, "", "fallback"); got != want {
			t.Errorf("OSSRegion(%s) = %s, want %s", in, got, want)
		}
	}
	if OSSRegion("http://127.0.0.1:9", "cn-beijing", "x") != "cn-beijing" {
		t.Error("auth Region not used")
	}
	if !needsPathStyle("http://localhost:9000") || !needsPathStyle("http://10.0.0.1") || needsPathStyle("https://oss-cn-shanghai.aliyuncs.com") {
		t.Error("path style rule")
	}
}

func TestEndpointFollowsRegion(t *testing.T) {
	c, err := New(Config{Endpoint: "https://ice.{region_id}.aliyuncs.com", Region: "cn-beijing", AccessKeyID: "id-123456", AccessKeySecret: "secret-123456"})
	if err != nil || c.Endpoint() != "https://ice.cn-beijing.aliyuncs.com" {
		t.Fatalf("%v %v", c, err)
	}
}

// DEBUG=dara,tea would make the SDK print every header (Authorization, the
// security token) to stdout; sdkquiet strips it before the SDK initialises.
// The child process starts with DEBUG set and proves the SDK stayed silent.
func TestSDKDebugIsNeutralised(t *testing.T) {
	if os.Getenv("ICEAPI_DEBUG_CHILD") == "1" {
		r := newRig(t, icefakeOptions())
		path, _ := mediaFile(t, r.dir, 200*1024)
		if _, err := (&Upload{Path: path, CheckpointDir: t.TempDir()}).Run(bg, r.client(t, testSecret, false)); err != nil {
			t.Fatal(err)
		}
		fmt.Println("DEBUG-now=" + os.Getenv("DEBUG"))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSDKDebugIsNeutralised$", "-test.v")
	cmd.Env = append(os.Environ(), "ICEAPI_DEBUG_CHILD=1", "DEBUG=dara,tea,credential,other", "OSS_SDK_LOG_LEVEL=debug")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	s := string(out)
	if !strings.Contains(s, "DEBUG-now=other") {
		t.Fatalf("DEBUG not stripped:\n%s", s)
	}
	for _, leak := range []string{"Authorization", "authorization", "x-acs-", "x-oss-security-token", testSecret, "> POST"} {
		if strings.Contains(s, leak) {
			t.Fatalf("SDK debug output leaked %q:\n%s", leak, s)
		}
	}
}
