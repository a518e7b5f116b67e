package templates

import "time"

// Provider-independent template names.
var (
	MediaProviders = T[Providers]("media/providers")
	MediaEvents    = T[Events]("media/events")
)

// Providers fills media/providers: which providers are configured.
type Providers struct {
	Sandbox   bool
	Providers []ProviderRow
}

// ProviderRow is one provider's status; never a key.
type ProviderRow struct {
	Provider   string // id
	Name       string
	Configured bool
	Source     string // keyring, environment or sandbox
	Note       string // how to configure it
}

// Events fills media/events: a page of the callback inbox.
type Events struct {
	TaskID  string // the filter; "" for all tasks
	Events  []EventRow
	More    bool
	Next    int64 // after_seq of the next page
	Enabled bool  // a public callback URL is configured
	// Payload is one event's full callback body (media_events with seq),
	// already cut to the tool's byte cap; "" in listings.
	Payload string
}

// EventRow is one received callback.
type EventRow struct {
	Seq        int64
	ReceivedAt time.Time
	Provider   string
	Kind       string
	TaskID     string
	Summary    string
}
