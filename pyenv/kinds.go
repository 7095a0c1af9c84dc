package pyenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envstate"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// Place is where an env lives, in one value: what Prepare, the records,
// the version memo, the lock and the advice need to know of it.
type Place struct {
	Dir     string // the env's folder, where its records live; "" while a named conda env is not found
	Python  string // its interpreter, <Dir>/bin/python
	EnvFile string // its own file that changes when it is rebuilt (pyvenv.cfg, conda-meta/history)
	Lock    string // the lock file that serialises preparing it
	Label   string // how status lines name it
	Remove  string // the command that deletes it, for advice
}

// kind is what Prepare needs of a venv or a conda env beyond running it.
type kind interface {
	Env
	// place is where the env lives, as far as it is known.
	place() Place
	// locate finds the env (a conda env may take one question to conda)
	// and reports whether it exists. An error is a reason the launcher
	// cannot tell, such as a folder it may not enter.
	locate(ctx context.Context, r Request) (bool, error)
	// checkTarget refuses a place the env cannot be made in; ours tells
	// that the launcher began to make the env there.
	checkTarget(ours bool) error
	// create makes the env.
	create(ctx context.Context, r Request) error
	// versionCheck is the command that runs the version check in the env.
	versionCheck(args ...string) proc.Cmd
	// solutions says what to do about a wrong Python in the env.
	solutions() []string
}

// venvKind is a Python venv made by the host Python.
type venvKind struct {
	*Venv
	given    string // OT_PYTHON_VENV as configured
	hostName string // the host Python as named in argv
	host     string // its executable
	seen     *bool  // whether chooseKind found it, for the first locate
	pl       *Place
}

func (v *venvKind) place() Place {
	if v.pl == nil { // a venv's place never changes: worked out once
		v.pl = &Place{
			Dir: v.Dir, Python: v.python(), EnvFile: filepath.Join(v.Dir, "pyvenv.cfg"), Lock: v.Dir + ".lock",
			Label:  "Python Venv environment in " + strconv.Quote(v.given),
			Remove: out.QuoteArgs([]string{"rm", "-rf", v.Dir}),
		}
	}
	return *v.pl
}

func (v *venvKind) locate(context.Context, Request) (bool, error) {
	if seen := v.seen; seen != nil {
		v.seen = nil
		return *seen, nil
	}
	return v.Exists()
}

func (v *venvKind) checkTarget(ours bool) error { return checkVenvTarget(v.Dir, v.given, ours) }

// create records the env as the launcher's before it exists, so that an
// interrupted creation is recognised, then has the host Python make it.
// When venv fails without making anything, the record goes again.
func (v *venvKind) create(ctx context.Context, r Request) error {
	r.Run.P.Status("Creating Python Venv environment in %q...", v.given)
	_, statErr := os.Stat(v.Dir)
	madeDir := os.IsNotExist(statErr)
	if err := os.MkdirAll(v.Dir, 0o755); err != nil {
		return out.Errorf("cannot create OT_PYTHON_VENV=%q: %v", v.given, pathutil.Explain(v.Dir, err))
	}
	if err := envstate.MarkCreated(v.Dir); err != nil {
		return out.Errorf("cannot write in OT_PYTHON_VENV=%q: %v", v.given, pathutil.Explain(v.Dir, err))
	}
	host := r.Run.With(r.Checkout, r.Env)
	err := host.Run(ctx, proc.Cmd{Path: v.host, Argv: []string{v.hostName, "-m", "venv", pathutil.Arg(v.given)}})
	if err != nil && madeDir {
		removeIfOnlyRecord(v.Dir)
	}
	return err
}

func (v *venvKind) versionCheck(args ...string) proc.Cmd { return v.Python(args...) }
func (v *venvKind) solutions() []string                  { return venvSolutions(v.Dir) }

// removeIfOnlyRecord undoes the first steps of a venv creation that made
// nothing: a directory the launcher created that holds only its record.
// Anything else there stays, for the next run to finish.
func removeIfOnlyRecord(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != envstate.CreatedFile {
		return
	}
	if os.Remove(filepath.Join(dir, envstate.CreatedFile)) == nil {
		os.Remove(dir)
	}
}

// checkVenvTarget refuses a venv path that venv would fail on or damage: a
// file, or a directory that already holds something other than a venv. A
// directory the launcher began to make a venv in is its to finish.
func checkVenvTarget(dir, given string, ours bool) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) || ours {
		return nil
	}
	if err != nil {
		return out.Errorf("OT_PYTHON_VENV=%q cannot be used: %v", given, pathutil.Explain(dir, err))
	}
	if !fi.IsDir() {
		return out.Errorf("OT_PYTHON_VENV=%q is a file, not a venv directory: give a directory path that does not exist yet, or an existing venv", given)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out.Errorf("OT_PYTHON_VENV=%q cannot be read: %v", given, pathutil.Explain(dir, err))
	}
	if len(entries) > 0 {
		// Another launch may be making the venv right now: it records that
		// before anything else (the record's temporary file first), so a
		// folder holding the record, or only the launcher's files, is ours.
		if _, err := os.Lstat(filepath.Join(dir, envstate.CreatedFile)); err == nil || onlyLauncherFiles(entries) {
			return nil
		}
		return out.Errorf("OT_PYTHON_VENV=%q is a directory with files in it but no venv (no bin/activate): give a directory path that does not exist yet, or an existing venv", given)
	}
	return nil
}

// onlyLauncherFiles reports whether a folder holds nothing but the
// launcher's records (and their temporary files).
func onlyLauncherFiles(entries []os.DirEntry) bool {
	for _, e := range entries {
		// records are ".onetrainer-launcher-*", their temporary files
		// "..onetrainer-launcher-*.NNN"
		if !strings.HasPrefix(strings.TrimLeft(e.Name(), "."), "onetrainer-launcher-") {
			return false
		}
	}
	return true
}

// condaKind is a conda env, found without running conda where that is
// certain, and made by conda.
type condaKind struct {
	*Conda
	checkout string
	python   string // the Python version a new env gets
}

func (c *condaKind) place() Place {
	p := Place{Dir: c.Prefix, Label: fmt.Sprintf("Conda environment %q", c.Given), Remove: c.removeCommand()}
	if c.Prefix != "" && (c.Found != "" || c.Name == "") {
		p.Python = filepath.Join(c.Prefix, "bin", "python")
		p.EnvFile = filepath.Join(c.Prefix, "conda-meta", "history")
	} else {
		p.Dir = ""
	}
	// A prefix env's lock is beside it. A named env's place is conda's
	// choice, so its lock lives in the checkout, named to fall under the
	// /.venv* line of OneTrainer's .gitignore.
	if c.Name == "" {
		p.Lock = c.Prefix + ".lock"
	} else {
		p.Lock = filepath.Join(c.checkout, ".venv.conda-"+c.Name+".lock")
	}
	return p
}

func (c *condaKind) locate(ctx context.Context, r Request) (bool, error) {
	c.Found = ""
	if !c.findFast() {
		c.askConda(ctx, r.Run.With(r.Checkout, r.Env).Output)
	}
	r.Run.P.Debugf("conda %s (root %s); env %q: %s", c.Exe, c.Root, c.Given, c.describeFound())
	return c.Found != "", nil
}

func (c *Conda) describeFound() string {
	if c.Found == "" {
		return "not found"
	}
	return "found at " + c.Prefix + " via " + c.Found
}

// checkTarget: conda itself refuses a prefix it cannot use.
func (c *condaKind) checkTarget(bool) error { return nil }

func (c *condaKind) create(ctx context.Context, r Request) error {
	r.Run.P.Status("Creating Conda environment %q...", c.Given)
	run := r.Run.With(r.Checkout, r.Env)
	if err := run.Run(ctx, proc.Cmd{Path: c.Exe, Argv: c.createArgs()}); err != nil {
		return err
	}
	if !c.findFast() {
		c.askConda(ctx, run.Output)
	}
	if c.Found == "" {
		return out.Errorf("conda created the environment %q, but it cannot be found where conda keeps environments", c.Given)
	}
	if err := envstate.MarkCreated(c.Prefix); err != nil {
		return out.Errorf("cannot write in the new conda environment %s: %v", c.Prefix, pathutil.Explain(c.Prefix, err))
	}
	return nil
}

// versionCheck runs the env's own python directly: the same script and
// bounds as through `conda run`, without a conda start.
func (c *condaKind) versionCheck(args ...string) proc.Cmd {
	py := filepath.Join(c.Prefix, "bin", "python")
	return proc.Cmd{Path: py, Argv: append([]string{py}, args...)}
}

func (c *condaKind) solutions() []string {
	return []string{fmt.Sprintf("Solution: the conda environment %q has a Python outside the accepted range. Delete it, and the next run creates a new one with Python %s. To delete it, run: %s (the launcher never deletes it).",
		c.Given, c.python, c.removeCommand())}
}

// health fails for an env whose Python cannot be run: gone (the Python it
// was made from was upgraded or removed: Homebrew, pyenv), or out of the
// user's reach (a venv made by another user from a Python only they can
// reach). Only the first is fixed by making the env again, and a recreate
// would silently lose what is installed, so the user decides; for the
// second, deleting would destroy a working env, and is never advised.
func health(pl Place, what string) error {
	_, err := os.Stat(pl.Python)
	if err == nil {
		return nil
	}
	cause := pathutil.Explain(pl.Python, err)
	var c *pathutil.Cause
	if errors.As(cause, &c) && c.Permission() {
		return out.Errorf("the %s in %s cannot be used by you: its Python %v. Run OneTrainer as the user who made it, or give yourself access, or make an env of your own elsewhere with OT_PYTHON_VENV", what, pl.Dir, cause)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return out.Errorf("the %s in %s cannot be used: its Python %v", what, pl.Dir, cause)
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
	return out.Errorf("the %s in %s is broken: its Python %s no longer exists (the Python it was made from was upgraded or removed). To fix it, delete the %s (%s) and run again: a new one is created", what, pl.Dir, missing, what, pl.Remove)
}
