package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// logHandler is the slog handler of --log-format (or MCP_MEDIA_LOG_FORMAT
// when format is ""): text, as always, or one JSON object per line for log
// collectors. newEnv puts the redaction handler in front of it.
func logHandler(format string, w io.Writer, level slog.Level) (slog.Handler, error) {
	if format == "" {
		format = os.Getenv("MCP_MEDIA_LOG_FORMAT")
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(format) {
	case "", "text":
		return slog.NewTextHandler(w, opts), nil
	case "json":
		return slog.NewJSONHandler(w, opts), nil
	}
	return nil, &exitError{code: 2, msg: fmt.Sprintf("--log-format %q (or MCP_MEDIA_LOG_FORMAT): use text or json", format)}
}
