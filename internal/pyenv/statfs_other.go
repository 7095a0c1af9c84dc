//go:build !(linux || darwin || freebsd)

package pyenv

func freeBytes(string) (uint64, bool) { return 0, false }
