package transport

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcp-media/mcp-media/internal/state"
)

// HTTPOptions tune the streamable HTTP and SSE handlers.
type HTTPOptions struct {
	SessionTTL  time.Duration // idle sessions end after this; default 30 minutes
	MaxSessions int           // sessions held by this process; default 10,000 (see create)
	MaxMessage  int64         // bytes of one POST body; default DefaultMaxMessage
	Heartbeat   time.Duration // SSE comment interval on open streams; default 25s, <0 none
	// Store keeps the sessions and their event logs. A shared store
	// (Redis) lets any replica serve any session; nil is a private Local.
	Store state.Store
	// Owner names the caller of a request (the OAuth subject, say): a
	// session then answers only to the caller who created it. Nil: none.
	Owner func(*http.Request) string
	// Log receives what the transport cannot tell a client (a store that
	// failed while a stream was written). Nil: discarded.
	Log *slog.Logger
}

func (o HTTPOptions) withDefaults() HTTPOptions {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * time.Minute
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = 10000
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	if o.Heartbeat == 0 {
		o.Heartbeat = 25 * time.Second
	} else if o.Heartbeat < 0 {
		o.Heartbeat = 0
	}
	if o.Store == nil {
		o.Store = state.NewLocal("")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Header names of the streamable HTTP transport.
const (
	HeaderSession  = "Mcp-Session-Id"
	HeaderProtocol = "Mcp-Protocol-Version"
)

// httpError answers with a JSON-RPC error body (no id).
func httpError(w http.ResponseWriter, status int, msg string) {
	code := mcp.INVALID_REQUEST
	if status >= 500 {
		code = mcp.INTERNAL_ERROR
	}
	if status == http.StatusNotFound || status == http.StatusForbidden || status == http.StatusUnauthorized {
		w.Header().Set("Connection", "close")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(encode(errorResponse(nil, code, msg)))
}

func accepts(r *http.Request, types ...string) bool {
	acc := strings.ToLower(strings.Join(r.Header.Values("Accept"), ","))
	for _, t := range types {
		if !strings.Contains(acc, t) && !strings.Contains(acc, "*/*") {
			return false
		}
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// readBody reads a POSTed message of at most max bytes and clears the read
// deadline; on failure it has written the 413 or 400 and returns false.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			w.Header().Set("Connection", "close")
			httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request Entity Too Large: a message is at most %d bytes", max))
			return nil, false
		}
		httpError(w, http.StatusBadRequest, "Bad Request: reading the body: "+err.Error())
		return nil, false
	}
	clearReadDeadline(w)
	return body, true
}

// storeUnavailable answers a request the state store could not serve.
func storeUnavailable(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "2")
	httpError(w, http.StatusServiceUnavailable, "Service Unavailable: the shared session state does not answer; retry shortly")
}
