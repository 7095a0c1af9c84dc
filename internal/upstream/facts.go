// Package upstream learns what a OneTrainer checkout's own launch files
// say — lib.include.sh, the four launch scripts, the pixi manifest — so that the launcher does
// what that commit's Bash scripts did: the checkout decides. It reads the files with a
// real shell parser (mvdan.cc/sh/v3/syntax) and a small evaluator; it never
// runs them. Each fact carries the file:line it came from, or "built-in"
// where the checkout said nothing the launcher could evaluate.
//
// It turns bytes into facts and facts into a small memo file (the codec
// generated from this file's types, memo_gen.go), and knows nothing of
// git; its callers hand it the sources. It holds the built-in defaults of
// the OT_* variables, which settings takes.
package upstream

// BuiltIn is the Where of a fact the checkout did not give.
const BuiltIn = "built-in"

// Facts is what one checkout's launch files decide.
type Facts struct {
	// Family is the launch logic the checkout's files belong to
	// (FamilyPip, FamilyPixi), and where that was decided: the line of
	// lib.include.sh's prepare_runtime_environment, or BuiltIn for a
	// checkout without launch files.
	Family Fact
	// Refusals name what the launcher cannot follow, file:line first. A
	// checkout with any is not acted on: no env is made or changed, and
	// link refuses it. Built-in values stand only for details (a missing
	// default), never for the env tool, the env's place or the UI script.
	Refusals []string
	// Plans say what each launch script the checkout has does, in the
	// order of layout.Scripts.
	Plans []Plan
	// Pixi is how the pixi family's scripts run pixi; nil in the pip
	// family.
	Pixi *Pixi

	// Lib tells whether lib.include.sh is the framework's: it gives the
	// user variables their defaults. Exports are then exactly its
	// exports; otherwise the built-in ones stand, with what it exports
	// over them.
	Lib bool

	// Defaults are the user variables lib.include.sh gives defaults to
	// (export OT_X="${OT_X:-...}") at its top level, unconditionally, in
	// the file's order: those of Vars, and any other the checkout
	// defines. A default given only under a condition or in a script is
	// its Export's (Export.Default).
	Defaults []Default
	// Constants are its exports of literal values (the Python bounds,
	// OT_CONDA_USE_PYTHON_VERSION, OT_MUST_INSTALL_REQUIREMENTS, ...).
	Constants []Constant
	// Exports are what lib.include.sh exports at its top level, in order,
	// each with the conditions it is exported under.
	Exports []Export
	// AppletExports are what start-ui.sh and run-cmd.sh export
	// themselves (Export.Applet says which), such as HF_HUB_DISABLE_XET.
	AppletExports []Export

	// Conda is how a conda env is named, made and run.
	Conda Conda
	// PipBootstrap is the pip install that upgrades pip and setuptools
	// (the words after "python -m pip"); PipRequirements the one that
	// installs the requirements, Slot marking the platform file.
	PipBootstrap    Args
	PipRequirements Args
	// Platform is the detection of the platform requirements file: rules
	// tried in order, the last without signs being the fallback.
	Platform []Rule
	// Legacy is the old-driver CUDA choice; nil where the checkout has none.
	Legacy *Legacy

	// UIScript is the script start-ui.sh runs.
	UIScript Fact

	// Warnings name what could not be evaluated, file:line first; the
	// built-in value stood for it.
	Warnings []string
}

// The families of launch logic the launcher models.
const (
	// FamilyPip: a venv or a conda env, pip requirements (OneTrainer's
	// framework of lib.include.sh, and its scripts/pip-install/).
	FamilyPip = "pip"
	// FamilyPixi: pixi environments from pyproject.toml's [tool.pixi]
	// and pixi.lock.
	FamilyPixi = "pixi"
)

// Plan is what one launch script does, as far as the launcher models it.
type Plan struct {
	Script string // its name, "start-ui.sh"
	Where  string // the file it was read from
	// Handover, when set, runs another script instead: the pixi family's
	// scripts hand every applet to scripts/pip-install/ when
	// OT_PIP_INSTALL is true.
	Handover *Handover
	// Prepare is the argument the script gives prepare_runtime_environment
	// ("", "install", "upgrade"), and Prepares whether it calls it.
	Prepare  string
	Prepares bool
	// Pull: the script runs `git pull` (update.sh).
	Pull bool
	// GitInit is what the script runs, before its pull, in a tree that is
	// not a git checkout: each command's words.
	GitInit [][]string
	// Run is what the script runs in the env, the runner function first:
	// for start-ui.sh "run_python_in_active_env scripts/train_ui.py" (pip)
	// or "run_in_env python scripts/train_ui_qt.py" (pixi); for run-cmd.sh
	// the custom script is the slot. Empty when the script runs nothing.
	Run Args
}

// Handover is a script's hand-over to another script under a condition:
// `if [ "$VAR" = "VALUE" ]; then bash SCRIPT "$@"; exit 0; fi`.
type Handover struct {
	Var, Value string
	Script     string // checkout-relative, "scripts/pip-install/install.sh"
	Message    string // the status line it prints first, without "[OneTrainer] "
	// PassesArgs: the script's arguments go on ("$@"); without, the other
	// script gets none.
	PassesArgs bool
	Where      string
}

// Pixi is how the pixi family's lib.include.sh runs pixi: the words after
// `pixi` of each call, the environment's name in the slot.
type Pixi struct {
	Install    Args // install --locked -e ENV
	Run        Args // run --locked -e ENV, then the command
	SelfUpdate Args // self-update --no-release-note
	// SelfUpdateOn and InstallOn are the prepare_runtime_environment
	// arguments that update pixi itself and install the environment.
	SelfUpdateOn []string
	InstallOn    []string
	// BinDir is where the scripts look for pixi when it is not on PATH:
	// $Var (Default when unset or empty) followed by Suffix.
	BinDir struct{ Var, Default, Suffix string }
	// Installer is the checkout's own pixi installer ("./install-pixi.sh").
	Installer string
	// Envs are the environments the checkout's manifest defines
	// ([tool.pixi.environments], and pixi's "default"), from EnvsWhere.
	Envs      []string
	EnvsWhere string
	Where     string
}

// Fact is one value and where it came from ("lib.include.sh:23", BuiltIn).
type Fact struct {
	Value string `json:"value"`
	Where string `json:"where"`
}

// Default is a user variable's default: the first of Vars that is set
// and not empty at launch time (as ${CONDA_EXE:-conda} tries CONDA_EXE),
// else Lit. It stands for an unset or empty variable
// (${NAME:-DEFAULT}); with Unset, for an unset one only (${NAME-DEFAULT}):
// an empty value is kept.
type Default struct {
	Name  string
	Vars  []string
	Lit   string
	Unset bool
	Where string
}

// Constant is a variable exported with a literal value.
type Constant struct {
	Name, Value, Where string
}

// ExportKind says how an export's value is made at launch time.
type ExportKind string

const (
	// ExportLiteral: Value as it stands.
	ExportLiteral ExportKind = "literal"
	// ExportSetting: the user variable's value (the environment's, the
	// settings file's, else its Default).
	ExportSetting ExportKind = "setting"
	// ExportCheckout: the checkout's absolute path (SCRIPT_DIR).
	ExportCheckout ExportKind = "checkout"
	// ExportHostOS: what `uname -s` prints (OT_HOST_OS).
	ExportHostOS ExportKind = "host-os"
)

// Export is one `export NAME=VALUE`, under Conds (all must hold, judged
// at launch time against the environment as the exports before it left
// it).
type Export struct {
	Applet string // "" for lib.include.sh; else the script, e.g. "start-ui.sh"
	Name   string
	Kind   ExportKind
	Value  string // for ExportLiteral
	// Default is an ExportSetting's own default, the DEFAULT of its
	// export NAME="${NAME:-DEFAULT}" (nil for the other kinds): the
	// value it gets when nothing before it set one, wherever it stands
	// (lib.include.sh's top level, under a condition, or in a script).
	Default *Default
	Conds   []Cond
	Where   string
}

// Cond is a test on a variable at launch time.
type Cond struct {
	Var   string
	Op    CondOp
	Value string // for CondEqual and CondNotEqual
}

// CondOp is how a Cond tests its variable.
type CondOp string

const (
	CondEqual    CondOp = "=="    // [[ "${V}" == "x" ]]
	CondNotEqual CondOp = "!="    // [[ "${V}" != "x" ]]
	CondUnset    CondOp = "unset" // [[ -z "${V+x}" ]]
	CondSet      CondOp = "set"   // [[ -n "${V+x}" ]]
	CondEmpty    CondOp = "empty" // [[ -z "${V}" ]]: unset or empty
	CondNonEmpty CondOp = "nonempty"
)

// PlanOf returns the plan of launch script name; ok is false when the
// checkout has no such script.
func (f *Facts) PlanOf(name string) (Plan, bool) {
	for _, p := range f.Plans {
		if p.Script == name {
			return p, true
		}
	}
	return Plan{}, false
}

// Holds reports whether c holds given how lookup finds a variable.
func (c Cond) Holds(lookup func(string) (string, bool)) bool {
	v, set := lookup(c.Var)
	switch c.Op {
	case CondEqual:
		return v == c.Value
	case CondNotEqual:
		return v != c.Value
	case CondUnset:
		return !set
	case CondSet:
		return set
	case CondEmpty:
		return v == ""
	case CondNonEmpty:
		return v != ""
	}
	return false
}

// Args is a command's argument words, with at most one word that is only
// known at launch time: Slot is its index (-1: none).
type Args struct {
	Words []string
	Slot  int
	Where string
}

// With returns the words with value in the slot.
func (a Args) With(value string) []string {
	out := append([]string(nil), a.Words...)
	if a.Slot >= 0 && a.Slot < len(out) {
		out[a.Slot] = value
	}
	return out
}

// Conda is how the checkout's scripts name, make and run a conda env.
type Conda struct {
	// Prefix tells whether OT_CONDA_ENV is a path (conda's --prefix) or,
	// false, a name (-n); Create.Where says where that was decided. For
	// the built-in rule (a value with a "/" is a path), Auto is true.
	Prefix bool
	Auto   bool
	// Create and Run are the words after the conda command, the env's
	// name or path in the slot: "create -y --prefix ENV ... python==3.13.*"
	// and "run --prefix ENV --no-capture-output".
	Create Args
	Run    Args
}

// Rule is one branch of the platform detection: when any of Signs holds
// (or always, with none), File is chosen; with Legacy set the choice goes
// through the old-driver check first.
type Rule struct {
	Signs  []Sign
	File   string
	Legacy bool
	Where  string
}

// Sign is one test of a Rule: a path that exists ([[ -e /dev/kfd ]]) or a
// command that can be run (can_exec nvidia-smi).
type Sign struct {
	Exec bool   // can_exec ARG; else [[ -e ARG ]]
	Arg  string // "/dev/nvidia0", "nvidia-smi", "/usr/lib/wsl/lib/nvidia-smi", "nvcc"
}

// Legacy is the old-driver CUDA choice: when nvidia-smi's banner gives a
// CUDA version whose major is below Below, Legacy is installed instead of
// Default. When the banner says nothing (no nvidia-smi, or one that
// cannot talk to the driver), UnknownIsLegacy says which: the pip
// family's scripts keep Default, the pixi family's fall to Legacy.
type Legacy struct {
	Default         string
	Legacy          string
	Below           int
	UnknownIsLegacy bool
	Where           string
}

// DefaultOf returns the default of user variable name, and whether the
// checkout (or the built-in facts) define it.
func (f *Facts) DefaultOf(name string) (Default, bool) {
	for _, d := range f.Defaults {
		if d.Name == name {
			return d, true
		}
	}
	return Default{}, false
}

// Constant returns the literal export of name, and whether there is one.
func (f *Facts) Constant(name string) (Constant, bool) {
	for _, c := range f.Constants {
		if c.Name == name {
			return c, true
		}
	}
	return Constant{}, false
}

// ExportsFor returns the exports in force for applet ("install.sh",
// "start-ui.sh", ...): lib.include.sh's, then the applet script's own.
func (f *Facts) ExportsFor(applet string) []Export {
	out := append([]Export(nil), f.Exports...)
	for _, e := range f.AppletExports {
		if e.Applet == applet {
			out = append(out, e)
		}
	}
	return out
}
