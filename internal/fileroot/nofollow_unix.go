//go:build unix

package fileroot

import "syscall"

const noFollow = syscall.O_NOFOLLOW
