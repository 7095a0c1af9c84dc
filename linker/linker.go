// Package linker drops the launcher into a OneTrainer checkout and takes it
// out again: the four launch scripts become symlinks to the binary, and
// come back as they were. It keeps a user's own version of a script, and
// lets `git pull` see the tracked originals while it runs.
package linker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// Scripts are the launch scripts the launcher replaces.
var Scripts = []string{"install.sh", "update.sh", "start-ui.sh", "run-cmd.sh"}

// Linker links the scripts of checkout Dir to the launcher at Binary.
type Linker struct {
	Dir    string       // the checkout, absolute
	Binary string       // the launcher binary, absolute
	Run    *proc.Runner // runs git, quietly for questions
}

// IsLauncherLink reports whether path is a symlink to a launcher binary:
// this one, or any named onetrainer-launcher* (an older copy elsewhere).
func (l *Linker) IsLauncherLink(path string) bool {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return false
	}
	target, err := os.Readlink(path)
	if err != nil {
		return false
	}
	if strings.HasPrefix(filepath.Base(target), "onetrainer-launcher") {
		return true
	}
	real, err1 := filepath.EvalSymlinks(path)
	self, err2 := filepath.EvalSymlinks(l.Binary)
	return err1 == nil && err2 == nil && real == self
}

// isOneTrainer checks the checkout has what identifies OneTrainer.
func (l *Linker) isOneTrainer() error {
	for _, f := range []string{envspec.TrainUIScript, envspec.RequirementsGlobal} {
		if _, err := os.Stat(filepath.Join(l.Dir, f)); err != nil {
			return fmt.Errorf("%s does not look like a OneTrainer checkout: %s is missing", l.Dir, f)
		}
	}
	return nil
}

// git asks git a question quietly: its output, or an error when it failed.
func (l *Linker) git(ctx context.Context, args ...string) (string, error) {
	out, err := l.Run.With(l.Dir, l.Run.Env).Ask(ctx, proc.Cmd{Argv: append([]string{"git", "-C", l.Dir}, args...)})
	return strings.TrimSpace(out), err
}

// gitDir is the checkout's git directory, or "" when it is not a git
// checkout (a Docker build context, a download).
func (l *Linker) gitDir(ctx context.Context) string {
	d, err := l.git(ctx, "rev-parse", "--absolute-git-dir")
	if err != nil {
		return ""
	}
	return d
}

func (l *Linker) tracked(ctx context.Context, name string) bool {
	_, err := l.git(ctx, "ls-files", "--error-unmatch", "--", name)
	return err == nil
}

func (l *Linker) modified(ctx context.Context, name string) bool {
	_, err := l.git(ctx, "diff", "--quiet", "HEAD", "--", name)
	return err != nil
}

// backupDir holds the scripts git cannot give back: inside the git
// directory, where `git status` does not look, or beside the scripts in a
// checkout without git.
func (l *Linker) backupDir(ctx context.Context) string {
	if g := l.gitDir(ctx); g != "" {
		return filepath.Join(g, "onetrainer-launcher", "backup")
	}
	return filepath.Join(l.Dir, ".onetrainer-launcher-backup")
}

// Link replaces the scripts with symlinks to the binary. A script that
// differs from git's HEAD is the user's own: it is replaced only with
// force, and kept for Unlink. Linking again changes nothing.
func (l *Linker) Link(ctx context.Context, force bool, say func(string, ...any)) error {
	if err := l.isOneTrainer(); err != nil {
		return err
	}
	inGit := l.gitDir(ctx) != ""
	var refused []string
	for _, name := range Scripts {
		path := filepath.Join(l.Dir, name)
		if l.IsLauncherLink(path) {
			if t, _ := os.Readlink(path); t == l.Binary {
				say("%s: already linked to %s", name, l.Binary)
				continue
			}
			if err := symlinkAtomic(l.Binary, path); err != nil {
				return err
			}
			say("%s: re-linked to %s", name, l.Binary)
			continue
		}
		fi, err := os.Lstat(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			if err := symlinkAtomic(l.Binary, path); err != nil {
				return err
			}
			say("%s: linked to %s (there was none)", name, l.Binary)
			continue
		case err != nil:
			return err
		}
		tracked := inGit && l.tracked(ctx, name)
		mine := tracked && l.modified(ctx, name)
		if mine && !force {
			refused = append(refused, name)
			say("%s: not replaced: it differs from git's HEAD, so it holds a change of your own. Run link --force to replace it anyway; your version is kept and comes back with unlink.", name)
			continue
		}
		if !tracked || mine || !fi.Mode().IsRegular() {
			if err := l.backup(ctx, name); err != nil {
				return err
			}
		}
		if err := symlinkAtomic(l.Binary, path); err != nil {
			return err
		}
		how := "git's copy restores it on unlink"
		if !tracked || mine || !fi.Mode().IsRegular() {
			how = "the original is kept for unlink"
		}
		say("%s: linked to %s (%s)", name, l.Binary, how)
	}
	if len(refused) > 0 {
		return fmt.Errorf("%s not linked: %s changed locally (see above)", strings.Join(refused, ", "), plural(len(refused)))
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return "it was"
	}
	return "they were"
}

func (l *Linker) backup(ctx context.Context, name string) error {
	dir := l.backupDir(ctx)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dst := filepath.Join(dir, name)
	if _, err := os.Lstat(dst); err == nil {
		return nil // a backup from an earlier link: the original is that one
	}
	// A hard link, or a copy where that fails, keeps the file's content
	// and mode; the original stays in place until the symlink replaces it.
	src := filepath.Join(l.Dir, name)
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return copyFile(src, dst)
}

// Unlink puts the scripts back: a kept original where there is one, else
// git's copy, else (the checkout had no such script) nothing.
func (l *Linker) Unlink(ctx context.Context, say func(string, ...any)) error {
	dir := l.backupDir(ctx)
	inGit := l.gitDir(ctx) != ""
	for _, name := range Scripts {
		path := filepath.Join(l.Dir, name)
		if !l.IsLauncherLink(path) {
			say("%s: not a link to the launcher; left as it is", name)
			continue
		}
		kept := filepath.Join(dir, name)
		switch _, err := os.Lstat(kept); {
		case err == nil:
			if err := os.Rename(kept, path); err != nil {
				return err
			}
			say("%s: the kept original restored", name)
		case inGit && l.tracked(ctx, name):
			if err := os.Remove(path); err != nil {
				return err
			}
			if _, err := l.git(ctx, "checkout", "--", name); err != nil {
				return fmt.Errorf("%s: restoring it from git failed: %v", name, err)
			}
			say("%s: restored from git", name)
		default:
			if err := os.Remove(path); err != nil {
				return err
			}
			say("%s: link removed (the checkout had no such script before)", name)
		}
	}
	os.Remove(dir)
	os.Remove(filepath.Dir(dir)) // the onetrainer-launcher folder in .git, when empty
	return nil
}

// Link is a launch script that is a symlink, and where it points.
type Link struct{ Name, Target string }

// TrackedLinks lists the scripts that are launcher links over files git
// tracks: those `git pull` would refuse to update.
func (l *Linker) TrackedLinks(ctx context.Context) []Link {
	if l.gitDir(ctx) == "" {
		return nil
	}
	var links []Link
	for _, name := range Scripts {
		path := filepath.Join(l.Dir, name)
		if l.IsLauncherLink(path) && l.tracked(ctx, name) {
			target, _ := os.Readlink(path)
			links = append(links, Link{name, target})
		}
	}
	return links
}

// Names lists the links' script names.
func Names(links []Link) []string {
	var n []string
	for _, k := range links {
		n = append(n, k.Name)
	}
	return n
}

// RestoreTracked puts git's copies of the linked scripts back, for a pull.
func (l *Linker) RestoreTracked(ctx context.Context, links []Link) error {
	for _, k := range links {
		if err := os.Remove(filepath.Join(l.Dir, k.Name)); err != nil {
			return err
		}
	}
	if len(links) == 0 {
		return nil
	}
	_, err := l.git(ctx, append([]string{"checkout", "--"}, Names(links)...)...)
	return err
}

// Relink makes the scripts the links they were, pointing where they did.
func (l *Linker) Relink(links []Link) error {
	var errs []error
	for _, k := range links {
		errs = append(errs, symlinkAtomic(k.Target, filepath.Join(l.Dir, k.Name)))
	}
	return errors.Join(errs...)
}

// symlinkAtomic makes path a symlink to target in one step: a new link
// beside it is renamed over it, so path is never missing.
func symlinkAtomic(target, path string) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".onetrainer-launcher-tmp")
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}
