package pyenv

import (
	"context"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Kind is the tool an env is made with.
type Kind string

const (
	KindVenv  Kind = "venv"
	KindConda Kind = "conda"
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

// Target is the env a launch uses, as Decide found it: its kind, where it
// lives and whether it is there. It is a value: finding it again (locate)
// or making it (create) gives a new one.
type Target struct {
	Kind   Kind
	Place  Place
	Exists bool
	// Warnings are what the decision noticed that the user should hear.
	Warnings []string

	venv  Venv
	conda *Conda
	loc   condaLoc
	pixi  pixiEnv
}

// Decide is the one decision of which env a launch uses: conda when it is
// there and not refused (OT_PREFER_VENV), else a venv; then where that env
// is and whether it exists. start-ui acts on what it returns and doctor
// reports it, so the two cannot disagree. q asks conda where its envs are
// when the files do not tell: a step for a launch, a question for doctor.
func Decide(ctx context.Context, r Request, q query) (Target, error) {
	var warnings []string
	if !r.Settings.PreferVenv {
		c, warning := condaOf(r)
		if warning != "" {
			warnings = append(warnings, warning)
		}
		if c != nil {
			t := Target{Kind: KindConda, conda: c, Warnings: warnings}
			if err := c.checkName(); err != nil {
				return t, err
			}
			return t.locate(ctx, r, q)
		}
	}
	v := Venv{Dir: r.Checkout.Path(r.Settings.PythonVenv), Given: r.Settings.PythonVenv, base: r.Env}
	t := Target{Kind: KindVenv, venv: v, Warnings: warnings}
	return t.locate(ctx, r, q)
}

// condaOf is the conda env the settings describe, when conda can be run;
// else nil, and a warning when the user named a conda that is none.
func condaOf(r Request) (*Conda, string) {
	exe := pathutil.Look(r.Settings.CondaCmd, r.Checkout.Root, r.Env.Get("PATH"), "")
	if exe == "" {
		if r.Settings.Given("OT_CONDA_CMD") {
			// Without an executable conda, a venv, as the original scripts
			// chose; they did so silently, which hid a typo in a conda
			// command the user named behind a venv built by surprise.
			return nil, "OT_CONDA_CMD=" + quote(r.Settings.CondaCmd) + " is not an executable conda, so a Python venv is used. Give conda's path or a command on PATH to use conda, or set OT_PREFER_VENV=true to choose the venv and silence this."
		}
		return nil, ""
	}
	return newConda(r.Settings.CondaCmd, exe, r.Settings.CondaEnv, r.Checkout.Root, r.Env, r.Facts.Conda), ""
}

// locate finds the target's env now: another launch may have made it
// since the target was decided.
func (t Target) locate(ctx context.Context, r Request, q query) (Target, error) {
	switch t.Kind {
	case KindConda:
		t.loc = t.conda.find(ctx, q)
		r.Out.Debugf("conda %s (root %s); env %q: %s", t.conda.Exe, t.conda.Root, t.conda.Given, t.loc.describe())
		t.Exists = t.loc.found()
		t.Place = t.conda.place(r.Checkout.Root, t.loc)
	default:
		exists, err := t.venv.exists()
		if err != nil {
			return t, quotedErr("OT_PYTHON_VENV", t.venv.Given, err)
		}
		t.Exists, t.Place = exists, t.venv.place()
	}
	return t, nil
}

func (l condaLoc) describe() string {
	if !l.found() {
		return "not found"
	}
	return "found at " + l.Prefix + " via " + l.Via
}

// Python returns the command that runs python with args in the env.
func (t Target) Python(args ...string) proc.Cmd {
	switch t.Kind {
	case KindConda:
		return t.conda.python(t.loc, args...)
	case KindPixi:
		return t.pixi.run(append([]string{"python"}, args...)...)
	}
	return t.venv.Python(args...)
}

// Run returns the command that runs what a launch script's runner runs
// (its words after run_python_in_active_env or run_in_env) with args: in
// the pip family, words are python's arguments; in the pixi family, the
// command pixi runs.
func (t Target) Run(words []string, args ...string) proc.Cmd {
	all := append(append([]string(nil), words...), args...)
	if t.Kind == KindPixi {
		return t.pixi.run(all...)
	}
	return t.Python(all...)
}

// Environ is the environment for processes in the env: for a venv, the
// activated one; conda run and pixi run activate their envs themselves.
func (t Target) Environ() environ.List {
	switch t.Kind {
	case KindConda:
		return t.conda.base
	case KindPixi:
		return t.pixi.base
	}
	return t.venv.Environ()
}

// what names the kind of env in messages.
func (t Target) what() string {
	switch t.Kind {
	case KindConda:
		return "conda environment"
	case KindPixi:
		return "pixi environment"
	}
	return "venv"
}

// versionCheck is the command that runs the checkout's version check in the
// env: a conda env's own python directly, the same script and bounds as
// through `conda run`, without a conda start.
func (t Target) versionCheck(args ...string) proc.Cmd {
	if t.Kind == KindConda {
		return proc.Cmd{Path: t.Place.Python, Argv: append([]string{t.Place.Python}, args...)}
	}
	return t.venv.Python(args...)
}
