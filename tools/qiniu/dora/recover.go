package dora

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/mcp-media/mcp-media/internal/clients/qiniu/doraapi"
	"github.com/mcp-media/mcp-media/internal/inbox"
)

// pollers are the queries the inbox makes when a one-shot callback is late
// (inbox/recover.go): Qiniu does not retry a callback, so one that reached
// a receiver that was down would otherwise be lost. Each returns the
// payload the callback would have carried, in the callback's own shape, so
// summaries, waiters and media_events read it as they read a callback.
func (t *tools) pollers() map[string]inbox.Poller {
	return map[string]inbox.Poller{
		doraapi.KindASRLong: t.poller(func(ctx context.Context, c *doraapi.Client, id string) ([]byte, bool, error) {
			task, err := c.LongASRTask(ctx, id)
			var de *doraapi.Error
			if errors.As(err, &de) && de.Code == 4208 { // no such task id
				return nil, false, inbox.ErrGone
			}
			if err != nil || !task.Done {
				return nil, false, err
			}
			b, err := json.Marshal(lasrPayload(task))
			return b, err == nil, err
		}),
		doraapi.KindCensorAudio: t.poller(func(ctx context.Context, c *doraapi.Client, id string) ([]byte, bool, error) {
			r, err := c.AudioCensorResult(ctx, id)
			if err != nil || !r.Done {
				return nil, false, err
			}
			return audioPayload(r), true, nil
		}),
		doraapi.KindTranslate: t.poller(func(ctx context.Context, c *doraapi.Client, id string) ([]byte, bool, error) {
			tr, err := c.Translation(ctx, id)
			if err != nil || !tr.Done {
				return nil, false, err
			}
			return translationPayload(tr), true, nil
		}),
	}
}

// poller is query with the Dora client of the keys configured now.
func (t *tools) poller(query func(context.Context, *doraapi.Client, string) ([]byte, bool, error)) inbox.Poller {
	return func(ctx context.Context, id string) ([]byte, bool, error) {
		c, err := t.client.Get()
		if err != nil {
			return nil, false, err
		}
		return query(ctx, c, id)
	}
}

// translationPayload is a finished translation as its callback carries it
// (ParseTranslation reads both).
func translationPayload(tr doraapi.Translation) []byte {
	b, _ := json.Marshal(map[string]any{"code": 200, "msg": "polled", "data": map[string]any{
		"entryId": tr.EntryID, "fileKey": tr.FileKey, "pageCount": tr.PageCount, "translationDone": true}})
	return b
}
