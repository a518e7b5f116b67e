// Package ossfake is a faithful fake of the Alibaba Cloud OSS operations an
// ICE stream upload uses: PutObject and multipart upload (initiate, upload
// part, list parts, complete, abort), path-style and virtual-hosted. It
// verifies OSS V4 (OSS4-HMAC-SHA256) and V1 (HMAC-SHA1) signatures with its
// own implementation, accepts only the STS credentials minted for one
// object key (the one ICE handed out) and requires their security token,
// returns the CRC64-ECMA headers the SDK checks, and can expire credentials
// on demand. Object bytes are hashed and dropped, never kept, so memory
// stays flat however large the upload.
package ossfake

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ECMA is the CRC64 table OSS uses (x-oss-hash-crc64ecma).
var ECMA = crc64.MakeTable(crc64.ECMA)

// Cred is a minted STS credential scoped to one object.
type Cred struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
	Bucket, Key                                 string
	expired                                     bool
}

// Entry is one request the fake answered.
type Entry struct {
	Op         string // PutObject, InitiateMultipartUpload, UploadPart, ListParts, CompleteMultipartUpload, AbortMultipartUpload
	Key        string
	PartNumber int
	Status     int
	Code       string // OSS error code, "" on success
	CredID     string
	Signature  string // "V4" or "V1"
	Token      bool   // carried x-oss-security-token
}

type part struct {
	size int64
	crc  uint64
	etag string
	at   time.Time
}

type upload struct {
	bucket, key string
	parts       map[int]part
}

// Object is a stored object's metadata (the bytes are not kept).
type Object struct {
	Size  int64
	CRC64 uint64
	ETag  string
}

// Server is the fake. Use New.
type Server struct {
	mu       sync.Mutex
	now      func() time.Time
	creds    map[string]*Cred
	uploads  map[string]*upload
	objects  map[string]Object // bucket/key
	log      []Entry
	partsOK  int
	expireAt int // expire every credential when partsOK reaches it (0: never)
	mux      *http.ServeMux
}

// New returns an empty fake.
func New() *Server {
	s := &Server{now: time.Now, creds: map[string]*Cred{}, uploads: map[string]*upload{}, objects: map[string]Object{}}
	m := http.NewServeMux()
	m.HandleFunc("PUT /{bucket}/{key...}", s.put)
	m.HandleFunc("POST /{bucket}/{key...}", s.post)
	m.HandleFunc("GET /{bucket}/{key...}", s.get)
	m.HandleFunc("DELETE /{bucket}/{key...}", s.delete)
	s.mux = m
	return s
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Mint creates an STS credential that may write bucket/key only.
func (s *Server) Mint(bucket, key string) Cred {
	c := &Cred{AccessKeyID: "STS.fake" + randHex(8), AccessKeySecret: "stssec" + randHex(16),
		SecurityToken: "CAISfake" + randHex(24), Bucket: bucket, Key: key}
	s.mu.Lock()
	s.creds[c.AccessKeyID] = c
	s.mu.Unlock()
	return *c
}

// Minted returns every credential minted so far (for leak tests).
func (s *Server) Minted() []Cred {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Cred, 0, len(s.creds))
	for _, c := range s.creds {
		out = append(out, *c)
	}
	return out
}

// ExpireAll expires every credential minted so far.
func (s *Server) ExpireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.creds {
		c.expired = true
	}
}

// ExpireAfterParts expires every credential minted so far once n more
// UploadPart requests have succeeded (for mid-upload renewal tests).
func (s *Server) ExpireAfterParts(n int) {
	s.mu.Lock()
	s.expireAt = s.partsOK + n
	s.mu.Unlock()
}

// Log returns the requests answered so far.
func (s *Server) Log() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Entry(nil), s.log...)
}

// Object returns a completed object.
func (s *Server) Object(bucket, key string) (Object, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[bucket+"/"+key]
	return o, ok
}

// ServeHTTP routes virtual-hosted requests (<bucket>.<host>) as path style.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	if b, _, ok := strings.Cut(host, "."); ok && !isIP(host) && strings.Count(host, ".") >= 2 {
		r.URL.Path = "/" + b + r.URL.Path
		r.URL.RawPath = ""
	}
	s.mux.ServeHTTP(w, r)
}

func isIP(h string) bool {
	return strings.Trim(h, "0123456789.") == "" || strings.Contains(h, ":")
}

type ossError struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
	EC        string   `xml:"EC"`
}

func (s *Server) fail(w http.ResponseWriter, e *Entry, status int, code, msg string) {
	e.Status, e.Code = status, code
	s.record(*e)
	id := strings.ToUpper(randHex(12))
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-oss-request-id", id)
	w.WriteHeader(status)
	b, _ := xml.Marshal(ossError{Code: code, Message: msg, RequestID: id, HostID: "ossfake", EC: "0002-00000001"})
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

func (s *Server) record(e Entry) {
	s.mu.Lock()
	s.log = append(s.log, e)
	s.mu.Unlock()
}

func (s *Server) ok(w http.ResponseWriter, e *Entry, body any) {
	e.Status = http.StatusOK
	s.record(*e)
	w.Header().Set("x-oss-request-id", strings.ToUpper(randHex(12)))
	if body == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	b, _ := xml.Marshal(body)
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

// authorize checks signature, token, expiry, clock skew and object scope.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, e *Entry) bool {
	bucket, key := r.PathValue("bucket"), r.PathValue("key")
	h := r.Header.Get("Authorization")
	var id, sig string
	var v4 v4Auth
	switch {
	case strings.HasPrefix(h, "OSS4-HMAC-SHA256 "):
		a, ok := parseV4(h)
		if !ok {
			s.fail(w, e, 400, "InvalidArgument", "Authorization header is malformed.")
			return false
		}
		id, sig, v4, e.Signature = a.id, a.signature, a, "V4"
	case strings.HasPrefix(h, "OSS "):
		id, sig, _ = strings.Cut(strings.TrimPrefix(h, "OSS "), ":")
		e.Signature = "V1"
	default:
		s.fail(w, e, 403, "AccessDenied", "Anonymous access is forbidden for this operation.")
		return false
	}
	e.CredID = id
	hdrTok, qTok := r.Header.Get("x-oss-security-token"), r.URL.Query().Get("security-token")
	e.Token = hdrTok != ""
	if hdrTok != "" && qTok != "" {
		s.fail(w, e, 400, "InvalidArgument", "The security token was given both as a header and as a query parameter.")
		return false
	}
	s.mu.Lock()
	c, known := s.creds[id]
	var cred Cred
	if known {
		cred = *c
	}
	s.mu.Unlock()
	if !known {
		s.fail(w, e, 403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.")
		return false
	}
	tok := hdrTok + qTok
	if tok == "" {
		s.fail(w, e, 403, "InvalidAccessKeyId", "An STS AccessKeyId needs its security token (x-oss-security-token).")
		return false
	}
	if tok != cred.SecurityToken {
		s.fail(w, e, 403, "InvalidSecurityToken", "The security token you provided is invalid.")
		return false
	}
	if cred.expired {
		s.fail(w, e, 403, "SecurityTokenExpired", "The security token you provided has expired.")
		return false
	}
	if t, ok := requestTime(r); !ok || s.now().Sub(t).Abs() > 15*time.Minute {
		s.fail(w, e, 403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
		return false
	}
	var want string
	if e.Signature == "V4" {
		if v4.product != "oss" || v4.date != r.Header.Get("x-oss-date")[:min(8, len(r.Header.Get("x-oss-date")))] {
			s.fail(w, e, 403, "SignatureDoesNotMatch", "The credential scope does not match the request date or product.")
			return false
		}
		want = signV4(r, bucket, key, cred.AccessKeySecret, v4)
	} else {
		want = signV1(r, bucket, key, cred.AccessKeySecret)
	}
	if sig != want {
		s.fail(w, e, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return false
	}
	if bucket != cred.Bucket || key != cred.Key {
		s.fail(w, e, 403, "AccessDenied", fmt.Sprintf("This STS credential may only write %s/%s.", cred.Bucket, cred.Key))
		return false
	}
	return true
}

// sink hashes a body without keeping it.
func sink(r io.Reader) (n int64, crc uint64, etag string, err error) {
	h := md5.New()
	c := crc64.New(ECMA)
	n, err = io.Copy(io.MultiWriter(h, c), r)
	return n, c.Sum64(), `"` + strings.ToUpper(hex.EncodeToString(h.Sum(nil))) + `"`, err
}

func setCRC(w http.ResponseWriter, crc uint64) {
	w.Header().Set("x-oss-hash-crc64ecma", strconv.FormatUint(crc, 10))
}
