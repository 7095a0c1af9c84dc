package checkout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/buildinfo"
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
	// Cut, when set, is called after each change that unlink and the
	// journal's repair make, naming it: the tests stop there, as a kill
	// would, to check that whatever step a run is cut short after, no
	// file is lost and the next run finishes the work.
	Cut func(step string)
}

func (l *Linker) cut(step string) {
	if l.Cut != nil {
		l.Cut(step)
	}
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
		}
		tracked := false
		if inGit {
			if tracked, err = g.Tracked(ctx, name); err != nil {
				return out.Errorf("nothing was linked: %w", err)
			}
		}
		if IsLauncherLink(path, l.Self) {
			steps = append(steps, step{name: name, tracked: tracked, how: "it was linked to a launcher already"})
			continue
		}
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
	replaced, err := l.installBinary(ctx)
	if err != nil {
		return out.Errorf("cannot link: %w", err)
	}
	if replaced != "" {
		say("%s", replaced)
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
	var tracked, already []string
	for _, st := range steps {
		path := filepath.Join(l.Checkout.Root, st.name)
		if t, err := os.Readlink(path); err == nil && t == target {
			already = append(already, st.name)
			if replaced == "" {
				say("%s: already linked to %s", st.name, target)
			}
		} else if err := symlinkAtomic(target, path); err != nil {
			return out.Errorf("linking %s: %w", st.name, err)
		} else {
			say("%s: linked to %s (%s)", st.name, target, st.how)
		}
		if st.tracked {
			tracked = append(tracked, st.name)
		}
	}
	if replaced != "" && len(already) > 0 {
		say("%s: linked to %s already, so they run the new copy now", strings.Join(already, ", "), target)
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
		if t, err := g.Tracked(ctx, n); err == nil && t && l.modified(ctx, n) {
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
// from). Where the copy it replaces is another build, it returns a line
// that says so, from which version to which; "" where there was no copy,
// or the same build.
func (l *Linker) installBinary(ctx context.Context) (string, error) {
	dst := l.Checkout.Binary()
	if err := os.MkdirAll(filepath.Dir(dst), 0o777); err != nil {
		return "", pathutil.Explain(filepath.Dir(dst), err)
	}
	a, err := os.Stat(l.Self)
	if err != nil {
		return "", pathutil.Explain(l.Self, err)
	}
	b, err := os.Stat(dst)
	if err == nil && os.SameFile(a, b) {
		return "", nil // linking from the copy itself
	}
	old := ""
	if err == nil && !sameContent(l.Self, dst, a.Size(), b.Size()) {
		old = l.buildOf(ctx, dst)
	}
	if err := pathutil.CopyFile(l.Self, dst, 0o777); err != nil {
		return "", fmt.Errorf("copying the launcher to %s: %w", dst, err)
	}
	if old == "" {
		return "", nil
	}
	return fmt.Sprintf("Replaced the checkout's copy of the launcher (%s) with this build: it was %s, it is now %s.", dst, old, describeBuild(buildinfo.Read())), nil
}

// sameContent reports whether files a and b (of sizes na and nb) hold the
// same bytes.
func sameContent(a, b string, na, nb int64) bool {
	if na != nb {
		return false
	}
	fa, err := os.Open(a)
	if err != nil {
		return false
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		return false
	}
	defer fb.Close()
	ba, bb := make([]byte, 64<<10), make([]byte, 64<<10)
	for {
		n, erra := io.ReadFull(fa, ba)
		m, errb := io.ReadFull(fb, bb)
		if n != m || !bytes.Equal(ba[:n], bb[:m]) {
			return false
		}
		if erra != nil || errb != nil {
			return ended(erra) && ended(errb)
		}
	}
}

func ended(err error) bool { return err == io.EOF || err == io.ErrUnexpectedEOF }

// buildOf asks the launcher binary at path which build it is (its version
// command: "onetrainer-launcher VERSION (commit C, ...)"), in the words
// describeBuild uses.
func (l *Linker) buildOf(ctx context.Context, path string) string {
	text, err := l.Run.Ask(ctx, proc.Cmd{Path: path, Argv: []string{path, "version"}})
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	rest, ok := strings.CutPrefix(first, layout.OwnName+" ")
	if err != nil || !ok {
		return "a build whose version it does not say"
	}
	version, about, _ := strings.Cut(rest, " (")
	info := buildinfo.Info{Version: version}
	for _, part := range strings.Split(strings.TrimSuffix(about, ")"), ", ") {
		if c, ok := strings.CutPrefix(part, "commit "); ok {
			info.Revision = c
		}
	}
	return describeBuild(info)
}

// describeBuild names a build: "v1.2.3 (commit abc123)".
func describeBuild(b buildinfo.Info) string {
	if b.Revision == "" {
		return b.Version
	}
	return b.Version + " (commit " + b.Revision + ")"
}

// backup keeps the user's own file for unlink, durably before the link
// replaces it. An earlier backup is the original and stays.
func (l *Linker) backup(name string) error {
	dst := l.Checkout.Backup(name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o777); err != nil {
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
	return pathutil.KeepFile(src, dst, fi.Mode().Perm())
}

// keepCopies keeps the checkout's own launch scripts in the state, for the
// launcher to follow: git's HEAD copy of a tracked one, else the
// file that is there (not a link to the launcher).
func (l *Linker) keepCopies(ctx context.Context) error {
	if err := os.MkdirAll(filepath.Dir(l.Checkout.Kept("x")), 0o777); err != nil {
		return pathutil.Explain(filepath.Dir(l.Checkout.Kept("x")), err)
	}
	g := l.git()
	for _, name := range layout.Scripts() {
		var data []byte
		tracked := false
		if l.Checkout.GitDir != "" {
			t, err := g.Tracked(ctx, name)
			if err != nil {
				return err
			}
			tracked = t
		}
		if tracked {
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
//
// git is asked everything first: where it cannot answer (not on PATH, a
// checkout it refuses as another user's), nothing is changed and the
// error says what lets it answer — a tracked script is never taken for
// one the checkout did not have. Each change can be cut short by a kill
// and finished by unlink again: git's skip-worktree bit goes first (from
// then on git sees the links for what they are), a tracked script that a
// cut left missing is restored from git, and a kept copy not put back
// stays where it is, named.
func (l *Linker) Unlink(ctx context.Context, say func(string, ...any)) (int, error) {
	g := l.git()
	inGit := l.Checkout.GitDir != ""
	type script struct {
		name                  string
		link, backup, tracked bool
		missing               bool
	}
	var all []script
	var tracked []string
	for _, name := range layout.Scripts() {
		path := l.Checkout.Path(name)
		sc := script{name: name, link: IsLauncherLink(path, l.Self)}
		_, err := os.Lstat(l.Checkout.Backup(name))
		sc.backup = err == nil
		_, err = os.Lstat(path)
		sc.missing = errors.Is(err, fs.ErrNotExist)
		if inGit {
			if sc.tracked, err = g.Tracked(ctx, name); err != nil {
				return 0, out.Errorf("nothing was unlinked, and nothing changed: %w", err).
					WithHints("Then unlink again: " + l.Command() + " unlink " + out.Quote(l.Checkout.Root))
			}
		}
		if sc.tracked {
			tracked = append(tracked, name)
		}
		all = append(all, sc)
	}
	if err := l.skipWorktree(ctx, false, tracked...); err != nil {
		return 0, out.Errorf("nothing was unlinked: %w", err)
	}
	if len(tracked) > 0 {
		l.cut("skip-worktree cleared")
	}
	n := 0
	for _, sc := range all {
		path := l.Checkout.Path(sc.name)
		switch {
		case sc.link && sc.backup:
			if err := os.Rename(l.Checkout.Backup(sc.name), path); err != nil {
				return n, out.Errorf("restoring %s: %w", sc.name, pathutil.Explain(path, err))
			}
			say("%s: the kept original restored", sc.name)
		case sc.link && sc.tracked, sc.missing && sc.tracked:
			// git's checkout replaces the link (or fills the gap a cut
			// left) with git's copy.
			if _, err := g.Ask(ctx, "checkout", "--", sc.name); err != nil {
				return n, out.Errorf("%s: restoring it from git failed: %w", sc.name, err).
					WithHints("Restore it by hand: git -C " + out.Quote(l.Checkout.Root) + " checkout -- " + sc.name + ", then unlink again: " + l.Command() + " unlink " + out.Quote(l.Checkout.Root))
			}
			if sc.link {
				say("%s: restored from git", sc.name)
			} else {
				say("%s: restored from git (a run cut short had left it missing)", sc.name)
			}
		case sc.link:
			if err := os.Remove(path); err != nil {
				return n, out.Errorf("removing the link %s: %w", sc.name, pathutil.Explain(path, err))
			}
			say("%s: link removed (the checkout had no such script before)", sc.name)
		default:
			continue
		}
		n++
		l.cut("restored " + sc.name)
	}
	if err := l.removeState(say); err != nil {
		return n, err
	}
	return n, nil
}

// removeState removes the launcher's state, all but the copies of a
// user's scripts that were not put back (a newer version kept by the
// journal's repair, or a kept original whose script is no link now):
// those stay, and are named.
func (l *Linker) removeState(say func(string, ...any)) error {
	entries, err := os.ReadDir(l.Checkout.StateDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return out.Errorf("removing the launcher's state %s: %w", l.Checkout.StateDir, pathutil.Explain(l.Checkout.StateDir, err))
	}
	kept := false
	for _, e := range entries {
		p := filepath.Join(l.Checkout.StateDir, e.Name())
		if p == l.Checkout.BackupDir() {
			if left, _ := os.ReadDir(p); len(left) > 0 {
				for _, f := range left {
					say("%s: a copy of yours that was not put back; it stays there, for you to look at and remove", filepath.Join(p, f.Name()))
				}
				kept = true
				continue
			}
		}
		if err := os.RemoveAll(p); err != nil {
			return out.Errorf("removing the launcher's state %s: %w", l.Checkout.StateDir, err)
		}
	}
	if !kept {
		if err := os.RemoveAll(l.Checkout.StateDir); err != nil {
			return out.Errorf("removing the launcher's state %s: %w", l.Checkout.StateDir, err)
		}
	}
	return nil
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
	if git != nil && co.GitDir != "" {
		// A file git left with a merge conflict is not a change to drop
		// (git refuses checkout -- FILE there): it gets the commands that
		// resolve it.
		var conflicted []string
		if len(files) > 0 {
			conflicted, _ = git.Unmerged(ctx, files...)
		}
		if len(conflicted) > 0 {
			lead := fmt.Sprintf("%s %s a merge conflict that a pull left (git status shows it), which the launcher cannot read until it is resolved.", strings.Join(conflicted, ", "), hasOrHave(len(conflicted)))
			if l := (&Linker{Checkout: co}); !l.repairSaid(conflicted) {
				hints = append(append(hints, lead), ConflictHints(co, conflicted)...)
			} else {
				hints = append(hints, strings.TrimSuffix(lead, ".")+": the commands above resolve it.")
			}
			files = slices.DeleteFunc(files, func(f string) bool { return slices.Contains(conflicted, f) })
		}
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

// repairSaid reports whether the journal's repair, which runs before any
// launch decides, has told the user how to resolve the conflicts in
// names: all of them are scripts the journal lists as away.
func (l *Linker) repairSaid(names []string) bool {
	list, err := l.readJournal()
	if err != nil {
		return false
	}
	for _, n := range names {
		if !slices.ContainsFunc(list, func(a away) bool { return a.name == n }) {
			return false
		}
	}
	return true
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
