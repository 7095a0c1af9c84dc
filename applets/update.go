package applets

import (
	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// Update pulls the checkout with git and then brings the env up to date.
// A failed pull ends it with git's own status and nothing else changed.
func Update(c *Context, args []string) int {
	s, code := begin(c)
	if s == nil {
		return code
	}
	s.p.Status("Updating OneTrainer to latest version from Git repository...")
	if err := s.runner().Run(s, proc.Cmd{Argv: []string{"git", "pull"}}); err != nil {
		return s.fail(err)
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
