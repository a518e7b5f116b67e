package aiozapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// Players (spec §6.7, P1–P9). The client sends values as given; the tool
// layer normalises colours to rgba(…) and sizes to px first (B6, B7).

// Theme is a player's look; colours are rgba(…) and sizes px strings.
type Theme struct {
	MainColor               string `json:"main_color,omitempty"`
	TextColor               string `json:"text_color,omitempty"`
	ControlBarBackground    string `json:"control_bar_background_color,omitempty"`
	MenuBackgroundColor     string `json:"menu_background_color,omitempty"`
	MenuItemBackgroundHover string `json:"menu_item_background_hover,omitempty"`
	TextTrackColor          string `json:"text_track_color,omitempty"`
	TextTrackBackground     string `json:"text_track_background,omitempty"`
	ControlBarHeight        string `json:"control_bar_height,omitempty"`
	ProgressBarHeight       string `json:"progress_bar_height,omitempty"`
	ProgressBarCircleSize   string `json:"progress_bar_circle_size,omitempty"`
}

// Controls are a player's switches; nil leaves a switch unchanged on update.
type Controls struct {
	EnableAPI      *bool `json:"enable_api,omitempty"`
	EnableControls *bool `json:"enable_controls,omitempty"`
	ForceAutoplay  *bool `json:"force_autoplay,omitempty"`
	ForceLoop      *bool `json:"force_loop,omitempty"`
	HideTitle      *bool `json:"hide_title,omitempty"`
}

// Asset is a player's logo.
type Asset struct {
	LogoLink      string `json:"logo_link,omitempty"`
	LogoImageLink string `json:"logo_image_link,omitempty"`
}

// PlayerTheme is OA's PlayerTheme.
type PlayerTheme struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	UserID    string   `json:"user_id,omitempty"`
	IsDefault bool     `json:"is_default"`
	Theme     Theme    `json:"theme"`
	Controls  Controls `json:"controls"`
	Asset     Asset    `json:"asset"`
	CreatedAt string   `json:"created_at,omitempty"`
}

// PlayerRequest is P1's and P4's body; empty fields are left out.
type PlayerRequest struct {
	Name      string    `json:"name,omitempty"`
	Theme     *Theme    `json:"theme,omitempty"`
	Controls  *Controls `json:"controls,omitempty"`
	IsDefault *bool     `json:"is_default,omitempty"`
}

// CreatePlayer creates a player theme (P1).
func (c *Client) CreatePlayer(ctx context.Context, req PlayerRequest) (PlayerTheme, error) {
	var out envelope[struct {
		Player PlayerTheme `json:"player_theme"`
	}]
	err := c.postJSON(ctx, "/players", req, &out)
	return out.Data.Player, err
}

// ListPlayersRequest is P2's query (spec §3.2).
type ListPlayersRequest struct {
	Search, SortBy, OrderBy string
	Offset, Limit           int
}

// PlayerList is P2's data.
type PlayerList struct {
	Players []PlayerTheme `json:"player_themes"`
	Total   int           `json:"total"`
}

// ListPlayers lists player themes (P2).
func (c *Client) ListPlayers(ctx context.Context, req ListPlayersRequest) (PlayerList, error) {
	q := url.Values{}
	for k, v := range map[string]string{"search": req.Search, "sort_by": req.SortBy, "order_by": req.OrderBy} {
		if v != "" {
			q.Set(k, v)
		}
	}
	q.Set("offset", strconv.Itoa(req.Offset))
	if req.Limit > 0 {
		q.Set("limit", strconv.Itoa(req.Limit))
	}
	var out envelope[PlayerList]
	err := c.getData(ctx, "/players", q, &out)
	return out.Data, err
}

// GetPlayer reads one player theme (P3).
func (c *Client) GetPlayer(ctx context.Context, id string) (PlayerTheme, error) {
	var out envelope[struct {
		Player PlayerTheme `json:"player_theme"`
	}]
	err := c.getData(ctx, "/players/"+seg(id), nil, &out)
	return out.Data.Player, err
}

// UpdatePlayer changes a player theme (P4); omitted fields stay.
func (c *Client) UpdatePlayer(ctx context.Context, id string, req PlayerRequest) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPatch, Path: "/players/" + seg(id), JSON: req, Idempotent: true}, nil)
	return err
}

// DeletePlayer deletes a player theme (P5); the service refuses while a
// video uses it.
func (c *Client) DeletePlayer(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/players/" + seg(id)}, nil)
	return err
}

// UploadPlayerLogo uploads a logo image (P6) with an optional click-through
// link, sent under OA's field name "link". The caller checks the image.
func (c *Client) UploadPlayerLogo(ctx context.Context, id, name string, image []byte, link string) (PlayerTheme, error) {
	fields := map[string]string{}
	if link != "" {
		fields["link"] = link
	}
	body, ctype, err := fileForm(name, image, fields)
	if err != nil {
		return PlayerTheme{}, err
	}
	var out envelope[PlayerTheme]
	_, err = c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/players/" + seg(id) + "/logo", Body: body, ContentType: ctype, Idempotent: true}, &out)
	return out.Data, err
}

// DeletePlayerLogo removes a player's logo (P7).
func (c *Client) DeletePlayerLogo(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/players/" + seg(id) + "/logo"}, nil)
	return err
}

type playerMedia struct {
	MediaID       string `json:"media_id"`
	PlayerThemeID string `json:"player_theme_id"`
}

// AssignPlayer sets the player theme of a video (P8, OA body).
func (c *Client) AssignPlayer(ctx context.Context, mediaID, playerID string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/players/add-player",
		JSON: playerMedia{MediaID: mediaID, PlayerThemeID: playerID}, Idempotent: true}, nil)
	return err
}

// RemovePlayer takes a player theme off a video (P9).
func (c *Client) RemovePlayer(ctx context.Context, mediaID, playerID string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/players/remove-player",
		JSON: playerMedia{MediaID: mediaID, PlayerThemeID: playerID}, Idempotent: true}, nil)
	return err
}
