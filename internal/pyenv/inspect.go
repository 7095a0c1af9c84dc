package pyenv

import (
	"context"
	"os"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Inspection is what doctor reports of the env: the launch's runtime — the
// same decision start-ui acts on — found without changing anything (no
// lock, no record, nothing created), its state, and what else is there.
type Inspection struct {
	Kind          launch.Kind
	Path          string // the venv or the conda prefix; "" when not known
	State         string // one of the State* values
	Python        string
	PythonVersion string
	Conda         CondaInfo
	Problem       string   // why the env cannot be used, when it cannot
	Warnings      []string // what the decision noticed
	Resume        string   // why the next launch installs the requirements, when it will
	PipLog        string   // the last install's pip log, when there is one
	// Ways are the ways around what made the last install fail, as its
	// closing error gave them, where pip's log names the cause (an index or
	// a git host out of reach, a certificate not trusted).
	Ways   []string
	Others []OtherEnv

	target Target
}

// CheckUI is CheckUI for the inspected env, the env's Python asked.
func (in Inspection) CheckUI(ctx context.Context, r Request, ui string) []UICheck {
	if in.State == StateMissing || in.State == StateUnusable {
		in.target.Place.Dir = ""
	}
	return CheckUI(ctx, r, in.target, ui, true)
}

// CondaInfo is what was found of conda, used or not.
type CondaInfo struct {
	Found     bool
	Command   string // OT_CONDA_CMD
	Path      string // its executable
	Root      string // its root prefix
	Env       string // OT_CONDA_ENV
	EnvPrefix string // where the env is; "" when not found
	FoundVia  string
	Form      string // how the checkout names the env: "prefix" (a path) or "name"
}

// Env states in an Inspection.
const (
	StateMissing     = "missing"
	StateInterrupted = "creation begun by the launcher, not finished"
	StateNoReqs      = "created by the launcher; requirements not installed"
	StatePending     = "an install began and did not complete"
	StateInstalled   = "requirements installed"
	StateForeign     = "present, not made by the launcher (trusted as installed)"
	StateUnusable    = "cannot be used"
)

// Inspect reports on the launch's venv or conda env. Its questions
// (conda's envs, the interpreter's version) run through r.Run.Ask, without
// "+" lines.
func Inspect(ctx context.Context, r Request) Inspection {
	rep := Inspection{Kind: r.Runtime.Kind(), Others: []OtherEnv{}}
	t, err := target(ctx, r, r.Run.Ask)
	v, isVenv := r.Runtime.(*launch.Venv)
	if isVenv {
		rep.Conda = inspectConda(ctx, r)
		if v.Warning != "" {
			rep.Warnings = append(rep.Warnings, v.Warning)
		}
	} else {
		rep.Conda = condaInfo(r, t.conda, t.loc)
	}
	if err != nil {
		rep.State, rep.Problem = StateUnusable, err.Error()
		return rep
	}
	rep.Path, rep.target = t.Place.Dir, t
	rep.Others = append(rep.Others, otherEnvsIn(r.Checkout.Root, t.Place.Dir)...)
	rec, err := ReadRecord(t.Place.Dir)
	if err != nil {
		rep.State, rep.Problem = StateUnusable, err.Error()
		return rep
	}
	switch {
	case !t.Exists && rec.Created:
		rep.State = StateInterrupted
	case !t.Exists:
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
	if t.Exists && rec.Pending() {
		rep.Resume = rec.Why()
	}
	if t.Place.Dir != "" {
		if log := in(t.Place.Dir, pipLogFile); fileExists(log) {
			rep.PipLog = log
			if rep.Resume != "" && rec.Installing != nil && rec.Installing.Failed != "" {
				// The launcher's own pip log holds the last install alone
				// (it is removed as an install begins).
				if f, ok := diagnosePipLog(string(pathutil.ReadTail(log, pipLogTail))); ok {
					rep.Ways = f.hints()
				}
			}
		}
	}
	if t.Exists {
		if err := health(t); err != nil {
			rep.State, rep.Problem = StateUnusable, err.Error()
			return rep
		}
		rep.Python = t.Place.Python
	} else if isVenv {
		// The Python that would make it — the venv's need alone — found as
		// the launch finds it; none is the problem the launch would meet.
		hp, err := hostPython(ctx, r, v)
		if err != nil {
			rep.Problem = "the venv cannot be made: " + err.Error()
			if oe, ok := err.(*out.Error); ok && len(oe.Hints) > 0 {
				rep.Problem += " " + strings.Join(oe.Hints, " ")
			}
		}
		rep.Python = hp.exe
	}
	if rep.Python != "" {
		text, err := r.Run.With(r.Checkout.Root, r.Env).Ask(ctx, proc.Cmd{Path: rep.Python, Argv: []string{rep.Python, "-c", versionQuestion}})
		if err == nil {
			rep.PythonVersion = strings.TrimSpace(text)
		}
	}
	return rep
}

// inspectConda reports on conda when the env is a venv.
func inspectConda(ctx context.Context, r Request) CondaInfo {
	var c *Conda
	var loc condaLoc
	if lc := r.Conda(); lc != nil {
		c = &Conda{Conda: lc, base: r.Env}
		loc = c.find(ctx, r.Run.Ask)
	}
	return condaInfo(r, c, loc)
}

// condaInfo reports conda c (nil: none) and where its env was found.
func condaInfo(r Request, c *Conda, loc condaLoc) CondaInfo {
	info := CondaInfo{Command: r.Settings.CondaCmd, Env: r.Settings.CondaEnv, Form: "name"}
	if r.Facts.Conda.Prefix {
		info.Form = "prefix"
	}
	if c == nil {
		return info
	}
	info.Found, info.Path, info.Root = true, c.Exe, c.Root
	info.EnvPrefix, info.FoundVia = loc.Prefix, loc.Via
	return info
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
