package aiozapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// AddChapter uploads a WebVTT chapter file for one language (C1). The
// caller validates the WebVTT and the BCP 47 tag first.
func (c *Client) AddChapter(ctx context.Context, mediaID, lang string, vtt []byte) (Chapter, error) {
	body, ctype, err := fileForm(lang+".vtt", vtt, nil)
	if err != nil {
		return Chapter{}, err
	}
	var out envelope[struct {
		Chapter Chapter `json:"media_chapter"`
	}]
	_, err = c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/media/" + seg(mediaID) + "/chapters/" + seg(lang), Body: body, ContentType: ctype}, &out)
	return out.Data.Chapter, err
}

// ChapterList is C2's data.
type ChapterList struct {
	Chapters []Chapter `json:"media_chapters"`
	Total    int       `json:"total"`
}

// ListChapters lists a media's chapters (C2).
func (c *Client) ListChapters(ctx context.Context, mediaID string, offset, limit int) (ChapterList, error) {
	q := url.Values{}
	q.Set("offset", strconv.Itoa(offset))
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out envelope[ChapterList]
	err := c.getData(ctx, "/media/"+seg(mediaID)+"/chapters", q, &out)
	return out.Data, err
}

// DeleteChapter removes the chapter of one language (C3).
func (c *Client) DeleteChapter(ctx context.Context, mediaID, lang string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/media/" + seg(mediaID) + "/chapters/" + seg(lang)}, nil)
	return err
}
