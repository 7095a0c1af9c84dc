package checkout

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// The journal records, before a link leaves its place for a pull, which
// links are away and where they pointed, so that whatever ends the
// launcher — a kill, the OOM killer, a power cut — the next applet, link
// or unlink puts them back (Repair; doctor reports it). It is written and flushed
// before the first change and removed after the last.
const journalMagic = "onetrainer-launcher journal 1"

// away is a link that stepped aside: the script, and its target.
type away struct{ name, target string }

// TrackedLinks lists the scripts that are launcher links over files git
// tracks: those a pull may need to change. The error is git's failure to
// answer (gitx.NoAnswer).
func (l *Linker) TrackedLinks(ctx context.Context) ([]string, error) {
	if l.Checkout.GitDir == "" {
		return nil, nil
	}
	g := l.git()
	var names []string
	for _, name := range layout.Scripts() {
		if !IsLauncherLink(filepath.Join(l.Checkout.Root, name), l.Self) {
			continue
		}
		tracked, err := g.Tracked(ctx, name)
		if err != nil {
			return nil, err
		}
		if tracked {
			names = append(names, name)
		}
	}
	return names, nil
}

// UpdateLock takes the lock that one update (or repair) at a time holds
// while links may be away.
// With wait false it returns a nil Lock, and no error, when another holds it.
func (l *Linker) UpdateLock(wait bool, waiting func()) (*pathutil.Lock, error) {
	if err := os.MkdirAll(l.Checkout.StateDir, 0o777); err != nil {
		return nil, pathutil.Explain(l.Checkout.StateDir, err)
	}
	lock, _, err := pathutil.TakeLock(l.Checkout.UpdateLock(), wait, waiting)
	return lock, err
}

// StepAside puts git's copies of names in place of their links, for a
// pull that changes them: journal first, then git's skip-worktree bit
// cleared, then git's copies checked out.
func (l *Linker) StepAside(ctx context.Context, names []string) error {
	var list []away
	for _, name := range names {
		target, err := os.Readlink(filepath.Join(l.Checkout.Root, name))
		if err != nil {
			return out.Errorf("reading the link %s: %w", name, pathutil.Explain(name, err))
		}
		list = append(list, away{name, target})
	}
	if err := l.writeJournal(list); err != nil {
		return err
	}
	if err := l.skipWorktree(ctx, false, names...); err != nil {
		return err
	}
	for _, name := range names {
		if err := os.Remove(filepath.Join(l.Checkout.Root, name)); err != nil && !os.IsNotExist(err) {
			return out.Errorf("removing the link %s: %w", name, pathutil.Explain(name, err))
		}
	}
	if _, err := l.git().Ask(ctx, append([]string{"checkout", "--"}, names...)...); err != nil {
		return out.Errorf("putting git's %s back for the pull failed: %w", strings.Join(names, ", "), err)
	}
	return nil
}

// Returned is what Return did: the scripts linked again, those left
// with a merge conflict, and the versions of the user's it found in place
// of a link and kept before linking (script → where it is kept).
type Returned struct {
	Linked, Conflicted []string
	Kept               map[string]string
}

// Return puts the links the journal lists back, after a pull. A script
// the pull left with a merge conflict keeps git's conflicted file, for the
// user to resolve; it stays in the journal, so a later run links it once
// resolved. A file in a link's place that is neither git's copy (staged or
// HEAD's, or the one kept in the state) nor missing is the user's — an
// edit made while the pull had it away — and is kept in the state, as
// link --force keeps one, before the link replaces it. Every script the
// journal lists that is a link now gets git's skip-worktree bit again,
// also one linked before a kill cut this short. Where git cannot answer,
// nothing is changed and the error says so (gitx.NoAnswer).
func (l *Linker) Return(ctx context.Context) (Returned, error) {
	var r Returned
	list, err := l.readJournal()
	if err != nil || len(list) == 0 {
		return r, err
	}
	g := l.git()
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = a.name
	}
	unmerged, err := g.Unmerged(ctx, names...)
	if err != nil {
		return r, err
	}
	var left []away
	for _, a := range list {
		path := filepath.Join(l.Checkout.Root, a.name)
		if !IsLauncherLink(path, l.Self) {
			if slices.Contains(unmerged, a.name) {
				r.Conflicted = append(r.Conflicted, a.name)
				left = append(left, a)
				continue
			}
			if _, err := os.Lstat(path); err == nil {
				if !l.isGitsCopy(ctx, a.name) {
					where, err := l.keepAside(a.name)
					if err != nil {
						return r, out.Errorf("%s is not git's copy (an edit of yours, made while the last update had it away?), and keeping it before the link replaces it failed, so it is left as it is: %w", a.name, err)
					}
					if r.Kept == nil {
						r.Kept = map[string]string{}
					}
					r.Kept[a.name] = where
					l.cut("kept " + a.name)
				}
			}
			target := a.target
			if _, err := os.Stat(l.Checkout.Binary()); err == nil {
				target = l.Checkout.LinkTarget()
			}
			if err := symlinkAtomic(target, path); err != nil {
				return r, out.Errorf("linking %s again: %w", a.name, err).WithHints("Link it by hand: " + out.Quote(l.Checkout.Binary()) + " link " + out.Quote(l.Checkout.Root))
			}
			l.cut("linked " + a.name)
		}
		r.Linked = append(r.Linked, a.name)
	}
	if err := l.skipWorktree(ctx, true, r.Linked...); err != nil {
		return r, err
	}
	l.cut("skip-worktree set")
	if err := l.keepCopies(ctx); err != nil {
		return r, out.Errorf("keeping the checkout's launch scripts: %w", err)
	}
	l.cut("copies kept")
	if len(left) == 0 {
		if err := os.Remove(l.Checkout.Journal()); err != nil && !os.IsNotExist(err) {
			return r, out.Errorf("removing the journal: %w", err)
		}
		return r, nil
	}
	return r, l.writeJournal(left)
}

// isGitsCopy reports whether the file at a script's place holds a copy
// git has — the one kept in the state (git's at the last link or pull),
// the staged one, or HEAD's — so that a link may replace it with nothing
// lost. Only a regular file can be; where git cannot answer, only the
// kept copy counts.
func (l *Linker) isGitsCopy(ctx context.Context, name string) bool {
	if fi, err := os.Lstat(l.Checkout.Path(name)); err != nil || !fi.Mode().IsRegular() {
		return false // a link of the user's own, say: git's copies are files
	}
	if kept, err := pathutil.ReadFile(l.Checkout.Kept(name), pathutil.SmallFile); err == nil {
		if data, err := pathutil.ReadFile(l.Checkout.Path(name), pathutil.SmallFile); err == nil && bytes.Equal(data, kept) {
			return true
		}
	}
	same, err := l.git().Matches(ctx, name)
	return err == nil && same
}

// keepAside keeps the user's file at a script's place in the state, as
// link --force does (Backup, or a further BackupCopy where a kept original
// is there already), durably, and returns where. A copy with the same
// bytes kept before (by a run cut short after it) is used again.
func (l *Linker) keepAside(name string) (string, error) {
	src := l.Checkout.Path(name)
	data, err := pathutil.ReadFile(src, pathutil.SmallFile)
	if err != nil {
		return "", pathutil.Explain(src, err)
	}
	if err := os.MkdirAll(l.Checkout.BackupDir(), 0o777); err != nil {
		return "", pathutil.Explain(l.Checkout.BackupDir(), err)
	}
	for n := 0; ; n++ {
		dst := l.Checkout.BackupCopy(name, n)
		if _, err := os.Lstat(dst); err == nil {
			if old, err := pathutil.ReadFile(dst, pathutil.SmallFile); err == nil && bytes.Equal(old, data) {
				return dst, nil
			}
			continue
		}
		if err := os.Link(src, dst); err == nil {
			return dst, pathutil.SyncDir(filepath.Dir(dst))
		}
		fi, err := os.Lstat(src)
		if err != nil {
			return "", pathutil.Explain(src, err)
		}
		return dst, pathutil.KeepFile(src, dst, fi.Mode().Perm())
	}
}

// writeJournal records list as the links that are away, durably, before
// anything changes.
func (l *Linker) writeJournal(list []away) error {
	var b strings.Builder
	b.WriteString(journalMagic + "\n")
	for _, a := range list {
		b.WriteString("away\t" + a.name + "\t" + a.target + "\n")
	}
	if err := pathutil.WriteFile(l.Checkout.Journal(), []byte(b.String())); err != nil {
		return out.Errorf("cannot write the journal %s: %w", l.Checkout.Journal(), pathutil.Explain(l.Checkout.Journal(), err))
	}
	return nil
}

// Pending reports whether a journal says links are away. It is a stat:
// every launch asks.
func Pending(co layout.Checkout) bool {
	_, err := os.Lstat(co.Journal())
	return err == nil
}

// Repair finishes what an update left undone: when the journal says links
// are away and no update is running, it puts them back and says so. An
// update in progress holds the update lock; Repair then leaves its links
// to it.
func (l *Linker) Repair(ctx context.Context, p *out.Printer) error {
	if !Pending(l.Checkout) {
		return nil
	}
	lock, err := l.UpdateLock(false, nil)
	if err != nil {
		return err
	}
	if lock == nil {
		p.Debugf("an update is in progress (it holds %s): its links are its own", l.Checkout.UpdateLock())
		return nil
	}
	defer lock.Release()
	r, err := l.Return(ctx)
	if gitx.IsNoAnswer(err) {
		// Nothing was changed; the launch goes on without git, and the
		// next run with git finishes this.
		p.Warn("The last ./update.sh was cut short while git's copies stood in for links, and the launcher cannot put them back now: %v", err)
		var oe *out.Error
		if errors.As(err, &oe) {
			for _, h := range oe.Hints {
				p.Hint(h)
			}
		}
		return nil
	}
	if err != nil {
		return err
	}
	if len(r.Linked) > 0 {
		p.Warn("The last ./update.sh was cut short while git's copies stood in for %s: they are links to the launcher again.", strings.Join(r.Linked, ", "))
	}
	for _, name := range slices.Sorted(maps.Keys(r.Kept)) {
		p.Warn("%s was not git's copy (an edit of yours, made while the update had it away): it is kept in %s, and the link is back in its place.", name, r.Kept[name])
	}
	if len(r.Conflicted) > 0 {
		p.Warn("%s %s a merge conflict from the last ./update.sh, and the launcher cannot read it until it is resolved.", strings.Join(r.Conflicted, ", "), hasOrHave(len(r.Conflicted)))
		for _, h := range ConflictHints(l.Checkout, r.Conflicted) {
			p.Hint(h)
		}
	}
	return nil
}

func (l *Linker) readJournal() ([]away, error) {
	data, err := pathutil.ReadFile(l.Checkout.Journal(), pathutil.TinyFile)
	if pathutil.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, out.Errorf("reading the journal: %w", err)
	}
	damaged := out.Errorf("the journal %s is damaged", l.Checkout.Journal()).
		WithHints("Put the scripts back by hand: git -C " + out.Quote(l.Checkout.Root) + " update-index --no-skip-worktree " + strings.Join(layout.Scripts(), " ") +
			" && git -C " + out.Quote(l.Checkout.Root) + " checkout -- " + strings.Join(layout.Scripts(), " ") + " && rm " + out.Quote(l.Checkout.Journal()) +
			", then link again: " + out.Quote(l.Checkout.Binary()) + " link " + out.Quote(l.Checkout.Root))
	lines := pathutil.Lines(data)
	if len(lines) == 0 || lines[0] != journalMagic {
		return nil, damaged
	}
	var list []away
	for _, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[0] != "away" || !slices.Contains(layout.Scripts(), f[1]) {
			return nil, damaged
		}
		list = append(list, away{f[1], f[2]})
	}
	return list, nil
}

// RefreshKept keeps git's copies of the launch scripts after a pull that
// left the links in place.
func (l *Linker) RefreshKept(ctx context.Context) error {
	if !l.Checkout.HasState() {
		return nil
	}
	return l.keepCopies(ctx)
}

func hasOrHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}
