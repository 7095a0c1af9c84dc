package cli

import (
	"context"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
)

// startUI prepares the runtime and becomes OneTrainer's UI — the script the
// checkout's own start-ui.sh runs — passing every argument through
// untouched.
func startUI(ctx context.Context, inv Invocation, args []string) error {
	l, err := begin(ctx, inv, layout.StartUIScript)
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
	if res.Installed {
		l.checkUI(ctx, res)
	} else {
		l.warnUI(pyenv.CheckUI(ctx, l.request(), res.Target, l.Facts.UIScript.Value, false))
	}
	l.warnDisplay()
	return l.execRun(res.Target, "", l.passedOn(args)...)
}
