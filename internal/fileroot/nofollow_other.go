//go:build !unix

package fileroot

const noFollow = 0
