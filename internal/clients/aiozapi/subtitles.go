package aiozapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Subtitles (spec §6.3): the OpenAPI calls them captions (K1–K4) and seed
// 001 transcripts (T1–T4). Every call tries the caption paths first and
// falls back to the transcript paths when the service answers 404 (spec
// Q2). The family that answered is reported so a result can say so.

// Subtitle is OA's MediaCaption.
type Subtitle struct {
	Language    string `json:"language"`
	URL         string `json:"url,omitempty"`
	Status      string `json:"status,omitempty"`
	IsDefault   bool   `json:"is_default"`
	Description string `json:"description,omitempty"`
}

// SubtitleList is K2/T2's data.
type SubtitleList struct {
	Subtitles []Subtitle `json:"media_captions"`
	Total     int        `json:"total"`
	// Family is "captions" or "transcripts": the path family that answered.
	Family string `json:"-"`
}

// Subtitle path families, in the order they are tried.
const (
	FamilyCaptions    = "captions"
	FamilyTranscripts = "transcripts"
)

// subtitleCall runs call with the caption family, then with the transcript
// family when the first answer is a 404; it returns the family that gave
// the final answer.
func subtitleCall(call func(family string) error) (string, error) {
	err := call(FamilyCaptions)
	if httpx.StatusOf(err) != http.StatusNotFound {
		return FamilyCaptions, err
	}
	return FamilyTranscripts, call(FamilyTranscripts)
}

func subtitlePath(mediaID, family, lang string) string {
	p := "/media/" + seg(mediaID) + "/" + family
	if lang != "" {
		p += "/" + seg(lang)
	}
	return p
}

// AddSubtitle uploads a WebVTT file as the subtitle of one language (K1,
// else T1). The caller validates the WebVTT and the BCP 47 tag first.
func (c *Client) AddSubtitle(ctx context.Context, mediaID, lang string, vtt []byte) (Subtitle, string, error) {
	body, ctype, err := fileForm(lang+".vtt", vtt, nil)
	if err != nil {
		return Subtitle{}, "", err
	}
	var out envelope[struct {
		Subtitle Subtitle `json:"media_caption"`
	}]
	family, err := subtitleCall(func(family string) error {
		_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: subtitlePath(mediaID, family, lang), Body: body, ContentType: ctype}, &out)
		return err
	})
	return out.Data.Subtitle, family, err
}

// ListSubtitles lists a media's subtitles (K2, else T2).
func (c *Client) ListSubtitles(ctx context.Context, mediaID string, offset, limit int) (SubtitleList, error) {
	q := url.Values{}
	q.Set("offset", strconv.Itoa(offset))
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out envelope[SubtitleList]
	family, err := subtitleCall(func(family string) error {
		return c.getData(ctx, subtitlePath(mediaID, family, ""), q, &out)
	})
	out.Data.Family = family
	return out.Data, err
}

// SetDefaultSubtitle makes one language the default subtitle (K3, else T3),
// with seed 001's JSON body {"is_default": true}.
func (c *Client) SetDefaultSubtitle(ctx context.Context, mediaID, lang string) (string, error) {
	return subtitleCall(func(family string) error {
		_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPatch, Path: subtitlePath(mediaID, family, lang),
			JSON: map[string]bool{"is_default": true}, Idempotent: true}, nil)
		return err
	})
}

// DeleteSubtitle removes one language's subtitle (K4, else T4).
func (c *Client) DeleteSubtitle(ctx context.Context, mediaID, lang string) (string, error) {
	return subtitleCall(func(family string) error {
		_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: subtitlePath(mediaID, family, lang)}, nil)
		return err
	})
}
