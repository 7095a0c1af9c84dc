package checkout

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
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
// tracks: those a pull may need to change.
func (l *Linker) TrackedLinks(ctx context.Context) []string {
	if l.Checkout.GitDir == "" {
		return nil
	}
	g := l.git()
	var names []string
	for _, name := range layout.Scripts() {
		if IsLauncherLink(filepath.Join(l.Checkout.Root, name), l.Self) && g.Tracked(ctx, name) {
			names = append(names, name)
		}
	}
	return names
}

// UpdateLock takes the lock that one update (or repair) at a time holds
// while links may be away.
// With wait false it returns a nil Lock, and no error, when another holds it.
func (l *Linker) UpdateLock(wait bool, waiting func()) (*pathutil.Lock, error) {
	if err := os.MkdirAll(l.Checkout.StateDir, 0o755); err != nil {
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

// Return puts the links the journal lists back, after a pull. A script
// the pull left with a merge conflict keeps git's conflicted file, for the
// user to resolve; it stays in the journal, so a later run links it once
// resolved. Every script the journal lists that is a link now gets git's
// skip-worktree bit again, also one linked before a kill cut this short.
// It returns the scripts linked again and those left conflicted.
func (l *Linker) Return(ctx context.Context) (linked, conflicted []string, err error) {
	list, err := l.readJournal()
	if err != nil || len(list) == 0 {
		return nil, nil, err
	}
	g := l.git()
	var left []away
	for _, a := range list {
		path := filepath.Join(l.Checkout.Root, a.name)
		if !IsLauncherLink(path, l.Self) {
			if g.Unmerged(ctx, a.name) {
				conflicted = append(conflicted, a.name)
				left = append(left, a)
				continue
			}
			target := a.target
			if _, err := os.Stat(l.Checkout.Binary()); err == nil {
				target = l.Checkout.LinkTarget()
			}
			if err := symlinkAtomic(target, path); err != nil {
				return linked, conflicted, out.Errorf("linking %s again: %w", a.name, err).WithHints("Link it by hand: " + out.Quote(l.Checkout.Binary()) + " link " + out.Quote(l.Checkout.Root))
			}
		}
		linked = append(linked, a.name)
	}
	if err := l.skipWorktree(ctx, true, linked...); err != nil {
		return linked, conflicted, err
	}
	if err := l.keepCopies(ctx); err != nil {
		return linked, conflicted, out.Errorf("keeping the checkout's launch scripts: %w", err)
	}
	if len(left) == 0 {
		if err := os.Remove(l.Checkout.Journal()); err != nil && !os.IsNotExist(err) {
			return linked, conflicted, out.Errorf("removing the journal: %w", err)
		}
		return linked, conflicted, nil
	}
	return linked, conflicted, l.writeJournal(left)
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
	linked, conflicted, err := l.Return(ctx)
	if err != nil {
		return err
	}
	if len(linked) > 0 {
		p.Warn("The last ./update.sh was cut short while git's copies stood in for %s: they are links to the launcher again.", strings.Join(linked, ", "))
	}
	if len(conflicted) > 0 {
		p.Warn("%s %s a merge conflict from the last update: resolve it (git status shows it), and the next launch links it again.",
			strings.Join(conflicted, ", "), hasOrHave(len(conflicted)))
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
