package applets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/linker"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/pyenv"
	"github.com/onetrainer-launcher/onetrainer-launcher/upstream"
)

// session is one applet run's settled configuration.
type session struct {
	*Context
	p      *out.Printer
	script string // the launch script this applet stands in for, "start-ui.sh"
	state  linker.State
	facts  *upstream.Facts
	cfg    *envspec.Config
	consts envspec.Constants
	env    envspec.Environ // the environment children get: the checkout's exports made
}

// open starts an applet run: the state of the checkout (a journal left by
// a cut-short update is finished first), what the checkout's own launch
// files say, and the question every applet asks first — is this a
// OneTrainer checkout? With learn false (update.sh before its pull) the
// launch files are not read, and the question leaves out the UI script
// they name.
func open(c *Context, script string, learn bool) (*session, error) {
	s := &session{Context: c, p: &out.Printer{Stdout: c.Stdout, Stderr: c.Stderr}, script: script, state: linker.StateOf(c.Dir)}
	if s.state.Pending() {
		if err := s.linker().Repair(c, s.p); err != nil {
			return nil, err
		}
	}
	ui := ""
	if learn {
		s.facts = s.state.Facts(c, &gitx.Git{Dir: c.Dir, Run: s.runner()})
		ui = s.facts.UIScript.Value
	}
	if err := envspec.CheckCheckout(c.Dir, ui); err != nil {
		return nil, out.Errorf("%v", err)
	}
	return s, nil
}

// begin opens the run and settles the configuration: the OT_* settings
// (environment, settings file, the checkout's defaults), the constants,
// and the environment children get. Any bad value is reported, naming the
// variable, before anything is changed.
func begin(c *Context, script string) (*session, error) {
	s, err := open(c, script, true)
	if err != nil {
		return nil, err
	}
	return s, s.settle()
}

// settle reads the settings and the checkout's constants; update.sh does
// it after the pull, which may have changed them.
func (s *session) settle() error {
	file := envspec.ReadEnvFile(envspec.EnvFilePath(s.Env), s.Env)
	if file != nil {
		for _, w := range file.Warnings {
			s.p.Warn("%s", w)
		}
	}
	cfg, err := envspec.Parse(s.Env, file, s.facts)
	if err != nil {
		return err
	}
	s.cfg = cfg
	s.p.Debug = cfg.ScriptDebug
	for _, w := range s.facts.Warnings {
		s.p.Warn("%s", w)
	}
	for _, v := range envspec.Vars {
		if cfg.Unknown(v.Name) && cfg.Given(v.Name) {
			s.p.Warn("%s is set, but this checkout's lib.include.sh does not know it: it has no effect here, as with the checkout's own scripts.", v.Name)
		}
	}
	if s.consts, err = envspec.ConstantsOf(s.facts); err != nil {
		return out.Errorf("%v", err)
	}
	s.env = envspec.Export(s.Env, s.Dir, cfg, s.facts, s.script)
	if s.p.Debug {
		for _, set := range cfg.Settings {
			from := set.Source
			if from == envspec.SourceDefault {
				from = "the default in " + set.DefaultFrom
				if set.DefaultFrom == upstream.BuiltIn {
					from = "the built-in default"
				}
			}
			s.p.Debugf("%s=%q (from %s)", set.Name, set.Value, from)
		}
		if file != nil {
			for _, fv := range file.Ignored {
				s.p.Debugf("%s:%d: %s is not an OT_* setting, so the launcher ignores it", file.Path, fv.Line, fv.Key)
			}
		}
	}
	return nil
}

func (s *session) runner() *proc.Runner {
	return &proc.Runner{P: s.p, Dir: s.Dir, Env: s.env, Stdin: s.Stdin, Stdout: s.Stdout, Stderr: s.Stderr}
}

func (s *session) git() gitx.Git { return gitx.Git{Dir: s.Dir, Run: s.runner()} }

func (s *session) linker() *linker.Linker {
	self, _ := selfPath()
	return &linker.Linker{State: s.state, Scripts: Scripts(), Self: self, Run: s.runner()}
}

// prepare readies the env; upgrade is update.sh's install into a ready env.
func (s *session) prepare(upgrade bool) (pyenv.Result, error) {
	return pyenv.Prepare(s, pyenv.Request{
		Checkout: s.Dir, Applet: s.script, Config: s.cfg, Constants: s.consts, Facts: s.facts, Env: s.env,
		Run: s.runner(), Upgrade: upgrade, Installed: s.recordUpdate,
	})
}

// execPython replaces the launcher with python ARGS in env.
func (s *session) execPython(env pyenv.Env, args ...string) error {
	cmd := env.Python(args...)
	s.p.Command(cmd.Argv)
	code, err := s.Exec(s.Dir, cmd.Path, cmd.Argv, env.Environ())
	if err != nil {
		return &out.Error{Msg: err.Error(), Code: code, Err: err}
	}
	if code != 0 {
		return out.Quiet(code) // Python's own status, as PID 1's child
	}
	return nil
}

// Lazy updates (OT_LAZY_UPDATES, in OneTrainer since 2025-01): the git
// HEAD of the last install is kept in update.var, and update.sh installs
// only when HEAD moved. A checkout whose lib.include.sh does not know the
// setting has neither.

// updateNeeded tells update.sh whether to install into a ready env.
func (s *session) updateNeeded(ctx context.Context) (bool, error) {
	if !s.cfg.LazyUpdates || s.cfg.Unknown("OT_LAZY_UPDATES") {
		return true, nil
	}
	saved, err := pathutil.ReadFile(filepath.Join(s.Dir, envspec.UpdateMetadataFile), pathutil.TinyFile)
	if err != nil {
		return true, nil // no record: install
	}
	head, err := s.head(ctx)
	if err != nil {
		return false, err
	}
	s.p.Debugf("Saved HEAD %q, current HEAD %q", strings.TrimSpace(string(saved)), head)
	return strings.TrimSpace(string(saved)) != head, nil
}

// recordUpdate runs after every completed install: with OT_LAZY_UPDATES
// it records HEAD in update.var, otherwise it removes a leftover one.
func (s *session) recordUpdate(ctx context.Context) error {
	if s.cfg.Unknown("OT_LAZY_UPDATES") {
		return nil
	}
	path := filepath.Join(s.Dir, envspec.UpdateMetadataFile)
	if !s.cfg.LazyUpdates {
		if _, err := os.Stat(path); err == nil {
			s.p.Debugf("Removing %s: OT_LAZY_UPDATES is off", envspec.UpdateMetadataFile)
			return os.Remove(path)
		}
		return nil
	}
	head, err := s.head(ctx)
	if err != nil {
		return err
	}
	s.p.Debugf("Recording HEAD %s in %s", head, envspec.UpdateMetadataFile)
	return pathutil.WriteFile(path, []byte(head+"\n"))
}

// head is the checkout's git HEAD; outside git, an error that says lazy
// updates need it, with git's words and status.
func (s *session) head(ctx context.Context) (string, error) {
	h, err := s.git().Head(ctx)
	if err == nil {
		return h, nil
	}
	code := 1
	var ee *proc.ExitError
	if errors.As(err, &ee) {
		code = ee.Code
	}
	return "", &out.Error{Code: code, Err: err,
		Msg: "OT_LAZY_UPDATES is on, but git cannot tell this checkout's commit (" + err.Error() + "): lazy updates need a git checkout. Set OT_LAZY_UPDATES=false, or use a git clone of OneTrainer"}
}
