package checkout

import (
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// Away records, in the journal, that the links of names are about to be
// replaced (by a git command that checks out git's copies over them), so
// that they are made again afterwards — by Return, or by any later run's
// Repair should this one be cut short.
func (l *Linker) Away(names []string) error {
	if len(names) == 0 {
		return nil
	}
	if err := os.MkdirAll(l.Checkout.StateDir, 0o777); err != nil {
		return out.Errorf("cannot make the launcher's state %s: %w", l.Checkout.StateDir, pathutil.Explain(l.Checkout.StateDir, err))
	}
	var list []away
	for _, name := range names {
		target, err := os.Readlink(l.Checkout.Path(name))
		if err != nil {
			return out.Errorf("reading the link %s: %w", name, pathutil.Explain(name, err))
		}
		list = append(list, away{name, target})
	}
	return l.writeJournal(list)
}

// Migrate moves the launcher's state into the git directory of a checkout
// that became a git checkout (update.sh's git init in a tree without git)
// and was linked before: the launcher's copy is copied first, so that the
// links keep working at every moment; the rest (kept scripts, backups,
// the journal) moves; links to the old copy are made links to the new
// one; the old folder goes last. Every step can be done again, so a
// migration cut short is finished by the next run. It reports whether
// there was anything to move.
func Migrate(co layout.Checkout) (bool, error) {
	old := filepath.Join(co.Root, "."+layout.OwnName)
	if co.GitDir == "" || old == co.StateDir {
		return false, nil
	}
	if fi, err := os.Stat(old); err != nil || !fi.IsDir() {
		return false, nil
	}
	oldCo := co
	oldCo.StateDir = old
	if err := os.MkdirAll(filepath.Dir(co.Binary()), 0o777); err != nil {
		return true, out.Errorf("moving the launcher's state: %w", pathutil.Explain(co.StateDir, err))
	}
	if _, err := os.Stat(co.Binary()); err != nil {
		if _, err := os.Stat(oldCo.Binary()); err == nil {
			if err := pathutil.CopyFile(oldCo.Binary(), co.Binary(), 0o777); err != nil {
				return true, out.Errorf("moving the launcher's copy into %s: %w", co.StateDir, err)
			}
		}
	}
	entries, err := os.ReadDir(old)
	if err != nil {
		return true, out.Errorf("moving the launcher's state: %w", pathutil.Explain(old, err))
	}
	for _, e := range entries {
		if e.Name() == "bin" {
			continue
		}
		dst := filepath.Join(co.StateDir, e.Name())
		if _, err := os.Lstat(dst); err == nil {
			os.RemoveAll(filepath.Join(old, e.Name())) // moved before a cut
			continue
		}
		if err := os.Rename(filepath.Join(old, e.Name()), dst); err != nil {
			return true, out.Errorf("moving the launcher's state: %w", pathutil.Explain(dst, err))
		}
	}
	if err := pathutil.SyncDir(co.StateDir); err != nil {
		return true, out.Errorf("moving the launcher's state: %w", err)
	}
	if _, err := os.Stat(co.Binary()); err == nil {
		for _, name := range layout.Scripts() {
			path := co.Path(name)
			if t, err := os.Readlink(path); err == nil && co.Path(t) == oldCo.Binary() {
				if err := symlinkAtomic(co.LinkTarget(), path); err != nil {
					return true, out.Errorf("linking %s to the launcher's new place: %w", name, err)
				}
			}
		}
	}
	for _, name := range layout.Scripts() {
		if t, err := os.Readlink(co.Path(name)); err == nil && co.Path(t) == oldCo.Binary() {
			return true, nil // still linked to the old copy: keep it
		}
	}
	if err := os.RemoveAll(old); err != nil {
		return true, out.Errorf("removing the launcher's old state %s: %w", old, err)
	}
	return true, nil
}
