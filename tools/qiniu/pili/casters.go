package pili

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/qiniu/piliapi"
	"github.com/mcp-media/mcp-media/internal/redact"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

var casterNameRE = regexp.MustCompile(`^[a-z0-9]{1,18}$`)

func (t *tools) casterTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_create_caster",
			Title:       "Create cloud director",
			Description: "Create a cloud director (8 inputs, PVW/PGM, layouts); Qiniu starts it for 1 hour right away, billed by run time.",
			Annotations: additive,
		}, t.createCaster),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_update_caster",
			Title:       "Update cloud director",
			Description: "Update a director's monitors, outputs, layouts or storage; each object given replaces the old one whole.",
			Annotations: replaces,
		}, t.updateCaster),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_delete_caster",
			Title:       "Delete cloud director",
			Description: "Delete a director. Cannot be undone.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deleteCaster),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_start_caster",
			Title:       "Start cloud director",
			Description: "Start a director now or at a time for N hours; on a running director the hours extend it (billed).",
			Annotations: additive,
		}, t.startCaster),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_stop_caster",
			Title:       "Stop cloud director",
			Description: "Stop a director: its PGM output stops.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.stopCaster),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_list_casters",
			Title:       "List cloud directors",
			Description: "List directors by name prefix with marker paging.",
			Annotations: ro,
		}, t.listCasters),
		toolkit.New(toolkit.Spec{
			Name:        "qiniu_get_caster",
			Title:       "Get cloud director",
			Description: "A director's status, run window, inputs and outputs (static key never shown).",
			Annotations: ro,
		}, t.getCaster),
	}
}

// CasterObjects are a director's nested settings, passed to Qiniu as given
// (their reference page is not in the docs).
type CasterObjects struct {
	Monitors  map[string]any `json:"monitors,omitempty" jsonschema_description:"Input channels \"0\"-\"7\": {url, vol, muted}"`
	PvwOutput map[string]any `json:"pvw_output,omitempty" jsonschema_description:"{play, channel, layout}"`
	PgmOutput map[string]any `json:"pgm_output,omitempty" jsonschema_description:"{publish (RTMP URL), ab, vb, channel, delay, closed, emergencyMode, emergencyChannel}"`
	Layouts   map[string]any `json:"layouts,omitempty" jsonschema_description:"Layouts \"0\"-\"7\": {title, overlay, text}"`
	Storage   map[string]any `json:"storage,omitempty" jsonschema_description:"{bucket, domain}"`
}

// CasterCreateInput are qiniu_create_caster's arguments.
type CasterCreateInput struct {
	Name   string         `json:"name" jsonschema:"maxLength=256,required" jsonschema_description:"1-18 lower-case letters and digits"`
	Canvas map[string]any `json:"canvas,omitempty" jsonschema_description:"{resolution: 480p|720p|1080p, width, height}; cannot be changed later"`
	CasterObjects
}

// CasterUpdateInput are qiniu_update_caster's arguments.
type CasterUpdateInput struct {
	ID string `json:"id" jsonschema:"maxLength=256,required"`
	CasterObjects
}

// CasterID names a director.
type CasterID struct {
	ID string `json:"id" jsonschema:"maxLength=256,required"`
}

// CasterView is a director; its static key is never included.
type CasterView struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Status       string         `json:"status"`
	Stage        int            `json:"stage"`
	RunStart     string         `json:"run_start,omitempty"`
	RunStop      string         `json:"run_stop,omitempty"`
	Canvas       map[string]any `json:"canvas,omitempty"`
	Monitors     map[string]any `json:"monitors,omitempty"`
	PvwOutput    map[string]any `json:"pvw_output,omitempty"`
	PgmOutput    map[string]any `json:"pgm_output,omitempty"`
	Layouts      map[string]any `json:"layouts,omitempty"`
	Storage      map[string]any `json:"storage,omitempty"`
	CreatedAt    string         `json:"created_at,omitempty"`
	UpdatedAt    string         `json:"updated_at,omitempty"`
	StaticKeySet bool           `json:"static_key_set"`
	// URLQueriesHidden lists the settings whose URL is shown without its
	// query or user info ("pgm_output.publish"): a publish URL may carry
	// ?key=<publish key>, a play URL a signature.
	URLQueriesHidden []string `json:"url_queries_hidden,omitempty" jsonschema_description:"Settings whose URL is shown without its query or user info (which may carry a publish key or a signature)"`
}

func obj(raw json.RawMessage) map[string]any {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

func raw(m map[string]any) json.RawMessage {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	return b
}

func (t *tools) casterView(c piliapi.Caster) CasterView {
	var hidden []string
	show := func(name string, raw json.RawMessage) map[string]any {
		m, _ := displayURLs(obj(raw), name, &hidden).(map[string]any)
		return m
	}
	v := CasterView{ID: c.ID, Name: c.Name, Status: c.Status, Stage: c.Stage,
		RunStart: fmtTime(c.TimeSwitch.Start), RunStop: fmtTime(c.TimeSwitch.Stop),
		Canvas: show("canvas", c.Canvas), Monitors: show("monitors", c.Monitors), PvwOutput: show("pvw_output", c.PvwOutput),
		PgmOutput: show("pgm_output", c.PgmOutput), Layouts: show("layouts", c.Layouts), Storage: show("storage", c.Storage),
		CreatedAt: fmtTime(c.CreateAt), UpdatedAt: fmtTime(c.UpdateAt), StaticKeySet: c.StaticKey != ""}
	sort.Strings(hidden)
	v.URLQueriesHidden = hidden
	return v
}

// displayURLs copies a director's settings with every URL that has a query
// or user info in its display form (redact.URL), recording where.
func displayURLs(v any, path string, hidden *[]string) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = displayURLs(e, path+"."+k, hidden)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = displayURLs(e, fmt.Sprintf("%s.%d", path, i), hidden)
		}
		return out
	case string:
		if u, err := url.Parse(strings.TrimSpace(x)); err == nil && u.Scheme != "" && u.Host != "" && (u.RawQuery != "" || u.ForceQuery || u.User != nil) {
			*hidden = append(*hidden, path)
			return redact.URL(strings.TrimSpace(x))
		}
	}
	return v
}

// casterCard renders a director, with an optional note under it.
func casterCard(heading string, v CasterView, note string) (string, error) {
	d := templates.PiliCasterCardData{Heading: heading, Name: v.Name, ID: v.ID, Status: v.Status, RunStart: v.RunStart, RunStop: v.RunStop,
		StaticKeySet: v.StaticKeySet, URLQueriesHidden: v.URLQueriesHidden, Note: note}
	if r, ok := v.Canvas["resolution"]; ok {
		d.CanvasSet, d.Canvas = true, fmt.Sprint(r)
	}
	d.PgmOutput, _ = v.PgmOutput["publish"].(string)
	d.PvwPreview, _ = v.PvwOutput["play"].(string)
	for _, m := range v.Monitors {
		if mm, ok := m.(map[string]any); ok {
			if u, _ := mm["url"].(string); u != "" {
				d.Inputs++
			}
		}
	}
	return templates.PiliCasterCard.Render(d)
}

// casterResult is a tool result made of a director's card.
func casterResult(heading string, v CasterView, note string) (CasterView, string, error) {
	text, err := casterCard(heading, v, note)
	if err != nil {
		return CasterView{}, "", err
	}
	return v, text, nil
}

func (t *tools) casterClient(id string) (*piliapi.Client, string, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, "", argerr.New("id", "is empty", "give the caster id (qiniu_list_casters lists them)")
	}
	c, err := t.client.Get()
	return c.Client, id, err
}

func (t *tools) createCaster(ctx context.Context, _ *toolkit.Call, in CasterCreateInput) (CasterView, string, error) {
	if !casterNameRE.MatchString(in.Name) {
		return CasterView{}, "", argerr.New("name", fmt.Sprintf("%q is not a valid caster name", in.Name), "use 1-18 lower-case letters and digits")
	}
	c, err := t.client.Get()
	if err != nil {
		return CasterView{}, "", err
	}
	o := in.CasterObjects
	res, err := c.CreateCaster(ctx, piliapi.CasterSpec{Name: in.Name, Canvas: raw(in.Canvas), Monitors: raw(o.Monitors),
		PvwOutput: raw(o.PvwOutput), PgmOutput: raw(o.PgmOutput), Layouts: raw(o.Layouts), Storage: raw(o.Storage)})
	if err != nil {
		return CasterView{}, "", err
	}
	return casterResult("🎬 Cloud director created", t.casterView(res), "It is running (and billed) for 1 hour; stop it with qiniu_stop_caster or extend it with qiniu_start_caster. Console: https://studio.cloudvdn.com")
}

func (t *tools) updateCaster(ctx context.Context, _ *toolkit.Call, in CasterUpdateInput) (CasterView, string, error) {
	o := in.CasterObjects
	if o.Monitors == nil && o.PvwOutput == nil && o.PgmOutput == nil && o.Layouts == nil && o.Storage == nil {
		return CasterView{}, "", argerr.New("monitors", "nothing to update", "give at least one of monitors, pvw_output, pgm_output, layouts or storage")
	}
	c, id, err := t.casterClient(in.ID)
	if err != nil {
		return CasterView{}, "", err
	}
	res, err := c.UpdateCaster(ctx, id, piliapi.CasterSpec{Monitors: raw(o.Monitors), PvwOutput: raw(o.PvwOutput), PgmOutput: raw(o.PgmOutput),
		Layouts: raw(o.Layouts), Storage: raw(o.Storage)})
	if err != nil {
		return CasterView{}, "", err
	}
	return casterResult("🎬 Cloud director updated", t.casterView(res), "")
}

// CasterDone reports a director action.
type CasterDone struct {
	ID     string      `json:"id"`
	Done   string      `json:"done"`
	Caster *CasterView `json:"caster,omitempty"`
}

func (t *tools) deleteCaster(ctx context.Context, _ *toolkit.Call, in CasterID) (CasterDone, string, error) {
	c, id, err := t.casterClient(in.ID)
	if err != nil {
		return CasterDone{}, "", err
	}
	if err := c.DeleteCaster(ctx, id); err != nil {
		return CasterDone{}, "", err
	}
	text, err := templates.PiliCasterDone.Render(templates.PiliCasterDoneData{Heading: "🗑️ Cloud director deleted", ID: id, Done: "deleted"})
	if err != nil {
		return CasterDone{}, "", err
	}
	return CasterDone{ID: id, Done: "deleted"}, text, nil
}

// CasterStartInput are qiniu_start_caster's arguments.
type CasterStartInput struct {
	ID    string `json:"id" jsonschema:"maxLength=256,required"`
	Hours int    `json:"hours,omitempty" jsonschema:"minimum=1,default=1"`
	At    string `json:"at,omitempty" jsonschema_description:"Start time (default now; not allowed while running)"`
}

func (t *tools) startCaster(ctx context.Context, _ *toolkit.Call, in CasterStartInput) (CasterDone, string, error) {
	var at int64
	if strings.TrimSpace(in.At) != "" {
		u, err := t.instant("at", in.At, false)
		if err != nil {
			return CasterDone{}, "", err
		}
		at = u.Unix()
	}
	c, id, err := t.casterClient(in.ID)
	if err != nil {
		return CasterDone{}, "", err
	}
	if err := c.StartCaster(ctx, id, at, in.Hours); err != nil {
		return CasterDone{}, "", err
	}
	return t.casterAfter(ctx, c, id, "started", "▶️ Cloud director started")
}

func (t *tools) stopCaster(ctx context.Context, _ *toolkit.Call, in CasterID) (CasterDone, string, error) {
	c, id, err := t.casterClient(in.ID)
	if err != nil {
		return CasterDone{}, "", err
	}
	if err := c.StopCaster(ctx, id); err != nil {
		return CasterDone{}, "", err
	}
	return t.casterAfter(ctx, c, id, "stopped", "⏹️ Cloud director stopped")
}

func (t *tools) casterAfter(ctx context.Context, c *piliapi.Client, id, done, heading string) (CasterDone, string, error) {
	res, err := c.GetCaster(ctx, id)
	if err != nil {
		text, rerr := templates.PiliCasterDone.Render(templates.PiliCasterDoneData{Heading: heading, ID: id, Done: done, ReadBackErr: err.Error()})
		if rerr != nil {
			return CasterDone{}, "", rerr
		}
		return CasterDone{ID: id, Done: done}, text, nil
	}
	v := t.casterView(res)
	text, err := casterCard(heading, v, "")
	if err != nil {
		return CasterDone{}, "", err
	}
	return CasterDone{ID: id, Done: done, Caster: &v}, text, nil
}

// CasterListInput are qiniu_list_casters' arguments.
type CasterListInput struct {
	NamePrefix string `json:"name_prefix,omitempty"`
	Marker     string `json:"marker,omitempty"`
	Limit      int    `json:"limit,omitempty" jsonschema:"minimum=1,default=50"`
}

// CasterListOutput is one page of directors.
type CasterListOutput struct {
	Casters []CasterView `json:"casters"`
	Marker  string       `json:"marker,omitempty"`
}

func (t *tools) listCasters(ctx context.Context, _ *toolkit.Call, in CasterListInput) (CasterListOutput, string, error) {
	c, err := t.client.Get()
	if err != nil {
		return CasterListOutput{}, "", err
	}
	l, err := c.ListCasters(ctx, in.NamePrefix, in.Marker, in.Limit)
	if err != nil {
		return CasterListOutput{}, "", err
	}
	out := CasterListOutput{Marker: l.Marker}
	d := templates.PiliCasterListData{Marker: l.Marker}
	for _, it := range l.Items {
		v := t.casterView(it)
		out.Casters = append(out.Casters, v)
		d.Casters = append(d.Casters, templates.PiliCasterRow{Name: v.Name, ID: v.ID, Status: v.Status, RunStart: v.RunStart, RunStop: v.RunStop})
	}
	text, err := templates.PiliCasterList.Render(d)
	if err != nil {
		return CasterListOutput{}, "", err
	}
	return out, text, nil
}

func (t *tools) getCaster(ctx context.Context, _ *toolkit.Call, in CasterID) (CasterView, string, error) {
	c, id, err := t.casterClient(in.ID)
	if err != nil {
		return CasterView{}, "", err
	}
	res, err := c.GetCaster(ctx, id)
	if err != nil {
		return CasterView{}, "", err
	}
	return casterResult("🎬 Cloud director", t.casterView(res), "")
}
