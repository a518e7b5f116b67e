package toolkit

import (
	"errors"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/authpage"
	"github.com/mcp-media/mcp-media/internal/credentials"
	"github.com/mcp-media/mcp-media/templates"
)

// Keys typed in a local page, never in the chat (PRODUCT.md §3): when a tool
// fails because its provider is not configured and the client declared
// URL-mode elicitation (capabilities.elicitation.url), Run opens the
// provider's one-time page (Env.KeysPage, see internal/authpage) and sends
// elicitation/create with mode "url". If the user accepts, the call answers
// that the page was offered; once the keys are stored the server sends
// notifications/elicitation/complete to that client (and, through the
// page's OnSaved, tools/list_changed to all), and the next call succeeds.
// A client without URL elicitation, or a user who declines, gets the usual
// "run mcp-media auth set" error.

// KeysPageOpener opens the keys page for a provider id.
type KeysPageOpener func(provider string) (*authpage.Page, error)

// offerKeysPage runs the elicitation for err's provider; nil when it was
// not offered or not accepted.
func (c *Call) offerKeysPage(tool string, err error) *mcp.CallToolResult {
	var nc *credentials.NotConfiguredError
	if c.env.KeysPage == nil || !errors.As(err, &nc) || c.ctx == nil {
		return nil
	}
	srv := server.ServerFromContext(c.ctx)
	session := server.ClientSessionFromContext(c.ctx)
	withInfo, ok := session.(server.SessionWithClientInfo)
	if srv == nil || !ok {
		return nil
	}
	if el := withInfo.GetClientCapabilities().Elicitation; el == nil || el.URL == nil {
		return nil
	}
	page, perr := c.env.KeysPage(nc.Provider.ID)
	if perr != nil {
		if c.env.Log != nil {
			c.env.Log.Warn("the keys page could not be opened", "provider", nc.Provider.ID, "error", perr)
		}
		return nil
	}
	d := templates.KeysPage{Provider: nc.Provider.Name, ProviderID: nc.Provider.ID, Tool: tool, Minutes: int(authpage.DefaultTTL.Minutes())}
	msg, _ := templates.AuthElicit.Render(d)
	res, rerr := srv.RequestURLElicitation(c.ctx, session, page.ID, page.URL, msg)
	if rerr != nil || res.Action != mcp.ElicitationResponseActionAccept {
		page.Close()
		if rerr != nil && c.env.Log != nil {
			c.env.Log.Info("URL elicitation failed", "error", rerr)
		}
		return nil
	}
	sessionID := session.SessionID()
	go func() {
		select {
		case <-page.Done():
			_ = srv.SendNotificationToSpecificClient(sessionID, "notifications/elicitation/complete", map[string]any{"elicitationId": page.ID})
		case <-page.Ended():
		}
	}()
	text, terr := templates.AuthPageOpened.Render(d)
	if terr != nil {
		return nil
	}
	return mcp.NewToolResultError(c.env.Redact.String(text))
}
