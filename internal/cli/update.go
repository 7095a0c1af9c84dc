package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// update pulls the checkout with git and then brings the env up to date,
// as update.sh did: the pull first, judged by update.sh's own steps alone
// (launch.UpdatePlan) — a checkout whose other launch files the launcher
// cannot follow can still be updated to one it can — then a second launch
// decided from the checkout as the pull left it. A failed
// pull ends it with git's own status and nothing else changed.
//
// The links stay in place for the whole network part: the fetch runs with
// them, and git's copies stand in only when the incoming commits change a
// linked script, and only for the local merge (checkout.Linker.StepAside,
// with a journal any later run finishes from). Otherwise git's
// skip-worktree bit lets the pull go ahead around the links.
func update(ctx context.Context, inv Invocation, args []string) error {
	s, err := openSite(ctx, inv)
	if err != nil {
		return err
	}
	git := s.git()
	plan, err := launch.UpdatePlan(ctx, launch.Input{Checkout: s.co, Env: s.inv.Env, Host: s.inv.Host, Git: &git})
	if fb := launch.UpdateFallback(s.co, err); fb != nil {
		return s.updateOwn(ctx, fb) // the checkout's own update.sh, from its start
	}
	if err != nil {
		return err
	}
	s.out.Status("Updating OneTrainer to latest version from Git repository...")
	if len(plan.GitInit) > 0 && s.co.GitDir == "" {
		if s, err = s.gitInit(ctx, plan.GitInit); err != nil {
			return err
		}
	}
	g := s.git()
	before, _ := g.Head(ctx)
	// The update.sh the user started: where the pull brings launch files
	// the launcher cannot follow, it is this one that finishes the update,
	// as bash goes on reading the file it started while git replaces it.
	started, _ := pathutil.ReadFile(s.co.Kept(layout.UpdateScript), pathutil.SmallFile)
	if plan.Pull {
		if err := s.pull(ctx); err != nil {
			return err
		}
	}
	after, _ := g.Head(ctx)
	var changed []string
	if before != "" && after != before {
		changed, _ = g.Changed(ctx, before+".."+after, append([]string{layout.LibFile, layout.PyProject}, layout.Scripts()...)...)
	}

	// The checkout as the pull left it decides from here on.
	l, err := s.launch(ctx, layout.UpdateScript)
	if err != nil {
		return err
	}
	if l.Fallback != nil {
		// The pull brought launch files the launcher cannot follow: the
		// checkout's own update.sh finishes it — the one the user
		// started, as with the unlinked checkout, whose bash reads on in
		// the file it opened while git replaces it: its steps after the
		// pull run, with the new lib.include.sh it sources then, and a
		// step the pull added to update.sh runs from the next update on.
		// Its pull, after ours, finds nothing new.
		return s.updateOwn(ctx, s.startedUpdate(l.Fallback, started))
	}
	lazyNeeded, err := l.updateNeeded(ctx)
	if err != nil {
		l.changedWarning(changed, "")
		return err
	}
	if !lazyNeeded {
		l.Out.Debugf(upstream.VarLazyUpdates + ": HEAD is the one of the last install; the requirements are not installed again")
	}
	res, err := l.prepare(ctx, lazyNeeded)
	if err != nil {
		l.changedWarning(changed, "")
		return err
	}
	l.ready(res)
	l.checkUI(ctx, res)
	l.changedWarning(changed, res.Target.Place.Label)
	return nil
}

// changedWarning says that the pull changed launch files (changed, none:
// nothing is said) and what the launcher follows now, whether or not the
// install after it succeeded; env is how the env is named, "" when it
// was not found.
func (l *applet) changedWarning(changed []string, env string) {
	if len(changed) == 0 {
		return
	}
	var uses []string
	if env != "" {
		uses = append(uses, "the "+env)
	}
	if _, pixi := l.Runtime.(*launch.Pixi); !pixi {
		uses = append(uses, fmt.Sprintf("Python >= %s and < %s", l.Constants.PythonVersionMinimum, l.Constants.PythonVersionTooHigh))
	}
	uses = append(uses, "the UI script "+l.Facts.UIScript.Value)
	follows := uses[0]
	switch n := len(uses); {
	case n == 2:
		follows = uses[0] + " and " + uses[1]
	case n > 2:
		follows = strings.Join(uses[:n-1], ", ") + ", and " + uses[n-1]
	}
	l.Out.Warn("This update changed %s. The launcher follows the checkout's own launch files, so nothing is left to do: it now uses %s. `%s doctor` shows every value and where it comes from.",
		strings.Join(changed, ", "), follows, ownName)
}

// gitInit makes a tree that is not a git checkout one, as the checkout's
// update.sh does (git init, its origin, a fetch and a forced switch to
// upstream's branch, which overwrites files that differ from upstream),
// each step echoed. The forced switch puts git's launch scripts in place of
// the links; the journal records them first, as for a merge, and they are
// linked again after it, the launcher's state moved into the new git
// directory. It returns the site as a git checkout.
func (s site) gitInit(ctx context.Context, cmds [][]string) (site, error) {
	run := s.runner(s.inv.Env, s.out)
	l := s.linker()
	var linked []string
	for _, name := range layout.Scripts() {
		if checkout.IsLauncherLink(s.co.Path(name), l.Self) {
			linked = append(linked, name)
		}
	}
	if err := l.Away(linked); err != nil {
		return s, err
	}
	for _, argv := range cmds {
		if err := run.Run(ctx, proc.Cmd{Argv: argv}); err != nil {
			return s, err
		}
	}
	next := site{inv: s.inv, co: layout.Open(s.inv.Dir), out: s.out}
	if next.co.GitDir == "" {
		return s, out.Errorf("%s is still not a git checkout after %s", s.co.Root, out.QuoteArgs(cmds[0]))
	}
	if _, err := checkout.Migrate(next.co); err != nil {
		return next, err
	}
	if r, err := next.linker().Return(ctx); err != nil {
		return next, err
	} else if len(r.Linked) > 0 {
		next.out.Status("%s: linked to the launcher again, now in %s.", strings.Join(r.Linked, ", "), next.co.StateDir)
	}
	return next, nil
}

// pull runs git pull, stepping linked scripts aside only when the
// incoming commits change them.
func (s site) pull(ctx context.Context) error {
	run := s.runner(s.inv.Env, s.out)
	pull := proc.Cmd{Argv: []string{"git", "pull"}}
	if s.co.GitDir == "" {
		return run.Run(ctx, pull) // git says why it cannot
	}
	l := s.linker()
	linked, err := l.TrackedLinks(ctx)
	if err != nil || len(linked) == 0 {
		// Where git cannot answer, git pull says why in its own words, as
		// the checkout's own update.sh would have it say.
		return run.Run(ctx, pull)
	}
	lock, err := l.UpdateLock(true, func() { s.out.Status("Waiting for another ./update.sh of this checkout to finish...") })
	if err != nil {
		return out.Errorf("cannot take the update lock: %w", err)
	}
	defer lock.Release()
	if err := run.Run(ctx, proc.Cmd{Argv: []string{"git", "fetch"}}); err != nil {
		return err
	}
	incoming, err := s.git().Changed(ctx, "HEAD...@{upstream}", linked...)
	if err != nil {
		// No upstream branch, say: git pull says so in its own words.
		return run.Run(ctx, pull)
	}
	if len(incoming) == 0 {
		if err := run.Run(ctx, pull); err != nil {
			return err
		}
		return l.RefreshKept(ctx)
	}
	if err := s.ownVersionsPulled(incoming); err != nil {
		return err
	}
	s.out.Status("The pull changes %s: git's copies stand in for the links while git merges, and the links come back right after.", strings.Join(incoming, ", "))
	r, pullErr, err := s.withLinksAside(ctx, l, incoming, "the pull", func() error { return run.Run(ctx, pull) })
	if err != nil {
		return err
	}
	if len(r.Linked) > 0 {
		s.out.Debugf("linked again: %s", strings.Join(r.Linked, ", "))
	}
	if len(r.Conflicted) > 0 {
		return out.Errorf("the pull left a merge conflict in %s: git's conflicted file stands in for the link until you resolve it (git status shows it)", strings.Join(r.Conflicted, ", ")).
			WithHints(checkout.ConflictHints(s.co, r.Conflicted)...).WithCode(proc.Code(pullErr))
	}
	return pullErr
}

// startedUpdate is the fallback of an update whose pull brought launch
// files the launcher cannot follow: update.sh as it was before the pull
// (started, git's copy then), kept in the state for bash to read. A
// user's own update.sh, or one whose copy could not be read or kept, runs
// as fb says.
func (s site) startedUpdate(fb *launch.Fallback, started []byte) *launch.Fallback {
	if fb.Script != layout.UpdateScript || fb.Own || started == nil {
		return fb
	}
	p := s.co.StartedUpdate()
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return fb
	}
	if err := pathutil.WriteFile(p, started); err != nil {
		return fb
	}
	next := *fb
	next.File = p
	return &next
}

// ownVersionsPulled stops a pull that changes a script holding the user's
// own version (kept by link --force), as git stops the unlinked
// checkout's pull over a local change ("Your local changes … would be
// overwritten by merge", status 1): nothing is merged, and the checkout
// stays where it was, the user's version running as before.
func (s site) ownVersionsPulled(incoming []string) error {
	var own, backups []string
	for _, name := range incoming {
		if b := checkout.OwnVersion(s.co, name); b != "" {
			own, backups = append(own, name), append(backups, b)
		}
	}
	if len(own) == 0 {
		return nil
	}
	co := out.Quote(s.co.Root)
	rm := make([]string, len(backups))
	for i, b := range backups {
		rm[i] = out.Quote(b)
	}
	return out.Errorf("the pull changes %s, which holds your own version (kept by link --force): as git does over a change of yours, nothing was pulled, and the checkout stays where it was", strings.Join(own, ", ")).
		WithHints(
			"What upstream changed: git -C "+co+" diff HEAD @{upstream} -- "+strings.Join(own, " "),
			"To take upstream's version and drop yours: rm "+strings.Join(rm, " ")+" && ./"+layout.UpdateScript,
			"To carry your change over: "+out.Quote(s.co.Binary())+" unlink "+co+" && git -C "+co+" stash && git -C "+co+" pull && git -C "+co+" stash pop, then, once merged, onetrainer-launcher link --force "+co,
		).WithCode(1)
}

// withLinksAside runs run (what, in words: "the pull") while the linked
// scripts names stand aside as git's copies — the journal first, so that
// whatever ends the launcher, the next run puts them back — and then puts
// the links back, saying where it kept a file it found in a link's place
// that was not git's copy. It returns what came back, run's error, and
// the error that kept the links from stepping aside or coming back.
func (s site) withLinksAside(ctx context.Context, l *checkout.Linker, names []string, what string, run func() error) (checkout.Returned, error, error) {
	if err := l.StepAside(ctx, names); err != nil {
		// The journal has what stepped aside: put it back now.
		l.Return(ctx)
		return checkout.Returned{}, nil, err
	}
	runErr := run()
	r, err := l.Return(ctx)
	if err != nil {
		return r, runErr, err
	}
	for name, where := range r.Kept {
		s.out.Warn("%s was not git's copy when %s ended: it is kept in %s, and the link is back in its place.", name, what, where)
	}
	return r, runErr, nil
}
