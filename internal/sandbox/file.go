package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// A sandbox shared by replicas: `mcp-media sandbox` runs the fakes once and
// writes their endpoints and fake keys to a file; each `serve
// --sandbox-file` reads it instead of starting fakes of its own, so every
// replica behind a load balancer talks to the same fake accounts (with
// `--sandbox` each process would have its own, and what one replica
// created another would not know).

// file is what the file holds.
type file struct {
	Note  string                       `json:"note"`
	Env   map[string]string            `json:"env"`
	Creds map[string]map[string]string `json:"creds"`
}

// WriteFile writes the sandbox's endpoints and fake keys to path (mode
// 0600, replaced atomically).
func (sb *Sandbox) WriteFile(path string) error {
	b, err := json.MarshalIndent(file{Note: "mcp-media sandbox: fake keys of fake providers on loopback; nothing here reaches a real account",
		Env: sb.Env, Creds: sb.Creds}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sandbox-*.json")
	if err != nil {
		return fmt.Errorf("writing the sandbox file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the sandbox file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the sandbox file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the sandbox file: %w", err)
	}
	return nil
}

// Attach returns the sandbox described by a file WriteFile wrote: its
// endpoints and keys, and no fakes of its own (Close does nothing).
func Attach(path string) (*Sandbox, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--sandbox-file: %w (start `mcp-media sandbox --out %s` first)", err, path)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil || len(f.Env) == 0 || len(f.Creds) == 0 {
		return nil, fmt.Errorf("--sandbox-file %s is not a file `mcp-media sandbox` wrote", path)
	}
	return &Sandbox{Env: f.Env, Creds: f.Creds}, nil
}
