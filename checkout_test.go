package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindCheckout(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "opt", "onetrainer-launcher")
	ot := filepath.Join(root, "One Trainer")
	home := filepath.Join(root, "home", "bin")
	for _, d := range []string{filepath.Dir(bin), ot, home} {
		os.MkdirAll(d, 0o755)
	}
	os.WriteFile(bin, []byte("binary"), 0o755)
	os.Symlink(bin, filepath.Join(ot, "start-ui.sh"))
	// A user's own link to the checkout's link: the checkout still decides.
	os.Symlink(filepath.Join(ot, "start-ui.sh"), filepath.Join(home, "start-ui.sh"))
	// A checkout of its own: its link points straight at the binary.
	other := filepath.Join(root, "other")
	os.MkdirAll(other, 0o755)
	os.Symlink(bin, filepath.Join(other, "run-cmd.sh"))

	for _, tc := range []struct{ argv0, cwd, path, want string }{
		{"./start-ui.sh", ot, "", ot},
		{filepath.Join(ot, "start-ui.sh"), "/", "", ot},
		{"../One Trainer/start-ui.sh", filepath.Join(root, "home"), "", ot},
		{"start-ui.sh", "/", "/nonexistent:" + ot, ot},
		{filepath.Join(home, "start-ui.sh"), "/", "", ot},
		{"start-ui.sh", "/", home, ot},
		{filepath.Join(other, "run-cmd.sh"), ot, "", other},
	} {
		got, err := findCheckout(tc.argv0, tc.cwd, tc.path)
		if err != nil || got != tc.want {
			t.Errorf("findCheckout(%q, %q, %q) = %q, %v; want %q", tc.argv0, tc.cwd, tc.path, got, err, tc.want)
		}
	}
	if _, err := findCheckout("start-ui.sh", "/", "/nonexistent"); err == nil {
		t.Errorf("a name not on PATH gave a checkout")
	}
}
