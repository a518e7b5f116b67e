package aiozapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/mcp-media/mcp-media/internal/httpx"
)

// MaxTTL is the largest API key lifetime AIOZ accepts, in seconds (001).
const MaxTTL = 2147483647

// APIKey is OA's ApiKey. Secret is set only on the key CreateAPIKey
// returns; it is registered for redaction as soon as it is decoded.
type APIKey struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	PublicKey       string `json:"public_key,omitempty"`
	Secret          string `json:"secret,omitempty"`
	TruncatedSecret string `json:"truncated_secret,omitempty"`
	TTL             string `json:"ttl,omitempty"`
	Type            string `json:"type,omitempty"`
	Status          string `json:"status,omitempty"`
	ExpiredAt       string `json:"expired_at,omitempty"`
	LastRequestedAt string `json:"last_requested_at,omitempty"`
	CreatedAt       string `json:"created_at,omitempty"`
}

// CreateAPIKey creates a key (A1); ttl is in seconds, 1–MaxTTL, and typ
// full_access or only_upload.
func (c *Client) CreateAPIKey(ctx context.Context, name string, ttlSeconds int64, typ string) (APIKey, error) {
	body := map[string]string{"api_key_name": name, "ttl": strconv.FormatInt(ttlSeconds, 10), "type": typ}
	var out envelope[struct {
		APIKey APIKey `json:"api_key"`
	}]
	err := c.postJSON(ctx, "/api_keys", body, &out)
	k := out.Data.APIKey
	c.http.Redact.Add(k.Secret, k.PublicKey)
	return k, err
}

// APIKeyList is A2's data.
type APIKeyList struct {
	APIKeys []APIKey `json:"api_keys"`
	Total   int      `json:"total"`
}

// ListAPIKeys lists keys (A2); list items carry truncated secrets only.
func (c *Client) ListAPIKeys(ctx context.Context, l ListQuery) (APIKeyList, error) {
	var out envelope[APIKeyList]
	err := c.getData(ctx, "/api_keys", l.values(), &out)
	for i := range out.Data.APIKeys {
		k := &out.Data.APIKeys[i]
		c.http.Redact.Add(k.Secret)
		k.Secret = ""
	}
	return out.Data, err
}

// RenameAPIKey renames a key (A3).
func (c *Client) RenameAPIKey(ctx context.Context, id, name string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPatch, Path: "/api_keys/" + seg(id), JSON: map[string]string{"api_key_name": name}, Idempotent: true}, nil)
	return err
}

// DeleteAPIKey deletes a key (A4).
func (c *Client) DeleteAPIKey(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: "/api_keys/" + seg(id)}, nil)
	return err
}
