package pyenv

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Request is what Prepare and Inspect act on: the launch, decided once
// (the checkout, its facts, the settings, the runtime, the environment
// children get), how to run steps and where to print.
type Request struct {
	*launch.Launch
	// Run runs steps in the checkout with the launch's Env, announcing
	// them; its Ask asks questions.
	Run proc.Runner
	Out *out.Printer
	// Upgrade asks for the requirements to be installed even into a
	// ready env (update.sh; the applet has applied OT_LAZY_UPDATES).
	Upgrade bool
	// Installed, when set, runs after a completed install (update.var).
	Installed func(ctx context.Context) error
}

// Result says what Prepare did, for the applet's closing line.
type Result struct {
	Target    Target
	Created   bool // the env was made now
	Installed bool // the requirements were installed now
	Platform  string
}

// state is what Prepare finds of an env: whether it exists and the
// launcher's record of it.
type state struct {
	exists bool
	rec    Record
}

func (s state) ready() bool { return s.exists && !s.rec.Pending() }

// Prepare makes the launch's runtime ready: for the pixi family as its
// prepare_runtime_environment does (PreparePixi); for a venv or a conda
// env, the steps of the pip family's prepare_runtime_environment, with a
// record of what was done so that an interrupted install is finished by
// the next launch. When the env is ready and nothing is asked of it, it
// only runs the (remembered) version check, taking no lock; otherwise it
// checks what could refuse, takes the lock, finds the env again — another
// launch may have changed it while this one waited — and acts on what it
// finds then.
func Prepare(ctx context.Context, r Request) (Result, error) {
	var v *launch.Venv
	switch rt := r.Runtime.(type) {
	case *launch.Pixi:
		return PreparePixi(ctx, r, rt)
	case *launch.Venv:
		v = rt
	}
	t, err := target(ctx, r, r.Run.Output)
	if err != nil {
		return Result{}, err
	}
	// A venv's host Python: a set OT_PYTHON_CMD must exist even for a
	// ready venv, as in the original scripts, but only a venv to be made
	// needs it asked what it is (a Python run on every warm launch would
	// cost it as much again); the default is looked for only to make one.
	// A conda env brings its own Python, and needs none of this.
	var hp hostPy
	if v != nil {
		switch {
		case !t.Exists:
			hp, err = hostPython(ctx, r, v)
		case v.Python.Given:
			_, err = lookGivenPython(ctx, r, v)
		}
		if err != nil {
			return Result{}, err
		}
	}
	r.Out.Say("Using " + t.Place.Label + "...")

	st, err := look(t)
	if err != nil {
		return Result{}, err
	}
	if st.ready() && !r.Upgrade {
		if changed := st.rec.Changed(r.Checkout.Root); len(changed) > 0 {
			r.Out.Status("%s changed since the requirements were installed: ./update.sh brings the environment up to date.", strings.Join(changed, ", "))
		}
		return Result{Target: t}, checkVersion(ctx, r, t)
	}

	// Something will change. Whatever can refuse is checked first, so that
	// a refusal leaves nothing behind; then one launch at a time, and the
	// target is judged again under the lock.
	if !t.Exists {
		if err := t.checkTarget(st.rec.Created); err != nil {
			return Result{}, err
		}
	}
	platform, err := choosePlatform(ctx, r)
	if err != nil {
		return Result{}, err
	}
	beforeInstall(ctx, r, t, platform)
	lock, err := takeLock(t.Place, r.Out)
	if err != nil {
		return Result{}, err
	}
	defer lock.Release()
	if t, err = t.locate(ctx, r, r.Run.Output); err != nil {
		return Result{}, err
	}
	if st, err = look(t); err != nil {
		return Result{}, err
	}
	res := Result{Target: t, Platform: platform}
	switch {
	case !t.Exists:
		if err := t.checkTarget(st.rec.Created); err != nil {
			return res, err
		}
		if v != nil && hp.exe == "" { // the venv was there before the lock was had
			if hp, err = hostPython(ctx, r, v); err != nil {
				return res, err
			}
		}
		otherEnvs(r, t)
		if t, err = t.create(ctx, r, hp, st.rec.Created); err != nil {
			return res, err
		}
		res.Target, res.Created = t, true
	case !st.rec.Pending() && !r.Upgrade:
		// Another launch made it ready while this one waited.
		return res, checkVersion(ctx, r, t)
	}
	if err := checkVersion(ctx, r, t); err != nil {
		return res, err
	}
	if t.Exists && st.rec.Pending() && !res.Created {
		// Said once the version check passed: an env of the wrong Python
		// gets nothing installed, and is not told it will.
		r.Out.Status("Installing the requirements of the %s now: %s.", t.Place.Label, st.rec.Why())
	}
	if err := install(ctx, r, t, platform); err != nil {
		return res, err
	}
	res.Installed = true
	return res, nil
}

// look checks that an env that is there can still be run, and reads the
// launcher's record of it.
func look(t Target) (state, error) {
	if t.Exists {
		if err := health(t); err != nil {
			return state{}, err
		}
	}
	st := state{exists: t.Exists}
	if t.Place.Dir != "" {
		var err error
		if st.rec, err = ReadRecord(t.Place.Dir); err != nil {
			return state{}, out.Errorf("%w", err)
		}
	}
	return st, nil
}

// checkTarget refuses a place the env cannot be made in; ours tells that
// the launcher began to make the env there. conda refuses a prefix it
// cannot use itself.
func (t Target) checkTarget(ours bool) error {
	if t.Kind == launch.KindVenv {
		return t.venv.checkTarget(ours)
	}
	return nil
}

// takeLock takes the env's lock, saying so when another launch holds it.
func takeLock(pl Place, p *out.Printer) (*pathutil.Lock, error) {
	lock, _, err := pathutil.TakeLock(pl.Lock, true, func() {
		p.Status("Waiting for another launch that is preparing the %s...", pl.Label)
	})
	if err == nil {
		return lock, nil
	}
	var nl *pathutil.NotALockFile
	if errors.As(err, &nl) {
		return nil, out.Errorf("cannot prepare the %s: %w", pl.Label, err).
			WithHints("Nothing was changed. If you did not put it there, someone else may have (a shared folder): look at it, then remove it, and the launcher makes the lock file itself: rm " + out.Quote(pl.Lock))
	}
	if errors.Is(err, syscall.EISDIR) {
		return nil, out.Errorf("cannot prepare the %s: its lock file %s is a directory", pl.Label, pl.Lock).
			WithHints("Move that directory away; the launcher makes the lock file itself.")
	}
	if dir := filepath.Dir(pl.Lock); errors.Is(err, fs.ErrNotExist) && statOK(dir) {
		// The folder is there but takes no new file (/proc, a read-only
		// mount): "does not exist" would be a riddle.
		return nil, out.Errorf("cannot prepare the %s: %s takes no new files, so neither the env nor its lock file %s can be made there", pl.Label, dir, filepath.Base(pl.Lock)).
			WithHints("Choose a place you can write to (OT_PYTHON_VENV, OT_CONDA_ENV), or leave it to its default in the checkout.")
	}
	return nil, out.Errorf("cannot prepare the %s: its lock file cannot be made: %w", pl.Label, pathutil.Explain(pl.Lock, err))
}

// checkVersion runs the checkout's version check in the env, unless the
// same check (same interpreter, env, script and bounds) passed before.
func checkVersion(ctx context.Context, r Request, t Target) error {
	b := r.Constants
	pl := t.Place
	script := r.Checkout.Path(layout.VersionCheckScript)
	key, keyErr := VersionKey(pl.Python, pl.EnvFile, script, b.PythonVersionMinimum, b.PythonVersionTooHigh)
	if keyErr == nil && VersionPassed(pl.Dir, key) {
		r.Out.Debugf("Python version check skipped: it passed before with this interpreter, script and bounds")
		return nil
	}
	run := r.Run.With(r.Checkout.Root, t.Environ())
	if err := run.Run(ctx, t.versionCheck(layout.VersionCheckScript, b.PythonVersionMinimum, b.PythonVersionTooHigh)); err != nil {
		var ee *proc.ExitError
		if errors.As(err, &ee) && (ee.Code > 128 || ee.Code == 126 || ee.Code == 127) {
			return err // interrupted, or not run at all: not a wrong version
		}
		// The check printed why; the advice follows.
		return out.Quiet(1, t.solutions(r)...)
	}
	if keyErr == nil {
		RememberVersionPass(pl.Dir, key)
	}
	return nil
}

// health fails for an env whose Python cannot be run: gone (the Python it
// was made from was upgraded or removed: Homebrew, pyenv), or out of the
// user's reach (a venv made by another user from a Python only they can
// reach). Only the first is fixed by making the env again, and a recreate
// would silently lose what is installed, so the user decides; for the
// second, deleting would destroy a working env, and is never advised.
func health(t Target) error {
	pl, what := t.Place, t.what()
	_, err := os.Stat(pl.Python)
	if err == nil {
		return nil
	}
	cause := pathutil.Explain(pl.Python, err)
	var c *pathutil.Cause
	if errors.As(cause, &c) && c.Permission() {
		return out.Errorf("the %s in %s cannot be used by you: its Python %w", what, pl.Dir, cause).
			WithHints("Run OneTrainer as the user who made it, or give yourself access, or make an env of your own elsewhere with OT_PYTHON_VENV.")
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return out.Errorf("the %s in %s cannot be used: its Python %w", what, pl.Dir, cause)
	}
	// Follow the links to the first one whose target is gone.
	last := pathutil.FollowLinks(pl.Python, func(target string) bool {
		_, err := os.Lstat(target)
		return err == nil
	})
	missing := pl.Python
	if target, err := os.Readlink(last); err == nil {
		missing = pathutil.Resolve(filepath.Dir(last), target)
	}
	return out.Errorf("the %s in %s is broken: its Python %s no longer exists (the Python it was made from was upgraded or removed)", what, pl.Dir, missing).
		WithHints("To fix it, delete the " + what + " (" + pl.Remove + ") and run again: a new one is created.")
}
