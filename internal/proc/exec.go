package proc

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Exec replaces the launcher with path, so that the child's exit status,
// signals and PID are the script's own. It returns only on failure.
func Exec(dir, path string, argv, env []string) error {
	if err := unix.Chdir(dir); err != nil {
		return fmt.Errorf("entering %s: %w", dir, err)
	}
	if err := unix.Exec(path, argv, env); err != nil {
		return fmt.Errorf("starting %s: %w", path, err)
	}
	return nil
}
