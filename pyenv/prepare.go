package pyenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// Request is everything Prepare needs. Env is the environment with the OT_*
// variables already exported (envspec.Export).
type Request struct {
	Checkout  string
	Config    *envspec.Config
	Constants envspec.Constants
	Env       envspec.Environ
	Run       *proc.Runner
	// Upgrade asks for the requirements to be installed even into an
	// existing env (update.sh), subject to OT_LAZY_UPDATES.
	Upgrade bool
}

// Failure is an error that has been explained to the user already; the
// applet only exits with Code.
type Failure struct{ Code int }

func (f *Failure) Error() string { return fmt.Sprintf("exit status %d", f.Code) }

// fail prints an error and returns the Failure that ends the applet with 1.
func fail(r Request, format string, a ...any) error {
	r.Run.P.Error(format, a...)
	return &Failure{1}
}

// kind is what Prepare needs of a venv or a conda env.
type kind interface {
	Env
	// label names the env for status lines.
	label() string
	// lockPath is the lock file that serialises preparing the env.
	lockPath() string
	// locate finds the env (a conda env may take one question to conda)
	// and returns whether it exists and the folder its records live in,
	// "" when that is not known yet.
	locate(ctx context.Context, r Request) (exists bool, dir string)
	// checkTarget refuses a place the env cannot be made in; ours tells
	// that the launcher began to make the env there.
	checkTarget(ours bool) error
	// create makes the env and returns the folder its records live in.
	create(ctx context.Context, r Request) (dir string, err error)
	// versionCheck is the command that runs the version check in the env.
	versionCheck(args ...string) proc.Cmd
	// interpreter and keyFile are the env's Python and the env's own file
	// that join the remembered version check's key.
	interpreter(dir string) string
	keyFile(dir string) string
	// solutions says what to do about a wrong Python in the env.
	solutions(p *out.Printer, dir string)
	// health fails for an env whose Python is gone.
	health(dir string) error
}

// Prepare makes the env ready and returns it: the steps of the original
// scripts' prepare_runtime_environment, under a lock, with a record of what
// was done so that an interrupted install is finished by the next launch.
func Prepare(ctx context.Context, r Request) (Env, error) {
	k, err := chooseKind(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := requireFile(r.Checkout, envspec.VersionCheckScript, "the Python version check"); err != nil {
		return nil, fail(r, "%v", err)
	}
	p := r.Run.P
	p.Status("Using %s...", k.label())

	exists, dir, rec, err := look(ctx, r, k)
	if err != nil {
		return nil, err
	}
	install := !exists
	switch {
	case !exists:
		if err := k.checkTarget(rec.Created); err != nil {
			return nil, fail(r, "%v", err)
		}
		otherEnvs(r, k)
	case rec.Created && rec.Installed == nil:
		p.Status("The launcher created the %s, but its requirements were never completely installed (an interrupted install?): installing them now.", k.label())
		install = true
	case r.Upgrade:
		if install, err = updateNeeded(ctx, r); err != nil {
			return nil, err
		}
	case rec.Installed != nil:
		if changed := rec.Changed(r.Checkout); len(changed) > 0 {
			p.Status("%s changed since the requirements were installed: ./update.sh brings the environment up to date.", strings.Join(changed, ", "))
		}
	}

	// A ready env needs no lock: nothing will change. Otherwise whatever
	// can refuse is checked first, so that a refusal leaves nothing behind,
	// and then one launch at a time prepares the env.
	var platform string
	if install {
		if platform, err = choosePlatform(ctx, r); err != nil {
			return nil, fail(r, "%v", err)
		}
		lock, waited, err := TakeLock(k.lockPath(), func() {
			p.Status("Waiting for another launch that is preparing the %s...", k.label())
		})
		if err != nil {
			return nil, fail(r, "cannot prepare the %s: its lock file cannot be made (%v). Is that place writable?", k.label(), err)
		}
		defer lock.Release()
		if waited && !r.Upgrade { // the other launch may have done the work
			if exists, dir, rec, err = look(ctx, r, k); err != nil {
				return nil, err
			}
			install = !exists || rec.Created && rec.Installed == nil
		}
	}
	if !exists {
		if dir, err = k.create(ctx, r); err != nil {
			return nil, err
		}
	}
	if err := checkVersion(ctx, r, k, dir); err != nil {
		return nil, err
	}
	if install {
		if err := installRequirements(ctx, r.Run.With(r.Checkout, k.Environ()), k, platform); err != nil {
			return nil, err
		}
		files, err := HashFiles(r.Checkout, envspec.RequirementsGlobal, platform)
		if err != nil {
			return nil, fail(r, "%v", err)
		}
		if err := MarkInstalled(dir, files); err != nil {
			return nil, fail(r, "recording the completed install in %s: %v", dir, err)
		}
		if err := recordUpdate(ctx, r); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// look finds the env, checks that its Python is still there, and reads the
// launcher's record of it.
func look(ctx context.Context, r Request, k kind) (exists bool, dir string, rec Record, err error) {
	exists, dir = k.locate(ctx, r)
	if exists {
		if err := k.health(dir); err != nil {
			return false, "", Record{}, fail(r, "%v", err)
		}
	}
	if dir != "" {
		if rec, err = ReadRecord(dir); err != nil {
			return false, "", Record{}, fail(r, "%v", err)
		}
	}
	return exists, dir, rec, nil
}

// chooseKind picks conda when it is there and not refused (OT_PREFER_VENV),
// else a venv, whose host Python must then exist.
func chooseKind(ctx context.Context, r Request) (kind, error) {
	path := r.Env.Get("PATH")
	if !r.Config.PreferVenv {
		exe := LookCommand(r.Config.CondaCmd, r.Checkout, path)
		if exe == "" && r.Config.Given("OT_CONDA_CMD") {
			// SPEC §4.1: without an executable conda, a venv. The originals
			// did so silently, which hid a typo in a conda command the user
			// named behind a venv built by surprise; this says so.
			r.Run.P.Warn("OT_CONDA_CMD=%q is not an executable conda, so a Python venv is used. Give conda's path or a command on PATH to use conda, or set OT_PREFER_VENV=true to choose the venv and silence this.", r.Config.CondaCmd)
		}
		if exe != "" {
			if err := CheckCondaName(r.Config.CondaEnv); err != nil {
				return nil, fail(r, "%v", err)
			}
			c := NewConda(r.Config.CondaCmd, exe, r.Config.CondaEnv, r.Checkout, r.Env)
			return &condaKind{Conda: c, checkout: r.Checkout, python: r.Constants.CondaUsePythonVersion}, nil
		}
	}
	v := &venvKind{Venv: &Venv{Dir: absUnder(r.Checkout, r.Config.PythonVenv), base: r.Env}, given: r.Config.PythonVenv}
	// A set OT_PYTHON_CMD must exist even for a ready venv, as in the
	// original scripts; the default is looked for only to create one.
	if r.Config.Given("OT_PYTHON_CMD") || !v.Exists() {
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
func checkVersion(ctx context.Context, r Request, k kind, dir string) error {
	b := r.Constants
	script := filepath.Join(r.Checkout, envspec.VersionCheckScript)
	key, keyErr := versionKey(k.interpreter(dir), k.keyFile(dir), script, b.PythonVersionMinimum, b.PythonVersionTooHigh)
	if keyErr == nil && versionPassed(dir, key) {
		r.Run.P.Debugf("Python version check skipped: it passed before with this interpreter, script and bounds")
		return nil
	}
	run := r.Run.With(r.Checkout, k.Environ())
	if err := run.Run(ctx, k.versionCheck(envspec.VersionCheckScript, b.PythonVersionMinimum, b.PythonVersionTooHigh)); err != nil {
		var ee *proc.ExitError
		if errors.As(err, &ee) && ee.Code > 128 {
			return err // interrupted, not a wrong version
		}
		k.solutions(r.Run.P, dir)
		return &Failure{1}
	}
	if keyErr == nil {
		rememberVersionPass(dir, key)
	}
	return nil
}

func installRequirements(ctx context.Context, run *proc.Runner, env Env, platform string) error {
	run.P.Status("Installing requirements in active environment...")
	pip := []string{"-m", "pip", "install", "--upgrade", "--upgrade-strategy", "eager"}
	if err := run.Run(ctx, env.Python(append(pip, "pip", "setuptools")...)); err != nil {
		return err
	}
	return run.Run(ctx, env.Python(append(pip, "-r", envspec.RequirementsGlobal, "-r", platform)...))
}

// Decision is the platform requirements file and what led to it.
type Decision struct {
	File     string
	Reason   string
	Machine  *gpu.Machine // what detection saw; nil when the file was given
	Warnings []string     // a GPU the choice cannot use, an old driver
	Notes    []string     // a choice between two GPUs
}

// DecidePlatform chooses the platform requirements file: the one
// OT_PLATFORM_REQUIREMENTS gives, or by detection with the original
// scripts' priority, explained with what the PCI bus shows. nvidia-smi is
// asked through run, and only when the checkout has a legacy CUDA file.
func DecidePlatform(ctx context.Context, r Request, run *proc.Runner) Decision {
	if f := r.Config.PlatformRequirements; f != envspec.PlatformDetect {
		return Decision{File: f, Reason: "given by OT_PLATFORM_REQUIREMENTS"}
	}
	probe := gpu.ProbeFromEnv(r.Env.Get("GHW_CHROOT"), r.Env.Get("PATH"))
	m := probe.Inspect(nil)
	_, legacyErr := os.Stat(filepath.Join(r.Checkout, envspec.RequirementsCUDALeg))
	c := gpu.Choose(m.Facts, legacyErr == nil, func(smi string) string {
		// A question, as the originals asked it (in a substitution, its
		// stderr dropped): no "+" line.
		text, _ := run.With(r.Checkout, r.Env).Ask(ctx, proc.Cmd{Path: smi, Argv: []string{smi}})
		if h, ok := gpu.ParseSMIHeader(text); ok {
			m.Banner = &h
		}
		return text
	})
	d := Decision{File: c.File, Reason: c.Reason, Machine: &m}
	d.Warnings, d.Notes = gpu.Diagnose(m, c)
	return d
}

// choosePlatform decides the platform requirements file, says why where
// the user may have expected another, and fails when it or the global file
// is missing.
func choosePlatform(ctx context.Context, r Request) (string, error) {
	if err := requireFile(r.Checkout, envspec.RequirementsGlobal, "requirements file"); err != nil {
		return "", err
	}
	d := DecidePlatform(ctx, r, r.Run)
	r.Run.P.Debugf("Platform requirements: %s (%s)", d.File, d.Reason)
	for _, w := range d.Warnings {
		r.Run.P.Warn("%s", w)
	}
	for _, n := range d.Notes {
		r.Run.P.Status("%s", n)
	}
	if err := requireFile(r.Checkout, d.File, "requirements file"); err != nil {
		return "", fmt.Errorf("%v. OT_PLATFORM_REQUIREMENTS takes %q or the name of a requirements file in the checkout, such as %s, %s or %s",
			err, envspec.PlatformDetect, envspec.RequirementsCUDA, envspec.RequirementsROCm, envspec.RequirementsDefault)
	}
	return d.File, nil
}

// requireFile fails unless name is a regular file in the checkout; what
// says what the file is, for the message.
func requireFile(checkout, name, what string) error {
	fi, err := os.Stat(absUnder(checkout, name))
	if err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("%s %q does not exist in %s", what, name, checkout)
	}
	return nil
}

// absUnder returns path made absolute against dir unless it already is.
func absUnder(dir, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(dir, path)
}
