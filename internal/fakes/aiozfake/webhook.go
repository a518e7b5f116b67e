package aiozfake

import (
	"encoding/json"
	"time"
)

// ---------------------------------------------------------------------------
// events and webhook delivery

func (s *Server) emitLocked(ev WebhookEvent) {
	s.events = append(s.events, ev)
	targets := s.hookTargetsLocked(ev.Type)
	if len(targets) == 0 {
		return
	}
	s.hookMu.Lock()
	s.hookQueue = append(s.hookQueue, delivery{ev, targets})
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
			d := s.hookQueue[0]
			s.hookQueue = s.hookQueue[1:]
			s.hookMu.Unlock()
			for _, u := range d.targets {
				s.deliver(d.ev, u)
			}
		}
	}
}

// delivery is one event and the URLs it goes to, fixed when it was emitted.
type delivery struct {
	ev      WebhookEvent
	targets []string
}

func (s *Server) deliver(ev WebhookEvent, target string) {
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
	_, _ = s.post(target, b)
}
