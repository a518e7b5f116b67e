package dorafake

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// ---------------------------------------------------------------------------
// Callbacks

// deliverLocked starts delivering every callback in due; s.mu must be held,
// so that Flush cannot miss a delivery that a state change made due.
func (s *Server) deliverLocked(due []pendingCallback) {
	for _, c := range due {
		s.startDelivery(c)
	}
}

// startDelivery POSTs c.body as JSON to c.url in the background, retrying
// up to c.attempts times until the receiver answers 200. Deliveries about the
// same task (kind and id) are made one after the other, in the order they
// became due. s.mu must be held.
func (s *Server) startDelivery(c pendingCallback) {
	if c.url == "" || s.closed {
		return
	}
	payload, err := json.Marshal(c.body)
	if err != nil {
		return
	}
	if c.attempts < 1 {
		c.attempts = 1
	}
	s.pending++
	key := c.kind + "/" + c.id
	prev := s.chains[key]
	mine := make(chan struct{})
	s.chains[key] = mine
	go func() {
		defer func() {
			close(mine)
			s.mu.Lock()
			if s.chains[key] == mine {
				delete(s.chains, key)
			}
			s.pending--
			if s.pending == 0 {
				s.idle.Broadcast()
			}
			s.mu.Unlock()
		}()
		if prev != nil { // callbacks about one task arrive in order
			<-prev
		}
		for attempt := 1; attempt <= c.attempts; attempt++ {
			status, err := s.post(c.url, payload)
			rec := Callback{Time: s.now(), Kind: c.kind, ID: c.id, URL: c.url, Body: payload, Attempt: attempt, Status: status}
			if err != nil {
				rec.Err = err.Error()
			}
			s.callbacks.Add(rec)
			if status == http.StatusOK || attempt == c.attempts {
				return
			}
			if s.opts.Step > 0 {
				select {
				case <-s.done:
					return
				case <-time.After(s.opts.Step):
				}
			} else {
				select {
				case <-s.done:
					return
				default:
				}
			}
		}
	}()
}

// callbackTimeout is the suggested callback timeout of p008/p009.
const callbackTimeout = 5 * time.Second

func (s *Server) post(u string, payload []byte) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
