package ossfake

import (
	"encoding/xml"
	"hash/crc64"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"
)

func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e := &Entry{Op: "PutObject", Key: r.PathValue("key")}
	if q.Has("uploadId") || q.Has("partNumber") {
		e.Op = "UploadPart"
	}
	if !s.authorize(w, r, e) {
		return
	}
	if e.Op == "PutObject" {
		n, crc, etag, err := sink(r.Body)
		if err != nil {
			s.fail(w, e, 400, "IncompleteBody", "The request body ended early.")
			return
		}
		s.mu.Lock()
		s.objects[r.PathValue("bucket")+"/"+e.Key] = Object{Size: n, CRC64: crc, ETag: etag}
		s.mu.Unlock()
		w.Header().Set("ETag", etag)
		setCRC(w, crc)
		s.ok(w, e, nil)
		return
	}
	num, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || num < 1 || num > 10000 {
		s.fail(w, e, 400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.")
		return
	}
	e.PartNumber = num
	up := s.findUpload(w, r, e)
	if up == nil {
		return
	}
	n, crc, etag, err := sink(r.Body)
	if err != nil {
		s.fail(w, e, 400, "IncompleteBody", "The request body ended early.")
		return
	}
	s.mu.Lock()
	up.parts[num] = part{size: n, crc: crc, etag: etag, at: s.now()}
	s.partsOK++
	if s.expireAt > 0 && s.partsOK >= s.expireAt {
		s.expireAt = 0
		for _, c := range s.creds {
			c.expired = true
		}
	}
	s.mu.Unlock()
	w.Header().Set("ETag", etag)
	setCRC(w, crc)
	s.ok(w, e, nil)
}

// findUpload resolves ?uploadId for this bucket and key.
func (s *Server) findUpload(w http.ResponseWriter, r *http.Request, e *Entry) *upload {
	s.mu.Lock()
	up, ok := s.uploads[r.URL.Query().Get("uploadId")]
	s.mu.Unlock()
	if !ok || up.bucket != r.PathValue("bucket") || up.key != r.PathValue("key") {
		s.fail(w, e, 404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
		return nil
	}
	return up
}

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

type completeBody struct {
	Parts []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeResult struct {
	XMLName xml.Name `xml:"CompleteMultipartUploadResult"`
	Bucket  string   `xml:"Bucket"`
	Key     string   `xml:"Key"`
	ETag    string   `xml:"ETag"`
}

func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bucket, key := r.PathValue("bucket"), r.PathValue("key")
	switch {
	case q.Has("uploads"):
		e := &Entry{Op: "InitiateMultipartUpload", Key: key}
		if !s.authorize(w, r, e) {
			return
		}
		id := randHex(16)
		s.mu.Lock()
		s.uploads[id] = &upload{bucket: bucket, key: key, parts: map[int]part{}}
		s.mu.Unlock()
		s.ok(w, e, initiateResult{Bucket: bucket, Key: key, UploadID: id})
	case q.Has("uploadId"):
		e := &Entry{Op: "CompleteMultipartUpload", Key: key}
		if !s.authorize(w, r, e) {
			return
		}
		up := s.findUpload(w, r, e)
		if up == nil {
			return
		}
		var body completeBody
		if err := xml.NewDecoder(io.LimitReader(r.Body, 4<<20)).Decode(&body); err != nil || len(body.Parts) == 0 {
			s.fail(w, e, 400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
			return
		}
		s.mu.Lock()
		var size int64
		var crc uint64
		prev := 0
		for i, p := range body.Parts {
			got, ok := up.parts[p.PartNumber]
			if !ok || got.etag != p.ETag {
				s.mu.Unlock()
				s.fail(w, e, 400, "InvalidPart", "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.")
				return
			}
			if p.PartNumber <= prev {
				s.mu.Unlock()
				s.fail(w, e, 400, "InvalidPartOrder", "The list of parts was not in ascending order.")
				return
			}
			if i < len(body.Parts)-1 && got.size < 100*1024 {
				s.mu.Unlock()
				s.fail(w, e, 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size (100 KB per part but the last).")
				return
			}
			prev = p.PartNumber
			crc = CRC64Combine(crc, got.crc, got.size)
			size += got.size
		}
		etag := `"` + randHex(16) + `-` + strconv.Itoa(len(body.Parts)) + `"`
		s.objects[bucket+"/"+key] = Object{Size: size, CRC64: crc, ETag: etag}
		delete(s.uploads, q.Get("uploadId"))
		s.mu.Unlock()
		setCRC(w, crc)
		s.ok(w, e, completeResult{Bucket: bucket, Key: key, ETag: etag})
	default:
		s.fail(w, &Entry{Op: "POST", Key: key}, 400, "InvalidArgument", "This fake serves POST ?uploads and POST ?uploadId only.")
	}
}

type listPart struct {
	PartNumber    int    `xml:"PartNumber"`
	LastModified  string `xml:"LastModified"`
	ETag          string `xml:"ETag"`
	HashCrc64ecma string `xml:"HashCrc64ecma"`
	Size          int64  `xml:"Size"`
}

type listPartsResult struct {
	XMLName              xml.Name   `xml:"ListPartsResult"`
	Bucket               string     `xml:"Bucket"`
	Key                  string     `xml:"Key"`
	UploadID             string     `xml:"UploadId"`
	PartNumberMarker     int        `xml:"PartNumberMarker"`
	NextPartNumberMarker int        `xml:"NextPartNumberMarker"`
	MaxParts             int        `xml:"MaxParts"`
	IsTruncated          bool       `xml:"IsTruncated"`
	Parts                []listPart `xml:"Part"`
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	e := &Entry{Op: "ListParts", Key: r.PathValue("key")}
	if !r.URL.Query().Has("uploadId") {
		s.fail(w, &Entry{Op: "GetObject", Key: e.Key}, 403, "AccessDenied", "An upload credential cannot read objects.")
		return
	}
	if !s.authorize(w, r, e) {
		return
	}
	up := s.findUpload(w, r, e)
	if up == nil {
		return
	}
	marker, _ := strconv.Atoi(r.URL.Query().Get("part-number-marker"))
	maxParts := 1000
	if v, err := strconv.Atoi(r.URL.Query().Get("max-parts")); err == nil && v > 0 && v < maxParts {
		maxParts = v
	}
	res := listPartsResult{Bucket: up.bucket, Key: up.key, UploadID: r.URL.Query().Get("uploadId"), PartNumberMarker: marker, MaxParts: maxParts}
	s.mu.Lock()
	nums := make([]int, 0, len(up.parts))
	for n := range up.parts {
		if n > marker {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	if len(nums) > maxParts {
		nums, res.IsTruncated = nums[:maxParts], true
	}
	for _, n := range nums {
		p := up.parts[n]
		res.Parts = append(res.Parts, listPart{PartNumber: n, LastModified: p.at.UTC().Format(time.RFC3339), ETag: p.etag,
			HashCrc64ecma: strconv.FormatUint(p.crc, 10), Size: p.size})
		res.NextPartNumberMarker = n
	}
	s.mu.Unlock()
	s.ok(w, e, res)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	e := &Entry{Op: "AbortMultipartUpload", Key: r.PathValue("key")}
	if !r.URL.Query().Has("uploadId") {
		s.fail(w, &Entry{Op: "DeleteObject", Key: e.Key}, 403, "AccessDenied", "An upload credential cannot delete objects.")
		return
	}
	if !s.authorize(w, r, e) {
		return
	}
	if s.findUpload(w, r, e) == nil {
		return
	}
	s.mu.Lock()
	delete(s.uploads, r.URL.Query().Get("uploadId"))
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	e.Status = http.StatusNoContent
	s.record(*e)
}

// CRC64Combine returns the CRC64-ECMA of A||B from crc(A), crc(B) and
// len(B), by the GF(2) matrix method (as zlib's crc32_combine).
func CRC64Combine(crc1, crc2 uint64, len2 int64) uint64 {
	if len2 <= 0 {
		return crc1
	}
	var even, odd [64]uint64
	odd[0] = crc64.ECMA // the reflected polynomial
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	square(&even, &odd) // two zero bits
	square(&odd, &even) // four zero bits
	for {
		square(&even, &odd)
		if len2&1 != 0 {
			crc1 = times(&even, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
		square(&odd, &even)
		if len2&1 != 0 {
			crc1 = times(&odd, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

func times(mat *[64]uint64, vec uint64) uint64 {
	var sum uint64
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func square(dst, mat *[64]uint64) {
	for n := 0; n < 64; n++ {
		dst[n] = times(mat, mat[n])
	}
}
