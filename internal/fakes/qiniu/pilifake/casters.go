package pilifake

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Defaults for the nested caster objects, from the response template
// (spec §4.5); the canvas default is INFERRED.
var (
	defaultMonitors = json.RawMessage(`{"0":{"url":"","vol":100,"muted":false},"1":{"url":"","vol":100,"muted":true},` +
		`"2":{"url":"","vol":100,"muted":true},"3":{"url":"","vol":100,"muted":true},"4":{"url":"","vol":100,"muted":true},` +
		`"5":{"url":"","vol":100,"muted":true},"6":{"url":"","vol":100,"muted":true},"7":{"url":"","vol":100,"muted":true}}`)
	defaultCanvas    = json.RawMessage(`{"resolution":"720p","height":720,"width":1280}`)
	defaultPvwOutput = json.RawMessage(`{"play":"","channel":0,"layout":0}`)
	defaultPgmOutput = json.RawMessage(`{"closed":false,"publish":"","ab":64,"vb":1000,"channel":0,"overlay":{},"text":{},"emergencyMode":false,"emergencyChannel":0,"delay":0}`)
	defaultLayouts   = json.RawMessage(`{}`)
	defaultStorage   = json.RawMessage(`{"bucket":"","domain":""}`)
)

var (
	casterNameRE = regexp.MustCompile(`^[a-z0-9]{1,18}$`)
	channelKeyRE = regexp.MustCompile(`^[0-7]$`)
)

// casterUID is the synthetic account uid.
const casterUID = 1380000001

type caster struct {
	ID, Name, StaticKey string
	Monitors, Canvas    json.RawMessage
	PvwOutput           json.RawMessage
	PgmOutput           json.RawMessage
	Layouts, Storage    json.RawMessage
	CreateAt, UpdateAt  int64
	Start, Stop         int64 // run window [Start, Stop)
}

type timeSwitchJSON struct {
	Start int64 `json:"start"`
	Stop  int64 `json:"stop"`
}

type casterJSON struct {
	ID         string          `json:"id"`
	UID        int64           `json:"uid"`
	Name       string          `json:"name"`
	StaticKey  string          `json:"staticKey"`
	Monitors   json.RawMessage `json:"monitors"`
	Canvas     json.RawMessage `json:"canvas"`
	TimeSwitch timeSwitchJSON  `json:"timeSwitch"`
	PvwOutput  json.RawMessage `json:"pvwOutput"`
	PgmOutput  json.RawMessage `json:"pgmOutput"`
	Layouts    json.RawMessage `json:"layouts"`
	Storage    json.RawMessage `json:"storage,omitempty"`
	Stage      int             `json:"stage"`
	Status     string          `json:"status"`
	CreateAt   int64           `json:"createAt"`
	UpdateAt   int64           `json:"updateAt"`
}

// status is derived from the run window. Only "pending" appears in the
// docs; "running" and "stopped" are INFERRED.
func (s *Server) casterStatus(c *caster) string {
	now := unix(s.now())
	switch {
	case c.Start != 0 && c.Start > now:
		return "pending"
	case c.Start != 0 && now < c.Stop:
		return "running"
	}
	return "stopped"
}

func (s *Server) casterView(c *caster, withStorage bool) casterJSON {
	v := casterJSON{ID: c.ID, UID: casterUID, Name: c.Name, StaticKey: c.StaticKey,
		Monitors: c.Monitors, Canvas: c.Canvas, TimeSwitch: timeSwitchJSON{c.Start, c.Stop},
		PvwOutput: c.PvwOutput, PgmOutput: c.PgmOutput, Layouts: c.Layouts,
		Stage: 1, Status: s.casterStatus(c), CreateAt: c.CreateAt, UpdateAt: c.UpdateAt}
	if withStorage {
		v.Storage = c.Storage
	}
	return v
}

// objectField validates an optional nested object; channel-keyed objects
// (monitors, layouts) may only use keys "0".."7".
func objectField(raw json.RawMessage, channelKeyed bool) (json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, false
	}
	if channelKeyed {
		for k := range m {
			if !channelKeyRE.MatchString(k) {
				return nil, false
			}
		}
	}
	return raw, true
}

// applyCasterFields sets the updatable top-level fields present in body
// (top level partial, nested objects replaced whole, spec §4.5.2).
func applyCasterFields(c *caster, body map[string]json.RawMessage) string {
	if raw, ok := body["staticKey"]; ok {
		var k string
		if json.Unmarshal(raw, &k) != nil {
			return "invalid staticKey"
		}
		if k != "" {
			c.StaticKey = k
		}
	}
	for _, f := range []struct {
		name    string
		dst     *json.RawMessage
		channel bool
	}{
		{"monitors", &c.Monitors, true},
		{"pvwOutput", &c.PvwOutput, false},
		{"pgmOutput", &c.PgmOutput, false},
		{"layouts", &c.Layouts, true},
		{"storage", &c.Storage, false},
	} {
		if raw, ok := body[f.name]; ok {
			v, ok := objectField(raw, f.channel)
			if !ok {
				return "invalid " + f.name
			}
			*f.dst = append(json.RawMessage(nil), v...)
		}
	}
	return ""
}

// createCaster creates a director that starts running for 1 h. The account
// quota (default 1) is enforced with a 400 (fake-only message).
func (s *Server) createCaster(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var body map[string]json.RawMessage
	if !decodeBody(w, r, &body, false) {
		return
	}
	var name string
	if raw, ok := body["name"]; !ok || json.Unmarshal(raw, &name) != nil || !casterNameRE.MatchString(name) {
		writeErr(w, http.StatusBadRequest, "invalid name: 1-18 lower-case letters and digits")
		return
	}
	if len(s.casters) >= s.casterQuota {
		writeErr(w, http.StatusBadRequest, "caster quota exceeded")
		return
	}
	now := unix(s.now())
	c := &caster{Name: name, Monitors: defaultMonitors, Canvas: defaultCanvas,
		PvwOutput: defaultPvwOutput, PgmOutput: defaultPgmOutput, Layouts: defaultLayouts,
		Storage: defaultStorage, CreateAt: now, UpdateAt: now, Start: now, Stop: now + 3600}
	if raw, ok := body["canvas"]; ok {
		v, ok := objectField(raw, false)
		if !ok {
			writeErr(w, http.StatusBadRequest, "invalid canvas")
			return
		}
		c.Canvas = v
	}
	if msg := applyCasterFields(c, body); msg != "" {
		writeErr(w, http.StatusBadRequest, msg)
		return
	}
	if c.StaticKey == "" {
		c.StaticKey = s.lowerAlnum(16) // "16位小写英文+数字随机值"
	}
	c.ID = s.nextID("caster", 24)
	s.casters[c.ID] = c
	writeJSON(w, http.StatusOK, s.casterView(c, true))
}

// lowerAlnum returns a deterministic string of n lower-case letters/digits.
func (s *Server) lowerAlnum(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	hex := s.nextID("statickey", 2*n)
	b := make([]byte, n)
	for i := range b {
		v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		b[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(b)
}

func (s *Server) casterFor(w http.ResponseWriter, r *http.Request) *caster {
	c := s.casters[r.PathValue("id")]
	if c == nil {
		writeErr(w, http.StatusNotFound, "not found") // INFERRED
	}
	return c
}

// updateCaster: name and canvas are not updatable and are ignored.
func (s *Server) updateCaster(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.casterFor(w, r)
	if c == nil {
		return
	}
	var body map[string]json.RawMessage
	if !decodeBody(w, r, &body, false) {
		return
	}
	updated := *c
	if msg := applyCasterFields(&updated, body); msg != "" {
		writeErr(w, http.StatusBadRequest, msg)
		return
	}
	updated.UpdateAt = unix(s.now())
	*c = updated
	writeJSON(w, http.StatusOK, s.casterView(c, true))
}

func (s *Server) deleteCaster(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.casterFor(w, r)
	if c == nil {
		return
	}
	delete(s.casters, c.ID)
	writeOK(w)
}

// startCaster: {"start": unix or 0 for now, "hour": N (default 1)}. While
// running, start must not be set and hour extends the run.
func (s *Server) startCaster(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.casterFor(w, r)
	if c == nil {
		return
	}
	var body struct {
		Start int64 `json:"start"`
		Hour  int64 `json:"hour"`
	}
	if !decodeBody(w, r, &body, true) {
		return
	}
	if body.Hour < 0 || body.Start < 0 {
		writeErr(w, http.StatusBadRequest, "invalid start or hour")
		return
	}
	if body.Hour == 0 {
		body.Hour = 1
	}
	now := unix(s.now())
	if s.casterStatus(c) == "running" {
		if body.Start != 0 {
			writeErr(w, http.StatusBadRequest, "caster is running: start must not be set")
			return
		}
		c.Stop += body.Hour * 3600
	} else {
		c.Start = now
		if body.Start != 0 {
			c.Start = body.Start
		}
		c.Stop = c.Start + body.Hour*3600
	}
	c.UpdateAt = now
	writeOK(w)
}

func (s *Server) stopCaster(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.casterFor(w, r)
	if c == nil {
		return
	}
	now := unix(s.now())
	if c.Start > now {
		c.Start = now
	}
	if c.Stop > now || c.Stop == 0 {
		c.Stop = now
	}
	c.UpdateAt = now
	writeOK(w)
}

// listCasters: name prefix, marker (the last id returned), limit (default
// 50); items omit storage like the list template.
func (s *Server) listCasters(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeErr(w, http.StatusBadRequest, "invalid limit")
			return
		}
		if n > 0 {
			limit = n
		}
	}
	var list []*caster
	for _, c := range s.casters {
		if strings.HasPrefix(c.Name, q.Get("name")) {
			list = append(list, c)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].CreateAt != list[j].CreateAt {
			return list[i].CreateAt < list[j].CreateAt
		}
		return list[i].ID < list[j].ID
	})
	if m := q.Get("marker"); m != "" {
		for i, c := range list {
			if c.ID == m {
				list = list[i+1:]
				break
			}
		}
	}
	marker := ""
	if len(list) > limit {
		list = list[:limit]
		marker = list[limit-1].ID
	}
	items := make([]casterJSON, len(list))
	for i, c := range list {
		items[i] = s.casterView(c, false)
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(items), "marker": marker, "items": items})
}

func (s *Server) getCaster(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.casterFor(w, r)
	if c == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.casterView(c, false))
}
