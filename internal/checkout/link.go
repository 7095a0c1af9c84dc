package checkout

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Linker links the scripts of a checkout to the launcher.
type Linker struct {
	Checkout layout.Checkout
	Self     string      // the running binary, absolute, links resolved
	Run      proc.Runner // runs git, quietly for questions
}

func (l *Linker) git() gitx.Git { return gitx.Git{Dir: l.Checkout.Root, Run: l.Run} }

// step is what link does to one script.
type step struct {
	name    string
	tracked bool
	keep    bool   // the file there is the user's: keep it for unlink
	how     string // for the message
}

// Link installs a copy of the running binary in the checkout's state and
// makes the scripts relative links to it. It is all or nothing: a
// script with a change of the user's own (without force), an unwritable
// checkout, a state folder that cannot be made — whatever would refuse is
// found before anything changes. Linking again replaces the copy (an
// upgrade) and changes nothing else.
func (l *Linker) Link(ctx context.Context, force bool, say func(string, ...any)) error {
	if err := unix.Access(l.Checkout.Root, unix.W_OK); err != nil {
		return out.Errorf("cannot link: %w", pathutil.Explain(l.Checkout.Root, err))
	}
	g := l.git()
	inGit := l.Checkout.GitDir != ""
	var steps []step
	var refused []string
	for _, name := range layout.Scripts() {
		path := filepath.Join(l.Checkout.Root, name)
		fi, err := os.Lstat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			steps = append(steps, step{name: name, how: "there was none"})
			continue
		case err != nil:
			return out.Errorf("cannot link: %w", pathutil.Explain(path, err))
		case IsLauncherLink(path, l.Self):
			steps = append(steps, step{name: name, tracked: inGit && g.Tracked(ctx, name), how: "it was linked to a launcher already"})
			continue
		}
		tracked := inGit && g.Tracked(ctx, name)
		mine := tracked && l.modified(ctx, name)
		if mine && !force {
			refused = append(refused, name)
			continue
		}
		st := step{name: name, tracked: tracked, keep: !tracked || mine || !fi.Mode().IsRegular()}
		st.how = "git's copy restores it on unlink"
		if st.keep {
			st.how = "the original is kept for unlink"
		}
		steps = append(steps, st)
	}
	if len(refused) > 0 {
		verb := "hold"
		if len(refused) == 1 {
			verb = "holds"
		}
		return out.Errorf("nothing was linked: %s %s a change of your own (it differs from git's HEAD)", strings.Join(refused, ", "), verb).
			WithHints(fmt.Sprintf("To link anyway, run: %s link --force %s (your version is kept, and unlink puts it back). To drop your change instead, run: git -C %[2]s checkout -- %s, then: %[1]s link %[2]s",
				l.Command(), out.Quote(l.Checkout.Root), strings.Join(refused, " ")))
	}

	// Nothing refuses: make the state, then change the checkout.
	if err := l.installBinary(); err != nil {
		return out.Errorf("cannot link: %w", err)
	}
	for _, st := range steps {
		if st.keep {
			if err := l.backup(st.name); err != nil {
				return out.Errorf("cannot keep your %s: %w", st.name, err)
			}
		}
	}
	if err := l.keepCopies(ctx); err != nil {
		return out.Errorf("cannot keep the checkout's launch scripts: %w", err)
	}
	// The links first, each in one rename, then git's bit for all of them
	// in one call: a kill leaves as short a half-linked moment as it can,
	// and link again finishes it.
	target := l.Checkout.LinkTarget()
	var tracked []string
	for _, st := range steps {
		path := filepath.Join(l.Checkout.Root, st.name)
		if t, err := os.Readlink(path); err == nil && t == target {
			say("%s: already linked to %s", st.name, target)
		} else if err := symlinkAtomic(target, path); err != nil {
			return out.Errorf("linking %s: %w", st.name, err)
		} else {
			say("%s: linked to %s (%s)", st.name, target, st.how)
		}
		if st.tracked {
			tracked = append(tracked, st.name)
		}
	}
	if err := l.skipWorktree(ctx, true, tracked...); err != nil {
		return err
	}
	_ = os.Remove(l.Checkout.FactsMemo()) // its sources changed
	return nil
}

// Changed are the names, of those given, that git tracks and that differ
// from git's HEAD: a change of the user's own.
func (l *Linker) Changed(ctx context.Context, names ...string) []string {
	var changed []string
	if l.Checkout.GitDir == "" {
		return nil
	}
	g := l.git()
	for _, n := range names {
		if g.Tracked(ctx, n) && l.modified(ctx, n) {
			changed = append(changed, n)
		}
	}
	return changed
}

// modified reports whether a tracked script differs from git's HEAD.
func (l *Linker) modified(ctx context.Context, name string) bool {
	_, err := l.git().Ask(ctx, "diff", "--quiet", "HEAD", "--", name)
	return err != nil
}

// skipWorktree sets or clears git's skip-worktree bit on names: with it,
// git takes the links for its own files (git status stays clean, a pull
// that does not change them goes ahead, one that does refuses before it
// touches anything).
func (l *Linker) skipWorktree(ctx context.Context, on bool, names ...string) error {
	if l.Checkout.GitDir == "" || len(names) == 0 {
		return nil
	}
	flag := "--no-skip-worktree"
	if on {
		flag = "--skip-worktree"
	}
	if _, err := l.git().Ask(ctx, append([]string{"update-index", flag, "--"}, names...)...); err != nil {
		return out.Errorf("git update-index %s %s failed: %w", flag, strings.Join(names, " "), err)
	}
	return nil
}

// installBinary copies the running binary into the state, replacing an
// older copy in one step (running launchers keep the file they started
// from).
func (l *Linker) installBinary() error {
	dst := l.Checkout.Binary()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return pathutil.Explain(filepath.Dir(dst), err)
	}
	if a, err1 := os.Stat(l.Self); err1 == nil {
		if b, err2 := os.Stat(dst); err2 == nil && os.SameFile(a, b) {
			return nil // linking from the copy itself
		}
	}
	if err := pathutil.CopyFile(l.Self, dst, 0o755); err != nil {
		return fmt.Errorf("copying the launcher to %s: %w", dst, err)
	}
	return nil
}

// backup keeps the user's own file for unlink, durably before the link
// replaces it. An earlier backup is the original and stays.
func (l *Linker) backup(name string) error {
	dst := l.Checkout.Backup(name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return pathutil.Explain(filepath.Dir(dst), err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return nil
	}
	src := filepath.Join(l.Checkout.Root, name)
	if err := os.Link(src, dst); err == nil {
		return pathutil.SyncDir(filepath.Dir(dst))
	}
	fi, err := os.Lstat(src)
	if err != nil {
		return pathutil.Explain(src, err)
	}
	return pathutil.CopyFile(src, dst, fi.Mode().Perm())
}

// keepCopies keeps the checkout's own launch scripts in the state, for the
// launcher to follow: git's HEAD copy of a tracked one, else the
// file that is there (not a link to the launcher).
func (l *Linker) keepCopies(ctx context.Context) error {
	if err := os.MkdirAll(filepath.Dir(l.Checkout.Kept("x")), 0o755); err != nil {
		return pathutil.Explain(filepath.Dir(l.Checkout.Kept("x")), err)
	}
	g := l.git()
	for _, name := range layout.Scripts() {
		var data []byte
		if l.Checkout.GitDir != "" && g.Tracked(ctx, name) {
			d, err := g.Show(ctx, "HEAD", name)
			if err != nil {
				return err
			}
			data = d
		} else if path := filepath.Join(l.Checkout.Root, name); !IsLauncherLink(path, l.Self) {
			d, err := pathutil.ReadFile(path, pathutil.SmallFile)
			if err != nil && !pathutil.IsNotExist(err) {
				return err
			}
			data = d
		}
		if data == nil {
			if _, err := os.Lstat(l.Checkout.Kept(name)); err == nil && l.Checkout.GitDir == "" {
				continue // kept from before the link; the file is gone since
			}
			os.Remove(l.Checkout.Kept(name))
			continue
		}
		if err := pathutil.WriteFile(l.Checkout.Kept(name), data); err != nil {
			return pathutil.Explain(l.Checkout.Kept(name), err)
		}
	}
	return nil
}

// Unlink puts the scripts back — a kept original where there is one, else
// git's copy, else (the checkout had no such script) nothing — and removes
// the launcher's state, its copy of the binary included. It returns the
// number of scripts it put back.
func (l *Linker) Unlink(ctx context.Context, say func(string, ...any)) (int, error) {
	g := l.git()
	inGit := l.Checkout.GitDir != ""
	n := 0
	for _, name := range layout.Scripts() {
		path := filepath.Join(l.Checkout.Root, name)
		if !IsLauncherLink(path, l.Self) {
			continue
		}
		n++
		kept := l.Checkout.Backup(name)
		switch _, err := os.Lstat(kept); {
		case err == nil:
			if err := os.Rename(kept, path); err != nil {
				return n, out.Errorf("restoring %s: %w", name, pathutil.Explain(path, err))
			}
			if inGit && g.Tracked(ctx, name) {
				_ = l.skipWorktree(ctx, false, name)
			}
			say("%s: the kept original restored", name)
		case inGit && g.Tracked(ctx, name):
			if err := l.skipWorktree(ctx, false, name); err != nil {
				return n, err
			}
			if err := os.Remove(path); err != nil {
				return n, out.Errorf("removing the link %s: %w", name, pathutil.Explain(path, err))
			}
			if _, err := g.Ask(ctx, "checkout", "--", name); err != nil {
				return n, out.Errorf("%s: restoring it from git failed: %w", name, err).WithHints("Restore it by hand: git checkout -- " + name)
			}
			say("%s: restored from git", name)
		default:
			if err := os.Remove(path); err != nil {
				return n, out.Errorf("removing the link %s: %w", name, pathutil.Explain(path, err))
			}
			say("%s: link removed (the checkout had no such script before)", name)
		}
	}
	if err := os.RemoveAll(l.Checkout.StateDir); err != nil {
		return n, out.Errorf("removing the launcher's state %s: %w", l.Checkout.StateDir, err)
	}
	return n, nil
}

// Command is how a hint names the running binary, so that it can be pasted
// as it is: its own name where PATH finds this very binary by it, else its
// absolute path (its name alone when that is not known).
func (l *Linker) Command() string {
	if l.Self == "" {
		return layout.OwnName
	}
	if p := pathutil.Look(layout.OwnName, l.Checkout.Root, environ.List(l.Run.Env).Get("PATH"), ""); p != "" {
		if real, err := filepath.EvalSymlinks(p); err == nil && real == l.Self {
			return layout.OwnName
		}
	}
	return out.Quote(l.Self)
}

// RefusedHints are the ways forward from launch files the launcher cannot
// follow (refusals, each "file:line: why"): a launch file the user
// changed is theirs to drop, with the exact git command; otherwise the
// checkout's own scripts: where the launcher is linked in, they come back
// with unlink, run by a launcher that is there (linkedLauncher); where it
// is not, they are there and run as before. again is what to run after
// the change is dropped; forLink adds what link --force does not do. git,
// when not nil, is asked which of the files hold a change.
func RefusedHints(ctx context.Context, co layout.Checkout, git *gitx.Git, refusals []string, again string, forLink bool) []string {
	// Each refusal names its file first: the top's launch files, or those
	// of a folder handed over to (scripts/pip-install/lib.include.sh).
	var files []string
	seen := map[string]bool{}
	for _, r := range refusals {
		file, _, _ := strings.Cut(r, ":")
		if fi, err := os.Stat(co.Path(file)); !seen[file] && !filepath.IsAbs(file) && err == nil && fi.Mode().IsRegular() {
			seen[file] = true
			files = append(files, file)
		}
	}
	var hints []string
	if git != nil {
		l := &Linker{Checkout: co, Run: git.Run}
		root := out.Quote(co.Root)
		for _, f := range l.Changed(ctx, files...) {
			hints = append(hints, fmt.Sprintf("%s holds a change of your own (git -C %s diff %[1]s shows it). To drop it, run: git -C %[2]s checkout -- %[1]s, then %[3]s", f, root, again))
		}
	}
	if bin := linkedLauncher(co); bin != "" {
		hints = append(hints, fmt.Sprintf("Or run this checkout's own launch scripts: nothing was created or changed; put them back with: %s unlink %s",
			out.Quote(bin), out.Quote(co.Root)))
	} else {
		hints = append(hints, "Or keep this checkout's own scripts: nothing was changed, and ./start-ui.sh and the others run as before.")
	}
	if forLink {
		hints = append(hints, "link --force does not get past this: it links over a launch script with a change of your own that the launcher can follow (and keeps yours for unlink), but it never makes the launcher run a step it does not model.")
	}
	return hints
}

// linkedLauncher is a launcher binary that can unlink co, by its full
// path: the checkout's own copy, or what a launch script links to where
// the scripts were linked by other means; "" when no launch script is a
// link to a launcher.
func linkedLauncher(co layout.Checkout) string {
	for _, name := range layout.Scripts() {
		path := co.Path(name)
		if !IsLauncherLink(path, "") {
			continue
		}
		if _, err := os.Stat(co.Binary()); err == nil {
			return co.Binary()
		}
		if bin, err := filepath.EvalSymlinks(path); err == nil {
			return bin
		}
	}
	return ""
}
