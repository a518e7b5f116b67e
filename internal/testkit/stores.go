package testkit

import (
	"testing"

	"github.com/mcp-media/mcp-media/internal/state"
)

// Store is one state.Store implementation for table-driven tests.
type Store struct {
	Name string
	// Open returns a fresh store of this kind, closed when t ends; two
	// Opens in one test of a shared kind (redis) see the same state, as
	// two replicas do.
	Open func(t *testing.T) state.Store
}

// Stores are the implementations replicas may share: Local (with a
// directory, in this process) and Redis (a private redis-server, see Redis).
func Stores() []Store {
	return []Store{
		{"local", func(t *testing.T) state.Store { return state.NewLocal(t.TempDir()) }},
		{"redis", func(t *testing.T) state.Store {
			url, _ := Redis(t)
			st, err := state.Open(url, "")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
	}
}
