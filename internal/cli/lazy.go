package cli

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Lazy updates (OT_LAZY_UPDATES): the git HEAD of the last install is kept in update.var, and update.sh installs
// only when HEAD moved. A checkout whose lib.include.sh does not know the
// setting has neither.

// updateNeeded tells update.sh whether to install into a ready env.
func (l *applet) updateNeeded(ctx context.Context) (bool, error) {
	if !l.Settings.LazyUpdates || l.Settings.Unknown(upstream.VarLazyUpdates) {
		return true, nil
	}
	saved, err := pathutil.ReadFile(l.co.Path(layout.UpdateVar), pathutil.TinyFile)
	if err != nil {
		return true, nil // no record: install
	}
	head, err := l.head(ctx)
	if err != nil {
		return false, err
	}
	l.Out.Debugf("Saved HEAD %q, current HEAD %q", strings.TrimSpace(string(saved)), head)
	return strings.TrimSpace(string(saved)) != head, nil
}

// recordUpdate runs after every completed install: with OT_LAZY_UPDATES
// it records HEAD in update.var, otherwise it removes a leftover one.
func (l *applet) recordUpdate(ctx context.Context) error {
	if l.Settings.Unknown(upstream.VarLazyUpdates) {
		return nil
	}
	path := l.co.Path(layout.UpdateVar)
	if !l.Settings.LazyUpdates {
		if _, err := os.Stat(path); err == nil {
			l.Out.Debugf("Removing %s: OT_LAZY_UPDATES is off", layout.UpdateVar)
			return os.Remove(path)
		}
		return nil
	}
	head, err := l.head(ctx)
	if err != nil {
		return err
	}
	l.Out.Debugf("Recording HEAD %s in %s", head, layout.UpdateVar)
	return pathutil.WriteFile(path, []byte(head+"\n"))
}

// head is the checkout's git HEAD; outside git, an error that says lazy
// updates need it, with git's words and status.
func (l *applet) head(ctx context.Context) (string, error) {
	h, err := l.git().Head(ctx)
	if err == nil {
		return h, nil
	}
	code := 1
	var ee *proc.ExitError
	if errors.As(err, &ee) {
		code = ee.Code
	}
	return "", &out.Error{Code: code, Err: err,
		Msg:   upstream.VarLazyUpdates + " is on, but git cannot tell this checkout's commit (" + err.Error() + "): lazy updates need a git checkout",
		Hints: []string{"Set OT_LAZY_UPDATES=false, or use a git clone of OneTrainer."}}
}
