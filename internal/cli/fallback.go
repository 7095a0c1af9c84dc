package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
)

// A launch with a Fallback (launch.Decide settled it: the launcher cannot
// follow a linked checkout's launch files, or the script is the user's own
// version) runs the checkout's own script as it is, with bash, exactly as
// the unlinked checkout would: every argument untouched, the launcher's
// own environment as it was started with (the script makes its own
// exports), the user's working directory, stdin, signals and exit status.
// One warning line comes first; nothing else the launcher would say or
// stop on (bad settings, the settings file) changes what happens: those
// are the script's business.

// runOwn replaces the launcher with bash running the checkout's own
// script (execRun's way: PID 1 stays as init).
func (a *applet) runOwn(ctx context.Context, args []string) error {
	bash, argv, dir, err := a.site.ownScript(a.Fallback)
	if err != nil {
		return err
	}
	code, err := a.inv.Exec(dir, bash, append(argv, args...), a.File.Apply(a.Base))
	if err != nil {
		return &out.Error{Msg: err.Error(), Code: code, Err: err}
	}
	if code != 0 {
		return out.Quiet(code)
	}
	return nil
}

// ownScript says the fallback's warning and readies its run: bash, its
// arguments before the script's own (bash and the script's path, so that
// the script finds the checkout by it: checkout.Shadow), and the folder
// it runs in.
func (s site) ownScript(fb *launch.Fallback) (bash string, argv []string, dir string, err error) {
	s.out.Warn("%s", fallbackWarning(s.co, fb))
	dir = s.inv.Cwd
	if dir == "" {
		dir = s.co.Root
	}
	bash = pathutil.Look("bash", dir, s.inv.Env.Get("PATH"), "")
	if bash == "" {
		return "", nil, "", out.Errorf("the checkout's own %s needs bash, which is not on PATH (%s)", fb.Script, s.inv.Env.Get("PATH")).WithCode(127)
	}
	scripts := map[string]string{}
	for _, name := range layout.Scripts() {
		if !checkout.IsLauncherLink(s.co.Path(name), "") {
			continue
		}
		if own := checkout.OwnVersion(s.co, name); own != "" {
			scripts[name] = own
		} else if _, err := os.Stat(s.co.Kept(name)); err == nil {
			scripts[name] = s.co.Kept(name)
		}
	}
	scripts[fb.Script] = fb.File
	rel, err := checkout.Shadow(s.co, scripts)
	if err != nil {
		return "", nil, "", out.Errorf("cannot run the checkout's own %s: %w", fb.Script, err).
			WithHints("Run the checkout's own scripts instead: " + out.Quote(s.co.Binary()) + " unlink " + out.Quote(s.co.Root))
	}
	return bash, []string{"bash", s.invokedDir(dir) + "/" + rel + "/" + fb.Script}, dir, nil
}

// invokedDir is the folder of the script as the user invoked it
// (./start-ui.sh: "."), which the unlinked script finds the checkout by;
// the checkout's absolute path where the script was found on PATH, run
// under the launcher's own name, or invoked through a link elsewhere.
func (s site) invokedDir(cwd string) string {
	a := s.inv.Argv0
	i := strings.LastIndexByte(a, '/')
	if !s.inv.Linked || i < 0 {
		return s.co.Root
	}
	d := a[:i]
	if d == "" {
		d = "/"
	}
	di, err1 := os.Stat(pathutil.Resolve(cwd, d))
	ci, err2 := os.Stat(s.co.Root)
	if err1 != nil || err2 != nil || !os.SameFile(di, ci) {
		return s.co.Root
	}
	return strings.TrimSuffix(d, "/")
}

// fallbackWarning is the one line a fallback says first: what the
// launcher cannot follow, and the ways to a launcher that does.
func fallbackWarning(co layout.Checkout, fb *launch.Fallback) string {
	bin, root := out.Quote(co.Binary()), out.Quote(co.Root)
	if fb.Where == "" {
		// unlink would put the user's version back, and remove the copy
		// of the launcher a link after it would need: the kept version is
		// removed instead.
		return fmt.Sprintf("%s, so it runs as it is, with bash. To drop your version and have the launcher follow git's %s, run: rm %s",
			fb.Why, fb.Script, out.Quote(fb.File))
	}
	return fmt.Sprintf("the launcher cannot follow this checkout's launch files (%s), so the checkout's own %s runs as it is, with bash. A newer onetrainer-launcher may follow them: install it and run: onetrainer-launcher link %s; or go back to the checkout's own scripts: %s unlink %[3]s",
		fb.Why, fb.Script, root, bin)
}

// updateOwn runs the checkout's own update.sh as it is (git's copy as a
// pull left it, or the user's own version), with bash, while the linked
// scripts stand aside as git's copies, so that its own git pull can
// merge; the links come back after it, and the launcher ends with the
// script's status. Signals reach the script (proc's runner passes them
// on); a kill of the launcher leaves the journal, and the next launch
// links the scripts again.
func (s site) updateOwn(ctx context.Context, fb *launch.Fallback) error {
	bash, argv, dir, err := s.ownScript(fb)
	if err != nil {
		return err
	}
	run := proc.Runner{Dir: dir, Env: s.sessionEnv(), Stdio: s.inv.Stdio}
	cmd := proc.Cmd{Path: bash, Argv: argv}
	l := s.linker()
	if s.co.GitDir == "" {
		return s.updateOwnOutsideGit(ctx, run, cmd)
	}
	linked, err := l.TrackedLinks(ctx)
	if err != nil || len(linked) == 0 {
		// Where git cannot answer, the script's own git pull says why in
		// its own words, as it would in the unlinked checkout.
		return quietly(run.Run(ctx, cmd))
	}
	lock, err := l.UpdateLock(true, func() { s.out.Status("Waiting for another ./update.sh of this checkout to finish...") })
	if err != nil {
		return out.Errorf("cannot take the update lock: %w", err)
	}
	defer lock.Release()
	r, runErr, err := s.withLinksAside(ctx, l, linked, "the checkout's own update.sh", func() error { return run.Run(ctx, cmd) })
	if err != nil {
		return err
	}
	if len(r.Conflicted) > 0 {
		s.out.Warn("%s %s a merge conflict from the checkout's own update.sh: git's conflicted file stands in for the link until you resolve it (git status shows it); the next launch links it again once resolved.",
			strings.Join(r.Conflicted, ", "), map[bool]string{true: "has", false: "have"}[len(r.Conflicted) == 1])
		for _, h := range checkout.ConflictHints(s.co, r.Conflicted) {
			s.out.Hint(h)
		}
	}
	return quietly(runErr)
}

// updateOwnOutsideGit runs the checkout's own update.sh in a tree without
// git, which it may make a git checkout (the pixi branch's update.sh: git
// init, a fetch and a forced switch, which puts git's scripts in place of
// the links), as gitInit does for the launcher's own: the journal records
// the links first, and after the script they are linked again, the
// launcher's state moved into the new git folder.
func (s site) updateOwnOutsideGit(ctx context.Context, run proc.Runner, cmd proc.Cmd) error {
	l := s.linker()
	var linked []string
	for _, name := range layout.Scripts() {
		if checkout.IsLauncherLink(s.co.Path(name), l.Self) {
			linked = append(linked, name)
		}
	}
	if err := l.Away(linked); err != nil {
		return err
	}
	runErr := run.Run(ctx, cmd)
	next := site{inv: s.inv, co: layout.Open(s.inv.Dir), out: s.out}
	if _, err := checkout.Migrate(next.co); err != nil {
		return err
	}
	if _, err := next.linker().Return(ctx); err != nil {
		return err
	}
	return quietly(runErr)
}

// sessionEnv is the launcher's own environment with the settings file's
// keys, as a desktop session has them from its login on (systemd's
// environment.d): what the checkout's own script would get there.
func (s site) sessionEnv() environ.List {
	return settings.ReadEnvFile(settings.EnvFilePath(s.inv.Host, s.inv.Env), s.inv.Env).Apply(s.inv.Env)
}

// quietly is a script's failure as its status alone: the script spoke
// for itself (a bash that could not start is said).
func quietly(err error) error {
	if err == nil {
		return nil
	}
	if c := proc.Code(err); c != 126 && c != 127 {
		return out.Quiet(c)
	}
	return err
}
