package pyenv

import (
	"context"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
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

// Target is the launch's runtime (launch.Runtime, decided once) as it is
// found on disk: where it lives and whether it is there. It is a value:
// finding it again (locate) or making it (create) gives a new one.
type Target struct {
	Kind   launch.Kind
	Place  Place
	Exists bool

	venv  Venv
	conda *Conda
	loc   condaLoc
	pixi  pixiEnv
}

// target is the launch's venv or conda env, found now. q asks conda where
// its envs are when the files do not tell: a step for a launch, a question
// for doctor.
func target(ctx context.Context, r Request, q query) (Target, error) {
	var t Target
	switch rt := r.Runtime.(type) {
	case *launch.Conda:
		t = Target{Kind: launch.KindConda, conda: &Conda{Conda: rt, base: r.Env}}
	case *launch.Venv:
		t = Target{Kind: launch.KindVenv, venv: Venv{Venv: rt, base: r.Env}}
	default:
		panic("pyenv: no venv or conda env to find for a " + string(r.Runtime.Kind()) + " launch")
	}
	return t.locate(ctx, r, q)
}

// locate finds the target's env now: another launch may have made it
// since the target was last found.
func (t Target) locate(ctx context.Context, r Request, q query) (Target, error) {
	switch t.Kind {
	case launch.KindConda:
		t.loc = t.conda.find(ctx, q)
		r.Out.Debugf("conda %s (root %s); env %q: %s", t.conda.Exe, t.conda.Root, t.conda.Given, t.loc.describe())
		t.Exists = t.loc.found()
		t.Place = t.conda.place(r.Checkout, t.loc)
	default:
		exists, err := t.venv.exists()
		if err != nil {
			return t, quotedErr(upstream.VarPythonVenv, t.venv.Given, err)
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
	case launch.KindConda:
		return t.conda.python(t.loc, args...)
	case launch.KindPixi:
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
	if t.Kind == launch.KindPixi {
		return t.pixi.run(all...)
	}
	return t.Python(all...)
}

// Environ is the environment for processes in the env: for a venv, the
// activated one; conda run and pixi run activate their envs themselves.
func (t Target) Environ() environ.List {
	switch t.Kind {
	case launch.KindConda:
		return t.conda.base
	case launch.KindPixi:
		return t.pixi.base
	}
	return t.venv.Environ()
}

// what names the kind of env in messages.
func (t Target) what() string {
	switch t.Kind {
	case launch.KindConda:
		return "conda environment"
	case launch.KindPixi:
		return "pixi environment"
	}
	return "venv"
}

// versionCheck is the command that runs the checkout's version check in the
// env: a conda env's own python directly, the same script and bounds as
// through `conda run`, without a conda start.
func (t Target) versionCheck(args ...string) proc.Cmd {
	if t.Kind == launch.KindConda {
		return proc.Cmd{Path: t.Place.Python, Argv: append([]string{t.Place.Python}, args...)}
	}
	return t.venv.Python(args...)
}
