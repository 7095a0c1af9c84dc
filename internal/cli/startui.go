package cli

import (
	"context"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// startUI prepares the runtime and becomes OneTrainer's UI — the script the
// checkout's own start-ui.sh runs — passing every argument through
// untouched.
func startUI(ctx context.Context, inv Invocation, args []string) error {
	l, err := begin(ctx, inv, layout.StartUIScript)
	if err != nil {
		return err
	}
	res, err := l.prepare(ctx, false)
	if err != nil {
		return err
	}
	return l.execPython(res.Target, append([]string{pathutil.Arg(l.Facts.UIScript.Value)}, args...)...)
}
