// Package applets holds the four launch scripts as Go functions. Each is a
// plain function of (context, args) returning an exit status, so that tests
// can call it in-process; main.go dispatches to them by argv[0].
package applets

import (
	"context"
	"errors"
	"io"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/pyenv"
)

// Context is what an applet runs with: the checkout it serves, the
// environment it was started with, its stdio, and how it replaces itself
// with the final process.
type Context struct {
	context.Context
	Dir    string          // the checkout, absolute
	Env    envspec.Environ // the launcher's own environment
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Exec replaces the launcher with the final Python process, or runs it
	// as PID 1's child (proc.ExecOrInit). It returns the exit status when
	// the process ran as a child, or the error that kept it from starting.
	Exec func(dir, path string, argv, env []string) (int, error)
}

// Func is an applet.
type Func func(c *Context, args []string) int

// Applet names an applet for dispatch and help.
type Applet struct {
	Name    string // without .sh
	Summary string
	Run     Func
}

// All lists the applets. It is never modified.
var All = []Applet{
	{"install", "create the Python environment and install OneTrainer's requirements", Install},
	{"update", "git pull OneTrainer, then bring the environment's requirements up to date", Update},
	{"start-ui", "start OneTrainer's UI (scripts/train_ui.py) with the given arguments", StartUI},
	{"run-cmd", "run scripts/NAME.py with the given arguments, e.g. run-cmd train --config-path FILE", RunCmd},
}

// Lookup finds an applet by name, with or without ".sh".
func Lookup(name string) (Applet, bool) {
	for _, a := range All {
		if name == a.Name || name == a.Name+".sh" {
			return a, true
		}
	}
	return Applet{}, false
}

// session is one applet run's settled configuration.
type session struct {
	*Context
	p      *out.Printer
	cfg    *envspec.Config
	consts envspec.Constants
	env    envspec.Environ // the environment children get: OT_* exported
}

// begin parses the OT_* variables and the checkout's constants. Any bad
// value is reported, naming the variable, before anything is changed.
func begin(c *Context) (*session, int) {
	p := &out.Printer{Stdout: c.Stdout, Stderr: c.Stderr}
	file := envspec.ReadEnvFile(envspec.EnvFilePath(c.Env), c.Env)
	if file != nil {
		for _, w := range file.Warnings {
			p.Warn("%s", w)
		}
	}
	cfg, err := envspec.ParseWithFile(c.Env, file)
	if err != nil {
		for _, e := range unjoin(err) {
			p.Error("%v", e)
		}
		return nil, 1
	}
	p.Debug = cfg.ScriptDebug
	s := &session{Context: c, p: p, cfg: cfg}
	if s.consts, err = envspec.ReadConstants(c.Dir); err != nil {
		p.Error("%v", err)
		return nil, 1
	}
	s.env = envspec.Export(c.Env, c.Dir, cfg, s.consts)
	for _, v := range envspec.Vars {
		p.Debugf("%s=%q (from %s)", v.Name, cfg.Values[v.Name], cfg.Source[v.Name])
	}
	if file != nil {
		for _, fv := range file.Ignored {
			p.Debugf("%s:%d: %s is not an OT_* setting, so the launcher ignores it", file.Path, fv.Line, fv.Key)
		}
	}
	return s, 0
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (s *session) runner() *proc.Runner {
	return &proc.Runner{P: s.p, Dir: s.Dir, Env: s.env, Stdin: s.Stdin, Stdout: s.Stdout, Stderr: s.Stderr}
}

// prepare readies the env; upgrade is update.sh's forced install.
func (s *session) prepare(upgrade bool) (pyenv.Env, int) {
	env, err := pyenv.Prepare(s, pyenv.Request{
		Checkout: s.Dir, Config: s.cfg, Constants: s.consts, Env: s.env,
		Run: s.runner(), Upgrade: upgrade,
	})
	if err != nil {
		return nil, s.fail(err)
	}
	return env, 0
}

// fail reports err unless it was reported already, and returns the status
// to exit with: a failed command's own, as under the original's set -e.
func (s *session) fail(err error) int {
	var f *pyenv.Failure
	if errors.As(err, &f) {
		return f.Code
	}
	var ee *proc.ExitError
	if !errors.As(err, &ee) || ee.Code == 126 || ee.Code == 127 {
		s.p.Error("%v", err)
	}
	return proc.Code(err)
}

// execPython replaces the launcher with python ARGS in env.
func (s *session) execPython(env pyenv.Env, args ...string) int {
	cmd := env.Python(args...)
	s.p.Command(cmd.Argv)
	code, err := s.Exec(s.Dir, cmd.Path, cmd.Argv, env.Environ())
	if err != nil {
		s.p.Error("%v", err)
	}
	return code
}
