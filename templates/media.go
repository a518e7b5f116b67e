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

// MediaToolsets renders media_toolsets: every toolset and whether this
// session has it.
var MediaToolsets = T[Toolsets]("media/toolsets")

// Toolsets fills media/toolsets.
type Toolsets struct {
	Enabled  []string // turned on by this call
	Disabled []string // turned off by this call
	Rows     []ToolsetRow
	Exposed  int // tools in this session's tools/list now
}

// ToolsetRow is one toolset.
type ToolsetRow struct {
	Name        string
	Description string
	Provider    string // "" for provider-independent toolsets
	Configured  bool   // the provider has credentials
	Tools       int
	On          bool
}

// TaskProgress is the progress line of a tool waiting for a remote task.
var TaskProgress = T[TaskStatus]("media/progress_task")

// TaskStatus fills media/progress_task: a remote task's status while a tool
// waits for it ("transcription t1: running (2/4)").
type TaskStatus struct {
	Subject     string // "transcription", "audio moderation"
	TaskID      string
	Status      string
	Step, Steps int // Steps 0: no step count
}

// Log lines: the data of a notifications/message the server sends on its
// own (not a tool's result), rendered with Line.
var (
	MediaCallbackLog   = T[CallbackNote]("media/log_callback")
	MediaToolsAddedLog = T[ToolsAdded]("media/log_tools_added")
)

// CallbackNote fills media/log_callback: that a callback arrived, never
// what it says (callback text is third-party data, read with media_events).
type CallbackNote struct {
	Provider, Kind, TaskID string
	Seq                    int64
}

// ToolsAdded fills media/log_tools_added: tools that appeared because a
// provider was configured while the server ran.
type ToolsAdded struct {
	Tools []string
}
