package pyenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/envstate"
	"github.com/onetrainer-launcher/onetrainer-launcher/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/upstream"
)

// Request is everything Prepare needs. Env is the environment with the
// checkout's exports already applied (envspec.Export).
type Request struct {
	Checkout  string
	Applet    string // the script being run, "install.sh", for records and messages
	Config    *envspec.Config
	Constants envspec.Constants
	Facts     *upstream.Facts
	Env       envspec.Environ
	Run       *proc.Runner
	// Upgrade asks for the requirements to be installed even into a
	// ready env (update.sh; the applet has applied OT_LAZY_UPDATES).
	Upgrade bool
	// Installed, when set, runs after a completed install (update.var).
	Installed func(ctx context.Context) error
}

// Result says what Prepare did, for the applet's closing line.
type Result struct {
	Env       Env
	Place     Place
	Created   bool // the env was made now
	Installed bool // the requirements were installed now
	Platform  string
}

// state is what Prepare finds of an env: whether it exists and the
// launcher's record of it.
type state struct {
	exists bool
	rec    envstate.Record
}

func (s state) ready() bool { return s.exists && !s.rec.Pending() }

// Prepare makes the env ready: the steps of the original scripts'
// prepare_runtime_environment, with a record of what was done so that an
// interrupted install is finished by the next launch. It decides once:
// it finds the env; when it is ready and nothing is asked of it, it only
// runs the (remembered) version check, taking no lock; otherwise it checks
// what could refuse, takes the lock, finds the env again — another launch
// may have changed it while this one waited — and decides from what it
// finds then, and does it.
func Prepare(ctx context.Context, r Request) (Result, error) {
	k, err := chooseKind(ctx, r)
	if err != nil {
		return Result{}, err
	}
	p := r.Run.P
	p.Say("Using " + k.place().Label + "...")

	st, err := look(ctx, r, k)
	if err != nil {
		return Result{}, err
	}
	if st.ready() && !r.Upgrade {
		if changed := st.rec.Changed(r.Checkout); len(changed) > 0 {
			p.Status("%s changed since the requirements were installed: ./update.sh brings the environment up to date.", strings.Join(changed, ", "))
		}
		return Result{Env: k, Place: k.place()}, checkVersion(ctx, r, k)
	}

	// Something will change. Whatever can refuse is checked first, so that
	// a refusal leaves nothing behind; then one launch at a time, and the
	// target is judged again under the lock.
	if !st.exists {
		if err := k.checkTarget(st.rec.Created); err != nil {
			return Result{}, err
		}
		otherEnvs(r, k)
	}
	platform, err := choosePlatform(ctx, r)
	if err != nil {
		return Result{}, err
	}
	lock, err := takeLock(k.place(), p)
	if err != nil {
		return Result{}, err
	}
	defer lock.Release()
	if st, err = look(ctx, r, k); err != nil {
		return Result{}, err
	}
	res := Result{Env: k, Platform: platform}
	switch {
	case !st.exists:
		if err := k.checkTarget(st.rec.Created); err != nil {
			return res, err
		}
		if err := k.create(ctx, r); err != nil {
			return res, err
		}
		res.Created = true
	case st.rec.Pending():
		p.Status("Installing the requirements of the %s now: %s.", k.place().Label, st.rec.Why())
	case !r.Upgrade:
		// Another launch made it ready while this one waited.
		res.Place = k.place()
		return res, checkVersion(ctx, r, k)
	}
	res.Place = k.place()
	if err := checkVersion(ctx, r, k); err != nil {
		return res, err
	}
	if err := install(ctx, r, k, platform); err != nil {
		return res, err
	}
	res.Installed = true
	return res, nil
}

// look finds the env, checks that its Python can still be run, and reads
// the launcher's record of it.
func look(ctx context.Context, r Request, k kind) (state, error) {
	exists, err := k.locate(ctx, r)
	if err != nil {
		return state{}, out.Errorf("the %s cannot be used: %v", k.place().Label, err)
	}
	pl := k.place()
	if exists {
		what := "venv"
		if _, isConda := k.(*condaKind); isConda {
			what = "conda environment"
		}
		if err := health(pl, what); err != nil {
			return state{}, err
		}
	}
	st := state{exists: exists}
	if pl.Dir != "" {
		if st.rec, err = envstate.Read(pl.Dir); err != nil {
			return state{}, out.Errorf("%v", err)
		}
	}
	return st, nil
}

// takeLock takes the env's lock, saying so when another launch holds it.
func takeLock(pl Place, p *out.Printer) (*envstate.Lock, error) {
	lock, _, err := envstate.TakeLock(pl.Lock, func() {
		p.Status("Waiting for another launch that is preparing the %s...", pl.Label)
	})
	if err == nil {
		return lock, nil
	}
	if errors.Is(err, syscall.EISDIR) {
		return nil, out.Errorf("cannot prepare the %s: its lock file %s is a directory. Move that directory away; the launcher makes the lock file itself", pl.Label, pl.Lock)
	}
	return nil, out.Errorf("cannot prepare the %s: its lock file cannot be made: %v", pl.Label, pathutil.Explain(pl.Lock, err))
}

// chooseKind picks conda when it is there and not refused (OT_PREFER_VENV),
// else a venv, whose host Python must then exist.
func chooseKind(ctx context.Context, r Request) (kind, error) {
	path := r.Env.Get("PATH")
	if !r.Config.PreferVenv {
		exe := pathutil.Look(r.Config.CondaCmd, r.Checkout, path, "")
		if exe == "" && r.Config.Given("OT_CONDA_CMD") {
			// SPEC §4.1: without an executable conda, a venv. The originals
			// did so silently, which hid a typo in a conda command the user
			// named behind a venv built by surprise; this says so.
			r.Run.P.Warn("OT_CONDA_CMD=%q is not an executable conda, so a Python venv is used. Give conda's path or a command on PATH to use conda, or set OT_PREFER_VENV=true to choose the venv and silence this.", r.Config.CondaCmd)
		}
		if exe != "" {
			c := newConda(r.Config.CondaCmd, exe, r.Config.CondaEnv, r.Checkout, r.Env, r.Facts.Conda)
			if err := c.checkName(); err != nil {
				return nil, out.Errorf("%v", err)
			}
			return &condaKind{Conda: c, checkout: r.Checkout, python: r.Constants.CondaUsePythonVersion}, nil
		}
	}
	v := &venvKind{Venv: &Venv{Dir: pathutil.Resolve(r.Checkout, r.Config.PythonVenv), base: r.Env}, given: r.Config.PythonVenv}
	// A set OT_PYTHON_CMD must exist even for a ready venv, as in the
	// original scripts; the default is looked for only to create one.
	exists, err := v.Exists()
	if err != nil {
		return nil, out.Errorf("OT_PYTHON_VENV=%q cannot be used: %v", v.given, err)
	}
	v.seen = &exists // the first look needs no second stat
	if r.Config.Given("OT_PYTHON_CMD") || !exists {
		name, exe, err := hostPython(ctx, r)
		if err != nil {
			return nil, err
		}
		v.hostName, v.host = name, exe
	}
	return v, nil
}

// checkVersion runs the checkout's version check in the env, unless the
// same check (same interpreter, env, script and bounds) passed before.
func checkVersion(ctx context.Context, r Request, k kind) error {
	b := r.Constants
	pl := k.place()
	script := filepath.Join(r.Checkout, envspec.VersionCheckScript)
	key, keyErr := envstate.VersionKey(pl.Python, pl.EnvFile, script, b.PythonVersionMinimum, b.PythonVersionTooHigh)
	if keyErr == nil && envstate.VersionPassed(pl.Dir, key) {
		r.Run.P.Debugf("Python version check skipped: it passed before with this interpreter, script and bounds")
		return nil
	}
	run := r.Run.With(r.Checkout, k.Environ())
	if err := run.Run(ctx, k.versionCheck(envspec.VersionCheckScript, b.PythonVersionMinimum, b.PythonVersionTooHigh)); err != nil {
		var ee *proc.ExitError
		if errors.As(err, &ee) && (ee.Code > 128 || ee.Code == 126 || ee.Code == 127) {
			return err // interrupted, or not run at all: not a wrong version
		}
		// The check printed why; the advice follows.
		return out.Quiet(1, k.solutions()...)
	}
	if keyErr == nil {
		envstate.RememberVersionPass(pl.Dir, key)
	}
	return nil
}

// install runs the checkout's two pip commands: the bootstrap (pip and
// setuptools, with its pins) and the requirements. The completed install
// is withdrawn before pip changes anything and written again only after
// both succeed; a failure is recorded as one, so that the next launch can
// say which it resumes.
func install(ctx context.Context, r Request, k kind, platform string) error {
	dir := k.place().Dir
	if err := envstate.BeginInstall(dir, r.Applet); err != nil {
		return out.Errorf("cannot record the install in %s: %v", dir, pathutil.Explain(dir, err))
	}
	// pip keeps its log of this install inside the env, for bug reports,
	// without a change to what it prints (PIP_LOG is its --log option);
	// a log the user asked for elsewhere wins.
	env := k.Environ()
	if env.Get("PIP_LOG") == "" {
		log := filepath.Join(dir, pipLogFile)
		os.Remove(log)
		env = env.Clone()
		env.Set("PIP_LOG", log)
	}
	run := r.Run.With(r.Checkout, env)
	if !hasPip(dir) {
		// A kill inside venv's own ensurepip, or inside pip's upgrade of
		// itself (it removes the old pip before it installs the new), leaves
		// an env without pip, which no pip command can mend: the Python's
		// own ensurepip puts it back, offline, from the wheel it carries.
		run.P.Status("The %s has no pip (its creation or an install was cut short): putting it back with ensurepip...", k.place().Label)
		if err := run.Run(ctx, k.Python("-m", "ensurepip", "--upgrade", "--default-pip")); err != nil {
			return installFailed(dir, r, k, err)
		}
	}
	run.P.Status("Installing requirements in active environment...")
	pip := func(a upstream.Args, slot string) []string {
		return append([]string{"-m", "pip"}, a.With(slot)...)
	}
	err := run.Run(ctx, k.Python(pip(r.Facts.PipBootstrap, "")...))
	if err == nil {
		err = run.Run(ctx, k.Python(pip(r.Facts.PipRequirements, pathutil.Arg(platform))...))
	}
	if err != nil {
		return installFailed(dir, r, k, err)
	}
	files, err := envstate.HashFiles(r.Checkout, envspec.RequirementsGlobal, platform)
	if err != nil {
		return out.Errorf("%v", err)
	}
	if err := envstate.CompleteInstall(dir, files); err != nil {
		return out.Errorf("recording the completed install in %s: %v", dir, pathutil.Explain(dir, err))
	}
	if r.Installed != nil {
		return r.Installed(ctx)
	}
	return nil
}

// hasPip reports whether the env at dir holds a whole pip, by its files
// (lib/pythonX.Y/site-packages/pip/ and the RECORD pip writes last when it
// installs itself): no Python is started to ask. An env laid out
// otherwise is taken to lack it, which costs one ensurepip that changes
// nothing.
func hasPip(dir string) bool {
	site := filepath.Join(dir, "lib*", "python3*", "site-packages")
	pkg, _ := filepath.Glob(filepath.Join(site, "pip", "__init__.py"))
	record, _ := filepath.Glob(filepath.Join(site, "pip-*.dist-info", "RECORD"))
	return len(pkg) > 0 && len(record) > 0
}

// installFailed records and explains a failed install: what failed, that
// the env is kept, and that the next launch resumes.
func installFailed(dir string, r Request, k kind, err error) error {
	label := k.place().Label
	var ee *proc.ExitError
	if errors.As(err, &ee) && ee.Code > 128 {
		return &out.Error{Code: ee.Code, Err: err,
			Msg: fmt.Sprintf("Interrupted while installing the requirements (exit status %d). The %s is kept as it is; the next ./install.sh, ./start-ui.sh or ./run-cmd.sh installs them again.", ee.Code, label)}
	}
	how := err.Error()
	code := 1
	if ee != nil {
		how = fmt.Sprintf("pip exited with status %d", ee.Code)
		code = ee.Code
	}
	if ferr := envstate.FailInstall(dir, r.Applet, how); ferr != nil {
		r.Run.P.Debugf("recording the failed install: %v", ferr)
	}
	return &out.Error{Code: code, Err: err,
		Msg: fmt.Sprintf("Installing the requirements failed: %s (its messages are above). The %s is kept as it is; the next ./install.sh, ./start-ui.sh or ./run-cmd.sh installs them again.", how, label)}
}

// choosePlatform decides the platform requirements file (gpu.Decide), says
// why where the user may have expected another, and fails when it or the
// global file is missing.
func choosePlatform(ctx context.Context, r Request) (string, error) {
	if err := requireFile(r.Checkout, envspec.RequirementsGlobal, "requirements file"); err != nil {
		return "", err
	}
	d := DecidePlatform(ctx, r, r.Run, nil)
	r.Run.P.Debugf("Platform requirements: %s (%s)", d.File, d.Reason)
	for _, w := range d.Warnings {
		r.Run.P.Warn("%s", w)
	}
	for _, n := range d.Notes {
		r.Run.P.Status("%s", n)
	}
	if err := requireFile(r.Checkout, d.File, "requirements file"); err != nil {
		return "", out.Errorf("%v. OT_PLATFORM_REQUIREMENTS takes %q or the name of a requirements file in the checkout, such as %s, %s or %s",
			err, envspec.PlatformDetect, envspec.RequirementsCUDA, envspec.RequirementsROCm, envspec.RequirementsDefault)
	}
	return d.File, nil
}

// DecidePlatform is gpu.Decide for this checkout and configuration;
// nvidia-smi is asked through run as a question. m is an inspection made
// already, or nil.
func DecidePlatform(ctx context.Context, r Request, run *proc.Runner, m *gpu.Machine) gpu.Decision {
	return gpu.Decide(gpu.Input{
		Given:  r.Config.PlatformRequirements,
		Probe:  gpu.ProbeFromEnv(r.Env.Get("GHW_CHROOT"), r.Env.Get("PATH"), r.Checkout),
		Rules:  r.Facts.Platform,
		Legacy: r.Facts.Legacy,
		HasFile: func(name string) bool {
			return requireFile(r.Checkout, name, "") == nil
		},
		Ask: func(smi string) string {
			text, _ := run.With(r.Checkout, r.Env).Ask(ctx, proc.Cmd{Path: smi, Argv: []string{smi}})
			return text
		},
	}, m)
}

// requireFile fails unless name is a regular file in the checkout; what
// says what the file is, for the message.
func requireFile(checkout, name, what string) error {
	path := pathutil.Resolve(checkout, name)
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.Mode().IsRegular():
		return nil
	case err == nil:
		return out.Errorf("%s %q in %s is not a regular file", what, name, checkout)
	case errors.Is(err, fs.ErrNotExist):
		return out.Errorf("%s %q does not exist in %s", what, name, checkout)
	}
	return out.Errorf("%s %q cannot be read: %v", what, name, pathutil.Explain(path, err))
}
