package vodapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcp-media/mcp-media/internal/fakes/vodfake"
)

// BenchmarkUploadFile reports the allocations of a storage upload of 30
// and 300 MiB: the body is streamed, so B/op should not grow with the file.
//
//	go test -run '^$' -bench UploadFile -benchmem ./internal/clients/vodapi/
func BenchmarkUploadFile(b *testing.B) {
	f := vodfake.New(vodfake.Options{Token: token})
	srv := httptest.NewServer(f)
	defer srv.Close()
	defer f.Close()
	c := client(b, srv.URL, token, "")
	for _, mib := range []int64{30, 300} {
		p := filepath.Join(b.TempDir(), "bench.mp4")
		fh, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = fh.Write([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"))
		_ = fh.Truncate(mib << 20)
		fh.Close()
		b.Run(fmt.Sprintf("%dMiB", mib), func(b *testing.B) {
			b.SetBytes(mib << 20)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := c.UploadFile(context.Background(), p, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
