package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Server-initiated requests (elicitation/create and the like) for all three
// transports. A handler's request goes out on the stream of the client
// request whose handler sent it (the rule of streamable HTTP; on stdio and
// SSE there is one stream anyway), after the notifications it sent before.
// The ids are strings "mcp-media-<n>", one counter per session, so they
// never look like the numbers most clients use ("mcp-media-<replica>-<n>"
// on a shared session, see relay.go); a response is routed back by id to
// the one request waiting for it, and a response to an id nobody waits
// for is dropped.

// ErrClientError is wrapped by the error a server-initiated request returns
// when the client answered with a JSON-RPC error.
var ErrClientError = errors.New("the client answered with an error")

// reply is what the client sent back for one server request.
type reply struct {
	result json.RawMessage
	err    json.RawMessage
}

// request sends method with params to the client through send and waits for
// the client's response or the end of ctx.
func (c *Conn) request(ctx context.Context, method string, params any, send func(json.RawMessage)) (json.RawMessage, error) {
	n := c.nextReq.Add(1)
	id := reqIDPrefix + c.idTag + strconv.FormatInt(n, 10)
	key := strconv.Quote(id)
	ch := make(chan reply, 1)
	c.mu.Lock()
	c.pending[key] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, key)
		c.mu.Unlock()
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var remote <-chan reply // an answer that reached another replica
	if c.relay != nil {
		remote = c.relay.await(ctx, key)
	}
	send(encode(map[string]any{"jsonrpc": mcp.JSONRPC_VERSION, "id": id, "method": method, "params": params}))
	var r reply
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.ctx.Done():
		return nil, errors.New("the session ended before the client answered " + method)
	case r = <-remote:
	case r = <-ch:
	}
	if hasValue(r.err) {
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(r.err, &e)
		return nil, fmt.Errorf("%w to %s: %d %s", ErrClientError, method, e.Code, e.Message)
	}
	return r.result, nil
}

// reqIDPrefix starts the id of every request the server sends.
const reqIDPrefix = "mcp-media-"

// response routes a client's response to the server request it answers:
// here, or through the store to the replica that sent it.
func (c *Conn) response(env envelope, raw json.RawMessage) {
	key := string(bytes.TrimSpace(env.ID))
	c.mu.Lock()
	ch := c.pending[key]
	delete(c.pending, key)
	c.mu.Unlock()
	switch {
	case ch != nil:
		ch <- reply{result: env.Result, err: env.Error}
	case c.relay != nil:
		c.relay.forward(env, raw)
	}
}

// RequestElicitation implements server.SessionWithElicitation: the request
// goes out on this request's stream, in order with its notifications.
func (r *reqSession) RequestElicitation(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	raw, err := r.conn.request(ctx, string(mcp.MethodElicitationCreate), req.Params, r.sendRequest)
	if err != nil {
		return nil, err
	}
	var res mcp.ElicitationResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("the client's elicitation result: %w", err)
	}
	return &res, nil
}

// sendRequest hands a server request to the request's writer loop, which
// writes the notifications queued before it first.
func (r *reqSession) sendRequest(msg json.RawMessage) {
	select {
	case r.reqs <- msg:
	case <-r.done:
	}
}

var _ server.SessionWithElicitation = (*reqSession)(nil)
