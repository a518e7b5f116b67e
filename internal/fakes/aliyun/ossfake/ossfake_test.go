package ossfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"hash/crc64"
	"net/http/httptest"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

// The fake's CRC64 (hash/crc64, ECMA table) and combine must equal what
// the SDK computes, or the SDK rejects every upload.
func TestCRC64MatchesSDK(t *testing.T) {
	a, b := make([]byte, 1000), make([]byte, 777)
	rand.Read(a)
	rand.Read(b)
	ca, cb := crc64.Checksum(a, ECMA), crc64.Checksum(b, ECMA)
	h := oss.NewCRC64(0)
	h.Write(a)
	if h.Sum64() != ca {
		t.Fatal("SDK CRC64 differs from hash/crc64 ECMA")
	}
	whole := crc64.Checksum(append(append([]byte{}, a...), b...), ECMA)
	if got := CRC64Combine(ca, cb, int64(len(b))); got != whole || got != oss.CRC64Combine(ca, cb, uint64(len(b))) {
		t.Fatalf("combine %d, want %d", got, whole)
	}
}

func client(url string, c Cred, v1 bool, token bool) *oss.Client {
	tok := c.SecurityToken
	if !token {
		tok = ""
	}
	cfg := oss.NewConfig().WithEndpoint(url).WithRegion("cn-shanghai").
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.AccessKeySecret, tok))
	if v1 {
		cfg = cfg.WithSignatureVersion(oss.SignatureVersionV1)
	}
	return oss.NewClient(cfg)
}

func code(err error) string {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

func TestSignaturesTokenScopeAndExpiry(t *testing.T) {
	s := New()
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := s.Mint("bkt", "stream/a/a.mp4")
	put := func(cl *oss.Client, key string) error {
		_, err := cl.PutObject(context.Background(), &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key), Body: bytes.NewReader([]byte("hello"))})
		return err
	}
	for _, v1 := range []bool{false, true} {
		if err := put(client(srv.URL, c, v1, true), "stream/a/a.mp4"); err != nil {
			t.Fatalf("v1=%v: %v", v1, err)
		}
	}
	if got := code(put(client(srv.URL, c, false, false), "stream/a/a.mp4")); got != "InvalidAccessKeyId" {
		t.Fatalf("no token: %s", got)
	}
	bad := c
	bad.AccessKeySecret = "nope"
	if got := code(put(client(srv.URL, bad, false, true), "stream/a/a.mp4")); got != "SignatureDoesNotMatch" {
		t.Fatalf("bad secret: %s", got)
	}
	if got := code(put(client(srv.URL, bad, true, true), "stream/a/a.mp4")); got != "SignatureDoesNotMatch" {
		t.Fatalf("bad secret v1: %s", got)
	}
	if got := code(put(client(srv.URL, c, false, true), "other.mp4")); got != "AccessDenied" {
		t.Fatalf("other key: %s", got)
	}
	s.ExpireAll()
	if got := code(put(client(srv.URL, c, false, true), "stream/a/a.mp4")); got != "SecurityTokenExpired" {
		t.Fatalf("expired: %s", got)
	}
	if o, ok := s.Object("bkt", "stream/a/a.mp4"); !ok || o.Size != 5 || o.CRC64 != crc64.Checksum([]byte("hello"), ECMA) {
		t.Fatalf("object %+v", o)
	}
}

func TestMultipartListAndAbort(t *testing.T) {
	s := New()
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := s.Mint("bkt", "k.mp4")
	cl := client(srv.URL, c, false, true)
	ctx := context.Background()
	init, err := cl.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 200*1024)
	for n := int32(1); n <= 2; n++ {
		if _, err := cl.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k.mp4"), UploadId: init.UploadId, PartNumber: n, Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	lp, err := cl.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k.mp4"), UploadId: init.UploadId})
	if err != nil || len(lp.Parts) != 2 || lp.Parts[1].HashCRC64 == nil || lp.Parts[1].Size != int64(len(body)) {
		t.Fatalf("list: %+v %v", lp, err)
	}
	if _, err := cl.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k.mp4"), UploadId: init.UploadId}); err != nil {
		t.Fatal(err)
	}
	_, err = cl.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k.mp4"), UploadId: init.UploadId})
	if code(err) != "NoSuchUpload" {
		t.Fatalf("after abort: %v", err)
	}
}
