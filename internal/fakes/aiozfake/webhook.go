package aiozfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// ---------------------------------------------------------------------------
// events and webhook delivery

func (s *Server) emitLocked(ev WebhookEvent) {
	s.events = append(s.events, ev)
	if s.opts.WebhookURL == "" {
		return
	}
	s.hookMu.Lock()
	s.hookQueue = append(s.hookQueue, ev)
	s.hookMu.Unlock()
	select {
	case s.hookWake <- struct{}{}:
	default:
	}
}

func (s *Server) deliverLoop() {
	for {
		select {
		case <-s.hookDone:
			return
		case <-s.hookWake:
		}
		for {
			s.hookMu.Lock()
			if len(s.hookQueue) == 0 {
				s.hookMu.Unlock()
				break
			}
			ev := s.hookQueue[0]
			s.hookQueue = s.hookQueue[1:]
			s.hookMu.Unlock()
			s.deliver(ev)
		}
	}
}

func (s *Server) deliver(ev WebhookEvent) {
	payload := map[string]string{
		"type":       ev.Type,
		"media_id":   ev.MediaID,
		"title":      ev.Title,
		"status":     ev.Status,
		"emitted_at": ev.Time.UTC().Format(time.RFC3339),
	}
	if ev.Quality != "" {
		payload["quality"] = ev.Quality
	}
	b, _ := json.Marshal(payload)
	req, err := http.NewRequest(http.MethodPost, s.opts.WebhookURL, strings.NewReader(string(b)))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
}
