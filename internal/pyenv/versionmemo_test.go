package pyenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Every input that decides the version check changes the key.
func TestVersionKeyChangesWithEachInput(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "python3.12")
	other := filepath.Join(dir, "python3.13")
	link := filepath.Join(dir, "venv-python")
	cfg := filepath.Join(dir, "pyvenv.cfg")
	script := filepath.Join(dir, "version_check.py")
	for p, body := range map[string]string{real: "interp", other: "interp", cfg: "version = 3.12.1\n", script: "print()\n"} {
		os.WriteFile(p, []byte(body), 0o755)
	}
	os.Symlink(real, link)
	key := func() string {
		k, err := VersionKey(link, cfg, script, "3.10", "3.14")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key()
	if key() != base {
		t.Fatal("the key is not stable")
	}
	changes := []struct {
		what   string
		change func()
	}{
		{"interpreter's target", func() { os.Remove(link); os.Symlink(other, link) }},
		{"interpreter's size", func() { os.WriteFile(other, []byte("interp, rebuilt"), 0o755) }},
		{"interpreter's mtime", func() {
			when := time.Now().Add(time.Hour)
			os.Chtimes(other, when, when)
		}},
		{"pyvenv.cfg", func() { os.WriteFile(cfg, []byte("version = 3.12.2\n"), 0o644) }},
		{"version_check.py", func() { os.WriteFile(script, []byte("print(1)\n"), 0o644) }},
	}
	seen := map[string]string{base: "start"}
	for _, c := range changes {
		c.change()
		k := key()
		if prev, dup := seen[k]; dup {
			t.Errorf("changing the %s left the key as after %s", c.what, prev)
		}
		seen[k] = c.what
	}
	k1, _ := VersionKey(link, cfg, script, "3.11", "3.14")
	k2, _ := VersionKey(link, cfg, script, "3.10", "3.15")
	if k1 == key() || k2 == key() || k1 == k2 {
		t.Error("the bounds do not change the key")
	}
}

func TestVersionPassRemembered(t *testing.T) {
	dir := t.TempDir()
	if VersionPassed(dir, "k") {
		t.Fatal("nothing remembered yet")
	}
	RememberVersionPass(dir, "k")
	if !VersionPassed(dir, "k") || VersionPassed(dir, "other") {
		t.Fatal("remembered the wrong key")
	}
}
