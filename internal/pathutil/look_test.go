package pathutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Why tells a missing command from one the user may not run or that is
// no executable file.
func TestWhy(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "notexec")
	os.WriteFile(script, []byte("#!/bin/sh\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	if err := Why(filepath.Join(dir, "missing", "python"), "/", "", ""); err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing: %v", err)
	}
	if err := Why("no-such-command-here", "/", dir, ""); err != ErrNotFound {
		t.Errorf("not on PATH: %v", err)
	}
	if err := Why(script, "/", "", ""); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("not executable: %v", err)
	}
	if err := Why(filepath.Join(dir, "adir"), "/", "", ""); err == nil || !strings.Contains(err.Error(), "not an executable file") {
		t.Errorf("a directory: %v", err)
	}
	if err := Why("notexec", "/", dir, ""); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("a non-executable on PATH: %v", err)
	}
}
