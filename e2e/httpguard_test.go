package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e-guard","version":"1"}}}`

// post sends an MCP initialize to url with the given headers.
func post(t *testing.T, url string, headers map[string]string) (int, string) {
	t.Helper()
	resp := postMCP(t, url, initBody, headers)
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(b)
}

// postMCP POSTs one JSON-RPC message as a streamable-HTTP client does; the
// body is closed when t ends.
func postMCP(t *testing.T, url, body string, headers map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// getSSE opens the SSE endpoint and returns the status (the stream is
// closed right away).
func getSSE(t *testing.T, url string, headers map[string]string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestHTTPGuard checks the HTTP transports' guard: a foreign Origin is 403,
// a non-loopback bind without MCP_MEDIA_HTTP_TOKEN is refused at start-up,
// and with a token every request needs it (401 without, 200 with).
func TestHTTPGuard(t *testing.T) {
	t.Run("origin", func(t *testing.T) {
		for _, transport := range []string{"http", "sse"} {
			addr := freeAddr(t)
			_, stderr := startServer(t, cleanEnv(), "serve", "--sandbox", "--transport", transport, "--addr", addr)
			waitHTTP(t, addr, stderr)
			evil := map[string]string{"Origin": "https://evil.example"}
			if transport == "http" {
				if code, body := post(t, "http://"+addr+"/mcp", evil); code != http.StatusForbidden {
					t.Errorf("http: POST /mcp with Origin https://evil.example = %d %s, want 403", code, body)
				}
				if code, body := post(t, "http://"+addr+"/mcp", map[string]string{"Origin": "http://127.0.0.1:3000"}); code != http.StatusOK {
					t.Errorf("http: POST /mcp with a loopback Origin = %d %s, want 200", code, body)
				}
				if code, body := post(t, "http://"+addr+"/mcp", nil); code != http.StatusOK {
					t.Errorf("http: POST /mcp without Origin = %d %s, want 200", code, body)
				}
			} else {
				if code := getSSE(t, "http://"+addr+"/sse", evil); code != http.StatusForbidden {
					t.Errorf("sse: GET /sse with Origin https://evil.example = %d, want 403", code)
				}
				if code, body := post(t, "http://"+addr+"/message?sessionId=x", evil); code != http.StatusForbidden {
					t.Errorf("sse: POST /message with Origin https://evil.example = %d %s, want 403", code, body)
				}
				if code := getSSE(t, "http://"+addr+"/sse", nil); code != http.StatusOK {
					t.Errorf("sse: GET /sse without Origin = %d, want 200", code)
				}
			}
		}
	})

	t.Run("public bind needs a token", func(t *testing.T) {
		for _, transport := range []string{"http", "sse"} {
			port := portOf(t, freeAddr(t))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			cmd := exec.CommandContext(ctx, binPath, "serve", "--sandbox", "--transport", transport, "--addr", "0.0.0.0:"+port)
			cmd.Env = cleanEnv()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			timedOut := ctx.Err() != nil
			cancel()
			if timedOut {
				t.Fatalf("%s: serve --addr 0.0.0.0 without MCP_MEDIA_HTTP_TOKEN kept running (it must refuse to start)", transport)
			}
			if err == nil {
				t.Errorf("%s: serve --addr 0.0.0.0 without a token exited 0", transport)
			}
			if !strings.Contains(stderr.String(), "MCP_MEDIA_HTTP_TOKEN") {
				t.Errorf("%s: the refusal does not name MCP_MEDIA_HTTP_TOKEN: %q", transport, stderr.String())
			}
		}
	})

	t.Run("token", func(t *testing.T) {
		token := "e2e-http-token-" + randHex(12)
		port := portOf(t, freeAddr(t))
		_, stderr := startServer(t, cleanEnv("MCP_MEDIA_HTTP_TOKEN="+token), "serve", "--sandbox", "--transport", "http", "--addr", "0.0.0.0:"+port)
		addr := "127.0.0.1:" + port
		waitHTTP(t, addr, stderr)
		url := "http://" + addr + "/mcp"
		if code, body := post(t, url, nil); code != http.StatusUnauthorized {
			t.Errorf("no Authorization: %d %s, want 401", code, body)
		}
		if code, body := post(t, url, map[string]string{"Authorization": "Bearer wrong-" + token}); code != http.StatusUnauthorized {
			t.Errorf("wrong token: %d %s, want 401", code, body)
		}
		code, body := post(t, url, map[string]string{"Authorization": "Bearer " + token})
		if code != http.StatusOK {
			t.Errorf("right token: %d %s, want 200", code, body)
		}
		if !strings.Contains(body, `"serverInfo"`) {
			t.Errorf("right token: no initialize result: %s", body)
		}
		if strings.Contains(stderr.String(), token) {
			t.Errorf("the server printed its bearer token on stderr")
		}
	})
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return port
}
