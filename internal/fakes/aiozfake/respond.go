package aiozfake

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ---------------------------------------------------------------------------
// response helpers

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"status":"error","message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// writeData writes the data envelope {"status":"success","data":data}.
func writeData(w http.ResponseWriter, code int, data any) {
	writeJSON(w, code, struct {
		Status string `json:"status"`
		Data   any    `json:"data"`
	}{"success", data})
}

// writeOK writes ResponseSuccess.
func writeOK(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusOK, struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}{"success", msg})
}

// writeErr writes ResponseError.
func writeErr(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}{"error", msg})
}

// drain reads and discards the rest of the request body so that a client
// still sending gets the error response instead of a broken pipe.
func drain(r *http.Request) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
}

// httpError carries a status and a message to a handler's caller.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

func notFound(format string, a ...any) error {
	return &httpError{http.StatusNotFound, fmt.Sprintf(format, a...)}
}

func writeError(w http.ResponseWriter, err error) {
	var he *httpError
	if errors.As(err, &he) {
		writeErr(w, he.code, he.msg)
		return
	}
	writeErr(w, http.StatusInternalServerError, err.Error())
}

// decodeJSON decodes a required JSON body into v. An empty body, invalid
// JSON, a type mismatch or trailing data is a 400.
func decodeJSON(r *http.Request, v any) error {
	if ct := mediaType(r); ct != "" && ct != "application/json" {
		drain(r)
		return badRequest("Content-Type must be application/json")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil {
		return badRequest("cannot read request body")
	}
	if len(body) > maxJSONBody {
		drain(r)
		return badRequest("request body too large")
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return badRequest("request body is required (send {} for no filters)")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(v); err != nil {
		return badRequest("invalid JSON body: %s", jsonErrText(err))
	}
	if dec.More() {
		return badRequest("invalid JSON body: trailing data after the JSON value")
	}
	return nil
}

// readJSON decodes a required JSON body into v like decodeJSON; when that
// fails it answers the error itself and reports false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decodeJSON(r, v); err != nil {
		writeError(w, err)
		return false
	}
	return true
}

func jsonErrText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("field %q must be %s, got JSON %s", te.Field, jsonTypeName(te.Type.Kind().String()), te.Value)
		}
		return fmt.Sprintf("expected %s, got JSON %s", jsonTypeName(te.Type.Kind().String()), te.Value)
	}
	return err.Error()
}

func jsonTypeName(kind string) string {
	switch kind {
	case "int", "int64", "int32", "uint", "uint64":
		return "an integer"
	case "float64", "float32":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return kind
}

func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

// pageParams parses offset/limit from the query: offset >= 0 (default 0),
// limit 1–100 (default 25).
func pageParams(r *http.Request) (offset, limit int, err error) {
	q := r.URL.Query()
	offset, limit = 0, 25
	if v := q.Get("offset"); v != "" || q.Has("offset") {
		n, e := strconv.Atoi(v)
		if e != nil || n < 0 {
			return 0, 0, badRequest("offset must be an integer >= 0")
		}
		offset = n
	}
	if v := q.Get("limit"); v != "" || q.Has("limit") {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 || n > 100 {
			return 0, 0, badRequest("limit must be an integer between 1 and 100")
		}
		limit = n
	}
	return offset, limit, nil
}

// bodyPage checks offset/limit sent in a JSON body (nil: not sent) like
// pageParams: offset >= 0 (default 0), limit 1–100 (default 25).
func bodyPage(offsetP, limitP *int) (offset, limit int, err error) {
	offset, limit = 0, 25
	if offsetP != nil {
		if *offsetP < 0 {
			return 0, 0, badRequest("offset must be >= 0")
		}
		offset = *offsetP
	}
	if limitP != nil {
		if *limitP < 1 || *limitP > 100 {
			return 0, 0, badRequest("limit must be between 1 and 100")
		}
		limit = *limitP
	}
	return offset, limit, nil
}

// page returns the window [offset, offset+limit) of n items.
func page(n, offset, limit int) (int, int) {
	if offset > n {
		offset = n
	}
	end := offset + limit
	if end > n {
		end = n
	}
	return offset, end
}

// writePage answers the window [offset, offset+limit) of list as
// {key: window, "total": len(list)}; an empty window is [], never null.
func writePage[T any](w http.ResponseWriter, key string, list []T, offset, limit int) {
	lo, hi := page(len(list), offset, limit)
	writeData(w, http.StatusOK, map[string]any{key: append([]T{}, list[lo:hi]...), "total": len(list)})
}

// baseURL is the fake's own API base: scheme and host of the request plus
// "/api".
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host + "/api"
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
