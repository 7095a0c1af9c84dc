package pyenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// venvKind is a Python venv made by the host Python.
type venvKind struct {
	*Venv
	given    string // OT_PYTHON_VENV as configured
	hostName string // the host Python as named in argv
	host     string // its executable
}

func (v *venvKind) label() string    { return fmt.Sprintf("Python Venv environment in %q", v.given) }
func (v *venvKind) lockPath() string { return v.Dir + ".lock" }

func (v *venvKind) locate(context.Context, Request) (bool, string) { return v.Exists(), v.Dir }

func (v *venvKind) checkTarget(ours bool) error { return checkVenvTarget(v.Dir, v.given, ours) }

// create records the env as the launcher's before it exists, so that an
// interrupted creation is recognised, then has the host Python make it.
// When venv fails without making anything, the record goes again.
func (v *venvKind) create(ctx context.Context, r Request) (string, error) {
	r.Run.P.Status("Creating Python Venv environment in %q...", v.given)
	_, statErr := os.Stat(v.Dir)
	madeDir := os.IsNotExist(statErr)
	if err := os.MkdirAll(v.Dir, 0o755); err != nil {
		return "", fail(r, "cannot create OT_PYTHON_VENV=%q: %v", v.given, err)
	}
	if err := MarkCreated(v.Dir); err != nil {
		return "", fail(r, "cannot write in OT_PYTHON_VENV=%q: %v", v.given, err)
	}
	host := r.Run.With(r.Checkout, r.Env)
	err := host.Run(ctx, proc.Cmd{Path: v.host, Argv: []string{v.hostName, "-m", "venv", v.given}})
	if err != nil && madeDir {
		removeIfOnlyRecord(v.Dir)
	}
	return v.Dir, err
}

func (v *venvKind) versionCheck(args ...string) proc.Cmd { return v.Python(args...) }
func (v *venvKind) interpreter(string) string            { return v.python() }
func (v *venvKind) keyFile(string) string                { return filepath.Join(v.Dir, "pyvenv.cfg") }
func (v *venvKind) solutions(p *out.Printer, dir string) { venvSolutions(p, dir) }

func (v *venvKind) health(string) error {
	return interpreterHealth(v.python(), "venv", v.Dir, "delete the venv ("+out.QuoteArgs([]string{"rm", "-rf", v.Dir})+") and run again: a new one is created")
}

// interpreterHealth fails when an env's python no longer resolves: the
// Python it was made from was upgraded or removed (Homebrew, pyenv). A
// recreate would silently lose what is installed, so the user decides.
func interpreterHealth(python, what, dir, fix string) error {
	if _, err := os.Stat(python); err == nil {
		return nil
	}
	// Follow the links to the first one whose target is gone.
	missing := python
	for cur, i := python, 0; i < 40; i++ {
		target, err := os.Readlink(cur)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(cur), target)
		}
		if _, err := os.Lstat(target); err != nil {
			missing = target
			break
		}
		cur = target
	}
	return fmt.Errorf("the %s in %s is broken: its Python %s no longer exists (the Python it was made from was upgraded or removed). To fix it, %s", what, dir, missing, fix)
}

// removeIfOnlyRecord undoes the first steps of a venv creation that made
// nothing: a directory the launcher created that holds only its record.
// Anything else there stays, for the next run to finish.
func removeIfOnlyRecord(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != CreatedFile {
		return
	}
	if os.Remove(filepath.Join(dir, CreatedFile)) == nil {
		os.Remove(dir)
	}
}

// checkVenvTarget refuses a venv path that venv would fail on or damage: a
// file, or a directory that already holds something other than a venv. A
// directory the launcher began to make a venv in is its to finish.
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

// condaKind is a conda env, found without running conda where that is
// certain, and made by conda.
type condaKind struct {
	*Conda
	checkout string
	python   string // the Python version a new env gets
}

func (c *condaKind) label() string { return fmt.Sprintf("Conda environment %q", c.Given) }

// lockPath is beside a prefix env. A named env's place is conda's choice,
// so its lock lives in the checkout, named to fall under the /.venv* line
// of OneTrainer's .gitignore, as .venv.lock and conda_env.lock do.
func (c *condaKind) lockPath() string {
	if c.Name == "" {
		return c.Prefix + ".lock"
	}
	return filepath.Join(c.checkout, ".venv.conda-"+c.Name+".lock")
}

func (c *condaKind) locate(ctx context.Context, r Request) (bool, string) {
	if !c.findFast() {
		c.askConda(ctx, r.Run.With(r.Checkout, r.Env))
	}
	r.Run.P.Debugf("conda %s (root %s); env %q: %s", c.Exe, c.Root, c.Given, c.describeFound())
	if c.Found == "" {
		return false, ""
	}
	return true, c.Prefix
}

func (c *Conda) describeFound() string {
	if c.Found == "" {
		return "not found"
	}
	return "found at " + c.Prefix + " via " + c.Found
}

// checkTarget: conda itself refuses a prefix it cannot use.
func (c *condaKind) checkTarget(bool) error { return nil }

func (c *condaKind) create(ctx context.Context, r Request) (string, error) {
	r.Run.P.Status("Creating Conda environment %q...", c.Given)
	run := r.Run.With(r.Checkout, r.Env)
	if err := run.Run(ctx, proc.Cmd{Path: c.Exe, Argv: c.createArgs(r.Constants.CondaUsePythonVersion)}); err != nil {
		return "", err
	}
	if !c.findFast() {
		c.askConda(ctx, run)
	}
	if c.Found == "" {
		return "", fail(r, "conda created the environment %q, but it cannot be found where conda keeps environments", c.Given)
	}
	if err := MarkCreated(c.Prefix); err != nil {
		return "", fail(r, "cannot write in the new conda environment %s: %v", c.Prefix, err)
	}
	return c.Prefix, nil
}

// versionCheck runs the env's own python directly: the same script and
// bounds as through `conda run`, without a conda start.
func (c *condaKind) versionCheck(args ...string) proc.Cmd {
	py := c.interpreter(c.Prefix)
	return proc.Cmd{Path: py, Argv: append([]string{py}, args...)}
}

func (c *condaKind) interpreter(dir string) string { return filepath.Join(dir, "bin", "python") }
func (c *condaKind) keyFile(dir string) string     { return filepath.Join(dir, "conda-meta", "history") }

func (c *condaKind) health(dir string) error {
	return interpreterHealth(c.interpreter(dir), "conda environment", dir, "delete it ("+c.removeCommand()+") and run again: a new one is created")
}

func (c *condaKind) solutions(p *out.Printer, dir string) {
	p.Status("Solution: the conda environment %q has a Python outside the accepted range. Delete it, and the next run creates a new one with Python %s. To delete it, run: %s (the launcher never deletes it).",
		c.Given, c.python, c.removeCommand())
}
