package mcpserver

import (
	"sync"

	"github.com/mark3labs/mcp-go/server"

	"github.com/mcp-media/mcp-media/internal/transport"
)

// broadcasters holds the streamable transport serving each server: its
// Broadcast reaches every session in the state store, whichever replica
// holds it. Servers without one (stdio, SSE) notify their own sessions.
var broadcasters sync.Map // *server.MCPServer → *transport.Streamable

// broadcast sends notifications to every session of s.
func broadcast(s *server.MCPServer, notes ...transport.Note) {
	if b, ok := broadcasters.Load(s); ok {
		b.(*transport.Streamable).Broadcast(notes...)
		return
	}
	for _, n := range notes {
		s.SendNotificationToAllClients(n.Method, n.Params)
	}
}
