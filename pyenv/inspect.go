package pyenv

import (
	"context"
	"strings"

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
}

// Env states in EnvReport.
const (
	StateMissing     = "missing"
	StateInterrupted = "creation begun by the launcher, not finished"
	StateNoReqs      = "created by the launcher; requirements not installed"
	StateInstalled   = "requirements installed"
	StateForeign     = "present, not made by the launcher (trusted as installed)"
)

// Inspect reports on the env. run shows any command it runs (a question to
// conda, the interpreter's version) and should print elsewhere than a
// report on stdout.
func Inspect(ctx context.Context, r Request, run *proc.Runner) EnvReport {
	path := r.Env.Get("PATH")
	rep := EnvReport{Kind: "venv"}
	conda := &CondaReport{Command: r.Config.CondaCmd, Env: r.Config.CondaEnv}
	rep.Conda = conda
	var k kind
	if exe := LookCommand(r.Config.CondaCmd, r.Checkout, path); exe != "" {
		c := NewConda(r.Config.CondaCmd, exe, r.Config.CondaEnv, r.Checkout, r.Env)
		conda.Found, conda.Path, conda.Root = true, exe, c.Root
		if !c.findFast() {
			c.askConda(ctx, run.With(r.Checkout, r.Env))
		}
		if c.Found != "" {
			conda.EnvPrefix, conda.FoundVia = c.Prefix, c.Found
		}
		if !r.Config.PreferVenv {
			rep.Kind = "conda"
			k = &condaKind{Conda: c, checkout: r.Checkout}
		}
	}
	exists, dir := false, ""
	if k == nil {
		v := &venvKind{Venv: &Venv{Dir: absUnder(r.Checkout, r.Config.PythonVenv), base: r.Env}, given: r.Config.PythonVenv}
		k, exists, dir = v, v.Exists(), v.Dir
		rep.Path = v.Dir
	} else if conda.EnvPrefix != "" {
		exists, dir = true, conda.EnvPrefix
		rep.Path = dir
	}
	rec, _ := ReadRecord(dir)
	switch {
	case !exists && rec.Created:
		rep.State = StateInterrupted
	case !exists:
		rep.State = StateMissing
	case rec.Installed != nil:
		rep.State = StateInstalled
	case rec.Created:
		rep.State = StateNoReqs
	default:
		rep.State = StateForeign
	}
	if exists {
		rep.Python = k.interpreter(dir)
	} else if rep.Kind == "venv" {
		rep.Python = LookCommand(r.Config.PythonCmd, r.Checkout, path) // the Python that would make it
	}
	if rep.Python != "" {
		text, err := run.With(r.Checkout, r.Env).Output(ctx, proc.Cmd{Path: rep.Python,
			Argv: []string{rep.Python, "-c", "import sys; print('%d.%d.%d' % tuple(sys.version_info[:3]))"}})
		if err == nil {
			rep.PythonVersion = strings.TrimSpace(text)
		}
	}
	return rep
}
