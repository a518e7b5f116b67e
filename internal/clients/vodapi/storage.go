package vodapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// StoragePath is the storage service's upload path: the seed's example
// ("/storage/api/upload 等"), not a documented contract.
const StoragePath = "/storage/api/upload"

// UploadProgress is told how many bytes of the file were sent so far.
type UploadProgress func(sent, total int64)

// UploadFile sends a local file to the storage service as multipart field
// `file` and returns its storage_id. The body is streamed from disk through
// an io.Pipe (memory stays bounded whatever the file size), with an exact
// Content-Length; progress is reported as bytes go out. A POST is not
// retried.
func (c *Client) UploadFile(ctx context.Context, path string, progress UploadProgress) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	st, err := f.Stat()
	f.Close()
	if err != nil {
		return "", err
	}
	size := st.Size()
	boundary := randomBoundary()
	name := filepath.Base(path)
	head, tail := multipartFrame(boundary, name)
	length := int64(len(head)) + size + int64(len(tail))

	var out struct {
		Envelope
		StorageID string `json:"storage_id"`
	}
	_, err = c.storage.Do(ctx, httpx.Request{
		Method: http.MethodPost, Path: StoragePath, ContentType: "multipart/form-data; boundary=" + boundary,
		ContentLength: length, Timeout: 6 * time.Hour,
		Stream: func() (io.ReadCloser, error) {
			file, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			pr, pw := io.Pipe()
			go func() {
				defer file.Close()
				_, err := pw.Write(head)
				if err == nil {
					_, err = io.Copy(pw, &countingReader{r: file, total: size, report: progress})
				}
				if err == nil {
					_, err = pw.Write(tail)
				}
				pw.CloseWithError(err)
			}()
			return pr, nil
		},
	}, &out)
	if err != nil {
		return "", err
	}
	if err := c.check(http.MethodPost, StoragePath, out.Envelope); err != nil {
		return "", err
	}
	if out.StorageID == "" {
		return "", fmt.Errorf("vod POST %s: the storage service answered without a storage_id", StoragePath)
	}
	return out.StorageID, nil
}

// multipartFrame is what goes before and after the file's bytes, written
// by multipart.Writer itself so the framing is exactly its own.
func multipartFrame(boundary, filename string) (head, tail []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.SetBoundary(boundary)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, escapeQuotes(filename)))
	h.Set("Content-Type", "application/octet-stream")
	_, _ = mw.CreatePart(h)
	head = append([]byte(nil), b.Bytes()...)
	b.Reset()
	_ = mw.Close()
	tail = append([]byte(nil), b.Bytes()...)
	return head, tail
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

func randomBoundary() string {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	return mw.Boundary()
}

// countingReader reports progress about every MiB.
type countingReader struct {
	r      io.Reader
	sent   int64
	last   int64
	total  int64
	report UploadProgress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.sent += int64(n)
	if c.report != nil && (c.sent-c.last >= 1<<20 || (err == io.EOF && c.sent != c.last)) {
		c.last = c.sent
		c.report(c.sent, c.total)
	}
	return n, err
}

// decodeJSON is used where a body is read outside httpx.Do.
func decodeJSON(r io.Reader, out any) error {
	return json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(out)
}
