// Package e2e drives the built mcp-media binary with real MCP clients: the
// official Go SDK over SSE and stdio (every tool of testdata/calls.json), the
// HTTP guard (Origin, bearer token, refusing a public bind without one), a
// leak test that looks for the configured secrets in everything the server
// says, a kill-and-resume upload, and an opt-in round trip through the real
// OS keyring (MCP_MEDIA_KEYRING_TEST=1). The TypeScript SDK client and the
// MCP Inspector CLI live in node/. See README.md.
package e2e
