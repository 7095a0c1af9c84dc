package cli

import (
	"context"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
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

// applet is one applet run: the site, the launch as launch.Decide settled
// it (what every step reads; nothing here decides it again), and the
// printer, with debug lines when OT_SCRIPT_DEBUG is on. update.sh makes a
// second one after its pull.
type applet struct {
	site
	*launch.Launch
	Out *out.Printer
}

// launch settles the launch of script and says what deciding noticed:
// the settings file's, the launch files' and the settings' warnings, and
// a hand-over's status line. Any bad value is reported, naming the
// variable, before anything is changed.
func (s site) launch(ctx context.Context, script string) (*applet, error) {
	git := s.git()
	l, err := launch.Decide(ctx, launch.Input{Checkout: s.co, Env: s.inv.Env, Host: s.inv.Host, Git: &git}, script)
	if l.Fallback != nil {
		// The checkout's own script runs as it is: what deciding noticed
		// is the script's business (runOwn says the one warning).
		return &applet{site: s, Launch: l, Out: s.out}, nil
	}
	p := &out.Printer{Stdout: s.out.Stdout, Stderr: s.out.Stderr, Debug: err == nil && l.Settings.ScriptDebug}
	for _, m := range l.Messages {
		if m.Warning {
			p.Warn("%s", m.Text)
		} else {
			p.Status("%s", m.Text)
		}
	}
	if err != nil {
		return nil, err
	}
	if p.Debug {
		for _, set := range l.Settings.Settings {
			from := set.Source
			if from == settings.SourceDefault {
				from = "the default in " + set.DefaultFrom
				if set.DefaultFrom == upstream.BuiltIn {
					from = "the built-in default"
				}
			}
			p.Debugf("%s=%q (from %s)", set.Name, set.Value, from)
		}
		if l.File != nil {
			for _, k := range l.File.Passed() {
				p.Debugf("%s:%d: %s is handed to the launch where the environment does not set it (its value is not shown)", l.File.Path, l.File.Values[k].Line, k)
			}
		}
	}
	return &applet{site: s, Launch: l, Out: p}, nil
}

// begin opens the checkout and settles the launch of script. A launch
// that runs the checkout's own script (a Fallback) is not stopped by a
// repair that failed: that is said, and the script runs.
func begin(ctx context.Context, inv Invocation, script string) (*applet, error) {
	s, err := openSite(ctx, inv)
	if err != nil {
		git := s.git()
		if l, _ := launch.Decide(ctx, launch.Input{Checkout: s.co, Env: s.inv.Env, Host: s.inv.Host, Git: &git}, script); l.Fallback != nil {
			s.out.Warn("%v", err)
			return &applet{site: s, Launch: l, Out: s.out}, nil
		}
		return nil, err
	}
	return s.launch(ctx, script)
}

// run is the applet's runner: in the checkout, with the children's
// environment.
func (a *applet) run() proc.Runner { return a.runner(a.Env, a.Out) }

// request is what pyenv acts on: the launch, and how to run and print.
func (a *applet) request() pyenv.Request {
	return pyenv.Request{Launch: a.Launch, Run: a.run(), Out: a.Out, Installed: a.recordUpdate}
}

// prepare readies the runtime as the script's call of
// prepare_runtime_environment asks: in the pip family its "upgrade"
// installs into a ready env (unless lazy updates find nothing new); the
// pixi family's runtime carries what its script asks of pixi.
func (a *applet) prepare(ctx context.Context, lazyNeeded bool) (pyenv.Result, error) {
	r := a.request()
	r.Upgrade = a.Plan.Prepare == "upgrade" && lazyNeeded
	res, err := pyenv.Prepare(ctx, r)
	if res.Installed || res.Created {
		a.inv.log.installed()
	}
	return res, err
}

// passedOn is what of the applet's arguments reaches the script: all of
// them, except through a hand-over that passes none on, which the
// checkout's own script does too, said in a warning.
func (l *applet) passedOn(args []string) []string {
	if l.Via == nil || l.Via.PassesArgs || len(args) == 0 {
		return args
	}
	l.Out.Warn("%s: %s hands over to %s without its arguments, so %s reach nothing, as with the checkout's own script.",
		l.Via.Where, l.Script, l.Via.Script, out.QuoteArgs(args))
	return nil
}

// execRun replaces the launcher with what the script's runner runs, the
// slot (run-cmd.sh's script) filled with slot, and args after it.
func (l *applet) execRun(t pyenv.Target, slot string, args ...string) error {
	words := l.Plan.Run.With(slot)[1:] // after the runner function's name
	for i, w := range words {
		if strings.HasSuffix(w, ".py") {
			words[i] = pathutil.Arg(w)
		}
	}
	cmd := t.Run(words, args...)
	l.Out.Command(cmd.Argv)
	l.inv.log.beforeExec(l.co, l.Out, cmd.Argv)
	code, err := l.inv.Exec(l.co.Root, cmd.Path, cmd.Argv, t.Environ())
	if err != nil {
		return &out.Error{Msg: err.Error(), Code: code, Err: err}
	}
	if code != 0 {
		return out.Quiet(code) // the script's own status, as PID 1's child
	}
	return nil
}
