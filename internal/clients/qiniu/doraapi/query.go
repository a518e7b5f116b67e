package doraapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/httpx"
)

// What the task readers share: the task id argument, the lenient decoding of
// an answer or callback into its wire struct, and a query by id.

// taskID trims a task id; an empty one is the task_id argument error.
func taskID(id string) (string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return "", &argerr.Error{Arg: "task_id", Problem: "is required"}
	}
	return id, nil
}

// decodeWire decodes body leniently (decodeLenient) into a W; a failure is
// "qiniu <what>: <error>".
func decodeWire[W any](body []byte, what string) (W, error) {
	var w W
	if err := decodeLenient(body, &w); err != nil {
		return w, fmt.Errorf("qiniu %s: %w", what, err)
	}
	return w, nil
}

// queryByID sends the request built for the task id and parses the answer;
// a result that names no id (idOf) is given the one asked for.
func queryByID[T any](ctx context.Context, h *httpx.Client, id string, build func(id string) httpx.Request,
	parse func([]byte) (T, error), idOf func(*T) *string) (T, error) {
	var zero T
	id, err := taskID(id)
	if err != nil {
		return zero, err
	}
	resp, err := h.Do(ctx, build(id), nil)
	if err != nil {
		return zero, err
	}
	r, err := parse(resp.Body)
	if p := idOf(&r); *p == "" {
		*p = id
	}
	return r, err
}
