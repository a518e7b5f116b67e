package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
)

// DefaultMaxMessage caps one message (a stdio line, an HTTP body).
const DefaultMaxMessage = 4 << 20

// StdioOptions tune ServeStdio.
type StdioOptions struct {
	MaxMessage int // bytes of one line; default DefaultMaxMessage
}

// ServeStdio serves newline-delimited JSON-RPC on in/out until in ends (then
// it waits for the requests in flight) or ctx ends.
func (e *Engine) ServeStdio(ctx context.Context, in io.Reader, out io.Writer, opts StdioOptions) error {
	max := opts.MaxMessage
	if max <= 0 {
		max = DefaultMaxMessage
	}
	c := e.newConn("stdio")
	defer c.close()
	var wmu sync.Mutex
	var werr error
	write := func(msg json.RawMessage) {
		wmu.Lock()
		defer wmu.Unlock()
		if werr != nil {
			return
		}
		buf := make([]byte, 0, len(msg)+1)
		buf = append(append(buf, msg...), '\n')
		_, werr = out.Write(buf)
	}
	go c.broadcasts(write)

	lines := make(chan []byte)
	readErr := make(chan error, 1)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		readErr <- readLines(bufio.NewReaderSize(in, 64<<10), max, lines, quit, write)
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-readErr:
			c.wg.Wait()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		case line := <-lines:
			c.dispatch(context.Background(), line, write)
		}
	}
}

// dispatch handles one line: a message or a batch. Requests run in their own
// goroutine; notifications (cancellation above all) are handled in order.
// dispatch runs one line or POST body; vals, when not nil, are the values
// of the HTTP request it came on (see HandleWith).
func (c *Conn) dispatch(vals context.Context, line []byte, write func(json.RawMessage)) {
	msgs, isBatch, err := splitBatch(line)
	if err != nil {
		write(encode(errorResponse(nil, mcp.PARSE_ERROR, "Parse error: "+err.Error())))
		return
	}
	if !isBatch {
		c.one(vals, json.RawMessage(line), write)
		return
	}
	if !batchAllowed(c.sess.ProtocolVersion()) || len(msgs) == 0 {
		write(encode(errorResponse(nil, mcp.INVALID_REQUEST, batchRefusal(c.sess.ProtocolVersion(), len(msgs)))))
		return
	}
	// A batch answers with one array of the responses; the notifications of
	// its requests go out before it.
	var mu sync.Mutex
	var resps []json.RawMessage
	var wg sync.WaitGroup
	for _, m := range msgs {
		wg.Add(1)
		go func(m json.RawMessage) {
			defer wg.Done()
			c.HandleWith(vals, m, func(msg json.RawMessage) {
				if isResponse(msg) {
					mu.Lock()
					resps = append(resps, msg)
					mu.Unlock()
					return
				}
				write(msg)
			})
		}(m)
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		wg.Wait()
		if len(resps) > 0 {
			write(encode(resps))
		}
	}()
}

func (c *Conn) one(vals context.Context, m json.RawMessage, write func(json.RawMessage)) {
	_, k, _ := classify(m)
	if k != kindRequest {
		c.HandleWith(vals, m, write)
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.HandleWith(vals, m, write)
	}()
}

func batchRefusal(version string, n int) string {
	if n == 0 {
		return "Invalid Request: empty batch"
	}
	if version == "" {
		version = "not negotiated yet"
	}
	return fmt.Sprintf("Invalid Request: JSON-RPC batches are part of protocol version 2025-03-26 only (this session: %s)", version)
}

// isResponse tells a response from a notification among messages the server
// writes.
func isResponse(msg json.RawMessage) bool {
	var m struct {
		Method *string `json:"method"`
	}
	return json.Unmarshal(msg, &m) == nil && m.Method == nil
}

// readLines sends each non-empty line of r to lines. A line longer than max
// is skipped up to its newline and answered with an error through reject.
func readLines(r *bufio.Reader, max int, lines chan<- []byte, quit <-chan struct{}, reject func(json.RawMessage)) error {
	for {
		line, tooLong, err := readLine(r, max)
		if tooLong {
			reject(encode(errorResponse(nil, mcp.INVALID_REQUEST,
				fmt.Sprintf("Invalid Request: message larger than %d bytes refused (the stdio limit); send large data as a file path", max))))
		} else if l := bytes.TrimSpace(line); len(l) > 0 {
			select {
			case lines <- l:
			case <-quit:
				return context.Canceled
			}
		}
		if err != nil {
			return err
		}
	}
}

// readLine reads one line of at most max bytes; a longer one is consumed and
// reported as tooLong without being kept.
func readLine(r *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max+1 { // +1: the newline
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return line, tooLong, err
	}
}
