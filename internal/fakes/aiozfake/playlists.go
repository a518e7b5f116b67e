package aiozfake

import (
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// Playlists (spec §6.10, L1–L9): a linked list of items. Fake-only choices
// (the spec's inference rows): L1 takes OA's JSON or seed 001's multipart
// form; L7 needs current_id, and its neighbours must describe the new place
// exactly: next_id alone means "first" (it must be the head of the list
// without the moved item), previous_id alone "last" (the tail), both must
// be adjacent; ids outside the playlist are a 400. L3 without sort_by
// answers the linked-list order. L8 takes an empty body. A media can be in
// a playlist once.

type playlist struct {
	ID, Name     string
	Tags         []string
	Metadata     map[string]string
	HasThumbnail bool
	Items        []*playlistItem // linked-list order
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

type playlistItem struct {
	ID, VideoID string
	CreatedAt   time.Time
}

type playlistItemJSON struct {
	ID         string `json:"id"`
	PlaylistID string `json:"playlist_id"`
	VideoID    string `json:"video_id"`
	NextID     string `json:"next_id"`
	PreviousID string `json:"previous_id"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	Media      struct {
		Title        string  `json:"title"`
		Duration     float64 `json:"duration"`
		Size         int64   `json:"size"`
		HLSURL       string  `json:"hls_url"`
		ThumbnailURL string  `json:"thumbnail_url"`
	} `json:"media"`
}

type playlistJSON struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	UserID       string             `json:"user_id"`
	PlaylistType string             `json:"playlist_type"`
	PlaylistURL  string             `json:"playlist_url"`
	ThumbnailURL string             `json:"thumbnail_url"`
	Tags         string             `json:"tags"` // a string in OA responses
	Metadata     map[string]string  `json:"metadata"`
	Duration     float64            `json:"duration"`
	Size         int64              `json:"size"`
	ItemCount    int                `json:"item_count"`
	Items        []playlistItemJSON `json:"items,omitempty"`
	CreatedAt    string             `json:"created_at"`
	UpdatedAt    string             `json:"updated_at"`
}

func (s *Server) playlistJSONLocked(pl *playlist, base string, items []*playlistItem, withItems bool) playlistJSON {
	j := playlistJSON{ID: pl.ID, Name: pl.Name, UserID: UserID, PlaylistType: "video",
		PlaylistURL: embedBase + "playlist/" + pl.ID, Tags: strings.Join(pl.Tags, ","), Metadata: map[string]string{},
		ItemCount: len(pl.Items), CreatedAt: rfc3339(pl.CreatedAt), UpdatedAt: rfc3339(pl.UpdatedAt)}
	for k, v := range pl.Metadata {
		j.Metadata[k] = v
	}
	if pl.HasThumbnail {
		j.ThumbnailURL = base + "/playlists/" + pl.ID + "/thumbnail.png"
	}
	for _, it := range pl.Items {
		if m := s.media[it.VideoID]; m != nil {
			j.Duration += m.Duration
			j.Size += m.Size
		}
	}
	if !withItems {
		return j
	}
	j.Items = []playlistItemJSON{}
	for _, it := range items {
		ij := playlistItemJSON{ID: it.ID, PlaylistID: pl.ID, VideoID: it.VideoID, CreatedAt: rfc3339(it.CreatedAt), UpdatedAt: rfc3339(it.CreatedAt)}
		// The links are those of the list order, whatever order is shown.
		if k := indexItem(pl.Items, it.ID); k >= 0 {
			if k > 0 {
				ij.PreviousID = pl.Items[k-1].ID
			}
			if k+1 < len(pl.Items) {
				ij.NextID = pl.Items[k+1].ID
			}
		}
		if m := s.media[it.VideoID]; m != nil {
			ij.Media.Title, ij.Media.Duration, ij.Media.Size = m.Title, m.Duration, m.Size
			a := m.assets(base)
			ij.Media.HLSURL, ij.Media.ThumbnailURL = a.HLSURL, a.ThumbnailURL
		}
		j.Items = append(j.Items, ij)
	}
	return j
}

func indexItem(items []*playlistItem, id string) int {
	for i, it := range items {
		if it.ID == id {
			return i
		}
	}
	return -1
}

// playlistFields reads name, tags and metadata from OA's JSON body or seed
// 001's form fields (tags "a,b", metadata a JSON object string).
type playlistFields struct {
	Name     *string
	Tags     []string
	Metadata map[string]string
	File     []byte
	FileName string
}

func readPlaylistJSON(r *http.Request) (playlistFields, error) {
	var req struct {
		Name     *string         `json:"name"`
		Tags     json.RawMessage `json:"tags"`
		Metadata json.RawMessage `json:"metadata"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return playlistFields{}, err
	}
	f := playlistFields{Name: req.Name}
	var err error
	if len(req.Tags) > 0 {
		if f.Tags, err = stringOrList("tags", req.Tags); err != nil {
			return f, err
		}
	}
	if len(req.Metadata) > 0 {
		md, err := metadataFilter(req.Metadata)
		if err != nil {
			return f, err
		}
		f.Metadata = map[string]string{}
		for _, m := range md {
			f.Metadata[m.Key] = m.Value
		}
	}
	return f, nil
}

func readPlaylistForm(r *http.Request) (playlistFields, error) {
	var f playlistFields
	err := eachPart(r, "request must be multipart/form-data", func(part *multipart.Part) error {
		b, e := io.ReadAll(io.LimitReader(part, 8<<20))
		if e != nil {
			drain(r)
			return badRequest("cannot read %s", part.FormName())
		}
		switch v := string(b); part.FormName() {
		case "name":
			f.Name = &v
		case "tags":
			f.Tags = splitList(v)
		case "metadata":
			if strings.TrimSpace(v) != "" {
				if err := json.Unmarshal(b, &f.Metadata); err != nil {
					return badRequest("metadata must be a JSON object of strings, like {\"key\":\"value\"}")
				}
			}
		case "file":
			f.File, f.FileName = b, part.FileName()
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	if f.File != nil {
		ext := strings.ToLower(path.Ext(f.FileName))
		if ext != ".jpg" && ext != ".jpeg" && ext != ".png" {
			return f, badRequest("file must be .jpg, .jpeg or .png, got %q", f.FileName)
		}
		if !pngOrJPEG(f.File) {
			return f, badRequest("file content is not a PNG or JPEG image")
		}
	}
	return f, nil
}

func (f playlistFields) check(create bool) error {
	if f.Name != nil && strings.TrimSpace(*f.Name) == "" || create && f.Name == nil {
		return badRequest("name is required")
	}
	return validateTags(f.Tags)
}

func (s *Server) handleCreatePlaylist(w http.ResponseWriter, r *http.Request) {
	var f playlistFields
	var err error
	if mediaType(r) == "multipart/form-data" {
		f, err = readPlaylistForm(r)
	} else {
		f, err = readPlaylistJSON(r)
	}
	if err == nil {
		err = f.check(true)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.extraLocked()
	pl := &playlist{ID: s.newExtraIDLocked("playlist"), Name: *f.Name, Tags: f.Tags, Metadata: f.Metadata, CreatedAt: s.now(), UpdatedAt: s.now(), HasThumbnail: f.File != nil}
	x.playlists[pl.ID] = pl
	x.lists = append(x.lists, pl)
	writeData(w, http.StatusCreated, map[string]any{"playlist": s.playlistJSONLocked(pl, baseURL(r), nil, false)})
}

func (s *Server) handleListPlaylists(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Limit    *int            `json:"limit"`
		Offset   *int            `json:"offset"`
		SortBy   string          `json:"sort_by"`
		OrderBy  string          `json:"order_by"`
		Search   string          `json:"search"`
		Tags     json.RawMessage `json:"tags"`
		Metadata json.RawMessage `json:"metadata"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	offset, limit, err := bodyPage(req.Offset, req.Limit)
	if err != nil {
		writeError(w, err)
		return
	}
	switch {
	case req.SortBy != "" && req.SortBy != "name" && req.SortBy != "created_at":
		writeErr(w, http.StatusBadRequest, "sort_by must be name or created_at")
		return
	case req.OrderBy != "" && req.OrderBy != "asc" && req.OrderBy != "desc":
		writeErr(w, http.StatusBadRequest, "order_by must be asc or desc")
		return
	}
	var tags []string
	var md []Metadata
	if len(req.Tags) > 0 {
		if tags, err = stringOrList("tags", req.Tags); err != nil {
			writeError(w, err)
			return
		}
	}
	if len(req.Metadata) > 0 {
		if md, err = metadataFilter(req.Metadata); err != nil {
			writeError(w, err)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*playlist
	for _, pl := range s.extraLocked().lists {
		if req.Search != "" && !strings.Contains(strings.ToLower(pl.Name), strings.ToLower(req.Search)) || !containsAll(pl.Tags, tags) {
			continue
		}
		ok := true
		for _, m := range md {
			ok = ok && pl.Metadata[m.Key] == m.Value
		}
		if ok {
			list = append(list, pl)
		}
	}
	if req.SortBy == "name" {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	}
	if req.OrderBy == "desc" {
		slices.Reverse(list)
	}
	lo, hi := page(len(list), offset, limit)
	out := []playlistJSON{}
	for _, pl := range list[lo:hi] {
		out = append(out, s.playlistJSONLocked(pl, baseURL(r), nil, false))
	}
	writeData(w, http.StatusOK, map[string]any{"playlists": out, "total": len(list)})
}

func (s *Server) playlistLocked(id string) (*playlist, error) {
	pl := s.extraLocked().playlists[id]
	if pl == nil {
		return nil, notFound("Playlist not found")
	}
	return pl, nil
}

// lockPlaylist is lockFound for the {id} playlist; a 404 drains the body.
func (s *Server) lockPlaylist(w http.ResponseWriter, r *http.Request) (*playlist, bool) {
	return lockFound(s, w, r, s.playlistLocked, r.PathValue("id"))
}

func (s *Server) handleGetPlaylist(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sortBy, orderBy := q.Get("sort_by"), q.Get("order_by")
	if sortBy != "" && sortBy != "created_at" && sortBy != "title" && sortBy != "duration" {
		writeErr(w, http.StatusBadRequest, "sort_by must be created_at, title or duration")
		return
	}
	if orderBy != "" && orderBy != "asc" && orderBy != "desc" {
		writeErr(w, http.StatusBadRequest, "order_by must be asc or desc")
		return
	}
	pl, ok := s.lockPlaylist(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	items := append([]*playlistItem{}, pl.Items...)
	if sortBy != "" {
		key := func(it *playlistItem) (string, float64, time.Time) {
			if m := s.media[it.VideoID]; m != nil {
				return m.Title, m.Duration, it.CreatedAt
			}
			return "", 0, it.CreatedAt
		}
		sort.SliceStable(items, func(i, j int) bool {
			ti, di, ci := key(items[i])
			tj, dj, cj := key(items[j])
			switch sortBy {
			case "title":
				return ti < tj
			case "duration":
				return di < dj
			}
			return ci.Before(cj)
		})
	}
	if orderBy == "desc" {
		slices.Reverse(items)
	}
	writeData(w, http.StatusOK, map[string]any{"playlist": s.playlistJSONLocked(pl, baseURL(r), items, true)})
}

func (s *Server) handleUpdatePlaylist(w http.ResponseWriter, r *http.Request) {
	if mediaType(r) != "multipart/form-data" {
		drain(r)
		writeErr(w, http.StatusBadRequest, "request must be multipart/form-data (name, tags, metadata, file)")
		return
	}
	f, err := readPlaylistForm(r)
	if err == nil {
		err = f.check(false)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	touch(s, w, r, s.lockPlaylist, "Update playlist successfully.", func(pl *playlist) error {
		if f.Name != nil {
			pl.Name = *f.Name
		}
		if f.Tags != nil {
			pl.Tags = f.Tags
		}
		if f.Metadata != nil {
			pl.Metadata = f.Metadata
		}
		if f.File != nil {
			pl.HasThumbnail = true
		}
		return nil
	})
}

func (s *Server) handleDeletePlaylist(w http.ResponseWriter, r *http.Request) {
	pl, ok := s.lockPlaylist(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	x := s.extraLocked()
	delete(x.playlists, pl.ID)
	x.lists, _ = removeFirst(x.lists, func(o *playlist) bool { return o == pl })
	writeOK(w, "Delete playlist successfully.")
}

func (s *Server) handleDeletePlaylistThumbnail(w http.ResponseWriter, r *http.Request) {
	touch(s, w, r, s.lockPlaylist, "Delete playlist thumbnail successfully.", func(pl *playlist) error {
		if !pl.HasThumbnail {
			return notFound("Thumbnail not found")
		}
		pl.HasThumbnail = false
		return nil
	})
}

func (s *Server) handleAddPlaylistItem(w http.ResponseWriter, r *http.Request) {
	var req struct {
		MediaID string `json:"media_id"`
		VideoID string `json:"video_id"` // seed 001 (spec Q16)
	}
	if !readJSON(w, r, &req) {
		return
	}
	id := req.MediaID
	if id == "" {
		id = req.VideoID
	}
	if id == "" {
		writeErr(w, http.StatusBadRequest, "media_id is required")
		return
	}
	touch(s, w, r, s.lockPlaylist, "Add media to playlist successfully.", func(pl *playlist) error {
		if _, err := s.liveMediaLocked(id); err != nil {
			return err
		}
		for _, it := range pl.Items {
			if it.VideoID == id {
				return badRequest("media %s is already in this playlist", id)
			}
		}
		pl.Items = append(pl.Items, &playlistItem{ID: s.newExtraIDLocked("item"), VideoID: id, CreatedAt: s.now()})
		return nil
	})
}

func (s *Server) handleMovePlaylistItem(w http.ResponseWriter, r *http.Request) {
	var req struct {
		CurrentID  string `json:"current_id"`
		NextID     string `json:"next_id"`
		PreviousID string `json:"previous_id"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if req.CurrentID == "" {
		writeErr(w, http.StatusBadRequest, "current_id is required")
		return
	}
	if req.NextID == "" && req.PreviousID == "" {
		writeErr(w, http.StatusBadRequest, "next_id or previous_id is required")
		return
	}
	touch(s, w, r, s.lockPlaylist, "Move media in playlist successfully.", func(pl *playlist) error {
		cur := indexItem(pl.Items, req.CurrentID)
		if cur < 0 {
			return badRequest("current_id is not an item of this playlist")
		}
		if req.NextID == req.CurrentID || req.PreviousID == req.CurrentID {
			return badRequest("next_id and previous_id must differ from current_id")
		}
		moved := pl.Items[cur]
		rest := append(append([]*playlistItem{}, pl.Items[:cur]...), pl.Items[cur+1:]...)
		next, prev := indexItem(rest, req.NextID), indexItem(rest, req.PreviousID)
		var at int
		switch {
		case req.NextID != "" && next < 0, req.PreviousID != "" && prev < 0:
			return badRequest("next_id and previous_id must be items of this playlist")
		case req.PreviousID == "":
			if next != 0 {
				return badRequest("next_id without previous_id must be the first item (move to top)")
			}
			at = 0
		case req.NextID == "":
			if prev != len(rest)-1 {
				return badRequest("previous_id without next_id must be the last item (move to bottom)")
			}
			at = len(rest)
		default:
			if next != prev+1 {
				return badRequest("previous_id and next_id are not adjacent items")
			}
			at = next
		}
		pl.Items = append(append(append([]*playlistItem{}, rest[:at]...), moved), rest[at:]...)
		return nil
	})
}

func (s *Server) handleRemovePlaylistItem(w http.ResponseWriter, r *http.Request) {
	drain(r) // an empty body (seed 001) or {option_playlists} (OA)
	touch(s, w, r, s.lockPlaylist, "Remove media from playlist successfully.", func(pl *playlist) error {
		var found bool
		if pl.Items, found = removeFirst(pl.Items, func(it *playlistItem) bool { return it.ID == r.PathValue("item_id") }); !found {
			return notFound("Playlist item not found")
		}
		return nil
	})
}

// handlePlaylistPlayerJSON serves L10 GET /playlists/{id}/player.json:
// public, no envelope, {player_theme, playlist} with the items in list
// order; the theme is the account's default player (null when none).
func (s *Server) handlePlaylistPlayerJSON(w http.ResponseWriter, r *http.Request) {
	pl, ok := s.lockPlaylist(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	var theme any
	for _, p := range s.extraLocked().players {
		if p.IsDefault {
			theme = p.json(baseURL(r))
			break
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"player_theme": theme, "playlist": s.playlistJSONLocked(pl, baseURL(r), pl.Items, true)})
}
