package aioz

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/internal/inbox"
	"github.com/mcp-media/mcp-media/internal/providers"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// WebhookKind is the callback inbox kind of AIOZ webhook deliveries.
const WebhookKind = "aioz_webhook"

// webhookEvents are seed 001's five event flags, in its order.
var webhookEvents = []string{"file_received", "encoding_started", "partial_finished", "encoding_finished", "encoding_failed"}

func (t *tools) webhookTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_create_webhook",
			Title:       "Create a webhook",
			Description: "Register a URL AIOZ notifies about media events (default: this server's callback inbox when --public-url is set, so events appear in media_events and aioz_wait_for_media), then check it with /webhooks/check: it is reported active only if the check succeeded.",
		}, t.createWebhook),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_list_webhooks",
			Title:       "List webhooks",
			Description: "The account's webhooks with their URLs, events and when they last fired.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.listWebhooks),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_webhook",
			Title:       "Get a webhook",
			Description: "One webhook. It does not check the URL: use aioz_check_webhook for that.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.getWebhook),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_update_webhook",
			Title:       "Update a webhook",
			Description: "Change a webhook's name, URL or events (omitted ones stay), then check it again and report what the check returned.",
			Annotations: toolkit.Annotations{Idempotent: true},
		}, t.updateWebhook),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_webhook",
			Title:       "Delete a webhook",
			Description: "Stop notifications to a webhook's URL. Cannot be undone.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deleteWebhook),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_check_webhook",
			Title:       "Check a webhook",
			Description: "Ask AIOZ to call the webhook's URL (/webhooks/check) and report whether it answered: the only way a webhook is confirmed active.",
			Annotations: toolkit.Annotations{Idempotent: true},
		}, t.checkWebhook),
	}
}

// WebhookView is a webhook as agents see it. A URL that is this server's
// callback inbox is not shown (its path is a capability).
type WebhookView struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	URL           string   `json:"url,omitempty" jsonschema_description:"Absent when the URL is this server's callback inbox"`
	Inbox         bool     `json:"inbox" jsonschema_description:"Deliveries go to this server's callback inbox (media_events)"`
	Events        []string `json:"events"`
	LastTriggered string   `json:"last_triggered_at,omitempty"`
	CreatedAt     string   `json:"created_at,omitempty"`
}

func (t *tools) webhookView(h aiozapi.Webhook) WebhookView {
	v := WebhookView{ID: h.ID, Name: h.Name, URL: h.URL, Events: flags(h), LastTriggered: h.LastTriggeredAt, CreatedAt: h.CreatedAt}
	if t.env.Inbox != nil && t.env.Inbox.Owns(h.URL) {
		v.URL, v.Inbox = "", true
	}
	return v
}

func flags(h aiozapi.Webhook) []string {
	out := []string{}
	for i, on := range []bool{h.FileReceived, h.EncodingStarted, h.PartialFinished, h.EncodingFinished, h.EncodingFailed} {
		if on {
			out = append(out, webhookEvents[i])
		}
	}
	return out
}

func setFlags(r *aiozapi.WebhookRequest, events []string) error {
	r.FileReceived, r.EncodingStarted, r.PartialFinished, r.EncodingFinished, r.EncodingFailed = false, false, false, false, false
	for i, e := range events {
		switch e {
		case "file_received":
			r.FileReceived = true
		case "encoding_started":
			r.EncodingStarted = true
		case "partial_finished":
			r.PartialFinished = true
		case "encoding_finished":
			r.EncodingFinished = true
		case "encoding_failed":
			r.EncodingFailed = true
		default:
			return argerr.New(fmt.Sprintf("events.%d", i), fmt.Sprintf("%q is not an AIOZ webhook event", e), "use "+strings.Join(webhookEvents, ", "))
		}
	}
	return nil
}

// CheckView is what /webhooks/check returned.
type CheckView struct {
	Checked bool   `json:"checked" jsonschema_description:"A check request was made in this call"`
	OK      bool   `json:"ok"`
	Message string `json:"message,omitempty"`
}

// WebhookOutput is one webhook and, after create, update and check, the
// check's answer.
type WebhookOutput struct {
	Webhook WebhookView `json:"webhook"`
	Active  bool        `json:"active" jsonschema_description:"True only when /webhooks/check succeeded in this call"`
	Check   CheckView   `json:"check"`
}

// CreateWebhookInput are aioz_create_webhook's arguments.
type CreateWebhookInput struct {
	Name   string   `json:"name" jsonschema:"required,minLength=1,maxLength=255"`
	URL    string   `json:"url,omitempty" jsonschema:"maxLength=2048" jsonschema_description:"http(s) URL to notify; omit to use this server's callback inbox (needs --public-url)"`
	Events []string `json:"events,omitempty" jsonschema:"maxItems=5,enum=file_received,enum=encoding_started,enum=partial_finished,enum=encoding_finished,enum=encoding_failed" jsonschema_description:"Default: all five"`
}

func checkURL(u string) error {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return argerr.New("url", fmt.Sprintf("%q is not an http(s) URL", u), "give an absolute URL AIOZ can reach, or omit url to use this server's callback inbox")
	}
	return nil
}

func (t *tools) createWebhook(ctx context.Context, c *toolkit.Call, in CreateWebhookInput) (WebhookOutput, string, error) {
	req := aiozapi.WebhookRequest{Name: in.Name, URL: in.URL}
	events := in.Events
	if len(events) == 0 {
		events = webhookEvents
	}
	if err := setFlags(&req, events); err != nil {
		return WebhookOutput{}, "", err
	}
	if in.URL != "" {
		if err := checkURL(in.URL); err != nil {
			return WebhookOutput{}, "", err
		}
	} else if t.env.Inbox == nil || !t.env.Inbox.Enabled() {
		return WebhookOutput{}, "", argerr.New("url", "is required: this server has no public callback address", "give an http(s) URL, or start the server with --public-url so AIOZ can deliver to its callback inbox")
	}
	client, err := t.client.Get()
	if err != nil {
		return WebhookOutput{}, "", err
	}
	if in.URL == "" {
		// One standing, unguessable address for all AIOZ deliveries.
		if req.URL, err = t.env.Inbox.StableCallback("aioz", WebhookKind); err != nil {
			return WebhookOutput{}, "", err
		}
	}
	h, err := client.CreateWebhook(ctx, req)
	if err != nil {
		return WebhookOutput{}, "", err
	}
	return t.checked(ctx, client, h, "🔔 Webhook created")
}

// checked runs /webhooks/check (rule A8) and renders the card.
func (t *tools) checked(ctx context.Context, client *aiozapi.Client, h aiozapi.Webhook, heading string) (WebhookOutput, string, error) {
	out := WebhookOutput{Webhook: t.webhookView(h), Check: CheckView{Checked: true}}
	if err := client.CheckWebhook(ctx, h.ID); err != nil {
		out.Check.Message = err.Error()
	} else {
		out.Check.OK, out.Active, out.Check.Message = true, true, "AIOZ reached the URL"
		if again, err := client.GetWebhook(ctx, h.ID); err == nil {
			out.Webhook = t.webhookView(again)
		}
	}
	text, err := templates.AIOZWebhookCard.Render(t.card(out, heading, h.URL))
	return out, text, err
}

func (t *tools) card(o WebhookOutput, heading, url string) templates.WebhookCard {
	c := templates.WebhookCard{Heading: heading, ID: o.Webhook.ID, Name: o.Webhook.Name, URL: o.Webhook.URL, Inbox: o.Webhook.Inbox,
		Events: o.Webhook.Events, Checked: o.Check.Checked, CheckOK: o.Check.OK, CheckMsg: o.Check.Message, LastSeen: o.Webhook.LastTriggered}
	if o.Webhook.Inbox && !t.env.Inbox.Live(url) {
		c.Notes = append(c.Notes, "This server no longer accepts deliveries on this webhook's inbox path: run aioz_update_webhook with url \"\" to give it the current one.")
	}
	return c
}

// AccountListInput pages an account list (webhooks, API keys, stream keys).
type AccountListInput struct {
	Search  string `json:"search,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Match names"`
	SortBy  string `json:"sort_by,omitempty" jsonschema:"enum=created_at,enum=name,default=created_at"`
	OrderBy string `json:"order_by,omitempty" jsonschema:"enum=asc,enum=desc,default=desc"`
	Limit   int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset  int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

func (l AccountListInput) query() aiozapi.ListQuery {
	return aiozapi.ListQuery{Search: l.Search, SortBy: l.SortBy, OrderBy: l.OrderBy, Offset: l.Offset, Limit: l.Limit}
}

// Page is the paging part of a list result: the total and, unless this
// is the last page, the offset of the next one.
type Page struct {
	Total      int `json:"total"`
	NextOffset int `json:"next_offset,omitempty"`
}

// page is the Page of a list call at offset that returned got of total items.
func page(offset, got, total int) Page {
	return Page{Total: total, NextOffset: nextOffset(offset, got, total)}
}

// nextOffset is the offset of the page after the one at offset that
// returned got of total items, or 0 on the last page.
func nextOffset(offset, got, total int) int {
	if next := offset + got; got > 0 && next < total {
		return next
	}
	return 0
}

// WebhookListOutput is a page of webhooks.
type WebhookListOutput struct {
	Webhooks []WebhookView `json:"webhooks"`
	Page
}

func (t *tools) listWebhooks(ctx context.Context, _ *toolkit.Call, in AccountListInput) (WebhookListOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return WebhookListOutput{}, "", err
	}
	list, err := client.ListWebhooks(ctx, in.query())
	if err != nil {
		return WebhookListOutput{}, "", err
	}
	out := WebhookListOutput{Webhooks: []WebhookView{}, Page: page(in.Offset, len(list.Webhooks), list.Total)}
	d := templates.WebhookList{Total: out.Total, NextOffset: out.NextOffset}
	for _, h := range list.Webhooks {
		v := t.webhookView(h)
		out.Webhooks = append(out.Webhooks, v)
		u := v.URL
		if v.Inbox {
			u = "this server's callback inbox"
		}
		d.Rows = append(d.Rows, templates.WebhookRow{ID: v.ID, Name: v.Name, URL: u, Events: v.Events, LastTriggered: v.LastTriggered})
	}
	text, err := templates.AIOZWebhookList.Render(d)
	return out, text, err
}

// WebhookIDInput names one webhook.
type WebhookIDInput struct {
	WebhookID string `json:"webhook_id" jsonschema:"required,minLength=1,maxLength=64" jsonschema_description:"Webhook id (find it with aioz_list_webhooks)"`
}

func (t *tools) getWebhook(ctx context.Context, _ *toolkit.Call, in WebhookIDInput) (WebhookOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return WebhookOutput{}, "", err
	}
	h, err := client.GetWebhook(ctx, in.WebhookID)
	if err != nil {
		return WebhookOutput{}, "", err
	}
	out := WebhookOutput{Webhook: t.webhookView(h)}
	text, err := templates.AIOZWebhookCard.Render(t.card(out, "🔔 Webhook", h.URL))
	return out, text, err
}

// UpdateWebhookInput are aioz_update_webhook's arguments.
type UpdateWebhookInput struct {
	WebhookID string   `json:"webhook_id" jsonschema:"required,minLength=1,maxLength=64"`
	Name      *string  `json:"name,omitempty" jsonschema:"minLength=1,maxLength=255"`
	URL       *string  `json:"url,omitempty" jsonschema:"maxLength=2048" jsonschema_description:"New http(s) URL; \"\" switches to this server's callback inbox"`
	Events    []string `json:"events,omitempty" jsonschema:"maxItems=5,enum=file_received,enum=encoding_started,enum=partial_finished,enum=encoding_finished,enum=encoding_failed" jsonschema_description:"Replaces the subscribed events"`
}

func (t *tools) updateWebhook(ctx context.Context, _ *toolkit.Call, in UpdateWebhookInput) (WebhookOutput, string, error) {
	if in.Name == nil && in.URL == nil && in.Events == nil {
		return WebhookOutput{}, "", argerr.New("arguments", "nothing to change", "give at least one of name, url, events")
	}
	if in.URL != nil && *in.URL != "" {
		if err := checkURL(*in.URL); err != nil {
			return WebhookOutput{}, "", err
		}
	} else if in.URL != nil && (t.env.Inbox == nil || !t.env.Inbox.Enabled()) {
		return WebhookOutput{}, "", argerr.New("url", "\"\" means this server's callback inbox, but the server has no public callback address", "give an http(s) URL, or start the server with --public-url")
	}
	client, err := t.client.Get()
	if err != nil {
		return WebhookOutput{}, "", err
	}
	cur, err := client.GetWebhook(ctx, in.WebhookID)
	if err != nil {
		return WebhookOutput{}, "", err
	}
	req := aiozapi.WebhookRequest{Name: cur.Name, URL: cur.URL, FileReceived: cur.FileReceived, EncodingStarted: cur.EncodingStarted,
		PartialFinished: cur.PartialFinished, EncodingFinished: cur.EncodingFinished, EncodingFailed: cur.EncodingFailed}
	if in.Name != nil {
		req.Name = *in.Name
	}
	if in.Events != nil {
		if err := setFlags(&req, in.Events); err != nil {
			return WebhookOutput{}, "", err
		}
	}
	if in.URL != nil {
		req.URL = *in.URL
		if req.URL == "" {
			if t.env.Inbox.Live(cur.URL) {
				req.URL = cur.URL
			} else if req.URL, err = t.env.Inbox.StableCallback("aioz", WebhookKind); err != nil {
				return WebhookOutput{}, "", err
			}
		}
	}
	if err := client.UpdateWebhook(ctx, in.WebhookID, req); err != nil {
		return WebhookOutput{}, "", err
	}
	h, err := client.GetWebhook(ctx, in.WebhookID)
	if err != nil {
		return WebhookOutput{}, "", fmt.Errorf("the update succeeded but reading the webhook back failed: %w", err)
	}
	return t.checked(ctx, client, h, "🔔 Webhook updated")
}

// DeletedOutput confirms a deletion.
type DeletedOutput struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

func (t *tools) deleteWebhook(ctx context.Context, _ *toolkit.Call, in WebhookIDInput) (DeletedOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return DeletedOutput{}, "", err
	}
	if err := client.DeleteWebhook(ctx, in.WebhookID); err != nil {
		return DeletedOutput{}, "", err
	}
	text, err := templates.AIOZDone.Render(templates.Done{Text: fmt.Sprintf("Deleted webhook `%s`: AIOZ no longer notifies its URL.", in.WebhookID)})
	return DeletedOutput{ID: in.WebhookID, Deleted: true}, text, err
}

// CheckOutput is a check's result.
type CheckOutput struct {
	WebhookID string `json:"webhook_id"`
	Active    bool   `json:"active"`
	Message   string `json:"message"`
}

func (t *tools) checkWebhook(ctx context.Context, _ *toolkit.Call, in WebhookIDInput) (CheckOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return CheckOutput{}, "", err
	}
	out := CheckOutput{WebhookID: in.WebhookID, Message: "AIOZ reached the URL"}
	if err := client.CheckWebhook(ctx, in.WebhookID); err != nil {
		if st := httpx.StatusOf(err); st == 404 || st == 401 || st == 403 {
			return CheckOutput{}, "", err
		}
		out.Message = err.Error()
	} else {
		out.Active = true
	}
	text, err := templates.AIOZWebhookCheck.Render(templates.WebhookCheck{ID: in.WebhookID, OK: out.Active, Message: out.Message})
	return out, text, err
}

// webhookPayload is what the fake (and, as far as is known, AIOZ) POSTs.
type webhookPayload struct {
	Type      string `json:"type"`
	MediaID   string `json:"media_id"`
	Title     string `json:"title"`
	Quality   string `json:"quality"`
	WebhookID string `json:"webhook_id"`
	EmittedAt string `json:"emitted_at"`
}

func decodePayload(p json.RawMessage) (webhookPayload, bool) {
	var w webhookPayload
	return w, json.Unmarshal(p, &w) == nil && w.Type != ""
}

// registerInbox teaches the callback inbox AIOZ deliveries: the media id
// as task id, one line per event, duplicates dropped, and the seed's card.
func registerInbox(env *toolkit.Env) {
	if env.Inbox == nil {
		return
	}
	env.Inbox.SetSummarizer(WebhookKind, func(p json.RawMessage) (string, string) {
		w, ok := decodePayload(p)
		if !ok {
			return "", "unrecognised AIOZ delivery"
		}
		// The standing route binds no task; the media id is in the
		// summary and the payload.
		if w.Type == "webhook_check" {
			return "", "webhook check"
		}
		s := w.Type + ": " + w.Title + " (media " + w.MediaID
		if w.Quality != "" {
			s += ", " + w.Quality
		}
		return "", s + ")"
	})
	p, _ := providers.ByID("aioz")
	api := p.Endpoint("api", env.Getenv)
	// A retried delivery (same event of the same media) is stored once.
	env.Inbox.SetAcceptor(WebhookKind, func(p []byte) (string, error) {
		w, ok := decodePayload(p)
		if !ok {
			return "", nil // unknown shapes are kept, not deduplicated
		}
		if w.Type == "webhook_check" {
			return w.Type + "|" + w.WebhookID + "|" + w.EmittedAt, nil
		}
		return w.Type + "|" + w.MediaID + "|" + w.Quality, nil
	})
	env.Inbox.SetKind(WebhookKind, inbox.KindHooks{Render: func(ev inbox.Event) string { return renderDelivery(ev, api) }})
}

// renderDelivery is a delivery as seed 001's event template.
func renderDelivery(ev inbox.Event, api string) string {
	w, ok := decodePayload(ev.Payload)
	if !ok {
		return ""
	}
	at := ev.ReceivedAt
	if t, err := time.Parse(time.RFC3339, w.EmittedAt); err == nil {
		at = t
	}
	if w.Type == "webhook_check" {
		out, _ := templates.AIOZWebhookReceived.Render(templates.WebhookCheck{ID: w.WebhookID, Timestamp: templates.Timestamp(at)})
		return out
	}
	tm, ok := eventTemplates[w.Type]
	if !ok {
		return ""
	}
	out, err := tm.Render(templates.MediaEvent{MediaID: w.MediaID, Title: w.Title, Type: "video", Timestamp: templates.Timestamp(at), HasMP4: true,
		Links: templates.EventLinks{API: api}})
	if err != nil {
		return ""
	}
	return out
}

var eventTemplates = map[string]templates.T[templates.MediaEvent]{
	"file_received":     templates.AIOZFileReceived,
	"encoding_started":  templates.AIOZEncodingStarted,
	"partial_finished":  templates.AIOZPartialFinished,
	"encoding_finished": templates.AIOZEncodingFinished,
	"encoding_failed":   templates.AIOZEncodingFailed,
}

// api is the configured AIOZ API endpoint.
func (t *tools) api() string {
	p, _ := providers.ByID("aioz")
	return p.Endpoint("api", t.env.Getenv)
}

// deliveryWatch follows one media's webhook deliveries in the inbox.
type deliveryWatch struct {
	inbox   *inbox.Inbox
	mediaID string
	wake    chan struct{} // nil without an inbox: never ready
	stop    func()
	after   int64
	count   int
	types   map[string]int
}

// delivery is one reported webhook event.
type delivery struct {
	typ, card string
}

func (t *tools) watchDeliveries(mediaID string) *deliveryWatch {
	w := &deliveryWatch{inbox: t.env.Inbox, mediaID: mediaID, stop: func() {}, types: map[string]int{}}
	if w.inbox == nil {
		return w
	}
	w.wake = make(chan struct{}, 1)
	w.stop = w.inbox.Subscribe(func(ev inbox.Event) {
		if p, ok := decodePayload(ev.Payload); ok && ev.Kind == WebhookKind && p.MediaID == mediaID {
			select {
			case w.wake <- struct{}{}:
			default:
			}
		}
	})
	return w
}

// take returns the deliveries not reported yet, oldest first.
func (w *deliveryWatch) take() []delivery {
	if w.inbox == nil {
		return nil
	}
	var out []delivery
	for {
		evs, more := w.inbox.List(inbox.Filter{Provider: "aioz", Kind: WebhookKind, AfterSeq: w.after, Limit: 100})
		for _, ev := range evs {
			w.after = ev.Seq
			p, ok := decodePayload(ev.Payload)
			if !ok || p.MediaID != w.mediaID {
				continue
			}
			card := w.inbox.Render(ev)
			if card == "" {
				continue
			}
			w.count++
			w.types[p.Type]++
			out = append(out, delivery{typ: p.Type, card: card})
		}
		if !more {
			return out
		}
	}
}

// seen is how many deliveries of an event type were reported.
func (w *deliveryWatch) seen(typ string) int { return w.types[typ] }
