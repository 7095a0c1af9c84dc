package cli

import (
	"context"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/settings"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// site is a command's checkout before anything of it is read: the
// invocation, the checkout's layout and the printer. A journal left by a
// cut-short update is finished when it is opened.
type site struct {
	inv Invocation
	co  layout.Checkout
	out *out.Printer
}

// openSite opens the checkout the invocation serves.
func openSite(ctx context.Context, inv Invocation) (site, error) {
	s := site{inv: inv, co: layout.Open(inv.Dir), out: inv.printer()}
	if checkout.Pending(s.co) {
		if err := s.linker().Repair(ctx, s.out); err != nil {
			return s, err
		}
	}
	return s, nil
}

// runner is the one way commands get a Runner: in the checkout, with env,
// the invocation's stdio, and steps announced by p.
func (s site) runner(env environ.List, p *out.Printer) proc.Runner {
	return proc.Runner{Dir: s.co.Root, Env: env, Stdio: s.inv.Stdio, Echo: p.Command}
}

func (s site) git() gitx.Git { return gitx.Git{Dir: s.co.Root, Run: s.runner(s.inv.Env, s.out)} }

func (s site) linker() *checkout.Linker {
	self, _ := selfPath()
	return &checkout.Linker{Checkout: s.co, Self: self, Run: s.runner(s.inv.Env, s.out)}
}

// Launch is one applet run, settled once: the checkout and what its launch
// files say, the settings and constants, the environment children get,
// and the printer. It is built by launch and never changed; update.sh
// builds a second one after its pull.
type Launch struct {
	site
	Script    string // the launch script this applet stands in for, "start-ui.sh"
	Facts     *upstream.Facts
	Settings  *settings.Config
	Constants settings.Constants
	Env       environ.List // the environment children get: the checkout's exports made
	Out       *out.Printer // with debug lines when OT_SCRIPT_DEBUG is on
}

// launch reads what the checkout's own launch files say and asks the
// question every applet asks first — is this a OneTrainer checkout? —
// then settles the configuration: the OT_* settings (environment,
// settings file, the checkout's defaults), the constants, and the
// environment children get. Any bad value is reported, naming the
// variable, before anything is changed.
func (s site) launch(ctx context.Context, script string) (*Launch, error) {
	git := s.git()
	facts := checkout.Facts(ctx, s.co, s.inv.Host.Uname(), &git)
	if err := checkout.Identify(s.co, facts.UIScript.Value); err != nil {
		return nil, out.Errorf("%w", err)
	}
	file := settings.ReadEnvFile(settings.EnvFilePath(s.inv.Host, s.inv.Env), s.inv.Env)
	if file != nil {
		for _, w := range file.Warnings {
			s.out.Warn("%s", w)
		}
	}
	cfg, err := settings.Parse(s.inv.Env, file, facts)
	if err != nil {
		return nil, err
	}
	p := &out.Printer{Stdout: s.out.Stdout, Stderr: s.out.Stderr, Debug: cfg.ScriptDebug}
	for _, w := range facts.Warnings {
		p.Warn("%s", w)
	}
	for _, v := range settings.Vars {
		if cfg.Unknown(v.Name) && cfg.Given(v.Name) {
			p.Warn("%s is set, but this checkout's lib.include.sh does not know it: it has no effect here, as with the checkout's own scripts.", v.Name)
		}
	}
	consts, err := settings.ConstantsOf(facts)
	if err != nil {
		return nil, out.Errorf("%w", err)
	}
	l := &Launch{site: s, Script: script, Facts: facts, Settings: cfg, Constants: consts, Out: p,
		Env: settings.Export(s.inv.Env, s.co.Root, s.inv.Host, cfg, facts, script)}
	if p.Debug {
		for _, set := range cfg.Settings {
			from := set.Source
			if from == settings.SourceDefault {
				from = "the default in " + set.DefaultFrom
				if set.DefaultFrom == upstream.BuiltIn {
					from = "the built-in default"
				}
			}
			p.Debugf("%s=%q (from %s)", set.Name, set.Value, from)
		}
		if file != nil {
			for _, fv := range file.Ignored {
				p.Debugf("%s:%d: %s is not an OT_* setting, so the launcher ignores it", file.Path, fv.Line, fv.Key)
			}
		}
	}
	return l, nil
}

// begin opens the checkout and settles the launch of script.
func begin(ctx context.Context, inv Invocation, script string) (*Launch, error) {
	s, err := openSite(ctx, inv)
	if err != nil {
		return nil, err
	}
	return s.launch(ctx, script)
}

// run is the launch's runner: in the checkout, with the children's
// environment.
func (l *Launch) run() proc.Runner { return l.runner(l.Env, l.Out) }

// request is what pyenv needs of the launch; upgrade is update.sh's
// install into a ready env.
func (l *Launch) request(upgrade bool) pyenv.Request {
	return pyenv.Request{
		Checkout: l.co, Applet: l.Script, Settings: l.Settings, Constants: l.Constants, Facts: l.Facts,
		Env: l.Env, Host: l.inv.Host, Run: l.run(), Out: l.Out, Upgrade: upgrade, Installed: l.recordUpdate,
	}
}

// prepare readies the env.
func (l *Launch) prepare(ctx context.Context, upgrade bool) (pyenv.Result, error) {
	return pyenv.Prepare(ctx, l.request(upgrade))
}

// execPython replaces the launcher with python ARGS in the env.
func (l *Launch) execPython(t pyenv.Target, args ...string) error {
	cmd := t.Python(args...)
	l.Out.Command(cmd.Argv)
	code, err := l.inv.Exec(l.co.Root, cmd.Path, cmd.Argv, t.Environ())
	if err != nil {
		return &out.Error{Msg: err.Error(), Code: code, Err: err}
	}
	if code != 0 {
		return out.Quiet(code) // Python's own status, as PID 1's child
	}
	return nil
}
