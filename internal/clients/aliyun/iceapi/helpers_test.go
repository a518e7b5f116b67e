package iceapi

import (
	"context"
	"crypto/rand"
	"hash/crc64"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/icefake"
	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/ossfake"
	"github.com/mcp-media/mcp-media/internal/redact"
)

const (
	testAK     = "LTAI5tTestAccessKeyID"
	testSecret = "acct-secret-0123456789abcdef"
)

type rig struct {
	ice    *icefake.Server
	oss    *ossfake.Server
	iceURL string
	red    *redact.Set
	dir    string
}

func newRig(t *testing.T, o icefake.Options) *rig {
	t.Helper()
	r := &rig{oss: ossfake.New(), red: &redact.Set{}, dir: t.TempDir()}
	os := httptest.NewServer(r.oss)
	t.Cleanup(os.Close)
	o.AccessKeyID, o.AccessKeySecret, o.OSS, o.OSSEndpoint = testAK, testSecret, r.oss, os.URL
	if o.AccessKeyID == "" {
		o.AccessKeyID = testAK
	}
	r.ice = icefake.New(o)
	is := httptest.NewServer(r.ice)
	t.Cleanup(is.Close)
	r.iceURL = is.URL
	return r
}

func (r *rig) client(t *testing.T, secret string, v2 bool) *Client {
	t.Helper()
	c, err := New(Config{Endpoint: r.iceURL, Region: "cn-shanghai", AccessKeyID: testAK, AccessKeySecret: secret, SignatureV2: v2, Redact: r.red})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mediaFile writes n random bytes behind an MP4 ftyp header and returns
// its path and CRC64-ECMA.
func mediaFile(t testing.TB, dir string, n int64) (string, uint64) {
	t.Helper()
	p := filepath.Join(dir, "clip.mp4")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := crc64.New(crc64.MakeTable(crc64.ECMA))
	w := io.MultiWriter(f, h)
	head := []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
	if _, err := w.Write(head); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(w, rand.Reader, n-int64(len(head))); err != nil {
		t.Fatal(err)
	}
	return p, h.Sum64()
}

func ops(log []ossfake.Entry) map[string]int {
	m := map[string]int{}
	for _, e := range log {
		if e.Code == "" {
			m[e.Op]++
		}
	}
	return m
}

var bg = context.Background()

func icefakeOptions() icefake.Options { return icefake.Options{} }
