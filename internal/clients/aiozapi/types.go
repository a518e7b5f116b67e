package aiozapi

// Media is OA's Media object (spec §5.1).
type Media struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Type        string          `json:"type,omitempty"`
	Status      string          `json:"status"`
	IsPublic    bool            `json:"is_public"`
	Duration    float64         `json:"duration,omitempty"`
	Size        int64           `json:"size,omitempty"`
	View        int64           `json:"view,omitempty"`
	Tags        []string        `json:"tags,omitempty"`
	Metadata    []Metadata      `json:"metadata,omitempty"`
	Assets      Assets          `json:"assets"`
	Qualities   []QualityObject `json:"qualities,omitempty"`
	Chapters    []Chapter       `json:"chapters,omitempty"`
	PlayerTheme string          `json:"player_theme_id,omitempty"`
	CreatedAt   string          `json:"created_at,omitempty"`
	UpdatedAt   string          `json:"updated_at,omitempty"`
}

// Assets are the streaming links (spec §5.2); empty until transcoding is done.
type Assets struct {
	HLSURL        string `json:"hls_url,omitempty"`
	HLSPlayerURL  string `json:"hls_player_url,omitempty"`
	HLSIframe     string `json:"hls_iframe,omitempty"`
	DASHURL       string `json:"dash_url,omitempty"`
	DASHPlayerURL string `json:"dash_player_url,omitempty"`
	DASHIframe    string `json:"dash_iframe,omitempty"`
	MP4URL        string `json:"mp4_url,omitempty"`
	SourceURL     string `json:"source_url,omitempty"`
	ThumbnailURL  string `json:"thumbnail_url,omitempty"`
}

// Metadata is a key/value pair.
type Metadata struct {
	Key   string `json:"key" jsonschema:"required"`
	Value string `json:"value" jsonschema:"required"`
}

// QualityObject is one rendition's state.
type QualityObject struct {
	Name         string `json:"name,omitempty"`
	Type         string `json:"type,omitempty"`
	Status       string `json:"status,omitempty"`
	VideoCodec   string `json:"video_codec,omitempty"`
	VideoBitrate int64  `json:"video_bitrate,omitempty"`
	AudioCodec   string `json:"audio_codec,omitempty"`
	AudioBitrate int64  `json:"audio_bitrate,omitempty"`
}

// QualityConfig is one requested rendition (spec §5.3).
type QualityConfig struct {
	Resolution    string       `json:"resolution"`
	Type          string       `json:"type,omitempty"`
	ContainerType string       `json:"container_type,omitempty"`
	VideoConfig   *VideoConfig `json:"video_config,omitempty"`
	AudioConfig   *AudioConfig `json:"audio_config,omitempty"`
}

// VideoConfig is a rendition's video stream.
type VideoConfig struct {
	Codec   string `json:"codec,omitempty"`
	Bitrate int64  `json:"bitrate,omitempty"`
	Index   int    `json:"index"`
}

// AudioConfig is a rendition's audio stream; channels is a string in OA.
type AudioConfig struct {
	Codec      string `json:"codec,omitempty"`
	Bitrate    int64  `json:"bitrate,omitempty"`
	Channels   string `json:"channels,omitempty"`
	SampleRate int64  `json:"sample_rate,omitempty"`
	Language   string `json:"language,omitempty"`
	Index      int    `json:"index"`
}

// Chapter is a chapter file per language.
type Chapter struct {
	Language string `json:"language"`
	URL      string `json:"url,omitempty"`
}
