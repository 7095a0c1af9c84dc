package pyenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

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

// Prepare makes the env ready and returns it: the steps of the original
// scripts' prepare_runtime_environment, in a venv.
func Prepare(ctx context.Context, r Request) (Env, error) {
	p := r.Run.P
	if cmd := r.Config.CondaCmd; !r.Config.PreferVenv && LookCommand(cmd, r.Checkout, r.Env.Get("PATH")) != "" {
		p.Error("conda was found (%q), but this launcher version runs OneTrainer in a Python venv only. Set OT_PREFER_VENV=true to use a venv.", cmd)
		return nil, &Failure{1}
	}

	pythonCmd := r.Config.PythonCmd
	hostPython := LookCommand(pythonCmd, r.Checkout, r.Env.Get("PATH"))
	if hostPython == "" {
		p.Error("Python command %q does not exist on your system.", pythonCmd)
		venvSolutions(p, "")
		return nil, &Failure{1}
	}
	if err := requireFile(r.Checkout, envspec.VersionCheckScript, "the Python version check"); err != nil {
		p.Error("%v", err)
		return nil, &Failure{1}
	}

	v := &Venv{Dir: absUnder(r.Checkout, r.Config.PythonVenv), base: r.Env}
	p.Status("Using Python Venv environment in %q...", r.Config.PythonVenv)
	exists := v.Exists()
	if !exists {
		if err := checkVenvTarget(v.Dir, r.Config.PythonVenv); err != nil {
			p.Error("%v", err)
			return nil, &Failure{1}
		}
	}

	install := !exists
	if r.Upgrade && !install {
		changed, err := updateNeeded(ctx, r)
		if err != nil {
			return nil, err
		}
		install = changed
	}
	var platform string
	if install {
		var err error
		if platform, err = choosePlatform(ctx, r); err != nil {
			p.Error("%v", err)
			return nil, &Failure{1}
		}
	}

	if !exists {
		p.Status("Creating Python Venv environment in %q...", r.Config.PythonVenv)
		host := r.Run.With(r.Checkout, r.Env)
		if err := host.Run(ctx, proc.Cmd{Path: hostPython, Argv: []string{pythonCmd, "-m", "venv", r.Config.PythonVenv}}); err != nil {
			return nil, err
		}
	}

	inEnv := r.Run.With(r.Checkout, v.Environ())
	check := v.Python(envspec.VersionCheckScript, r.Constants.PythonVersionMinimum, r.Constants.PythonVersionTooHigh)
	if err := inEnv.Run(ctx, check); err != nil {
		return nil, versionFailure(p, err, v.Dir)
	}
	if install {
		if err := installRequirements(ctx, inEnv, v, platform); err != nil {
			return nil, err
		}
		if err := recordUpdate(ctx, r); err != nil {
			return nil, err
		}
	}
	return v, nil
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
// file, or a directory that already holds something other than a venv.
func checkVenvTarget(dir, given string) error {
	fi, err := os.Stat(dir)
	if os.IsNotExist(err) {
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
