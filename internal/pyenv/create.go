package pyenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// create makes the target's env and returns it as it is then; ours
// tells that the launcher began to make it before.
func (t Target) create(ctx context.Context, r Request, hp hostPy, ours bool) (Target, error) {
	if t.Kind == launch.KindConda {
		return t.createConda(ctx, r)
	}
	return t, t.createVenv(ctx, r, hp, ours)
}

// createVenv records the env as the launcher's before it exists, so that
// an interrupted creation is recognised, then has the host Python make it.
// When venv fails without making anything, the record goes again.
func (t Target) createVenv(ctx context.Context, r Request, hp hostPy, ours bool) error {
	v := t.venv
	_, statErr := os.Stat(v.Dir)
	madeDir := os.IsNotExist(statErr)
	if ours && !madeDir && statOK(filepath.Join(v.Dir, "bin", "python")) {
		r.Out.Status("The venv in %q was left half-made by an earlier launch (its creation was cut short or failed): making it again.", v.Given)
	}
	r.Out.Status("Creating Python Venv environment in %q...", v.Given)
	if err := os.MkdirAll(v.Dir, 0o777); err != nil {
		return out.Errorf("cannot create OT_PYTHON_VENV=%q: %w", v.Given, pathutil.Explain(v.Dir, err))
	}
	if err := MarkCreated(v.Dir); err != nil {
		return recordFailed(t, fmt.Sprintf("cannot write in OT_PYTHON_VENV=%q", v.Given), v.Dir, err)
	}
	err := r.Run.Run(ctx, proc.Cmd{Path: hp.exe, Argv: []string{hp.name, "-m", "venv", pathutil.Arg(v.Given)}})
	if err == nil {
		return nil
	}
	if madeDir {
		removeIfOnlyRecord(v.Dir)
	}
	var ee *proc.ExitError
	if !errors.As(err, &ee) || ee.Code == 126 || ee.Code == 127 {
		return err // could not be started: Report says so
	}
	kept := "The half-made venv is kept, as the launcher's; the next ./install.sh, ./start-ui.sh or ./run-cmd.sh makes it again."
	if !statOK(v.Dir) {
		kept = "Nothing was kept."
	}
	if ee.Code > 128 {
		return &out.Error{Code: ee.Code, Err: err, Msg: fmt.Sprintf("Interrupted while making the venv in %q (exit status %d). %s", v.Given, ee.Code, kept)}
	}
	return withSpace(r, &out.Error{Code: ee.Code, Err: err,
		Msg: fmt.Sprintf("Making the venv in %q with %s failed (exit status %d; its messages are above). %s", v.Given, hp.exe, ee.Code, kept)},
		"venv", v.Dir, "") // venv keeps ensurepip's words to itself: the filesystem tells
}

// createConda has conda make the env as the checkout's scripts do, and
// finds it where conda put it.
func (t Target) createConda(ctx context.Context, r Request) (Target, error) {
	c := t.conda
	r.Out.Status("Creating Conda environment %q...", c.Given)
	if err := r.Run.Run(ctx, proc.Cmd{Path: c.Exe, Argv: c.createArgs()}); err != nil {
		return t, withSpace(r, condaCreateFailed(r, c.Given, err), t.Place.Label, t.Place.Dir, "")
	}
	t, _ = t.locate(ctx, r, r.Run.Output)
	if !t.Exists {
		return t, out.Errorf("conda created the environment %q, but it cannot be found where conda keeps environments", c.Given)
	}
	if err := MarkCreated(t.Place.Dir); err != nil {
		return t, recordFailed(t, "cannot write in the new conda environment "+t.Place.Dir, t.Place.Dir, err)
	}
	return t, nil
}
