// Package checkout is the launcher's view of a OneTrainer checkout: whether
// it is one, what its own launch files say (remembered, so that a warm
// launch parses nothing), and the launcher's presence in it. The checkout
// holds its launcher: `link` copies the running binary into a place git
// does not track, and the four launch scripts become relative links to that
// copy, so that deleting the build folder or moving the checkout changes
// nothing. It keeps a user's own version of a script, keeps git's copies of
// the launch scripts for the launcher to follow, and steps the links aside
// for `git pull` only when the pull changes a linked script, with a journal
// that the next applet, link or unlink finishes from. Where each of these
// lives is layout's to say.
package checkout

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// IsLauncherLink reports whether path is a symbolic link to a launcher
// binary: one named onetrainer-launcher* (this one, the checkout's copy,
// an older build elsewhere), or, through links, the same file as self.
func IsLauncherLink(path, self string) bool {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return false
	}
	target, err := os.Readlink(path)
	if err != nil {
		return false
	}
	if strings.HasPrefix(filepath.Base(target), layout.OwnName) {
		return true
	}
	if self == "" {
		return false
	}
	a, err1 := os.Stat(path)
	b, err2 := os.Stat(self)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// symlinkAtomic makes path a symlink to target in one step: a new link
// beside it is renamed over it, so path is never missing.
func symlinkAtomic(target, path string) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+layout.OwnName+"-tmp")
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return pathutil.Explain(tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return pathutil.Explain(path, err)
	}
	return nil
}
