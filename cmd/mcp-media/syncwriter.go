package main

import (
	"io"
	"sync"
)

// syncWriter serialises writes: MCP notifications arrive on their own
// goroutine while the command prints results, and lines must not interleave.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
