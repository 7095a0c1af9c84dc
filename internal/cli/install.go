package cli

import (
	"context"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
)

// install prepares the runtime as the checkout's install.sh does: it
// creates the env if needed and installs the requirements into a new one
// (or one whose install did not complete); in the pixi family it has pixi
// install the environment. Arguments are ignored, as by install.sh.
func install(ctx context.Context, inv Invocation, args []string) error {
	l, err := begin(ctx, inv, layout.InstallScript)
	if err != nil {
		return err
	}
	if l.Fallback != nil {
		return l.runOwn(ctx, args)
	}
	res, err := l.prepare(ctx, true)
	if err != nil {
		return err
	}
	l.ready(res)
	l.checkUI(ctx, res)
	return nil
}

// ready is the closing line of install.sh and update.sh: what is ready and
// what to run next.
func (l *applet) ready(res pyenv.Result) {
	what := "has OneTrainer's requirements installed"
	_, pixi := l.Runtime.(*launch.Pixi)
	switch {
	case pixi && res.Installed:
		what = "is installed (" + res.Platform + ")"
	case pixi:
		what = "is ready (" + res.Platform + ")"
	case res.Created:
		what = "was created, with OneTrainer's requirements (" + res.Platform + ")"
	case res.Installed:
		what = "has OneTrainer's requirements installed now (" + res.Platform + ")"
	}
	l.Out.Status("Ready: the %s %s. Start OneTrainer with ./start-ui.sh, or run a script with ./run-cmd.sh NAME.", res.Target.Place.Label, what)
}

// checkUI says, after an install, what would keep the UI from opening,
// and remembers what it asked the env's Python.
func (l *applet) checkUI(ctx context.Context, res pyenv.Result) {
	checks := pyenv.CheckUI(ctx, l.request(), res.Target, l.Facts.UIScript.Value, false)
	if res.Installed {
		checks = pyenv.RememberUI(ctx, l.request(), res.Target, l.Facts.UIScript.Value)
	}
	l.warnUI(checks)
}

// warnUI warns of each UI check that failed, with its fix.
func (l *applet) warnUI(checks []pyenv.UICheck) {
	for _, c := range checks {
		if !c.OK {
			l.Out.Warn("The UI (%s) may not open: %s is missing: %s. To fix it: %s", l.Facts.UIScript.Value, c.Name, c.Problem, c.Fix)
		}
	}
}
