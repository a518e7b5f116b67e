package aiozfake

import (
	"math"
	"time"
)

func (s *Server) tick() {
	s.mu.Lock()
	s.advanceDueLocked()
	s.mu.Unlock()
}

// advanceDueLocked applies every step that is due by Options.Now (Step > 0).
func (s *Server) advanceDueLocked() {
	if s.opts.Step <= 0 {
		return
	}
	now := s.now()
	for _, m := range s.order {
		for m.nextStep < m.stepsTotal {
			due := m.completedAt.Add(time.Duration(m.nextStep+1) * s.opts.Step)
			if now.Before(due) {
				break
			}
			s.applyStepLocked(m, due)
		}
	}
}

// finishLocked applies all remaining steps of m now.
func (s *Server) finishLocked(m *media) {
	now := s.now()
	for m.nextStep < m.stepsTotal {
		s.applyStepLocked(m, now)
	}
	m.waitRead = false
}

func (s *Server) applyStepLocked(m *media, at time.Time) {
	k := m.nextStep
	m.nextStep++
	if m.Status != StatusTranscoding {
		m.nextStep = m.stepsTotal
		return
	}
	n := len(m.Qualities)
	m.UpdatedAt = at
	switch {
	case !m.failing && k < n, m.failing && k < n-1:
		m.Qualities[k].Status = StatusDone
		s.emitLocked(WebhookEvent{Type: "partial_finished", MediaID: m.ID, Title: m.Title,
			Status: StatusTranscoding, Quality: m.Qualities[k].Name, Time: at})
	case !m.failing:
		m.Status = StatusDone
		m.Duration = math.Max(1, math.Round(float64(m.Size)/fakeBytesPerSecond*100)/100)
		s.emitLocked(WebhookEvent{Type: "encoding_finished", MediaID: m.ID, Title: m.Title, Status: StatusDone, Time: at})
	default:
		for i := range m.Qualities {
			if m.Qualities[i].Status != StatusDone {
				m.Qualities[i].Status = StatusFail
			}
		}
		m.Status = StatusFail
		s.emitLocked(WebhookEvent{Type: "encoding_failed", MediaID: m.ID, Title: m.Title, Status: StatusFail, Time: at})
	}
}
