package vodfake

import (
	"bytes"
	"encoding/json"
	"time"
)

type callback struct {
	group string
	body  map[string]any
}

// videoReady is §6.1's body (s.mu held).
func (s *Server) videoReady(v *video) map[string]any {
	sets := []any{}
	for _, rd := range v.Renditions {
		if st, _ := renditionState(s.steps(rd.Started)); st == 1 {
			sets = append(sets, s.playSetItem(v, rd))
		}
	}
	thumb := ""
	if v.Thumb != "" {
		thumb = v.fileURL(v.Thumb)
	}
	return map[string]any{"event_type": "video_ready", "video_id": v.ID, "storage_id": v.StorageID, "source_type": v.SourceType,
		"source_id": v.SourceID, "url_origin": v.fileURL(v.StorageID), "thumb_url": thumb, "file_size": v.Size,
		"video_name": v.Name, "video_width": v.Width, "video_height": v.Height, "video_duration": v.DurationMS, "play_set": sets}
}

func (s *Server) playSetItem(v *video, rd *rendition) map[string]any {
	t := templates[rd.Template]
	return map[string]any{"play_set_id": rd.ID, "trans_task_config_temp_id": rd.Template, "resolution": t.Res,
		"url": v.fileURL(rd.StorageID), "file_size": v.renditionSize(t.Factor),
		"video_width": t.W, "video_height": t.H, "video_duration": v.DurationMS}
}

// playSetReady is §6.2's body (s.mu held).
func (s *Server) playSetReady(v *video, rd *rendition) map[string]any {
	body := s.playSetItem(v, rd)
	body["event_type"] = "video_play_set_ready"
	body["video_id"] = v.ID
	return body
}

// send POSTs a callback in the background: any 2xx is success; otherwise
// up to 3 attempts with back-off.
func (s *Server) send(cb callback) {
	s.mu.Lock()
	url := s.callbacks[cb.group]
	s.mu.Unlock()
	if url == "" {
		return
	}
	body, _ := json.Marshal(cb.body)
	ev, _ := cb.body["event_type"].(string)
	vid, _ := cb.body["video_id"].(string)
	s.pending.Add(1)
	go func() {
		defer s.pending.Done()
		wait := s.opts.Step / 10
		for attempt := 1; attempt <= 3; attempt++ {
			status := 0
			resp, err := s.opts.CallbackClient.Post(url, "application/json", bytes.NewReader(body))
			if err == nil {
				status = resp.StatusCode
				resp.Body.Close()
			}
			s.mu.Lock()
			s.delivered = append(s.delivered, Delivery{URL: url, EventType: ev, VideoID: vid, Status: status, Attempt: attempt})
			if len(s.delivered) > MaxLog {
				s.delivered = s.delivered[len(s.delivered)-MaxLog:]
			}
			s.mu.Unlock()
			if status >= 200 && status < 300 {
				return
			}
			select {
			case <-s.stop:
				return
			case <-time.After(wait):
			}
			wait *= 2
		}
	}()
}
