package mcpserver

import (
	"sync"

	"github.com/mark3labs/mcp-go/server"
)

// broadcasters holds the streamable transport serving each server: its
// Broadcast reaches every session in the state store, whichever replica
// holds it. Servers without one (stdio, SSE) notify their own sessions.
var broadcasters sync.Map // *server.MCPServer → interface{ Broadcast(string, map[string]any) }

// broadcast sends a notification to every session of s.
func broadcast(s *server.MCPServer, method string, params map[string]any) {
	if b, ok := broadcasters.Load(s); ok {
		b.(interface {
			Broadcast(string, map[string]any)
		}).Broadcast(method, params)
		return
	}
	s.SendNotificationToAllClients(method, params)
}
