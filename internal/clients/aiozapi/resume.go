package aiozapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// answerLost reports an error after which the request may have been
// carried out: no answer at all (a timeout, a reset) or a server error.
func answerLost(err error) bool {
	var ae *httpx.APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Status == 0 || ae.Status >= 500
}

// checkResume decides whether an earlier run's media can be continued. An
// error means it could not tell (the media could not be read for a reason
// other than its absence): the caller keeps the saved state and stops
// rather than start a second media next to the first.
func (u *Upload) checkResume(ctx context.Context, st *UploadState, chunks int) (note string, usable, finished bool, err error) {
	if st.MediaID == "" {
		return "", false, false, nil
	}
	m, err := u.Client.GetMedia(ctx, st.MediaID)
	switch {
	case httpx.StatusOf(err) == http.StatusNotFound:
		return fmt.Sprintf("the earlier upload's media %s no longer exists; starting a new upload", st.MediaID), false, false, nil
	case err != nil:
		return "", false, false, fmt.Errorf("could not check media %s from the earlier, interrupted upload of this file (%w); nothing was created or deleted and the saved progress is kept: call aioz_upload_media again shortly to resume it", st.MediaID, err)
	case m.Status == "new" && st.CompleteSent:
		// /complete's answer was lost and it did not take: send it again.
		return fmt.Sprintf("resuming media %s: every chunk had arrived; `/complete` is sent again", st.MediaID), true, false, nil
	case m.Status == "new":
		return fmt.Sprintf("resuming media %s: %d of %d chunks were already uploaded", st.MediaID, len(st.Done), chunks), true, false, nil
	default:
		return fmt.Sprintf("media %s from the earlier run is already `%s`; nothing to resend", st.MediaID, m.Status), false, true, nil
	}
}

// reconcileCreate settles a /media/create whose answer was lost: a media
// with the title, still `new`, created since, is adopted (and any further
// ones named as orphans); none found means nothing was created. An error
// leaves the marker for the next run.
func (u *Upload) reconcileCreate(ctx context.Context, st *UploadState) (string, error) {
	list, err := u.Client.ListMedia(ctx, ListMediaRequest{Search: st.Title, Status: []string{"new"}, Limit: 100})
	if err != nil {
		return "", fmt.Errorf("an earlier /media/create for %q got no answer, and checking whether it created a media failed (%w); nothing new was created: call aioz_upload_media again shortly", st.Title, err)
	}
	var found []Media
	for _, m := range list.Media {
		if m.Title != st.Title || m.Status != "new" {
			continue
		}
		if at, perr := time.Parse(time.RFC3339, m.CreatedAt); perr == nil && at.Before(st.CreateSentAt.Add(-5*time.Minute)) {
			continue
		}
		found = append(found, m)
	}
	st.CreateSentAt = time.Time{}
	if len(found) == 0 {
		return fmt.Sprintf("an earlier /media/create for %q got no answer; no media was created by it, so a new one is created", st.Title), nil
	}
	adopt := found[len(found)-1]
	st.MediaID, st.CreatedAt = adopt.ID, time.Now().UTC()
	note := fmt.Sprintf("an earlier /media/create for %q got no answer but had created media %s: the upload continues into it", st.Title, adopt.ID)
	if len(found) > 1 {
		var ids []string
		for _, m := range found[:len(found)-1] {
			ids = append(ids, m.ID)
		}
		note += fmt.Sprintf("; other empty media with this title may be orphans of earlier attempts: %s (remove with aioz_delete_media)", strings.Join(ids, ", "))
	}
	return note, nil
}

// createUnknown is the error for a /media/create whose answer was lost.
func (u *Upload) createUnknown(err error) error {
	if u.State == nil {
		return fmt.Errorf("outcome unknown: /media/create for %q was sent but its answer was lost (%w). A media with this title may now exist on AIOZ with status `new` and no file; look with aioz_list_media and delete it with aioz_delete_media, or try again", u.Create.Title, err)
	}
	return fmt.Errorf("outcome unknown: /media/create for %q was sent but its answer was lost (%w). A media with this title may now exist on AIOZ with status `new`; call aioz_upload_media again with the same file: it looks for that media before creating another", u.Create.Title, err)
}

// drop deletes a state that names nothing on the provider.
func (u *Upload) drop(st *UploadState) {
	if u.State != nil && st.MediaID == "" && st.Key != "" {
		_ = u.State.Delete(st.Key)
	}
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
