package aiozapi

import (
	"context"
	"net/http"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// DeleteThumbnail removes a media's thumbnail (M9).
func (c *Client) DeleteThumbnail(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/media/" + seg(id) + "/thumbnail"}, nil)
	return err
}

// StatisticMedia lists media with view statistics (N5); from/to are UNIX
// seconds (0 leaves them out).
func (c *Client) StatisticMedia(ctx context.Context, from, to int64, typ string, offset, limit int) (MediaList, error) {
	q := ListQuery{Offset: offset, Limit: limit}.values()
	if from > 0 {
		q.Set("from", strconvI(from))
	}
	if to > 0 {
		q.Set("to", strconvI(to))
	}
	if typ != "" {
		q.Set("type", typ)
	}
	var out envelope[MediaList]
	err := c.getData(ctx, "/analytics/media", q, &out)
	return out.Data, err
}
