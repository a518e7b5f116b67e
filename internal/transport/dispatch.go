package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// envelope is the part of a JSON-RPC message this package looks at.
type envelope struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  *string         `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`
}

// kind of a message received.
type kind int

const (
	kindInvalid kind = iota
	kindRequest
	kindNotification
	kindResponse // a reply to a request the server sent (see requests.go)
)

type rpcError struct {
	JSONRPC string `json:"jsonrpc"`
	ID      any    `json:"id"`
	Error   struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func errorResponse(id any, code int, msg string) rpcError {
	e := rpcError{JSONRPC: mcp.JSONRPC_VERSION, ID: id}
	e.Error.Code, e.Error.Message = code, msg
	return e
}

func hasValue(r json.RawMessage) bool { return len(r) > 0 && !bytes.Equal(r, []byte("null")) }

// classify parses one message. For an invalid one it returns the error
// response to send (nil when none must be sent).
func classify(raw json.RawMessage) (envelope, kind, *rpcError) {
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		e := errorResponse(nil, mcp.PARSE_ERROR, "Parse error: "+err.Error())
		if json.Valid(raw) { // valid JSON but not an object
			e = errorResponse(nil, mcp.INVALID_REQUEST, "Invalid Request: a JSON-RPC message is an object")
		}
		return env, kindInvalid, &e
	}
	id, idOK := decodeID(env.ID)
	if !idOK {
		e := errorResponse(nil, mcp.INVALID_REQUEST, "Invalid Request: id must be a string or a number")
		return env, kindInvalid, &e
	}
	if env.JSONRPC != mcp.JSONRPC_VERSION {
		e := errorResponse(id, mcp.INVALID_REQUEST, `Invalid Request: "jsonrpc" must be "2.0"`)
		return env, kindInvalid, &e
	}
	if env.Method == nil {
		if hasValue(env.ID) && (hasValue(env.Result) || hasValue(env.Error)) {
			return env, kindResponse, nil
		}
		e := errorResponse(id, mcp.INVALID_REQUEST, "Invalid Request: a message with an id needs a method (or a result or error)")
		return env, kindInvalid, &e
	}
	if !hasValue(env.ID) {
		return env, kindNotification, nil
	}
	return env, kindRequest, nil
}

// decodeID returns the request id as a Go value for error responses.
func decodeID(raw json.RawMessage) (any, bool) {
	if !hasValue(raw) {
		return nil, true
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false
	}
	switch v.(type) {
	case string, float64:
		return json.Number(string(raw)), true
	}
	return nil, false
}

func idOf(env envelope) any {
	id, _ := decodeID(env.ID)
	if n, ok := id.(json.Number); ok {
		return json.RawMessage(n)
	}
	return id
}

// Engine runs MCP messages against an mcp-go server for any number of
// sessions.
type Engine struct {
	srv *server.MCPServer
}

// NewEngine wraps s.
func NewEngine(s *server.MCPServer) *Engine { return &Engine{srv: s} }

// validate applies the parameter checks mcp-go gets wrong; it returns the
// error response for a request that must not reach the handler.
func (e *Engine) validate(env envelope) *rpcError {
	id := idOf(env)
	bad := func(msg string) *rpcError {
		r := errorResponse(id, mcp.INVALID_PARAMS, msg)
		return &r
	}
	if hasValue(env.Params) && env.Params[0] != '{' {
		return bad("Invalid params: params must be an object")
	}
	switch *env.Method {
	case string(mcp.MethodToolsCall):
		var p struct {
			Arguments json.RawMessage `json:"arguments"`
		}
		_ = json.Unmarshal(env.Params, &p)
		if hasValue(p.Arguments) && bytes.TrimSpace(p.Arguments)[0] != '{' {
			return bad("Invalid params: tools/call arguments must be an object")
		}
	case string(mcp.MethodPromptsGet):
		var p struct {
			Name      string         `json:"name"`
			Arguments map[string]any `json:"arguments"`
		}
		if err := json.Unmarshal(env.Params, &p); err != nil {
			return bad("Invalid params: " + err.Error())
		}
		if sp, ok := e.srv.ListPrompts()[p.Name]; ok && sp != nil {
			for _, a := range sp.Prompt.Arguments {
				if _, given := p.Arguments[a.Name]; a.Required && !given {
					return bad(fmt.Sprintf("Invalid params: prompt %q needs argument %q", p.Name, a.Name))
				}
			}
		}
	}
	return nil
}

// call is one request in flight.
type call struct {
	mu        sync.Mutex // held while writing for the call and while cancelling it
	cancelled bool
	cancel    context.CancelFunc
}

// Conn runs the messages of one session.
type Conn struct {
	e    *Engine
	sess *Session
	ctx  context.Context // the session's lifetime: requests outlive connections
	stop context.CancelCauseFunc

	mu       sync.Mutex
	inflight map[string]*call
	pending  map[string]chan reply // server requests awaiting the client's response
	nextReq  atomic.Int64
	// On a session other replicas serve too: idTag ("<replica>-") makes
	// the ids of server requests unique across them, relay carries answers
	// that arrive elsewhere (relay.go).
	idTag string
	relay *relay
	wg    sync.WaitGroup
}

// newConn starts a session's engine and registers it with mcp-go.
func (e *Engine) newConn(id string) *Conn {
	ctx, stop := context.WithCancelCause(context.Background())
	c := &Conn{e: e, sess: newSession(id), ctx: ctx, stop: stop, inflight: map[string]*call{}, pending: map[string]chan reply{}}
	_ = e.srv.RegisterSession(ctx, c.sess)
	return c
}

// ErrStopping is why a server that shuts down cuts the calls still running
// past its deadline: their context's cause, which the error answering each
// of them says (here for handler errors; toolkit for tool errors).
var ErrStopping = errors.New("the server stopped while this call ran: its outcome is unknown; check the resource's state before retrying a change")

// close cancels every request of the session and unregisters it.
func (c *Conn) close() { c.closeFor(nil) }

// closeFor is close with the cause the requests' contexts carry.
func (c *Conn) closeFor(cause error) {
	c.stop(cause)
	c.e.srv.UnregisterSession(context.Background(), c.sess.id)
}

// busy reports whether a request is in flight.
func (c *Conn) busy() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.inflight) > 0
}

// Handle processes one message (not a batch). out is called for each message
// to send for it, in order: the notifications its handler sent, then its
// response. It returns when the message is done; a request runs its handler
// on the session's context, so the caller's going away does not cancel it.
func (c *Conn) Handle(raw json.RawMessage, out func(json.RawMessage)) {
	c.HandleWith(context.Background(), raw, out)
}

// HandleWith is Handle for a message that arrived on an HTTP request: the
// handler's context carries vals' values (who the caller is, see
// internal/oauth) on the session's lifetime, not the request's.
func (c *Conn) HandleWith(vals context.Context, raw json.RawMessage, out func(json.RawMessage)) {
	env, k, perr := classify(raw)
	switch k {
	case kindInvalid:
		if perr != nil {
			out(encode(perr))
		}
		return
	case kindResponse:
		c.response(env, raw)
		return
	case kindNotification:
		if *env.Method == string(mcp.MethodNotificationCancelled) {
			c.cancelled(env.Params)
		}
		c.e.srv.HandleMessage(c.e.srv.WithContext(c.ctx, c.sess), raw)
		return
	}
	if verr := c.e.validate(env); verr != nil {
		out(encode(verr))
		return
	}
	c.run(vals, env, raw, out)
}

// withValues is a context's deadline and cancellation with the values of
// another (the HTTP request's). The session's context is asked first: it
// holds no values of its own, only its cancellation, which is how a child
// context finds its parent's cause (context.Cause); asking the request's
// first would hand that lookup the HTTP request's cancellation instead.
type withValues struct {
	context.Context
	vals context.Context
}

func (w withValues) Value(k any) any {
	if v := w.Context.Value(k); v != nil {
		return v
	}
	return w.vals.Value(k)
}

func (c *Conn) run(vals context.Context, env envelope, raw json.RawMessage, out func(json.RawMessage)) {
	key := string(bytes.TrimSpace(env.ID))
	base := c.ctx
	if vals != nil {
		base = withValues{Context: c.ctx, vals: vals}
	}
	ctx, cancel := context.WithCancel(base)
	defer cancel()
	cl := &call{cancel: cancel}
	c.mu.Lock()
	if _, dup := c.inflight[key]; dup {
		c.mu.Unlock()
		out(encode(errorResponse(idOf(env), mcp.INVALID_REQUEST, "Invalid Request: id "+key+" is already in use by a request in flight")))
		return
	}
	c.inflight[key] = cl
	c.wg.Add(1)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.inflight, key)
		c.mu.Unlock()
		c.wg.Done()
	}()

	rs := &reqSession{Session: c.sess, ch: make(chan mcp.JSONRPCNotification, 64), conn: c,
		reqs: make(chan json.RawMessage), done: make(chan struct{})}
	defer close(rs.done)
	ctx = c.e.srv.WithContext(ctx, rs)
	done := make(chan mcp.JSONRPCMessage, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil { // one bad request must not end the server
				done <- mcp.NewJSONRPCError(mcp.NewRequestId(idOf(env)), mcp.INTERNAL_ERROR, fmt.Sprintf("internal error: %v", p), nil)
			}
		}()
		done <- c.e.srv.HandleMessage(ctx, raw)
	}()
	send := func(msg json.RawMessage) {
		cl.mu.Lock()
		defer cl.mu.Unlock()
		if !cl.cancelled {
			out(msg)
		}
	}
	note := func(n mcp.JSONRPCNotification) {
		if c.sess.wants(n) {
			send(encode(n))
		}
	}
	drain := func() {
		for {
			select {
			case n := <-rs.ch:
				note(n)
			default:
				return
			}
		}
	}
	for {
		select {
		case n := <-rs.ch:
			note(n)
		case m := <-rs.reqs:
			drain() // what the handler sent before its request goes first
			send(m)
		case resp := <-done:
			// The handler has returned: whatever it sent is queued already.
			drain()
			if e, ok := resp.(mcp.JSONRPCError); ok && errors.Is(context.Cause(ctx), ErrStopping) && !strings.Contains(e.Error.Message, ErrStopping.Error()) {
				e.Error.Message = ErrStopping.Error() + " (" + e.Error.Message + ")"
				resp = e
			}
			if resp != nil {
				send(encode(resp))
			}
			return
		}
	}
}

// cancelled handles notifications/cancelled: the request's context ends and
// nothing more is written for it.
func (c *Conn) cancelled(params json.RawMessage) {
	var p struct {
		RequestID json.RawMessage `json:"requestId"`
	}
	if json.Unmarshal(params, &p) != nil || !hasValue(p.RequestID) {
		return
	}
	c.mu.Lock()
	cl := c.inflight[string(bytes.TrimSpace(p.RequestID))]
	c.mu.Unlock()
	if cl == nil {
		return
	}
	cl.mu.Lock()
	cl.cancelled = true
	cl.mu.Unlock()
	cl.cancel()
}

// broadcasts forwards the session's request-less notifications to out until
// the session ends.
func (c *Conn) broadcasts(out func(json.RawMessage)) {
	for {
		select {
		case <-c.ctx.Done():
			return
		case n := <-c.sess.notes:
			if c.sess.wants(n) {
				out(encode(n))
			}
		}
	}
}

// splitBatch returns the messages of a JSON array body, or nil and false for
// a single message.
func splitBatch(body []byte) ([]json.RawMessage, bool, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '[' {
		return nil, false, nil
	}
	var msgs []json.RawMessage
	if err := json.Unmarshal(body, &msgs); err != nil {
		return nil, true, err
	}
	return msgs, true, nil
}

// batchAllowed reports whether a session of protocol version v may send
// JSON-RPC batches: only 2025-03-26 had them.
func batchAllowed(v string) bool { return v == mcp.ProtocolVersion20250326 }
