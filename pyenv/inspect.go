package pyenv

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envstate"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// EnvReport describes the env for `doctor`, found the way Prepare finds it
// but without changing anything: no lock, no record, nothing created.
type EnvReport struct {
	Kind          string       `json:"kind"`  // "venv" or "conda"
	Path          string       `json:"path"`  // the venv or the conda prefix; "" when not known
	State         string       `json:"state"` // see the README's doctor section
	Python        string       `json:"python"`
	PythonVersion string       `json:"python_version"`
	Conda         *CondaReport `json:"conda"`
	// Problem says why the env cannot be used, when it cannot.
	Problem string `json:"problem"`
	// Resume says why the next launch installs the requirements, when it will.
	Resume string `json:"resume"`
	// PipLog is the last install's pip log, when there is one.
	PipLog string `json:"pip_log"`
	// Others are the other envs the checkout holds.
	Others []OtherEnv `json:"others"`
}

// CondaReport says what was found of conda, used or not.
type CondaReport struct {
	Found     bool   `json:"found"`
	Command   string `json:"command"`    // OT_CONDA_CMD
	Path      string `json:"path"`       // its executable
	Root      string `json:"root"`       // its root prefix
	Env       string `json:"env"`        // OT_CONDA_ENV
	EnvPrefix string `json:"env_prefix"` // where the env is; "" when not found
	FoundVia  string `json:"found_via"`  // how it was found
	// Form is how the checkout names the env: "prefix" (a path) or "name".
	Form string `json:"form"`
}

// Env states in EnvReport.
const (
	StateMissing     = "missing"
	StateInterrupted = "creation begun by the launcher, not finished"
	StateNoReqs      = "created by the launcher; requirements not installed"
	StatePending     = "an install began and did not complete"
	StateInstalled   = "requirements installed"
	StateForeign     = "present, not made by the launcher (trusted as installed)"
	StateUnusable    = "cannot be used"
)

// pipLogFile is where, inside the env, pip keeps the log of the last install.
const pipLogFile = ".onetrainer-launcher-pip.log"

// Inspect reports on the env. run asks its questions (conda's envs, the
// interpreter's version) without "+" lines.
func Inspect(ctx context.Context, r Request, run *proc.Runner) EnvReport {
	path := r.Env.Get("PATH")
	rep := EnvReport{Kind: "venv", Others: []OtherEnv{}}
	conda := &CondaReport{Command: r.Config.CondaCmd, Env: r.Config.CondaEnv, Form: "name"}
	if r.Facts.Conda.Prefix {
		conda.Form = "prefix"
	}
	rep.Conda = conda
	var k kind
	if exe := pathutil.Look(r.Config.CondaCmd, r.Checkout, path, ""); exe != "" {
		c := newConda(r.Config.CondaCmd, exe, r.Config.CondaEnv, r.Checkout, r.Env, r.Facts.Conda)
		conda.Found, conda.Path, conda.Root = true, exe, c.Root
		if !c.findFast() {
			c.askConda(ctx, run.With(r.Checkout, r.Env).Ask)
		}
		if c.Found != "" {
			conda.EnvPrefix, conda.FoundVia = c.Prefix, c.Found
		}
		if !r.Config.PreferVenv {
			rep.Kind = "conda"
			k = &condaKind{Conda: c, checkout: r.Checkout}
		}
	}
	exists := false
	if k == nil {
		v := &venvKind{Venv: &Venv{Dir: pathutil.Resolve(r.Checkout, r.Config.PythonVenv), base: r.Env}, given: r.Config.PythonVenv}
		k = v
		var err error
		if exists, err = v.Exists(); err != nil {
			rep.State, rep.Problem = StateUnusable, err.Error()
		}
	} else {
		exists = conda.EnvPrefix != ""
	}
	pl := k.place()
	rep.Path = pl.Dir
	rep.Others = append(rep.Others, otherEnvsIn(r.Checkout, pl.Dir)...)
	if rep.State == StateUnusable {
		return rep
	}
	rec, err := envstate.Read(pl.Dir)
	if err != nil {
		rep.State, rep.Problem = StateUnusable, err.Error()
		return rep
	}
	switch {
	case !exists && rec.Created:
		rep.State = StateInterrupted
	case !exists:
		rep.State = StateMissing
	case rec.Installing != nil:
		rep.State = StatePending
	case rec.Installed != nil:
		rep.State = StateInstalled
	case rec.Created:
		rep.State = StateNoReqs
	default:
		rep.State = StateForeign
	}
	if exists && rec.Pending() {
		rep.Resume = rec.Why()
	}
	if log := filepath.Join(pl.Dir, pipLogFile); pl.Dir != "" {
		if _, err := os.Stat(log); err == nil {
			rep.PipLog = log
		}
	}
	if exists {
		what := "venv"
		if rep.Kind == "conda" {
			what = "conda environment"
		}
		if err := health(pl, what); err != nil {
			rep.State, rep.Problem = StateUnusable, err.Error()
			return rep
		}
		rep.Python = pl.Python
	} else if rep.Kind == "venv" {
		rep.Python = pathutil.Look(r.Config.PythonCmd, r.Checkout, path, "") // the Python that would make it
	}
	if rep.Python != "" {
		text, err := run.With(r.Checkout, r.Env).Ask(ctx, proc.Cmd{Path: rep.Python,
			Argv: []string{rep.Python, "-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"}})
		if err == nil {
			rep.PythonVersion = strings.TrimSpace(text)
		}
	}
	return rep
}
