package aiozfake

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // logo dimensions
	_ "image/png"  // logo dimensions
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Players (spec §6.7, P1–P9) and the playlist store they share state with
// (playlists.go). Fake-only choices, from the spec's inference rows: a
// colour that is not rgba(r, g, b, a) or a size that is not "<n>px" is a
// 400; a logo over 102400 bytes, over 200×100 px or not PNG/JPEG by content
// is a 400; add-player and remove-player accept media_id or video_id;
// deleting a theme that a live media uses is a 400 naming the media; a
// theme can be added to a video only (an audio media is a 400); removing a
// theme the media does not use is a 400.

var (
	rgbaRe = regexp.MustCompile(`^rgba\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*(0|1|0?\.\d+|1\.0+)\s*\)$`)
	pxRe   = regexp.MustCompile(`^\d+(\.\d+)?px$`)
)

const (
	maxLogoBytes  = 102400
	maxLogoWidth  = 200
	maxLogoHeight = 100
)

// extraState is the players' and playlists' state; s.mu guards it.
type extraState struct {
	seq       int
	players   map[string]*player
	order     []*player
	playlists map[string]*playlist
	lists     []*playlist
}

// extraLocked returns the state, creating it on first use.
func (s *Server) extraLocked() *extraState {
	if s.extra == nil {
		s.extra = &extraState{players: map[string]*player{}, playlists: map[string]*playlist{}}
	}
	return s.extra
}

// newExtraIDLocked is a deterministic UUID-shaped id of its own series, so
// players and playlists do not shift the media ids.
func (s *Server) newExtraIDLocked(kind string) string {
	x := s.extraLocked()
	x.seq++
	h := md5.Sum([]byte("aiozfake-" + kind + "-" + strconv.Itoa(x.seq)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	v := hex.EncodeToString(h[:])
	return v[0:8] + "-" + v[8:12] + "-" + v[12:16] + "-" + v[16:20] + "-" + v[20:32]
}

type themeJSON struct {
	MainColor               string `json:"main_color"`
	TextColor               string `json:"text_color"`
	ControlBarBackground    string `json:"control_bar_background_color"`
	MenuBackgroundColor     string `json:"menu_background_color"`
	MenuItemBackgroundHover string `json:"menu_item_background_hover"`
	TextTrackColor          string `json:"text_track_color"`
	TextTrackBackground     string `json:"text_track_background"`
	ControlBarHeight        string `json:"control_bar_height"`
	ProgressBarHeight       string `json:"progress_bar_height"`
	ProgressBarCircleSize   string `json:"progress_bar_circle_size"`
}

type controlsJSON struct {
	EnableAPI      bool `json:"enable_api"`
	EnableControls bool `json:"enable_controls"`
	ForceAutoplay  bool `json:"force_autoplay"`
	ForceLoop      bool `json:"force_loop"`
	HideTitle      bool `json:"hide_title"`
}

type player struct {
	ID, Name  string
	IsDefault bool
	Theme     themeJSON
	Controls  controlsJSON
	LogoLink  string
	HasLogo   bool
	CreatedAt time.Time
}

type playerJSON struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	UserID    string       `json:"user_id"`
	IsDefault bool         `json:"is_default"`
	Theme     themeJSON    `json:"theme"`
	Controls  controlsJSON `json:"controls"`
	Asset     struct {
		LogoLink      string `json:"logo_link"`
		LogoImageLink string `json:"logo_image_link"`
	} `json:"asset"`
	CreatedAt string `json:"created_at"`
}

func (p *player) json(base string) playerJSON {
	j := playerJSON{ID: p.ID, Name: p.Name, UserID: UserID, IsDefault: p.IsDefault, Theme: p.Theme, Controls: p.Controls, CreatedAt: rfc3339(p.CreatedAt)}
	j.Asset.LogoLink = p.LogoLink
	if p.HasLogo {
		j.Asset.LogoImageLink = base + "/players/" + p.ID + "/logo.png"
	}
	return j
}

// playerReq is P1/P4's body; nil means "not sent".
type playerReq struct {
	Name      *string            `json:"name"`
	RawTheme  map[string]*string `json:"theme"`
	Controls  map[string]*bool   `json:"controls"`
	IsDefault *bool              `json:"is_default"`
}

var colourFields = []string{"main_color", "text_color", "control_bar_background_color", "menu_background_color", "menu_item_background_hover", "text_track_color", "text_track_background"}
var sizeFields = []string{"control_bar_height", "progress_bar_height", "progress_bar_circle_size"}
var controlFields = []string{"enable_api", "enable_controls", "force_autoplay", "force_loop", "hide_title"}

func (req *playerReq) validate(create bool) error {
	if req.Name != nil && strings.TrimSpace(*req.Name) == "" || create && req.Name == nil {
		return badRequest("name is required")
	}
	for k, v := range req.RawTheme {
		switch {
		case contains(colourFields, k):
			if v == nil || !rgbaRe.MatchString(*v) {
				return badRequest("theme.%s must be a colour like rgba(255, 0, 0, 1), got %s", k, quoted(v))
			}
		case contains(sizeFields, k):
			if v == nil || !pxRe.MatchString(*v) {
				return badRequest("theme.%s must be a size in px like 40px, got %s", k, quoted(v))
			}
		default:
			return badRequest("theme.%s is not a theme field", k)
		}
	}
	for k, v := range req.Controls {
		if !contains(controlFields, k) || v == nil {
			return badRequest("controls.%s is not a boolean control", k)
		}
	}
	return nil
}

// readPlayerReq reads and validates P1's (create) or P4's body, answering
// any error itself.
func readPlayerReq(w http.ResponseWriter, r *http.Request, create bool) (playerReq, bool) {
	var req playerReq
	if !readJSON(w, r, &req) {
		return req, false
	}
	if err := req.validate(create); err != nil {
		writeError(w, err)
		return req, false
	}
	return req, true
}

func quoted(v *string) string {
	if v == nil {
		return "null"
	}
	return strconv.Quote(*v)
}

func (req *playerReq) apply(p *player) {
	if req.Name != nil {
		p.Name = *req.Name
	}
	t := map[string]*string{
		"main_color": &p.Theme.MainColor, "text_color": &p.Theme.TextColor, "control_bar_background_color": &p.Theme.ControlBarBackground,
		"menu_background_color": &p.Theme.MenuBackgroundColor, "menu_item_background_hover": &p.Theme.MenuItemBackgroundHover,
		"text_track_color": &p.Theme.TextTrackColor, "text_track_background": &p.Theme.TextTrackBackground,
		"control_bar_height": &p.Theme.ControlBarHeight, "progress_bar_height": &p.Theme.ProgressBarHeight, "progress_bar_circle_size": &p.Theme.ProgressBarCircleSize,
	}
	for k, v := range req.RawTheme {
		*t[k] = *v
	}
	c := map[string]*bool{"enable_api": &p.Controls.EnableAPI, "enable_controls": &p.Controls.EnableControls,
		"force_autoplay": &p.Controls.ForceAutoplay, "force_loop": &p.Controls.ForceLoop, "hide_title": &p.Controls.HideTitle}
	for k, v := range req.Controls {
		*c[k] = *v
	}
}

// setDefaultLocked makes p the only default player (B12, R5).
func (x *extraState) setDefaultLocked(p *player) {
	for _, o := range x.order {
		o.IsDefault = false
	}
	p.IsDefault = true
}

func (s *Server) handleCreatePlayer(w http.ResponseWriter, r *http.Request) {
	req, ok := readPlayerReq(w, r, true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.extraLocked()
	p := &player{ID: s.newExtraIDLocked("player"), CreatedAt: s.now(), Controls: controlsJSON{EnableControls: true}}
	req.apply(p)
	x.players[p.ID] = p
	x.order = append(x.order, p)
	if req.IsDefault != nil && *req.IsDefault {
		x.setDefaultLocked(p)
	}
	writeData(w, http.StatusCreated, map[string]any{"player_theme": p.json(baseURL(r))})
}

func (s *Server) handleListPlayers(w http.ResponseWriter, r *http.Request) {
	offset, limit, err := pageParams(r)
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	sortBy, orderBy := q.Get("sort_by"), q.Get("order_by")
	if sortBy != "" && sortBy != "created_at" && sortBy != "name" {
		writeErr(w, http.StatusBadRequest, "sort_by must be created_at or name")
		return
	}
	if orderBy != "" && orderBy != "asc" && orderBy != "desc" {
		writeErr(w, http.StatusBadRequest, "order_by must be asc or desc")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*player
	for _, p := range s.extraLocked().order {
		if search := q.Get("search"); search == "" || strings.Contains(strings.ToLower(p.Name), strings.ToLower(search)) {
			list = append(list, p)
		}
	}
	if sortBy == "name" {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	}
	if orderBy == "desc" {
		slices.Reverse(list)
	}
	lo, hi := page(len(list), offset, limit)
	out := []playerJSON{}
	for _, p := range list[lo:hi] {
		out = append(out, p.json(baseURL(r)))
	}
	writeData(w, http.StatusOK, map[string]any{"player_themes": out, "total": len(list)})
}

func (s *Server) playerLocked(id string) (*player, error) {
	p := s.extraLocked().players[id]
	if p == nil {
		return nil, notFound("Player theme not found")
	}
	return p, nil
}

// lockPlayer is lockFound for the {id} player; a 404 drains the body.
func (s *Server) lockPlayer(w http.ResponseWriter, r *http.Request) (*player, bool) {
	return lockFound(s, w, r, s.playerLocked, r.PathValue("id"))
}

func (s *Server) handleGetPlayer(w http.ResponseWriter, r *http.Request) {
	p, ok := s.lockPlayer(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	writeData(w, http.StatusOK, map[string]any{"player_theme": p.json(baseURL(r))})
}

func (s *Server) handleUpdatePlayer(w http.ResponseWriter, r *http.Request) {
	req, ok := readPlayerReq(w, r, false)
	if !ok {
		return
	}
	p, ok := s.lockPlayer(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	req.apply(p)
	if req.IsDefault != nil {
		if *req.IsDefault {
			s.extraLocked().setDefaultLocked(p)
		} else {
			p.IsDefault = false
		}
	}
	// UpdatePlayerThemeResponse echoes the request shape (spec §10.3).
	writeData(w, http.StatusOK, map[string]any{"name": p.Name, "theme": p.Theme, "controls": p.Controls, "is_default": p.IsDefault})
}

func (s *Server) handleDeletePlayer(w http.ResponseWriter, r *http.Request) {
	p, ok := s.lockPlayer(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	var users []string
	for _, m := range s.order {
		if m.Status != StatusDeleted && m.PlayerThemeID == p.ID {
			users = append(users, m.ID)
		}
	}
	if len(users) > 0 {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("player theme is in use by media %s; remove it from the media first", strings.Join(users, ", ")))
		return
	}
	x := s.extraLocked()
	delete(x.players, p.ID)
	x.order, _ = removeFirst(x.order, func(o *player) bool { return o == p })
	writeOK(w, "Delete player theme successfully.")
}

// readLogo reads P6's multipart body: the file (checked like the real
// service: PNG or JPEG by content, ≤ 100 KB, ≤ 200×100 px) and the link
// field under either name (spec Q11).
func readLogo(r *http.Request) (link string, err error) {
	var data []byte
	found := false
	err = eachPart(r, "request must be multipart/form-data with a file field", func(part *multipart.Part) error {
		b, e := io.ReadAll(io.LimitReader(part, maxLogoBytes+1))
		_, _ = io.Copy(io.Discard, part)
		if e != nil {
			drain(r)
			return badRequest("cannot read %s: %v", part.FormName(), e)
		}
		switch part.FormName() {
		case "file":
			found, data = true, b
		case "link", "logo_link":
			link = string(b)
		}
		return nil
	})
	switch {
	case err != nil:
		return "", err
	case !found:
		return "", badRequest("file is required")
	case len(data) > maxLogoBytes:
		return "", badRequest("logo must be at most 100KB")
	case !pngOrJPEG(data):
		return "", badRequest("logo must be a JPEG or PNG image")
	}
	cfg, _, e := image.DecodeConfig(bytes.NewReader(data))
	if e != nil {
		return "", badRequest("logo image cannot be read: %v", e)
	}
	if cfg.Width > maxLogoWidth || cfg.Height > maxLogoHeight {
		return "", badRequest("logo must be at most 200x100 px, got %dx%d", cfg.Width, cfg.Height)
	}
	return link, nil
}

func (s *Server) handleUploadPlayerLogo(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.lockPlayer(w, r); !ok {
		return
	}
	s.mu.Unlock()
	link, err := readLogo(r)
	if err != nil {
		writeError(w, err)
		return
	}
	p, ok := s.lockPlayer(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	p.HasLogo, p.LogoLink = true, link
	// UploadLogoByIdResponse's data is a bare PlayerTheme (spec §10.3).
	writeData(w, http.StatusOK, p.json(baseURL(r)))
}

func (s *Server) handleDeletePlayerLogo(w http.ResponseWriter, r *http.Request) {
	p, ok := s.lockPlayer(w, r)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	if !p.HasLogo {
		writeErr(w, http.StatusNotFound, "Logo not found")
		return
	}
	p.HasLogo, p.LogoLink = false, ""
	writeOK(w, "Delete logo successfully.")
}

// playerMediaReq is P8/P9's body (spec Q10: media_id or video_id).
type playerMediaReq struct {
	MediaID       string `json:"media_id"`
	VideoID       string `json:"video_id"`
	PlayerThemeID string `json:"player_theme_id"`
}

func (s *Server) playerMedia(w http.ResponseWriter, r *http.Request, change func(m *media, p *player) error, done string) {
	var req playerMediaReq
	if !readJSON(w, r, &req) {
		return
	}
	id := req.MediaID
	if id == "" {
		id = req.VideoID
	}
	if req.MediaID != "" && req.VideoID != "" && req.MediaID != req.VideoID {
		writeErr(w, http.StatusBadRequest, "media_id and video_id disagree")
		return
	}
	if id == "" || req.PlayerThemeID == "" {
		writeErr(w, http.StatusBadRequest, "media_id and player_theme_id are required")
		return
	}
	p, ok := lockFound(s, w, nil, s.playerLocked, req.PlayerThemeID)
	if !ok {
		return
	}
	defer s.mu.Unlock()
	m, err := s.liveMediaLocked(id)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := change(m, p); err != nil {
		writeError(w, err)
		return
	}
	m.UpdatedAt = s.now()
	writeOK(w, done)
}

func (s *Server) handleAddPlayer(w http.ResponseWriter, r *http.Request) {
	s.playerMedia(w, r, func(m *media, p *player) error {
		if m.Type != "video" {
			return badRequest("player themes apply to videos; media %s is %s", m.ID, m.Type)
		}
		m.PlayerThemeID = p.ID
		return nil
	}, "Add player theme to media successfully.")
}

func (s *Server) handleRemovePlayer(w http.ResponseWriter, r *http.Request) {
	s.playerMedia(w, r, func(m *media, p *player) error {
		if m.PlayerThemeID != p.ID {
			return badRequest("media %s does not use player theme %s", m.ID, p.ID)
		}
		m.PlayerThemeID = ""
		return nil
	}, "Remove player theme from media successfully.")
}
