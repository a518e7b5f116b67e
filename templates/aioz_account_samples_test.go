package templates

// Samples of the AIOZ account templates (aioz_account.go), added to the
// all-templates test's list.
func init() {
	samples = append(samples,
		with(AIOZWebhookCard, WebhookCard{Heading: "🔔 Webhook created", ID: "w1", Name: "hook", URL: "https://h", Events: []string{"encoding_finished"},
			Checked: true, CheckOK: true, CheckMsg: "ok", LastSeen: "t", Notes: []string{"n"}}),
		with(AIOZWebhookList, WebhookList{Rows: []WebhookRow{{ID: "w1", Name: "hook", URL: "https://h", Events: []string{"file_received"}}}, Total: 2, NextOffset: 1}),
		with(AIOZWebhookCheck, WebhookCheck{ID: "w1", OK: false, Message: "HTTP 500"}),
		with(AIOZWebhookReceived, WebhookCheck{ID: "w1", Timestamp: "2026-01-02 03:04:05"}),
		with(AIOZAPIKeyCreated, APIKeyCreated{ID: "k1", Name: "ci", Type: "only_upload", Masked: "sk_a…9f3c", ExpiresAt: "e", TTL: "30d",
			Account: "aioz/api_key/k1", Stored: true, InUse: true}),
		with(AIOZAPIKeyList, APIKeyList{Rows: []APIKeyRow{{ID: "k1", Name: "ci", Type: "full_access", Masked: "…9f3c", ExpiresAt: "e", Status: "active", InUse: true, Stored: true}}, Total: 1}),
		with(AIOZBilling, Billing{Balance: "12.5", From: "a", To: "b", Usage: []BillingFigure{{"Storage", "1 GB", "0.002"}},
			TopUps: []TopUpRow{{"t", "50", "success", "0x1"}}, Months: []BillingMonth{{"2026-01", "1", "2", "3", "0.1"}}, Conversion: "c", Notes: []string{"n"}}),
		with(AIOZLiveKeyCard, LiveKeyCard{Heading: "📡 Stream key created", ID: "l1", Name: "studio", Type: "video", Save: true, RTMPURL: "rtmp://h/live",
			Account: "aioz/stream_key/l1", Stored: true, Notes: []string{"n"}}),
		with(AIOZLiveKeyList, LiveKeyList{Type: "video", Rows: []LiveKeyRow{{ID: "l1", Name: "studio", RTMPURL: "rtmp://h/live", CreatedAt: "c", Save: true}}, Total: 1}),
		with(AIOZStreamingCard, StreamingCard{Heading: "🎥 Broadcast", ID: "s1", Title: "Show", Status: "streaming", KeyID: "l1", Save: true,
			Qualities: []string{"720p"}, HLS: "https://h", Player: "https://p", Embed: "<iframe>", Thumbnail: "https://t", Views: 3, Notes: []string{"n"}}),
		with(AIOZStreamingList, StreamingList{KeyID: "l1", Rows: []StreamingRow{{ID: "s1", Title: "Show", Status: "streaming", CreatedAt: "c"}}, Total: 1}),
		with(AIOZLiveStats, LiveStats{StreamID: "s1", BitrateIn: "4500 kbps", BitrateOut: "9000 kbps", Transferred: "1 MB", FPSIn: 30, FPSOut: 30, CurrentView: 1, Total: 2}),
		with(AIOZMulticast, Multicast{KeyID: "l1", URLs: []string{"rtmp://a/live"}}),
		with(AIOZJSONBlock, JSONBlock{Heading: "h", JSON: "{}"}),
		with(AIOZDone, Done{Text: "Deleted.", Notes: []string{"n"}}),
		with(AIOZMediaStats, MediaStats{Rows: []MediaStatRow{{ID: "m1", Title: "Clip", Type: "video", Views: 3, Duration: 5}}, Total: 1, Conversion: "c"}),
	)
}
