package aiozfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"syscall"
	"time"
)

// webhookJSON is OA's Webhook schema (spec §5.5).
type webhookJSON struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	URL              string `json:"url"`
	UserID           string `json:"user_id"`
	CreatedAt        string `json:"created_at"`
	UpdatedAt        string `json:"updated_at"`
	LastTriggeredAt  string `json:"last_triggered_at"`
	FileReceived     bool   `json:"file_received"`
	EncodingStarted  bool   `json:"encoding_started"`
	PartialFinished  bool   `json:"partial_finished"`
	EncodingFinished bool   `json:"encoding_finished"`
	EncodingFailed   bool   `json:"encoding_failed"`
}

// webhookBody is W1's and W4's body; nil fields are absent.
type webhookBody struct {
	Name             *string `json:"name"`
	URL              *string `json:"url"`
	FileReceived     *bool   `json:"file_received"`
	EncodingStarted  *bool   `json:"encoding_started"`
	PartialFinished  *bool   `json:"partial_finished"`
	EncodingFinished *bool   `json:"encoding_finished"`
	EncodingFailed   *bool   `json:"encoding_failed"`
}

// maxWebhooks bounds the webhooks of the fake account.
const maxWebhooks = 100

// wants reports whether the webhook subscribed to an event type.
func (h *webhookJSON) wants(typ string) bool {
	switch typ {
	case "file_received":
		return h.FileReceived
	case "encoding_started":
		return h.EncodingStarted
	case "partial_finished":
		return h.PartialFinished
	case "encoding_finished":
		return h.EncodingFinished
	case "encoding_failed":
		return h.EncodingFailed
	}
	return false
}

// checkWebhookURL accepts absolute http(s) URLs only.
func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return badRequest("url must be an absolute http or https URL")
	}
	if len(raw) > 2048 {
		return badRequest("url is longer than 2048 characters")
	}
	return nil
}

func (b webhookBody) apply(h *webhookJSON) error {
	if b.Name != nil {
		n := strings.TrimSpace(*b.Name)
		if n == "" || len(n) > 255 {
			return badRequest("name must be 1–255 characters")
		}
		h.Name = n
	}
	if b.URL != nil {
		if err := checkWebhookURL(*b.URL); err != nil {
			return err
		}
		h.URL = *b.URL
	}
	for _, f := range []struct {
		v   *bool
		dst *bool
	}{{b.FileReceived, &h.FileReceived}, {b.EncodingStarted, &h.EncodingStarted}, {b.PartialFinished, &h.PartialFinished},
		{b.EncodingFinished, &h.EncodingFinished}, {b.EncodingFailed, &h.EncodingFailed}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	return nil
}

// handleCreateWebhook serves W1 POST /webhooks (201).
func (s *Server) handleCreateWebhook(w http.ResponseWriter, r *http.Request) {
	var b webhookBody
	if !readJSON(w, r, &b) {
		return
	}
	if b.Name == nil || b.URL == nil {
		writeError(w, badRequest("name and url are required"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.acct.webhooks) >= maxWebhooks {
		writeError(w, badRequest("webhook limit reached (%d)", maxWebhooks))
		return
	}
	now := rfc3339(s.now())
	h := &webhookJSON{ID: s.newIDLocked(), UserID: UserID, CreatedAt: now, UpdatedAt: now}
	if err := b.apply(h); err != nil {
		writeError(w, err)
		return
	}
	if s.acct.webhooks == nil {
		s.acct.webhooks = map[string]*webhookJSON{}
	}
	s.acct.webhooks[h.ID] = h
	writeData(w, http.StatusCreated, map[string]any{"webhook": *h})
}

// handleListWebhooks serves W2 GET /webhooks.
func (s *Server) handleListWebhooks(w http.ResponseWriter, r *http.Request) {
	lq, err := parseAcctList(r)
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	filters := map[string]bool{}
	for _, f := range []string{"file_received", "encoding_started", "encoding_finished"} {
		if v := q.Get(f); v != "" {
			if v != "true" && v != "false" {
				writeError(w, badRequest("%s must be true or false", f))
				return
			}
			filters[f] = v == "true"
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []webhookJSON
	for _, h := range s.acct.webhooks {
		if !lq.matches(h.Name) {
			continue
		}
		ok := true
		for f, want := range filters {
			if h.wants(f) != want {
				ok = false
			}
		}
		if ok {
			list = append(list, *h)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		return lq.less(list[i].Name, list[j].Name, list[i].CreatedAt+list[i].ID, list[j].CreatedAt+list[j].ID)
	})
	writePage(w, "webhooks", list, lq.offset, lq.limit)
}

func (s *Server) webhookLocked(id string) (*webhookJSON, error) {
	h, ok := s.acct.webhooks[id]
	if !ok {
		return nil, notFound("Webhook not found")
	}
	return h, nil
}

// handleGetWebhook serves W3 GET /webhooks/{id}.
func (s *Server) handleGetWebhook(w http.ResponseWriter, r *http.Request) {
	h, ok := lockFound(s, w, nil, s.webhookLocked, r.PathValue("id"))
	if !ok {
		return
	}
	defer s.mu.Unlock()
	writeData(w, http.StatusOK, map[string]any{"webhook": *h})
}

// handleUpdateWebhook serves W4 PATCH /webhooks/{id}.
func (s *Server) handleUpdateWebhook(w http.ResponseWriter, r *http.Request) {
	var b webhookBody
	if !readJSON(w, r, &b) {
		return
	}
	h, ok := lockFound(s, w, nil, s.webhookLocked, r.PathValue("id"))
	if !ok {
		return
	}
	defer s.mu.Unlock()
	c := *h
	if err := b.apply(&c); err != nil {
		writeError(w, err)
		return
	}
	c.UpdatedAt = rfc3339(s.now())
	*h = c
	writeOK(w, "Update webhook successfully.")
}

// handleDeleteWebhook serves W5 DELETE /webhooks/{id}.
func (s *Server) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	if _, ok := lockFound(s, w, nil, s.webhookLocked, r.PathValue("id")); !ok {
		return
	}
	defer s.mu.Unlock()
	delete(s.acct.webhooks, r.PathValue("id"))
	writeOK(w, "Delete webhook successfully.")
}

// handleCheckWebhook serves W6 POST /webhooks/check/{id}: it POSTs a test
// payload (fake-only: {"type":"webhook_check","webhook_id","emitted_at"}) to
// the URL and answers 200 only when that returned 2xx; 400 otherwise.
func (s *Server) handleCheckWebhook(w http.ResponseWriter, r *http.Request) {
	drain(r)
	s.mu.Lock()
	h, err := s.webhookLocked(r.PathValue("id"))
	var target, id string
	if err == nil {
		target, id = h.URL, h.ID
	}
	now := s.now()
	s.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	s.mu.Lock()
	s.acct.checks = append(s.acct.checks, id)
	s.mu.Unlock()
	body, _ := json.Marshal(map[string]string{"type": "webhook_check", "webhook_id": id, "emitted_at": rfc3339(now)})
	status, err := s.post(target, body)
	if err == nil && (status < 200 || status > 299) {
		err = fmt.Errorf("the URL answered HTTP %d", status)
	}
	if err != nil {
		writeError(w, badRequest("Webhook URL is not reachable: %s", err))
		return
	}
	s.mu.Lock()
	if h, ok := s.acct.webhooks[id]; ok {
		h.LastTriggeredAt = rfc3339(now)
	}
	s.mu.Unlock()
	writeOK(w, "Webhook is reachable.")
}

// Checks returns the ids of the webhooks checked so far, in order.
func (s *Server) Checks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acct.checks...)
}

// post sends one JSON POST and returns the status.
func (s *Server) post(target string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "aiozfake-webhook/1")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// hookTargetsLocked are the URLs an event goes to: Options.WebhookURL and
// every registered webhook subscribed to its type.
func (s *Server) hookTargetsLocked(typ string) []string {
	var out []string
	if s.opts.WebhookURL != "" {
		out = append(out, s.opts.WebhookURL)
	}
	ids := make([]string, 0, len(s.acct.webhooks))
	for id := range s.acct.webhooks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if h := s.acct.webhooks[id]; h.wants(typ) {
			out = append(out, h.URL)
		}
	}
	return out
}

// loopbackClient is the HTTP client of deliveries and checks: it dials
// loopback addresses only (checked on the resolved IP, redirects included).
func loopbackClient() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("the sandbox delivers webhooks to this machine's loopback only, not %s", host)
		}
		return nil
	}}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, Proxy: nil}}
}
