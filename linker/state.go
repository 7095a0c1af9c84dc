// Package linker drops the launcher into a OneTrainer checkout and takes it
// out again. The checkout holds its launcher: `link` copies the running
// binary into a place git does not track, and the four launch scripts
// become relative links to that copy, so that deleting the build folder or
// moving the checkout changes nothing. It keeps a user's own version of a
// script, keeps git's copies of the launch scripts for the launcher to
// follow (SPEC §0), and steps the links aside for `git pull` only when the
// pull changes a linked script, with a journal that any later run of the
// launcher finishes from.
package linker

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
)

// OwnName is the launcher binary's name: its copy in a checkout is called
// so, links to any file named so (an older copy elsewhere) count as the
// launcher's, and under a name that starts with it (release builds such as
// onetrainer-launcher-linux-amd64) the binary takes its own commands.
const OwnName = "onetrainer-launcher"

// State is where the launcher keeps what it knows of a checkout: inside
// the git directory, where `git status` does not look, or in a hidden
// folder of a checkout without git.
type State struct {
	Checkout string // absolute
	GitDir   string // "" without git
	Dir      string
}

// StateOf finds the state of the checkout at dir, without running git.
func StateOf(dir string) State {
	s := State{Checkout: dir, GitDir: gitx.Dir(dir)}
	if s.GitDir != "" {
		s.Dir = filepath.Join(s.GitDir, OwnName)
	} else {
		s.Dir = filepath.Join(dir, "."+OwnName)
	}
	return s
}

// The state's parts.
func (s State) Binary() string            { return filepath.Join(s.Dir, "bin", OwnName) }
func (s State) Kept(script string) string { return filepath.Join(s.Dir, "upstream", script) }
func (s State) Backup(name string) string { return filepath.Join(s.Dir, "backup", name) }
func (s State) FactsMemo() string         { return filepath.Join(s.Dir, "facts") }
func (s State) Journal() string           { return filepath.Join(s.Dir, "journal") }
func (s State) updateLock() string        { return filepath.Join(s.Dir, "update.lock") }

// Exists reports whether the state folder is there.
func (s State) Exists() bool {
	fi, err := os.Stat(s.Dir)
	return err == nil && fi.IsDir()
}

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
	if strings.HasPrefix(filepath.Base(target), OwnName) {
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
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+OwnName+"-tmp")
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

// linkTarget is the relative path from the checkout to its copy of the
// launcher: the links keep working when the checkout moves.
func (s State) linkTarget() string {
	rel, err := filepath.Rel(s.Checkout, s.Binary())
	if err != nil {
		return s.Binary()
	}
	return rel
}
