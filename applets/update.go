package applets

import (
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/upstream"
)

// update pulls the checkout with git and then brings the env up to date,
// as update.sh did: the pull first, with nothing of lib.include.sh read
// before it — a checkout whose file the launcher cannot read can still be
// updated to one it can — then the checkout as the pull left it. A failed
// pull ends it with git's own status and nothing else changed.
//
// The links stay in place for the whole network part: the fetch runs with
// them, and git's copies stand in only when the incoming commits change a
// linked script, and only for the local merge (linker.StepAside, with a
// journal any later run finishes from). Otherwise git's skip-worktree bit
// lets the pull go ahead around the links.
func update(c *Context, args []string) error {
	s, err := open(c, "update.sh", false)
	if err != nil {
		return err
	}
	s.env = s.Env
	s.p.Status("Updating OneTrainer to latest version from Git repository...")
	g := s.git()
	before, _ := g.Head(s)
	if err := s.pull(); err != nil {
		return err
	}
	after, _ := g.Head(s)
	var changed []string
	if before != "" && after != before {
		changed, _ = g.Changed(s, before+".."+after, append([]string{upstream.LibFile}, Scripts()...)...)
	}

	// The checkout as the pull left it decides from here on.
	s.facts = s.state.Facts(s, &g)
	if err := s.settle(); err != nil {
		return err
	}
	upgrade, err := s.updateNeeded(s)
	if err != nil {
		return err
	}
	if !upgrade {
		s.p.Debugf("OT_LAZY_UPDATES: HEAD is the one of the last install; the requirements are not installed again")
	}
	res, err := s.prepare(upgrade)
	if err != nil {
		return err
	}
	s.ready(res, "")
	if len(changed) > 0 {
		s.p.Warn("This update changed %s. The launcher follows the checkout's own launch files, so nothing is left to do: it now uses the %s, Python >= %s and < %s, and the UI script %s. `onetrainer-launcher doctor` shows every value and where it comes from.",
			strings.Join(changed, ", "), res.Place.Label, s.consts.PythonVersionMinimum, s.consts.PythonVersionTooHigh, s.facts.UIScript.Value)
	}
	return nil
}

// pull runs git pull, stepping linked scripts aside only when the
// incoming commits change them.
func (s *session) pull() error {
	run := s.runner()
	pull := proc.Cmd{Argv: []string{"git", "pull"}}
	if s.state.GitDir == "" {
		return run.Run(s, pull) // git says why it cannot
	}
	l := s.linker()
	linked := l.TrackedLinks(s)
	if len(linked) == 0 {
		return run.Run(s, pull)
	}
	lock, _, err := l.UpdateLock(true)
	if err != nil {
		return out.Errorf("cannot take the update lock: %v", err)
	}
	defer lock.Release()
	if err := run.Run(s, proc.Cmd{Argv: []string{"git", "fetch"}}); err != nil {
		return err
	}
	incoming, err := s.git().Changed(s, "HEAD...@{upstream}", linked...)
	if err != nil {
		// No upstream branch, say: git pull says so in its own words.
		return run.Run(s, pull)
	}
	if len(incoming) == 0 {
		if err := run.Run(s, pull); err != nil {
			return err
		}
		return l.RefreshKept(s)
	}
	s.p.Status("The pull changes %s: git's copies stand in for the links while git merges, and the links come back right after.", strings.Join(incoming, ", "))
	if err := l.StepAside(s, incoming); err != nil {
		// The journal has what stepped aside: put it back now.
		l.Return(s)
		return err
	}
	pullErr := run.Run(s, pull)
	linkedAgain, conflicted, err := l.Return(s)
	if err != nil {
		return err
	}
	if len(linkedAgain) > 0 {
		s.p.Debugf("linked again: %s", strings.Join(linkedAgain, ", "))
	}
	if len(conflicted) > 0 {
		return out.Errorf("the pull left a merge conflict in %s: git's conflicted file is kept for you to resolve (git status shows it); once resolved and committed, the next launch links it to the launcher again", strings.Join(conflicted, ", ")).WithCode(proc.Code(pullErr))
	}
	return pullErr
}
