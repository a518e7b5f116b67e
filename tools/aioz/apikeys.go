package aioz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// A new API key's secret never enters the chat (PRODUCT.md §3, which
// overrides seed rule A7): it goes to the OS keyring under
// aioz/api_key/<id> as the provider's fields, and the agent gets the masked
// form, the seed's warning and the terminal command that reveals it.

func (t *tools) apiKeyTools() []toolkit.Tool {
	return []toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_create_api_key",
			Title:       "Create an API key",
			Description: "Create an AIOZ API key (full_access or only_upload, with a lifetime such as 30d). Its secret goes to the OS keyring, never into the chat; the result says how the user reveals it in a terminal. use: true makes it this server's AIOZ key, replacing the keys stored for aioz.",
			// use: true overwrites the keyring's aioz entry.
			Annotations: toolkit.Annotations{Destructive: true},
		}, t.createAPIKey),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_list_api_keys",
			Title:       "List API keys",
			Description: "The account's API keys with masked secrets, types and expiry; marks the key this server uses.",
			Annotations: toolkit.Annotations{ReadOnly: true, Idempotent: true},
		}, t.listAPIKeys),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_rename_api_key",
			Title:       "Rename an API key",
			Description: "Change an API key's name.",
			Annotations: toolkit.Annotations{Idempotent: true},
		}, t.renameAPIKey),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_delete_api_key",
			Title:       "Delete an API key",
			Description: "Revoke an API key; anything using it stops working. Refused for the key this server itself uses. Cannot be undone.",
			Annotations: toolkit.Annotations{Destructive: true, Idempotent: true},
		}, t.deleteAPIKey),
	}
}

var ttlRE = regexp.MustCompile(`^(\d+)\s*([a-z]*)$`)

var ttlUnits = map[string]int64{
	"": 1, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
	"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
	"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
	"d": 86400, "day": 86400, "days": 86400,
	"w": 7 * 86400, "week": 7 * 86400, "weeks": 7 * 86400,
	"y": 365 * 86400, "year": 365 * 86400, "years": 365 * 86400,
}

// ParseTTL reads a key lifetime: seconds ("3600") or a number with a unit
// ("30d", "12 hours", "1y" = 365 days), 1 s to aiozapi.MaxTTL.
func ParseTTL(s string) (int64, error) {
	m := ttlRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil || ttlUnits[m[2]] == 0 {
		return 0, argerr.New("ttl", fmt.Sprintf("%q is not a lifetime", s), "give seconds (3600) or a number with s, m, h, d, w or y (30d, 12h, 1y)")
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	unit := ttlUnits[m[2]]
	if err != nil || n > aiozapi.MaxTTL/unit || n*unit > aiozapi.MaxTTL {
		return 0, argerr.New("ttl", fmt.Sprintf("%q is longer than AIOZ allows (%d s, about 68 years)", s, aiozapi.MaxTTL), "give a shorter lifetime, e.g. 1y")
	}
	if n == 0 {
		return 0, argerr.New("ttl", "must be at least 1 second", "give e.g. 30d")
	}
	return n * unit, nil
}

// mask shows a secret as its first and last four characters at most, so
// no 16-character stretch of it is ever printed.
func mask(secret string) string {
	if len(secret) < 12 {
		return "…"
	}
	return secret[:4] + "…" + secret[len(secret)-4:]
}

// maskTruncated shows AIOZ's truncated secret as its last four characters.
func maskTruncated(tr string) string {
	tr = strings.TrimLeft(tr, "*.…")
	if len(tr) > 4 {
		tr = tr[len(tr)-4:]
	}
	return "…" + tr
}

// apiKeyAccount is the keyring name (under the provider aioz) of a key.
func apiKeyAccount(id string) string { return "api_key/" + id }

// CreateAPIKeyInput are aioz_create_api_key's arguments.
type CreateAPIKeyInput struct {
	Name string `json:"name" jsonschema:"required,minLength=1,maxLength=255"`
	Type string `json:"type,omitempty" jsonschema:"enum=full_access,enum=only_upload,default=full_access" jsonschema_description:"only_upload keys can only create media and upload"`
	TTL  string `json:"ttl,omitempty" jsonschema:"maxLength=32,default=30d" jsonschema_description:"Lifetime: seconds or 30d, 12h, 1y …; at most 2147483647 s"`
	Use  bool   `json:"use,omitempty" jsonschema_description:"Make the new key this server's AIOZ key (the keyring's aioz entry)"`
}

// APIKeyView is a key without its secret.
type APIKeyView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type,omitempty"`
	Secret    string `json:"secret_masked" jsonschema_description:"Masked; the full secret is never returned"`
	Status    string `json:"status,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
	InUse     bool   `json:"in_use" jsonschema_description:"This server authenticates with this key"`
}

// CreateAPIKeyOutput is a new key and where its secret went.
type CreateAPIKeyOutput struct {
	APIKey         APIKeyView `json:"api_key"`
	TTLSeconds     int64      `json:"ttl_seconds"`
	KeyringAccount string     `json:"keyring_account" jsonschema_description:"Where the secret is: service mcp-media, this account"`
	Stored         bool       `json:"stored"`
	RevealCommand  string     `json:"reveal_command,omitempty" jsonschema_description:"For the user's terminal; never run it for them"`
	UseCommand     string     `json:"use_command,omitempty"`
	Warning        string     `json:"warning"`
}

// secretWarning is seed 001's warning (rule A7), without the secret.
const secretWarning = "AIOZ shows this secret only once: it cannot be retrieved again."

func (t *tools) createAPIKey(ctx context.Context, _ *toolkit.Call, in CreateAPIKeyInput) (CreateAPIKeyOutput, string, error) {
	if in.TTL == "" {
		in.TTL = "30d"
	}
	ttl, err := ParseTTL(in.TTL)
	if err != nil {
		return CreateAPIKeyOutput{}, "", err
	}
	if in.Type == "" {
		in.Type = "full_access"
	}
	client, err := t.client.Get()
	if err != nil {
		return CreateAPIKeyOutput{}, "", err
	}
	k, err := client.CreateAPIKey(ctx, in.Name, ttl, in.Type)
	if err != nil {
		return CreateAPIKeyOutput{}, "", err
	}
	account := "aioz/" + apiKeyAccount(k.ID)
	out := CreateAPIKeyOutput{APIKey: APIKeyView{ID: k.ID, Name: k.Name, Type: k.Type, Secret: mask(k.Secret), Status: k.Status, ExpiresAt: k.ExpiredAt},
		TTLSeconds: ttl, KeyringAccount: account, Warning: secretWarning}
	d := templates.APIKeyCreated{ID: k.ID, Name: k.Name, Type: k.Type, Masked: out.APIKey.Secret, ExpiresAt: k.ExpiredAt,
		TTL: fmt.Sprintf("%s (%d s)", in.TTL, ttl), Account: account, Sandbox: t.env.Sandbox}
	fields, _ := json.Marshal(map[string]string{"public_key": k.PublicKey, "secret_key": k.Secret})
	if k.Secret == "" {
		err = errors.New("AIOZ returned no secret")
	} else {
		err = t.env.Creds.SetAux("aioz", apiKeyAccount(k.ID), string(fields))
	}
	if err != nil {
		d.StoreError = err.Error()
	} else {
		out.Stored, d.Stored = true, true
		out.RevealCommand = "mcp-media auth reveal " + account
		out.UseCommand = "mcp-media auth use " + account
		if in.Use {
			if err := t.env.Creds.UseAux("aioz", apiKeyAccount(k.ID)); err != nil {
				d.UseError = err.Error()
			} else {
				out.APIKey.InUse, d.InUse = true, true
			}
		}
	}
	text, err := templates.AIOZAPIKeyCreated.Render(d)
	return out, text, err
}

// APIKeyListOutput is a page of keys.
type APIKeyListOutput struct {
	APIKeys []APIKeyView `json:"api_keys"`
	Page
}

// currentPublicKey is the public key this server authenticates with.
func (t *tools) currentPublicKey() string {
	c, err := t.env.Creds.Load("aioz")
	if err != nil {
		return ""
	}
	return c.Get("public_key")
}

func (t *tools) listAPIKeys(ctx context.Context, _ *toolkit.Call, in AccountListInput) (APIKeyListOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return APIKeyListOutput{}, "", err
	}
	list, err := client.ListAPIKeys(ctx, in.query())
	if err != nil {
		return APIKeyListOutput{}, "", err
	}
	cur := t.currentPublicKey()
	out := APIKeyListOutput{APIKeys: []APIKeyView{}, Page: page(in.Offset, len(list.APIKeys), list.Total)}
	d := templates.APIKeyList{Total: out.Total, NextOffset: out.NextOffset}
	for _, k := range list.APIKeys {
		v := APIKeyView{ID: k.ID, Name: k.Name, Type: k.Type, Secret: maskTruncated(k.TruncatedSecret), Status: k.Status, ExpiresAt: k.ExpiredAt,
			InUse: cur != "" && k.PublicKey == cur}
		out.APIKeys = append(out.APIKeys, v)
		d.Rows = append(d.Rows, templates.APIKeyRow{ID: v.ID, Name: v.Name, Type: v.Type, Masked: v.Secret, ExpiresAt: v.ExpiresAt, Status: v.Status, InUse: v.InUse})
	}
	text, err := templates.AIOZAPIKeyList.Render(d)
	return out, text, err
}

// APIKeyIDInput names one key.
type APIKeyIDInput struct {
	APIKeyID string `json:"api_key_id" jsonschema:"required,minLength=1,maxLength=64" jsonschema_description:"Key id (find it with aioz_list_api_keys)"`
}

// RenameAPIKeyInput are aioz_rename_api_key's arguments.
type RenameAPIKeyInput struct {
	APIKeyID string `json:"api_key_id" jsonschema:"required,minLength=1,maxLength=64"`
	Name     string `json:"name" jsonschema:"required,minLength=1,maxLength=255"`
}

// RenamedOutput confirms a rename.
type RenamedOutput struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (t *tools) renameAPIKey(ctx context.Context, _ *toolkit.Call, in RenameAPIKeyInput) (RenamedOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return RenamedOutput{}, "", err
	}
	if err := client.RenameAPIKey(ctx, in.APIKeyID, in.Name); err != nil {
		return RenamedOutput{}, "", err
	}
	text, err := templates.AIOZDone.Render(templates.Done{Text: fmt.Sprintf("Renamed API key `%s` to “%s”.", in.APIKeyID, templates.Cell(in.Name))})
	return RenamedOutput{ID: in.APIKeyID, Name: in.Name}, text, err
}

// findAPIKey pages through the keys for one id.
func findAPIKey(ctx context.Context, client *aiozapi.Client, id string) (aiozapi.APIKey, bool, error) {
	for off := 0; off < 10000; off += 100 {
		list, err := client.ListAPIKeys(ctx, aiozapi.ListQuery{Offset: off, Limit: 100})
		if err != nil {
			return aiozapi.APIKey{}, false, err
		}
		for _, k := range list.APIKeys {
			if k.ID == id {
				return k, true, nil
			}
		}
		if len(list.APIKeys) == 0 || off+len(list.APIKeys) >= list.Total {
			break
		}
	}
	return aiozapi.APIKey{}, false, nil
}

func (t *tools) deleteAPIKey(ctx context.Context, _ *toolkit.Call, in APIKeyIDInput) (DeletedOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return DeletedOutput{}, "", err
	}
	k, found, err := findAPIKey(ctx, client, in.APIKeyID)
	if err != nil {
		return DeletedOutput{}, "", fmt.Errorf("looking the key up before deleting it: %w", err)
	}
	if found && k.PublicKey != "" && k.PublicKey == t.currentPublicKey() {
		return DeletedOutput{}, "", argerr.New("api_key_id", fmt.Sprintf("%s is the key this server itself authenticates with; deleting it would cut the server off from AIOZ", in.APIKeyID),
			"switch the server to another key first (`mcp-media auth use aioz/api_key/<other id>` or `mcp-media auth set aioz`), then delete this one")
	}
	if err := client.DeleteAPIKey(ctx, in.APIKeyID); err != nil {
		return DeletedOutput{}, "", err
	}
	var notes []string
	if err := t.env.Creds.DeleteAux("aioz", apiKeyAccount(in.APIKeyID)); err != nil {
		notes = append(notes, "Its keyring entry aioz/"+apiKeyAccount(in.APIKeyID)+" could not be removed: "+err.Error())
	}
	text, err := templates.AIOZDone.Render(templates.Done{Text: fmt.Sprintf("Deleted API key `%s`: requests signed with it are now refused.", in.APIKeyID), Notes: notes})
	return DeletedOutput{ID: in.APIKeyID, Deleted: true}, text, err
}
