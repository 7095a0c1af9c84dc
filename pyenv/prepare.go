package pyenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/gpu"
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

// Prepare makes the env ready and returns it: the steps of the original
// scripts' prepare_runtime_environment, in a venv, under a lock, with a
// record of what was done so that an interrupted install is finished later.
func Prepare(ctx context.Context, r Request) (Env, error) {
	p := r.Run.P
	if cmd := r.Config.CondaCmd; !r.Config.PreferVenv && LookCommand(cmd, r.Checkout, r.Env.Get("PATH")) != "" {
		return nil, fail(r, "conda was found (%q), but this launcher version runs OneTrainer in a Python venv only. Set OT_PREFER_VENV=true to use a venv.", cmd)
	}
	pythonCmd := r.Config.PythonCmd
	hostPython := LookCommand(pythonCmd, r.Checkout, r.Env.Get("PATH"))
	if hostPython == "" {
		p.Error("Python command %q does not exist on your system.", pythonCmd)
		venvSolutions(p, "")
		return nil, &Failure{1}
	}
	if err := requireFile(r.Checkout, envspec.VersionCheckScript, "the Python version check"); err != nil {
		return nil, fail(r, "%v", err)
	}

	v := &Venv{Dir: absUnder(r.Checkout, r.Config.PythonVenv), base: r.Env}
	p.Status("Using Python Venv environment in %q...", r.Config.PythonVenv)
	lock, lockErr := TakeLock(v.Dir+".lock", func() {
		p.Status("Waiting for another launch that is preparing %q...", r.Config.PythonVenv)
	})
	defer lock.Release()

	exists := v.Exists()
	rec, err := ReadRecord(v.Dir)
	if err != nil {
		return nil, fail(r, "%v", err)
	}
	install := !exists
	switch {
	case !exists:
		if err := checkVenvTarget(v.Dir, r.Config.PythonVenv, rec.Created); err != nil {
			return nil, fail(r, "%v", err)
		}
	case rec.Created && rec.Installed == nil:
		p.Status("The launcher created %q, but its requirements were never completely installed (an interrupted install?): installing them now.", r.Config.PythonVenv)
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
	if (install || !exists) && lockErr != nil {
		return nil, fail(r, "cannot lock %s to prepare the environment: %v", v.Dir+".lock", lockErr)
	}

	var platform string
	if install {
		if platform, err = choosePlatform(ctx, r); err != nil {
			return nil, fail(r, "%v", err)
		}
	}
	if !exists {
		if err := createVenv(ctx, r, v, hostPython); err != nil {
			return nil, err
		}
	}
	inEnv := r.Run.With(r.Checkout, v.Environ())
	if err := checkVersion(ctx, r, inEnv, v); err != nil {
		return nil, err
	}
	if install {
		if err := installRequirements(ctx, inEnv, v, platform); err != nil {
			return nil, err
		}
		files, err := HashFiles(r.Checkout, envspec.RequirementsGlobal, platform)
		if err != nil {
			return nil, fail(r, "%v", err)
		}
		if err := MarkInstalled(v.Dir, files); err != nil {
			return nil, fail(r, "recording the completed install: %v", err)
		}
		if err := recordUpdate(ctx, r); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// createVenv records the env as the launcher's before it exists, so that an
// interrupted creation is recognised, then has the host Python make it.
func createVenv(ctx context.Context, r Request, v *Venv, hostPython string) error {
	r.Run.P.Status("Creating Python Venv environment in %q...", r.Config.PythonVenv)
	_, statErr := os.Stat(v.Dir)
	madeDir := os.IsNotExist(statErr)
	if err := os.MkdirAll(v.Dir, 0o755); err != nil {
		return fail(r, "cannot create OT_PYTHON_VENV=%q: %v", r.Config.PythonVenv, err)
	}
	if err := MarkCreated(v.Dir); err != nil {
		return fail(r, "cannot write in OT_PYTHON_VENV=%q: %v", r.Config.PythonVenv, err)
	}
	host := r.Run.With(r.Checkout, r.Env)
	err := host.Run(ctx, proc.Cmd{Path: hostPython, Argv: []string{r.Config.PythonCmd, "-m", "venv", r.Config.PythonVenv}})
	if err != nil && madeDir {
		removeIfOnlyRecord(v.Dir)
	}
	return err
}

// removeIfOnlyRecord undoes createVenv's first steps when venv made nothing:
// a directory the launcher created that holds only its record. Anything
// else there stays, for the next run to finish.
func removeIfOnlyRecord(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != CreatedFile {
		return
	}
	if os.Remove(filepath.Join(dir, CreatedFile)) == nil {
		os.Remove(dir)
	}
}

// checkVersion runs the checkout's version check in the env, unless the
// same check (same interpreter, env, script and bounds) passed before.
func checkVersion(ctx context.Context, r Request, run *proc.Runner, v *Venv) error {
	k := r.Constants
	script := filepath.Join(r.Checkout, envspec.VersionCheckScript)
	key, keyErr := versionKey(v.python(), filepath.Join(v.Dir, "pyvenv.cfg"), script, k.PythonVersionMinimum, k.PythonVersionTooHigh)
	if keyErr == nil && versionPassed(v.Dir, key) {
		r.Run.P.Debugf("Python version check skipped: it passed before with this interpreter, script and bounds")
		return nil
	}
	if err := run.Run(ctx, v.Python(envspec.VersionCheckScript, k.PythonVersionMinimum, k.PythonVersionTooHigh)); err != nil {
		return versionFailure(r.Run.P, err, v.Dir)
	}
	if keyErr == nil {
		rememberVersionPass(v.Dir, key)
	}
	return nil
}

// versionFailure explains a failed version check: the checkout's script has
// said why on stderr; this adds what to do about it.
func versionFailure(p interface{ Status(string, ...any) }, err error, venvDir string) error {
	var ee *proc.ExitError
	if errors.As(err, &ee) && ee.Code > 128 {
		return err // interrupted, not a wrong version
	}
	venvSolutions(p, venvDir)
	return &Failure{1}
}

func installRequirements(ctx context.Context, run *proc.Runner, env Env, platform string) error {
	run.P.Status("Installing requirements in active environment...")
	pip := []string{"-m", "pip", "install", "--upgrade", "--upgrade-strategy", "eager"}
	if err := run.Run(ctx, env.Python(append(pip, "pip", "setuptools")...)); err != nil {
		return err
	}
	return run.Run(ctx, env.Python(append(pip, "-r", envspec.RequirementsGlobal, "-r", platform)...))
}

// choosePlatform returns the platform requirements file, given or detected,
// and fails when it or the global file is missing.
func choosePlatform(ctx context.Context, r Request) (string, error) {
	if err := requireFile(r.Checkout, envspec.RequirementsGlobal, "requirements file"); err != nil {
		return "", err
	}
	file := r.Config.PlatformRequirements
	if file == envspec.PlatformDetect {
		probe := gpu.ProbeFromEnv(r.Env.Get("GHW_CHROOT"), r.Env.Get("PATH"))
		_, legacyErr := os.Stat(filepath.Join(r.Checkout, envspec.RequirementsCUDALeg))
		c := gpu.Choose(probe.Look(), legacyErr == nil, func(smi string) string {
			quiet := r.Run.With(r.Checkout, r.Env)
			quiet.Stderr = io.Discard
			text, _ := quiet.Output(ctx, proc.Cmd{Path: smi, Argv: []string{smi}})
			return text
		})
		r.Run.P.Debugf("Platform requirements: %s (%s)", c.File, c.Reason)
		if c.Warning != "" {
			r.Run.P.Warn("%s", c.Warning)
		}
		file = c.File
	}
	if err := requireFile(r.Checkout, file, "requirements file"); err != nil {
		return "", fmt.Errorf("%v. OT_PLATFORM_REQUIREMENTS takes %q or the name of a requirements file in the checkout, such as %s, %s or %s",
			err, envspec.PlatformDetect, envspec.RequirementsCUDA, envspec.RequirementsROCm, envspec.RequirementsDefault)
	}
	return file, nil
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

// checkVenvTarget refuses a venv path that venv would fail on or damage: a
// file, or a directory that already holds something other than a venv. A
// directory the launcher began to make a venv in (it holds the record) is
// ours to finish.
func checkVenvTarget(dir, given string, ours bool) error {
	fi, err := os.Stat(dir)
	if os.IsNotExist(err) || ours {
		return nil
	}
	if err != nil {
		return fmt.Errorf("OT_PYTHON_VENV=%q cannot be used: %v", given, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("OT_PYTHON_VENV=%q is a file, not a venv directory: give a directory path that does not exist yet, or an existing venv", given)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("OT_PYTHON_VENV=%q cannot be read: %v", given, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("OT_PYTHON_VENV=%q is a directory with files in it but no venv (no bin/activate): give a directory path that does not exist yet, or an existing venv", given)
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
