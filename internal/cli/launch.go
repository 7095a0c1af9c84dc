package cli

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
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
	if moved, err := checkout.Migrate(s.co); err != nil {
		return s, err
	} else if moved {
		s.out.Debugf("the launcher's state moved into %s", s.co.StateDir)
	}
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
// files say, the plan of the script it stands in for, the settings and
// constants, the environment children get, and the printer. It is built by
// launch and never changed; update.sh builds a second one after its pull.
type Launch struct {
	site
	Script string // the launch script this applet stands in for, "start-ui.sh"
	Facts  *upstream.Facts
	Plan   upstream.Plan // what that script does
	// Via is the hand-over followed to Plan's script, when one was.
	Via       *upstream.Handover
	Settings  *settings.Config
	Constants settings.Constants
	Env       environ.List // the environment children get: the checkout's exports made
	Out       *out.Printer // with debug lines when OT_SCRIPT_DEBUG is on
}

// launch reads what the checkout's own launch files say and asks the
// questions every applet asks first — can the launcher follow them, and is
// this a OneTrainer checkout? — then settles the configuration: the OT_*
// settings (environment, settings file, the checkout's defaults), the
// constants, and the environment children get. Any bad value is reported,
// naming the variable, before anything is changed. A script that hands
// over (the pixi family's to scripts/pip-install/ with OT_PIP_INSTALL)
// is followed there: the launch is that script's.
func (s site) launch(ctx context.Context, script string) (*Launch, error) {
	git := s.git()
	uname := s.inv.Host.Uname()
	file := settings.ReadEnvFile(settings.EnvFilePath(s.inv.Host, s.inv.Env), s.inv.Env)
	if file != nil {
		for _, w := range file.Warnings {
			s.out.Warn("%s", w)
		}
	}
	l, err := s.settle(script, checkout.Facts(ctx, s.co, uname, &git), file)
	if err != nil {
		return nil, err
	}
	if h := l.Plan.Handover; h != nil && l.Settings.Value(h.Var) == h.Value {
		if h.Message != "" {
			l.Out.Status("%s", h.Message)
		}
		hl, err := s.settle(script, checkout.HandoverFacts(ctx, s.co, uname, path.Dir(h.Script)), file)
		if err == nil {
			hl.Via = h
		}
		return hl, err
	}
	return l, nil
}

// followed is nil when the launcher can follow the facts, else the error
// that says what it cannot, and how to run the checkout's own scripts.
func (s site) followed(f *upstream.Facts, only string) error {
	if err := checkout.Follow(s.co, f, only); err != nil {
		return out.Errorf("%w", err).WithHints(fmt.Sprintf("Nothing was created or changed. To run this checkout's own launch scripts instead, put them back with: %s unlink %s", ownName, out.Quote(s.co.Root)))
	}
	return nil
}

// settle is launch's work for one set of facts.
func (s site) settle(script string, facts *upstream.Facts, file *settings.EnvFile) (*Launch, error) {
	if err := s.followed(facts, ""); err != nil {
		return nil, err
	}
	if err := checkout.Identify(s.co, facts, true); err != nil {
		return nil, out.Errorf("%w", err)
	}
	plan, ok := facts.PlanOf(script)
	if !ok {
		return nil, out.Errorf("this checkout has no %s, so the launcher cannot tell what it does", script).
			WithHints(fmt.Sprintf("git checkout -- %s brings git's back, if it is tracked.", script))
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
			p.Warn("%s is set, but this checkout's launch files do not know it: it has no effect here, as with the checkout's own scripts.", v.Name)
		}
	}
	consts, err := settings.ConstantsOf(facts)
	if err != nil {
		return nil, out.Errorf("%w", err)
	}
	l := &Launch{site: s, Script: script, Facts: facts, Plan: plan, Settings: cfg, Constants: consts, Out: p,
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

// request is what pyenv needs of the launch.
func (l *Launch) request() pyenv.Request {
	return pyenv.Request{
		Checkout: l.co, Applet: l.Script, Settings: l.Settings, Constants: l.Constants, Facts: l.Facts,
		Env: l.Env, Host: l.inv.Host, Run: l.run(), Out: l.Out, Installed: l.recordUpdate,
	}
}

// prepare readies the env as the script's call of prepare_runtime_environment
// asks, by the checkout's family: for the pip family, its "upgrade"
// installs into a ready env (unless lazy updates find nothing new); for
// the pixi family, pixi is found, updated and installs as its own
// prepare_runtime_environment says.
func (l *Launch) prepare(ctx context.Context, lazyNeeded bool) (pyenv.Result, error) {
	r := l.request()
	if l.Facts.Family.Value == upstream.FamilyPixi {
		return pyenv.PreparePixi(ctx, r, pyenv.PixiModeOf(l.Facts, l.Plan.Prepare))
	}
	r.Upgrade = l.Plan.Prepare == "upgrade" && lazyNeeded
	return pyenv.Prepare(ctx, r)
}

// passedOn is what of the applet's arguments reaches the script: all of
// them, except through a hand-over that passes none on, which the
// checkout's own script does too, said in a warning.
func (l *Launch) passedOn(args []string) []string {
	if l.Via == nil || l.Via.PassesArgs || len(args) == 0 {
		return args
	}
	l.Out.Warn("%s: %s hands over to %s without its arguments, so %s reach nothing, as with the checkout's own script.",
		l.Via.Where, l.Script, l.Via.Script, out.QuoteArgs(args))
	return nil
}

// execRun replaces the launcher with what the script's runner runs, the
// slot (run-cmd.sh's script) filled with slot, and args after it.
func (l *Launch) execRun(t pyenv.Target, slot string, args ...string) error {
	words := l.Plan.Run.With(slot)[1:] // after the runner function's name
	for i, w := range words {
		if strings.HasSuffix(w, ".py") {
			words[i] = pathutil.Arg(w)
		}
	}
	cmd := t.Run(words, args...)
	l.Out.Command(cmd.Argv)
	code, err := l.inv.Exec(l.co.Root, cmd.Path, cmd.Argv, t.Environ())
	if err != nil {
		return &out.Error{Msg: err.Error(), Code: code, Err: err}
	}
	if code != 0 {
		return out.Quiet(code) // the script's own status, as PID 1's child
	}
	return nil
}
