// Package sdkquiet switches off the Alibaba Cloud Go SDKs' debug printing
// before those SDKs initialise. github.com/alibabacloud-go/debug reads the
// DEBUG environment variable once, when a package calls debug.Init in a
// package-level variable (tea/dara: "dara", tea: "tea", credentials-go:
// "credential"), and from then on prints every request header — the
// Authorization signature and x-acs-security-token included — to standard
// output, which on the stdio transport is also the MCP stream.
//
// This package imports only os and strings, so by Go's package
// initialisation order (packages by import path, each as soon as its imports
// are ready) its init runs before net/http and therefore before any SDK
// package that could read DEBUG. iceapi imports it; nothing else needs to.
package sdkquiet

import (
	"os"
	"strings"
)

// Flags are the DEBUG entries the SDKs listen to.
var Flags = []string{"dara", "tea", "credential", "sdk"}

// Stripped reports what init removed from DEBUG ("" when nothing).
var Stripped string

func init() { Stripped = Strip() }

// Strip removes the SDK flags from DEBUG, keeping any others, and returns
// the removed entries joined by commas.
func Strip() string {
	v, ok := os.LookupEnv("DEBUG")
	if !ok {
		return ""
	}
	var keep, drop []string
	for _, part := range strings.Split(v, ",") {
		if isSDKFlag(strings.TrimSpace(part)) {
			drop = append(drop, part)
		} else if part != "" {
			keep = append(keep, part)
		}
	}
	if len(drop) == 0 {
		return ""
	}
	if len(keep) == 0 {
		os.Unsetenv("DEBUG")
	} else {
		os.Setenv("DEBUG", strings.Join(keep, ","))
	}
	return strings.Join(drop, ",")
}

func isSDKFlag(s string) bool {
	for _, f := range Flags {
		if s == f {
			return true
		}
	}
	return false
}
