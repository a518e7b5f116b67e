// Package icefake is a faithful fake of Alibaba Cloud ICE's
// CreateUploadStream (API 2020-11-09, RPC style). It verifies V3
// (ACS3-HMAC-SHA256) and legacy V2 (HMAC-SHA1, SignatureVersion=1.0)
// signatures with its own implementation (sign.go), refuses clock skew over
// 15 minutes and reused nonces, answers the documented shapes and gateway
// error codes (with the server string-to-sign in SignatureDoesNotMatch's
// message, as the real service does), and mints one STS credential per
// upload on an ossfake server, scoped to the object key it hands out.
package icefake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mcp-media/mcp-media/internal/fakes/aliyun/ossfake"
)

// Options configure the fake.
type Options struct {
	AccessKeyID, AccessKeySecret string
	Region                       string // default cn-shanghai
	OSS                          *ossfake.Server
	OSSEndpoint                  string // where OSS is served, e.g. http://127.0.0.1:port
	Bucket                       string // default outin-sandbox
	// NewFileNameOnRenew gives every CreateUploadStream a fresh FileName,
	// even for a MediaId that already has one.
	NewFileNameOnRenew bool
}

// Call is one answered request.
type Call struct {
	Action    string
	Signature string // "V3" or "V2"
	Code      string // "" on success
	MediaID   string
	Query     url.Values
}

// Server is the fake.
type Server struct {
	opts   Options
	mu     sync.Mutex
	now    func() time.Time
	nonces map[string]time.Time
	media  map[string]string // media id → file name
	calls  []Call
	mux    *http.ServeMux
}

// Regions with CreateUploadStream.
var regions = map[string]bool{"cn-shanghai": true, "cn-beijing": true, "cn-shenzhen": true}

// New returns a fake.
func New(o Options) *Server {
	if o.Region == "" {
		o.Region = "cn-shanghai"
	}
	if o.Bucket == "" {
		o.Bucket = "outin-sandbox"
	}
	s := &Server{opts: o, now: time.Now, nonces: map[string]time.Time{}, media: map[string]string{}}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /{$}", s.rpc)
	s.mux.HandleFunc("GET /{$}", s.rpc)
	return s
}

// SetClock replaces the fake's clock (for skew tests).
func (s *Server) SetClock(now func() time.Time) { s.mu.Lock(); s.now = now; s.mu.Unlock() }

// AddMedia registers an existing media asset.
func (s *Server) AddMedia(id string) { s.mu.Lock(); s.media[id] = ""; s.mu.Unlock() }

// Calls returns the requests answered so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func requestID() string {
	h := strings.ToUpper(randHex(16))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Server) fail(w http.ResponseWriter, c Call, status int, code, msg string) {
	c.Code = code
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	id := requestID()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"RequestId": id, "HostId": "ice." + s.opts.Region + ".aliyuncs.com",
		"Code": code, "Message": msg,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + code + "&product=ICE&requestId=" + id})
}

// useNonce records a nonce; false when it was seen in the last 15 minutes.
func (s *Server) useNonce(n string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for k, t := range s.nonces {
		if now.Sub(t) > 15*time.Minute {
			delete(s.nonces, k)
		}
	}
	if _, seen := s.nonces[n]; seen {
		return false
	}
	s.nonces[n] = now
	return true
}

func (s *Server) clockOK(ts string) (bool, bool) {
	t, err := time.Parse("2006-01-02T15:04:05Z", ts)
	if err != nil {
		return false, false
	}
	s.mu.Lock()
	now := s.now()
	s.mu.Unlock()
	return true, now.Sub(t).Abs() <= 15*time.Minute
}

// authenticate checks V3 or V2 and returns the merged parameters.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, c *Call) (url.Values, bool) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, *c, 400, "InvalidParameter", "The query string is malformed.")
		return nil, false
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "ACS3-HMAC-SHA256 ") {
		c.Signature, c.Action = "V3", r.Header.Get("x-acs-action")
		a, ok := parseV3(auth)
		if !ok {
			s.fail(w, *c, 400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.")
			return nil, false
		}
		for _, must := range []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"} {
			if !contains(a.signed, must) {
				s.fail(w, *c, 400, "IncompleteSignature", "SignedHeaders must include "+must+".")
				return nil, false
			}
		}
		sum := sha256.Sum256(body)
		if r.Header.Get("x-acs-content-sha256") != hex.EncodeToString(sum[:]) {
			s.fail(w, *c, 400, "IncompleteSignature", "x-acs-content-sha256 does not match the request body.")
			return nil, false
		}
		if valid, fresh := s.clockOK(r.Header.Get("x-acs-date")); !valid {
			s.fail(w, *c, 400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
			return nil, false
		} else if !fresh {
			s.fail(w, *c, 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
			return nil, false
		}
		if a.id != s.opts.AccessKeyID {
			s.fail(w, *c, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
			return nil, false
		}
		sts := V3StringToSign(r, query, a.signed, r.Header.Get("x-acs-content-sha256"))
		if V3Signature(s.opts.AccessKeySecret, sts) != a.signature {
			s.fail(w, *c, 400, "SignatureDoesNotMatch", "Specified signature does not match our calculation. Server string to sign is:"+sts)
			return nil, false
		}
		if !s.useNonce(r.Header.Get("x-acs-signature-nonce")) {
			s.fail(w, *c, 400, "SignatureNonceUsed", "Specified signature nonce was used already.")
			return nil, false
		}
		if r.Header.Get("x-acs-version") != "2020-11-09" {
			s.fail(w, *c, 400, "InvalidVersion", "Specified parameter Version is not valid.")
			return nil, false
		}
		return query, true
	}
	// Legacy RPC: parameters in the query and, for a form body, the body.
	params := query
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				params[k] = append(params[k], v...)
			}
		}
	}
	c.Signature, c.Action = "V2", params.Get("Action")
	if params.Get("Signature") == "" || params.Get("SignatureVersion") != "1.0" || params.Get("SignatureMethod") != "HMAC-SHA1" {
		s.fail(w, *c, 400, "MissingParameter", "The request needs Signature, SignatureMethod=HMAC-SHA1 and SignatureVersion=1.0 (or a V3 Authorization header).")
		return nil, false
	}
	if valid, fresh := s.clockOK(params.Get("Timestamp")); !valid {
		s.fail(w, *c, 400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
		return nil, false
	} else if !fresh {
		s.fail(w, *c, 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
		return nil, false
	}
	if params.Get("AccessKeyId") != s.opts.AccessKeyID {
		s.fail(w, *c, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
		return nil, false
	}
	sts := RPCStringToSign(r.Method, params)
	if RPCSignature(s.opts.AccessKeySecret, sts) != params.Get("Signature") {
		s.fail(w, *c, 400, "SignatureDoesNotMatch", "Specified signature does not match our calculation. Server string to sign is:"+sts)
		return nil, false
	}
	if !s.useNonce(params.Get("SignatureNonce")) {
		s.fail(w, *c, 400, "SignatureNonceUsed", "Specified signature nonce was used already.")
		return nil, false
	}
	return params, true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

var definitions = map[string]bool{"FD": true, "LD": true, "SD": true, "HD": true, "OD": true, "2K": true, "4K": true, "SQ": true, "HQ": true}
var hdrTypes = map[string]bool{"hdr": true, "hdr10": true, "hlg": true, "dolbyvision": true, "hdrvivid": true, "sdr+": true}

func (s *Server) rpc(w http.ResponseWriter, r *http.Request) {
	c := Call{}
	p, ok := s.authenticate(w, r, &c)
	if !ok {
		return
	}
	c.Query = p
	if c.Action != "CreateUploadStream" {
		s.fail(w, c, 404, "InvalidApi.NotFound", fmt.Sprintf("Specified api %s is not found (this fake serves CreateUploadStream).", c.Action))
		return
	}
	if !regions[s.opts.Region] { // fake-only code (spec §1.2: unknown)
		s.fail(w, c, 403, "Forbidden.Region", "CreateUploadStream is available only in cn-shanghai, cn-beijing and cn-shenzhen.")
		return
	}
	def, hdr, ud, ext := p.Get("Definition"), p.Get("HDRType"), p.Get("UserData"), strings.ToLower(p.Get("FileExtension"))
	if def != "" && !definitions[def] {
		s.fail(w, c, 400, "InvalidParameter", "Specified parameter Definition is not valid.")
		return
	}
	if hdr != "" && !hdrTypes[strings.ToLower(hdr)] {
		s.fail(w, c, 400, "InvalidParameter", "Specified parameter HDRType is not valid.")
		return
	}
	if ud != "" && !json.Valid([]byte(ud)) {
		s.fail(w, c, 400, "InvalidParameter", "Specified parameter UserData is not valid JSON.")
		return
	}
	if ext == "" {
		ext = "mp4"
	}
	mediaID := p.Get("MediaId")
	c.MediaID = mediaID
	s.mu.Lock()
	fileName, known := s.media[mediaID]
	if mediaID != "" && !known {
		s.mu.Unlock()
		s.fail(w, c, 404, "InvalidParameter.MediaId", "The specified MediaId does not exist (fake-only code).")
		return
	}
	if mediaID == "" {
		mediaID = randHex(16)
		c.MediaID = mediaID
	}
	if fileName == "" || s.opts.NewFileNameOnRenew || !strings.HasSuffix(fileName, "."+ext) {
		id := randHex(4) + "-" + randHex(5)
		fileName = "stream/" + id + "/" + id + "." + ext
	}
	s.media[mediaID] = fileName
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	cred := s.opts.OSS.Mint(s.opts.Bucket, fileName)
	addr, _ := json.Marshal(map[string]string{"Endpoint": s.opts.OSSEndpoint, "Bucket": s.opts.Bucket, "FileName": fileName})
	auth, _ := json.Marshal(map[string]string{"AccessKeyId": cred.AccessKeyID, "AccessKeySecret": cred.AccessKeySecret,
		"SecurityToken": cred.SecurityToken, "Expiration": "3000", "Region": s.opts.Region})
	u, _ := url.Parse(s.opts.OSSEndpoint)
	fileURL := "http://" + s.opts.Bucket + ".oss-" + s.opts.Region + ".aliyuncs.com/" + fileName
	if u != nil && u.Host != "" {
		fileURL = u.Scheme + "://" + u.Host + "/" + s.opts.Bucket + "/" + fileName
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]string{"RequestId": requestID(), "MediaId": mediaID, "FileURL": fileURL,
		"UploadAddress": base64.StdEncoding.EncodeToString(addr), "UploadAuth": base64.StdEncoding.EncodeToString(auth)})
}
