package dorafake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

var errNotObject = errors.New("body is not a JSON object")

// ---------------------------------------------------------------------------
// JSON field checking

// obj is a decoded JSON object; numbers are json.Number.
type obj map[string]any

func parseObject(body []byte) (obj, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotObject
	}
	return obj(m), nil
}

// fieldErr says which field is missing or invalid.
type fieldErr struct {
	missing bool
	field   string
	why     string
}

func (e *fieldErr) Error() string {
	if e.missing {
		return "missing required field " + e.field
	}
	return "invalid field " + e.field + ": " + e.why
}

// checker reads fields from objects and keeps the first problem found.
type checker struct{ err *fieldErr }

func (c *checker) ok() bool { return c.err == nil }

func (c *checker) fail(missing bool, field, why string) {
	if c.err == nil {
		c.err = &fieldErr{missing: missing, field: field, why: why}
	}
}

func (c *checker) get(o obj, key string) (any, bool) {
	if c.err != nil || o == nil {
		return nil, false
	}
	v, ok := o[key]
	if !ok || v == nil {
		return nil, false
	}
	return v, true
}

func (c *checker) str(o obj, key, field string, required bool) string {
	v, ok := c.get(o, key)
	if !ok {
		if required {
			c.fail(true, field, "")
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		c.fail(false, field, "must be a string")
		return ""
	}
	if s == "" && required {
		c.fail(true, field, "")
	}
	return s
}

func (c *checker) boolean(o obj, key, field string) (val, present bool) {
	v, ok := c.get(o, key)
	if !ok {
		return false, false
	}
	b, isBool := v.(bool)
	if !isBool {
		c.fail(false, field, "must be a boolean")
		return false, false
	}
	return b, true
}

func (c *checker) integer(o obj, key, field string, required bool) (int64, bool) {
	v, ok := c.get(o, key)
	if !ok {
		if required {
			c.fail(true, field, "")
		}
		return 0, false
	}
	n, isNum := v.(json.Number)
	if !isNum {
		c.fail(false, field, "must be an integer")
		return 0, false
	}
	i, err := n.Int64()
	if err != nil {
		c.fail(false, field, "must be an integer")
		return 0, false
	}
	return i, true
}

// flexInt accepts a number or a numeric string (quirk 32).
func (c *checker) flexInt(o obj, key, field string) (int64, bool) {
	v, ok := c.get(o, key)
	if !ok {
		return 0, false
	}
	var text string
	switch t := v.(type) {
	case json.Number:
		text = t.String()
	case string:
		text = t
	default:
		c.fail(false, field, "must be an integer or a numeric string")
		return 0, false
	}
	i, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err != nil {
		c.fail(false, field, "must be an integer or a numeric string")
		return 0, false
	}
	return i, true
}

func (c *checker) number(o obj, key, field string) (float64, bool) {
	v, ok := c.get(o, key)
	if !ok {
		return 0, false
	}
	n, isNum := v.(json.Number)
	if !isNum {
		c.fail(false, field, "must be a number")
		return 0, false
	}
	f, err := n.Float64()
	if err != nil {
		c.fail(false, field, "must be a number")
		return 0, false
	}
	return f, true
}

func (c *checker) object(o obj, key, field string, required bool) (obj, bool) {
	v, ok := c.get(o, key)
	if !ok {
		if required {
			c.fail(true, field, "")
		}
		return nil, false
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		c.fail(false, field, "must be a JSON object")
		return nil, false
	}
	return obj(m), true
}

func (c *checker) array(o obj, key, field string) ([]any, bool) {
	v, ok := c.get(o, key)
	if !ok {
		return nil, false
	}
	a, isArr := v.([]any)
	if !isArr {
		c.fail(false, field, "must be a JSON array")
		return nil, false
	}
	return a, true
}

func (c *checker) strings(o obj, key, field string) []string {
	a, ok := c.array(o, key, field)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(a))
	for i, v := range a {
		s, isStr := v.(string)
		if !isStr {
			c.fail(false, fmt.Sprintf("%s[%d]", field, i), "must be a string")
			return nil
		}
		out = append(out, s)
	}
	return out
}

// jsonSize is the size of v re-encoded, for the documented "data at most
// 1MB/10MB" limits.
func jsonSize(v any) int {
	b, _ := json.Marshal(v)
	return len(b)
}
