package cli

import "golang.org/x/sys/unix"

// isTerminal reports whether fd is a terminal (tcgetattr succeeds on it,
// as isatty(3) asks).
func isTerminal(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
	return err == nil
}
