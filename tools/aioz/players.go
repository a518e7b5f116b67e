package aioz

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // logo dimensions
	_ "image/png"  // logo dimensions
	"strconv"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// Seed 001's player rules: colours rgba(…) and sizes px, converted and
// reported (B6, B7); is_default clears the others and the CDN takes up to
// ten minutes (B12); logos JPEG or PNG, ≤ 100 KB, ≤ 200×100 px, checked
// before upload (B13); an assigned player cannot be deleted (B15).

// ToolsetPlayers is the player themes toolset (opt-in).
const ToolsetPlayers = "aioz_players"

const (
	maxLogoBytes = 102400
	maxLogoW     = 200
	maxLogoH     = 100

	warnDefault = "is_default: true makes this the only default player: every other player loses its default status."
	warnCDN     = "Player changes can take up to 10 minutes to reach the CDN, so viewers may see the old look until then."
)

func (t *tools) playerTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_create_player",
			Title:       "Create a player",
			Description: "Create a player theme. Colours may be hex (#f00, #ff000080), CSS names or rgb()/rgba() and are sent as rgba(r, g, b, a); sizes may be numbers or px strings and are sent as px. Every conversion is reported.",
		}, t.createPlayer),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_list_players",
			Title:       "List players",
			Description: "Player themes, with search by name and paging.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.listPlayers),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_player",
			Title:       "Get a player",
			Description: "One player theme: colours, sizes, controls, logo, default status.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.getPlayer),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_update_player",
			Title:       "Update a player",
			Description: "Change a player theme's name, colours, sizes, controls or default status (same conversions as aioz_create_player); omitted values stay. The CDN takes up to 10 minutes.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.updatePlayer),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_player",
			Title:       "Delete a player",
			Description: "Delete a player theme. The service refuses while a video uses it; the tool then names those videos (it never unassigns them itself).",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deletePlayer),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_upload_player_logo",
			Title:       "Upload a player logo",
			Description: "Set a player's logo from a local JPEG or PNG of at most 100 KB and 200×100 px (checked before upload), with an optional click-through link.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.uploadPlayerLogo),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_player_logo",
			Title:       "Delete a player logo",
			Description: "Remove a player's logo.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deletePlayerLogo),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_assign_player",
			Title:       "Assign a player to a video",
			Description: "Make a video play with a player theme (replaces the video's current theme).",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.assignPlayer),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_remove_player",
			Title:       "Remove a player from a video",
			Description: "Take a player theme off a video (the video falls back to the default player).",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.removePlayer),
	}
}

// ThemeInput is a player's look; every field is optional.
type ThemeInput struct {
	MainColor               string `json:"main_color,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Colour: #f00, #ff000080, red, rgb(255,0,0) or rgba(255,0,0,0.5)"`
	TextColor               string `json:"text_color,omitempty" jsonschema:"maxLength=64"`
	ControlBarBackground    string `json:"control_bar_background_color,omitempty" jsonschema:"maxLength=64"`
	MenuBackgroundColor     string `json:"menu_background_color,omitempty" jsonschema:"maxLength=64"`
	MenuItemBackgroundHover string `json:"menu_item_background_hover,omitempty" jsonschema:"maxLength=64"`
	TextTrackColor          string `json:"text_track_color,omitempty" jsonschema:"maxLength=64"`
	TextTrackBackground     string `json:"text_track_background,omitempty" jsonschema:"maxLength=64"`
	ControlBarHeight        Size   `json:"control_bar_height,omitempty" jsonschema_description:"Pixels: a number (40) or a px string (\"40px\"); sent as px"`
	ProgressBarHeight       Size   `json:"progress_bar_height,omitempty" jsonschema_description:"Pixels: a number (40) or a px string (\"40px\"); sent as px"`
	ProgressBarCircleSize   Size   `json:"progress_bar_circle_size,omitempty" jsonschema_description:"Pixels: a number (40) or a px string (\"40px\"); sent as px"`
}

// ControlsInput are a player's switches; omitted ones keep their value.
type ControlsInput struct {
	EnableAPI      *bool `json:"enable_api,omitempty"`
	EnableControls *bool `json:"enable_controls,omitempty"`
	ForceAutoplay  *bool `json:"force_autoplay,omitempty"`
	ForceLoop      *bool `json:"force_loop,omitempty"`
	HideTitle      *bool `json:"hide_title,omitempty"`
}

func (c *ControlsInput) api() *aiozapi.Controls {
	if c == nil || *c == (ControlsInput{}) {
		return nil
	}
	return &aiozapi.Controls{EnableAPI: c.EnableAPI, EnableControls: c.EnableControls, ForceAutoplay: c.ForceAutoplay, ForceLoop: c.ForceLoop, HideTitle: c.HideTitle}
}

// theme converts the input to the API's forms and lists each conversion.
func (in *ThemeInput) theme() (*aiozapi.Theme, []string, error) {
	if in == nil || *in == (ThemeInput{}) {
		return nil, nil, nil
	}
	var out aiozapi.Theme
	var conv []string
	colours := []struct {
		name string
		in   string
		out  *string
	}{
		{"main_color", in.MainColor, &out.MainColor}, {"text_color", in.TextColor, &out.TextColor},
		{"control_bar_background_color", in.ControlBarBackground, &out.ControlBarBackground},
		{"menu_background_color", in.MenuBackgroundColor, &out.MenuBackgroundColor},
		{"menu_item_background_hover", in.MenuItemBackgroundHover, &out.MenuItemBackgroundHover},
		{"text_track_color", in.TextTrackColor, &out.TextTrackColor}, {"text_track_background", in.TextTrackBackground, &out.TextTrackBackground},
	}
	for _, c := range colours {
		if c.in == "" {
			continue
		}
		v, err := rgbaColor(c.in)
		if err != nil {
			return nil, nil, argerr.New("theme."+c.name, err.Error(), "give a hex colour (#ff0000, #f00, #ff000080), a CSS name (red) or rgb(255, 0, 0) / rgba(255, 0, 0, 0.5)")
		}
		if v != c.in {
			conv = append(conv, fmt.Sprintf("theme.%s: `%s` → `%s`", c.name, c.in, v))
		}
		*c.out = v
	}
	sizes := []struct {
		name string
		in   Size
		out  *string
	}{
		{"control_bar_height", in.ControlBarHeight, &out.ControlBarHeight}, {"progress_bar_height", in.ProgressBarHeight, &out.ProgressBarHeight},
		{"progress_bar_circle_size", in.ProgressBarCircleSize, &out.ProgressBarCircleSize},
	}
	for _, s := range sizes {
		if s.in == "" {
			continue
		}
		v, err := pxSize(s.in)
		if err != nil {
			return nil, nil, argerr.New("theme."+s.name, err.Error(), "give a number of pixels (40) or a px string (\"40px\"); other units are not accepted")
		}
		if v != string(s.in) {
			conv = append(conv, fmt.Sprintf("theme.%s: `%s` → `%s`", s.name, s.in, v))
		}
		*s.out = v
	}
	return &out, conv, nil
}

// CreatePlayerInput are aioz_create_player's arguments.
type CreatePlayerInput struct {
	Name      string        `json:"name" jsonschema:"required,minLength=1,maxLength=256"`
	Theme     ThemeInput    `json:"theme,omitempty"`
	Controls  ControlsInput `json:"controls,omitempty"`
	IsDefault bool          `json:"is_default,omitempty" jsonschema_description:"Make this the default player; every other player loses default status"`
}

// PlayerOutput is a player theme and what the tool did to the input.
type PlayerOutput struct {
	Player      aiozapi.PlayerTheme `json:"player"`
	Conversions []string            `json:"conversions"`
	Warnings    []string            `json:"warnings"`
}

func (t *tools) createPlayer(ctx context.Context, c *toolkit.Call, in CreatePlayerInput) (PlayerOutput, string, error) {
	theme, conv, err := in.Theme.theme()
	if err != nil {
		return PlayerOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return PlayerOutput{}, "", err
	}
	req := aiozapi.PlayerRequest{Name: in.Name, Theme: theme, Controls: in.Controls.api()}
	var warnings []string
	if in.IsDefault {
		req.IsDefault = &in.IsDefault
		warnings = append(warnings, warnDefault, warnCDN)
	}
	p, err := client.CreatePlayer(ctx, req)
	if err != nil {
		return PlayerOutput{}, "", err
	}
	out := PlayerOutput{Player: p, Conversions: orEmpty(conv), Warnings: orEmpty(warnings)}
	return done(out)(renderPlayer("Player created", out, []string{"Assign it to a video with `aioz_assign_player` (player_id `" + p.ID + "`).", "Add a logo with `aioz_upload_player_logo`."}))
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func renderPlayer(heading string, out PlayerOutput, next []string) (string, error) {
	p := out.Player
	d := templates.PlayerCard{Heading: heading, ID: p.ID, Name: p.Name, IsDefault: p.IsDefault, Logo: p.Asset.LogoImageLink, LogoLink: p.Asset.LogoLink,
		Conversions: out.Conversions, Notes: out.Warnings, Next: next}
	th := p.Theme
	for _, f := range []templates.Field{{Name: "main_color", Value: th.MainColor}, {Name: "text_color", Value: th.TextColor},
		{Name: "control_bar_background_color", Value: th.ControlBarBackground}, {Name: "menu_background_color", Value: th.MenuBackgroundColor},
		{Name: "menu_item_background_hover", Value: th.MenuItemBackgroundHover}, {Name: "text_track_color", Value: th.TextTrackColor},
		{Name: "text_track_background", Value: th.TextTrackBackground}, {Name: "control_bar_height", Value: th.ControlBarHeight},
		{Name: "progress_bar_height", Value: th.ProgressBarHeight}, {Name: "progress_bar_circle_size", Value: th.ProgressBarCircleSize}} {
		if f.Value != "" {
			d.Theme = append(d.Theme, f)
		}
	}
	ct := p.Controls
	for _, f := range []struct {
		name string
		v    *bool
	}{{"enable_api", ct.EnableAPI}, {"enable_controls", ct.EnableControls}, {"force_autoplay", ct.ForceAutoplay}, {"force_loop", ct.ForceLoop}, {"hide_title", ct.HideTitle}} {
		if f.v != nil {
			d.Controls = append(d.Controls, templates.Field{Name: f.name, Value: strconv.FormatBool(*f.v)})
		}
	}
	return templates.AIOZPlayerCard.Render(d)
}

// ListPlayersInput are aioz_list_players' arguments.
type ListPlayersInput struct {
	Search  string `json:"search,omitempty" jsonschema:"maxLength=100" jsonschema_description:"Part of the player name"`
	SortBy  string `json:"sort_by,omitempty" jsonschema:"enum=created_at,enum=name,default=created_at"`
	OrderBy string `json:"order_by,omitempty" jsonschema:"enum=asc,enum=desc,default=asc"`
	Limit   int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=25"`
	Offset  int    `json:"offset,omitempty" jsonschema:"minimum=0"`
}

// PlayerListOutput is a page of player themes.
type PlayerListOutput struct {
	Players []aiozapi.PlayerTheme `json:"players"`
	Page
}

func (t *tools) listPlayers(ctx context.Context, c *toolkit.Call, in ListPlayersInput) (PlayerListOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return PlayerListOutput{}, "", err
	}
	list, err := client.ListPlayers(ctx, aiozapi.ListPlayersRequest{Search: in.Search, SortBy: in.SortBy, OrderBy: in.OrderBy, Offset: in.Offset, Limit: in.Limit})
	if err != nil {
		return PlayerListOutput{}, "", err
	}
	out := PlayerListOutput{Players: list.Players}
	if out.Players == nil {
		out.Players = []aiozapi.PlayerTheme{}
	}
	out.Page = page(in.Offset, len(out.Players), list.Total)
	d := templates.PlayerList{Search: in.Search, Total: out.Total, NextOffset: out.NextOffset}
	for _, p := range out.Players {
		d.Rows = append(d.Rows, templates.PlayerRow{ID: p.ID, Name: p.Name, IsDefault: p.IsDefault, HasLogo: p.Asset.LogoImageLink != ""})
	}
	text, err := templates.AIOZPlayerList.Render(d)
	return out, text, err
}

// PlayerIDInput names one player theme.
type PlayerIDInput struct {
	PlayerID string `json:"player_id" jsonschema:"required,minLength=1,maxLength=256"`
}

func (t *tools) getPlayer(ctx context.Context, c *toolkit.Call, in PlayerIDInput) (PlayerOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return PlayerOutput{}, "", err
	}
	p, err := client.GetPlayer(ctx, in.PlayerID)
	if err != nil {
		return PlayerOutput{}, "", err
	}
	out := PlayerOutput{Player: p, Conversions: []string{}, Warnings: []string{}}
	return done(out)(renderPlayer("Player "+p.Name, out, nil))
}

// UpdatePlayerInput are aioz_update_player's arguments.
type UpdatePlayerInput struct {
	PlayerID  string         `json:"player_id" jsonschema:"required,minLength=1,maxLength=256"`
	Name      string         `json:"name,omitempty" jsonschema:"maxLength=256"`
	Theme     *ThemeInput    `json:"theme,omitempty"`
	Controls  *ControlsInput `json:"controls,omitempty"`
	IsDefault *bool          `json:"is_default,omitempty" jsonschema_description:"true makes this the only default player"`
}

func (t *tools) updatePlayer(ctx context.Context, c *toolkit.Call, in UpdatePlayerInput) (PlayerOutput, string, error) {
	theme, conv, err := in.Theme.theme()
	if err != nil {
		return PlayerOutput{}, "", err
	}
	req := aiozapi.PlayerRequest{Name: in.Name, Theme: theme, Controls: in.Controls.api(), IsDefault: in.IsDefault}
	if req.Name == "" && req.Theme == nil && req.Controls == nil && req.IsDefault == nil {
		return PlayerOutput{}, "", argerr.New("name", "nothing to change", "give name, theme, controls or is_default")
	}
	client, err := t.client.Get()
	if err != nil {
		return PlayerOutput{}, "", err
	}
	if err := client.UpdatePlayer(ctx, in.PlayerID, req); err != nil {
		return PlayerOutput{}, "", err
	}
	var warnings []string
	if in.IsDefault != nil && *in.IsDefault {
		warnings = append(warnings, warnDefault)
	}
	warnings = append(warnings, warnCDN)
	p, err := client.GetPlayer(ctx, in.PlayerID)
	if err != nil {
		return PlayerOutput{}, "", fmt.Errorf("the player was updated but reading it back failed: %w", err)
	}
	out := PlayerOutput{Player: p, Conversions: orEmpty(conv), Warnings: warnings}
	return done(out)(renderPlayer("Player updated", out, nil))
}

// ChangeOutput confirms a change that returns no object.
type ChangeOutput struct {
	ID      string   `json:"id"`
	MediaID string   `json:"media_id,omitempty"`
	Done    string   `json:"done" jsonschema_description:"What happened: deleted, logo_deleted, assigned, removed, …"`
	Notes   []string `json:"notes"`
}

func changeCard(icon, heading string, fields []templates.Field, notes, next []string) (string, error) {
	return templates.AIOZChangeCard.Render(templates.ChangeCard{Icon: icon, Heading: heading, Fields: fields, Notes: notes, Next: next})
}

// done pairs a result with its rendered text: done(out)(render(…)). A
// template failure is returned as the tool's error.
func done[Out any](out Out) func(string, error) (Out, string, error) {
	return func(text string, err error) (Out, string, error) {
		if err != nil {
			var zero Out
			return zero, "", err
		}
		return out, text, nil
	}
}

func (t *tools) deletePlayer(ctx context.Context, c *toolkit.Call, in PlayerIDInput) (ChangeOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return ChangeOutput{}, "", err
	}
	if err := client.DeletePlayer(ctx, in.PlayerID); err != nil {
		if httpx.StatusOf(err) == 400 {
			if users := t.playerUsers(ctx, client, in.PlayerID); len(users) > 0 {
				return ChangeOutput{}, "", fmt.Errorf("player %s is assigned to %s, and the service refuses to delete a player a video uses. Nothing was deleted or unassigned. Shall I remove it from %s first with aioz_remove_player (or give %s another player with aioz_assign_player), then delete it? (%w)",
					in.PlayerID, strings.Join(users, ", "), plural(len(users), "that video", "those videos"), plural(len(users), "it", "them"), err)
			}
		}
		return ChangeOutput{}, "", err
	}
	return done(ChangeOutput{ID: in.PlayerID, Done: "deleted", Notes: []string{}})(changeCard("🗑️", "Player deleted", []templates.Field{{Name: "Player ID", Value: in.PlayerID}}, nil, nil))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// playerUsers names the media (up to 1000 scanned) whose theme is id.
func (t *tools) playerUsers(ctx context.Context, client *aiozapi.Client, id string) []string {
	var users []string
	for offset := 0; offset < 1000; offset += 100 {
		list, err := client.ListMedia(ctx, aiozapi.ListMediaRequest{Offset: offset, Limit: 100})
		if err != nil {
			break
		}
		for _, m := range list.Media {
			if m.PlayerTheme == id {
				users = append(users, fmt.Sprintf("`%s` (%s)", m.ID, m.Title))
			}
		}
		if len(list.Media) < 100 {
			break
		}
	}
	return users
}

// LogoInput are aioz_upload_player_logo's arguments.
type LogoInput struct {
	PlayerID string `json:"player_id" jsonschema:"required,minLength=1,maxLength=256"`
	LogoPath string `json:"logo_path" jsonschema:"required,minLength=1,maxLength=4096" jsonschema_description:"Local JPEG or PNG, at most 100 KB and 200×100 px"`
	Link     string `json:"link,omitempty" jsonschema:"maxLength=2048,format=uri" jsonschema_description:"Where a click on the logo goes"`
}

// checkLogo applies seed 001's logo rule (B13) to the file's content.
func checkLogo(data []byte, name string) error {
	if !toolkit.PNGOrJPEG(data) {
		return argerr.New("logo_path", name+" is neither a PNG nor a JPEG image (by its content)", "export the logo as PNG or JPEG")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return argerr.New("logo_path", name+" cannot be read as an image: "+err.Error(), "export the logo again as PNG or JPEG")
	}
	if cfg.Width > maxLogoW || cfg.Height > maxLogoH {
		return argerr.New("logo_path", fmt.Sprintf("%s is %d×%d px, larger than the 200×100 px AIOZ allows", name, cfg.Width, cfg.Height), "scale the logo to fit within 200×100 px")
	}
	return nil
}

func (t *tools) uploadPlayerLogo(ctx context.Context, c *toolkit.Call, in LogoInput) (PlayerOutput, string, error) {
	data, name, err := readLocal(c, "logo_path", in.LogoPath, []string{".png", ".jpg", ".jpeg"}, logoKind, "a local .png or .jpg logo of at most 100 KB (102400 bytes) and 200×100 px")
	if err != nil {
		return PlayerOutput{}, "", err
	}
	if len(data) > maxLogoBytes {
		return PlayerOutput{}, "", argerr.New("logo_path", fmt.Sprintf("%s is %d bytes, over the 100 KB (102400 bytes) AIOZ allows for a logo", name, len(data)), "compress or shrink the logo to at most 100 KB")
	}
	if err := checkLogo(data, name); err != nil {
		return PlayerOutput{}, "", err
	}
	client, err := t.client.Get()
	if err != nil {
		return PlayerOutput{}, "", err
	}
	p, err := client.UploadPlayerLogo(ctx, in.PlayerID, name, data, in.Link)
	if err != nil {
		return PlayerOutput{}, "", err
	}
	if p.ID == "" {
		if p, err = client.GetPlayer(ctx, in.PlayerID); err != nil {
			return PlayerOutput{}, "", fmt.Errorf("the logo was uploaded but reading the player back failed: %w", err)
		}
	}
	out := PlayerOutput{Player: p, Conversions: []string{}, Warnings: []string{warnCDN}}
	return done(out)(renderPlayer("Logo uploaded", out, nil))
}

func (t *tools) deletePlayerLogo(ctx context.Context, c *toolkit.Call, in PlayerIDInput) (ChangeOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return ChangeOutput{}, "", err
	}
	if err := client.DeletePlayerLogo(ctx, in.PlayerID); err != nil {
		return ChangeOutput{}, "", err
	}
	return done(ChangeOutput{ID: in.PlayerID, Done: "logo_deleted", Notes: []string{warnCDN}})(
		changeCard("🗑️", "Player logo deleted", []templates.Field{{Name: "Player ID", Value: in.PlayerID}}, []string{warnCDN}, nil))
}

// AssignInput names a video and a player theme.
type AssignInput struct {
	MediaID  string `json:"media_id" jsonschema:"required,minLength=1,maxLength=256" jsonschema_description:"The video"`
	PlayerID string `json:"player_id" jsonschema:"required,minLength=1,maxLength=256"`
}

func (t *tools) assignPlayer(ctx context.Context, c *toolkit.Call, in AssignInput) (ChangeOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return ChangeOutput{}, "", err
	}
	if err := client.AssignPlayer(ctx, in.MediaID, in.PlayerID); err != nil {
		return ChangeOutput{}, "", err
	}
	fields := []templates.Field{{Name: "Media ID", Value: in.MediaID}, {Name: "Player ID", Value: in.PlayerID}}
	return done(ChangeOutput{ID: in.PlayerID, MediaID: in.MediaID, Done: "assigned", Notes: []string{warnCDN}})(
		changeCard("🎨", "Player assigned", fields, []string{warnCDN}, nil))
}

func (t *tools) removePlayer(ctx context.Context, c *toolkit.Call, in AssignInput) (ChangeOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return ChangeOutput{}, "", err
	}
	if err := client.RemovePlayer(ctx, in.MediaID, in.PlayerID); err != nil {
		return ChangeOutput{}, "", err
	}
	fields := []templates.Field{{Name: "Media ID", Value: in.MediaID}, {Name: "Player ID", Value: in.PlayerID}}
	return done(ChangeOutput{ID: in.PlayerID, MediaID: in.MediaID, Done: "removed", Notes: []string{warnCDN}})(
		changeCard("🎨", "Player removed from the video", fields, []string{warnCDN}, nil))
}
