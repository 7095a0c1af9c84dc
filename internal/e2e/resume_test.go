package e2e_test

// An env left without pip by a kill: inside venv's own ensurepip (the
// venv is there, pip is not), or inside pip's upgrade of itself (pip moves
// the old pip and its metadata aside before it installs the new). No pip
// command can mend that; the next launch must.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResumeWithoutPip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		record func(venv string) error // the records the kill leaves
	}{
		{"creation cut short in ensurepip", func(venv string) error {
			return os.Remove(filepath.Join(venv, ".onetrainer-launcher-installed"))
		}},
		{"pip cut short upgrading itself", func(venv string) error {
			if err := os.Remove(filepath.Join(venv, ".onetrainer-launcher-installed")); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(venv, ".onetrainer-launcher-installing"), []byte("by update.sh\n"), 0o644)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := linkedCheckout(t)
			if code, o, e := launch(t, dir, "install.sh", nil); code != 0 {
				t.Fatalf("install: %d\n%s\n%s", code, o, e)
			}
			venv := filepath.Join(dir, ".venv")
			pips, _ := filepath.Glob(filepath.Join(venv, "lib", "python3*", "site-packages", "pip"))
			meta, _ := filepath.Glob(filepath.Join(venv, "lib", "python3*", "site-packages", "pip-*.dist-info"))
			if len(pips) != 1 || len(meta) != 1 {
				t.Fatalf("no pip to remove in %s: %v %v", venv, pips, meta)
			}
			for _, p := range append(pips, meta...) {
				if err := os.RemoveAll(p); err != nil {
					t.Fatal(err)
				}
			}
			if err := tc.record(venv); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := launch(t, dir, "run-cmd.sh", []string{"TEST_OUT=" + t.TempDir()}, "train")
			if code != 0 || !strings.Contains(stdout, "putting it back with ensurepip") || !strings.Contains(stdout, "-m ensurepip --upgrade --default-pip") {
				t.Fatalf("the next launch: %d\n%s\n%s", code, stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(pips[0], "__init__.py")); err != nil {
				t.Errorf("pip is not back: %v", err)
			}
			if _, err := os.Stat(filepath.Join(venv, ".onetrainer-launcher-installed")); err != nil {
				t.Errorf("no completed install recorded: %v", err)
			}
		})
	}
}
