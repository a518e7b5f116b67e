package mcpserver

import (
	"net"

	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/authpage"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// withKeysPage returns the tools' Env with the local keys page wired in
// (see toolkit/keyspage.go): pages listen on 127.0.0.1, and storing keys
// adds the newly configured provider's default tools (added) and sends
// notifications/tools/list_changed to every client. The sandbox, a server
// with NoKeysPage, and an Env that already has an opener keep theirs.
func withKeysPage(opts Options, s *server.MCPServer, added func()) *toolkit.Env {
	if opts.NoKeysPage || opts.Env.Sandbox || opts.Env.KeysPage != nil || opts.Env.Creds == nil {
		return opts.Env
	}
	env := *opts.Env
	env.KeysPage = func(provider string) (*authpage.Page, error) {
		return authpage.Open(env.Creds, provider, authpage.Options{Log: env.Log, OnSaved: func(string) {
			added()
			s.SendNotificationToAllClients("notifications/tools/list_changed", nil)
		}})
	}
	return &env
}

// LocalAddr reports whether a listen address is on loopback, where the
// keys page (also on loopback) is reachable by the client's user.
func LocalAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && isLoopback(host)
}
