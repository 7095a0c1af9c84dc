package applets

import (
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/linker"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/pyenv"
)

// Update pulls the checkout with git and then brings the env up to date.
// A failed pull ends it with git's own status and nothing else changed.
// Launch scripts linked to the launcher are git's tracked files changed:
// git's copies stand in for them during the pull, and the links come back
// afterwards, whether the pull worked or not.
func Update(c *Context, args []string) int {
	s, code := begin(c)
	if s == nil {
		return code
	}
	s.p.Status("Updating OneTrainer to latest version from Git repository...")
	l := &linker.Linker{Dir: c.Dir, Run: s.runner()}
	linked := l.TrackedLinks(s)
	if len(linked) > 0 {
		names := strings.Join(linker.Names(linked), ", ")
		s.p.Status("Putting git's %s back for the pull; the links to the launcher return afterwards.", names)
		if err := l.RestoreTracked(s, linked); err != nil {
			s.p.Error("restoring %s from git: %v", names, err)
			l.Relink(linked)
			return 1
		}
	}
	before := s.head()
	err := s.runner().Run(s, proc.Cmd{Argv: []string{"git", "pull"}})
	if len(linked) > 0 {
		if rerr := l.Relink(linked); rerr != nil {
			s.p.Error("linking %s to the launcher again: %v", strings.Join(linker.Names(linked), ", "), rerr)
			if err == nil {
				return 1
			}
		}
	}
	if err != nil {
		return s.fail(err)
	}
	if after := s.head(); before != "" && after != before {
		if changed := s.changedSince(before, after); len(changed) > 0 {
			s.p.Status("This update changed %s, which the launcher stands in for: check whether a newer launcher matches them.", strings.Join(changed, ", "))
		}
	}
	// The pull may have moved the Python bounds in lib.include.sh.
	consts, err := envspec.ReadConstants(c.Dir)
	if err != nil {
		s.p.Error("%v", err)
		return 1
	}
	s.consts = consts
	s.env = envspec.Export(c.Env, c.Dir, s.cfg, consts)
	_, code = s.prepare(true)
	return code
}

// head is the checkout's commit; "" outside git.
func (s *session) head() string {
	h, err := pyenv.GitHead(s, s.runner(), s.Dir)
	if err != nil {
		return ""
	}
	return h
}

// changedSince lists the launch scripts and lib.include.sh that changed
// between two commits.
func (s *session) changedSince(before, after string) []string {
	args := append([]string{"git", "diff", "--name-only", before, after, "--", envspec.LibInclude}, linker.Scripts...)
	out, err := s.runner().Ask(s, proc.Cmd{Argv: args})
	if err != nil {
		return nil
	}
	return strings.Fields(out)
}
