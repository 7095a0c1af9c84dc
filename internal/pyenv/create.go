package pyenv

import (
	"context"
	"os"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// create makes the target's env and returns it as it is then.
func (t Target) create(ctx context.Context, r Request, hp hostPy) (Target, error) {
	if t.Kind == KindConda {
		return t.createConda(ctx, r)
	}
	return t, t.createVenv(ctx, r, hp)
}

// createVenv records the env as the launcher's before it exists, so that
// an interrupted creation is recognised, then has the host Python make it.
// When venv fails without making anything, the record goes again.
func (t Target) createVenv(ctx context.Context, r Request, hp hostPy) error {
	v := t.venv
	r.Out.Status("Creating Python Venv environment in %q...", v.Given)
	_, statErr := os.Stat(v.Dir)
	madeDir := os.IsNotExist(statErr)
	if err := os.MkdirAll(v.Dir, 0o755); err != nil {
		return out.Errorf("cannot create OT_PYTHON_VENV=%q: %w", v.Given, pathutil.Explain(v.Dir, err))
	}
	if err := MarkCreated(v.Dir); err != nil {
		return out.Errorf("cannot write in OT_PYTHON_VENV=%q: %w", v.Given, pathutil.Explain(v.Dir, err))
	}
	err := r.Run.Run(ctx, proc.Cmd{Path: hp.exe, Argv: []string{hp.name, "-m", "venv", pathutil.Arg(v.Given)}})
	if err != nil && madeDir {
		removeIfOnlyRecord(v.Dir)
	}
	return err
}

// createConda has conda make the env as the checkout's scripts do, and
// finds it where conda put it.
func (t Target) createConda(ctx context.Context, r Request) (Target, error) {
	c := t.conda
	r.Out.Status("Creating Conda environment %q...", c.Given)
	if err := r.Run.Run(ctx, proc.Cmd{Path: c.Exe, Argv: c.createArgs()}); err != nil {
		return t, err
	}
	t, _ = t.locate(ctx, r, r.Run.Output)
	if !t.Exists {
		return t, out.Errorf("conda created the environment %q, but it cannot be found where conda keeps environments", c.Given)
	}
	if err := MarkCreated(t.Place.Dir); err != nil {
		return t, out.Errorf("cannot write in the new conda environment %s: %w", t.Place.Dir, pathutil.Explain(t.Place.Dir, err))
	}
	return t, nil
}
