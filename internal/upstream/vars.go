package upstream

import "github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"

// The variables of OneTrainer's launch files, each name spelled here and
// in no other non-test Go file of the launcher (TestSettingNamesSpelledOnce
// at the repository's root insists): code that needs a name takes its
// constant.
const (
	// VarPrefix begins the name of every variable of OneTrainer's launch
	// files that the user may set.
	VarPrefix = "OT_"

	// The user's settings, rows of Vars.
	VarCondaCmd             = "OT_CONDA_CMD"
	VarCondaEnv             = "OT_CONDA_ENV"
	VarPythonCmd            = "OT_PYTHON_CMD"
	VarPythonVenv           = "OT_PYTHON_VENV"
	VarPreferVenv           = "OT_PREFER_VENV"
	VarLazyUpdates          = "OT_LAZY_UPDATES"
	VarCudaLowmemMode       = "OT_CUDA_LOWMEM_MODE"
	VarPlatformRequirements = "OT_PLATFORM_REQUIREMENTS"
	VarScriptDebug          = "OT_SCRIPT_DEBUG"
	VarPlatform             = "OT_PLATFORM"
	VarPipInstall           = "OT_PIP_INSTALL"

	// The constants lib.include.sh exports, rows of Constants.
	VarPythonVersionMinimum    = "OT_PYTHON_VERSION_MINIMUM"
	VarPythonVersionTooHigh    = "OT_PYTHON_VERSION_TOO_HIGH"
	VarCondaUsePythonVersion   = "OT_CONDA_USE_PYTHON_VERSION"
	VarMustInstallRequirements = "OT_MUST_INSTALL_REQUIREMENTS"

	// What the scripts compute: where update.sh keeps its HEAD
	// (lib.include.sh), the host's `uname -s` (lib.include.sh), and
	// run-cmd.sh's script.
	VarUpdateMetadataFile = "OT_UPDATE_METADATA_FILE"
	VarHostOS             = "OT_HOST_OS"
	VarCustomScriptFile   = "OT_CUSTOM_SCRIPT_FILE"
)

// Kind is what a setting's value is, as the launcher checks and shows it.
type Kind string

const (
	// KindBool: true or false (with the spellings settings accepts),
	// handed to children as "true" or "false".
	KindBool Kind = "boolean"
	// KindCommand: a command on PATH, or a path to one.
	KindCommand Kind = "command"
	// KindPath: a directory, relative to the checkout unless absolute.
	KindPath Kind = "path"
	// KindEnvName: a conda env's name, or its path.
	KindEnvName Kind = "name or path"
	// KindChoice: "detect", or one of the checkout's own names (a
	// requirements file, a pixi environment).
	KindChoice Kind = "choice"
	// KindText: a setting the checkout defines and this table lacks. Its
	// value is the checkout's business: handed on as the checkout's
	// scripts hand it on, unchecked.
	KindText Kind = "text"
)

// Var is one user setting: a variable the checkout's launch files give a
// default with export NAME="${NAME:-DEFAULT}".
type Var struct {
	Name string
	Kind Kind
	// Builtin is the default when the checkout's files say nothing of it:
	// the launch-scripts guide's (its Where is BuiltIn).
	Builtin Default
	// From says which of OneTrainer's launch files give it a default, for
	// the help and the docs; what a checkout actually gives is in its
	// Facts (Default.Where).
	From string
	// Doc is the one line the help and docs/configuration.md give it.
	Doc string
	// Guide: the launch-scripts guide's framework defines it, so the
	// built-in facts (a checkout without launch files) do.
	Guide bool
	// Place: its default decides where the env is or which tool makes it;
	// a checkout's default for it that cannot be evaluated is a refusal,
	// not a detail.
	Place bool
	// Required is the family whose lib.include.sh must give it a default
	// ("": none must): without it the launcher cannot tell where the env is.
	Required string
}

// Where Var.From says the defaults come from.
const (
	fromPipLib  = layout.LibFile
	fromPixiLib = layout.LibFile + " (pixi branch)"
	fromPixiHO  = "the launch scripts (pixi branch)"
)

// Vars is the table of the user's settings, in the order OneTrainer's
// lib.include.sh (and the launch-scripts guide's) gives them defaults. It is never modified. settings parses by it, --help and
// docs/configuration.md list it; a variable a checkout defines that it
// lacks is handled as a KindText row (VarOf).
var Vars = [...]Var{
	{Name: VarCondaCmd, Kind: KindCommand, Builtin: Default{Vars: []string{"CONDA_EXE"}, Lit: "conda"}, From: fromPipLib, Guide: true, Place: true, Required: FamilyPip,
		Doc: "conda command, or an absolute path to it"},
	{Name: VarCondaEnv, Kind: KindEnvName, Builtin: Default{Lit: "onetrainer"}, From: fromPipLib, Guide: true, Place: true, Required: FamilyPip,
		Doc: "conda env (a name or a path, as the checkout's scripts take it)"},
	{Name: VarPythonCmd, Kind: KindCommand, Builtin: Default{Lit: "python"}, From: fromPipLib, Guide: true,
		Doc: "host Python that creates the venv"},
	{Name: VarPythonVenv, Kind: KindPath, Builtin: Default{Lit: ".venv"}, From: fromPipLib, Guide: true, Place: true, Required: FamilyPip,
		Doc: "venv directory, relative to the checkout unless absolute"},
	{Name: VarPreferVenv, Kind: KindBool, Builtin: Default{Lit: "false"}, From: fromPipLib, Guide: true, Place: true, Required: FamilyPip,
		Doc: "true: use a venv even when conda is present"},
	{Name: VarLazyUpdates, Kind: KindBool, Builtin: Default{Lit: "false"}, From: fromPipLib, Guide: true,
		Doc: "true: update.sh reinstalls requirements only when git HEAD changed since the last install"},
	{Name: VarCudaLowmemMode, Kind: KindBool, Builtin: Default{Lit: "false"}, From: fromPipLib, Guide: true,
		Doc: "true: aggressive PyTorch garbage collection for low-memory GPUs (PYTORCH_CUDA_ALLOC_CONF=" + lowmemAllocConf + ")"},
	{Name: VarPlatformRequirements, Kind: KindChoice, Builtin: Default{Lit: "detect"}, From: fromPipLib, Guide: true, Place: true,
		Doc: "detect, or the platform requirements file to install (e.g. requirements-cuda.txt)"},
	{Name: VarScriptDebug, Kind: KindBool, Builtin: Default{Lit: "false"}, From: fromPipLib, Guide: true,
		Doc: "true: print debug lines"},
	{Name: VarPlatform, Kind: KindChoice, Builtin: Default{Lit: "detect"}, From: fromPixiLib, Place: true, Required: FamilyPixi,
		Doc: "pixi checkouts: detect, or the pixi environment to install and run (cuda13, cuda12, rocm, cpu)"},
	{Name: VarPipInstall, Kind: KindBool, Builtin: Default{Lit: "false"}, From: fromPixiHO,
		Doc: "pixi checkouts: true hands every script to the pip-based scripts in scripts/pip-install/"},
}

// VarOf returns the row of name, and whether the table has one. A name it
// lacks gets a KindText row without a built-in default: the checkout's is
// the only one.
func VarOf(name string) (Var, bool) {
	for _, v := range Vars {
		if v.Name == name {
			return v, true
		}
	}
	return Var{Name: name, Kind: KindText, Builtin: Default{Lit: ""}}, false
}

// Constants the launch-scripts guide's lib.include.sh exports, with their
// built-in values: the Python bounds, the Python a new conda env gets, and
// the install flag update.sh sets.
var builtinConstants = [...]struct{ Name, Value string }{
	{VarPythonVersionMinimum, "3.10"},
	{VarPythonVersionTooHigh, "3.14"},
	{VarCondaUsePythonVersion, builtinCondaPython},
	{VarMustInstallRequirements, "false"},
}

// ConstantNames are the constants the launcher decides by, in the order
// lib.include.sh sets them: the accepted Python's bounds and the Python a
// new conda env gets.
var ConstantNames = [...]string{VarPythonVersionMinimum, VarPythonVersionTooHigh, VarCondaUsePythonVersion}

// builtinCondaPython is the Python a new conda env gets when the checkout
// says nothing (OT_CONDA_USE_PYTHON_VERSION).
const builtinCondaPython = "3.13"

// condaPythonPin is the package spec conda create gets for Python version
// v, as lib.include.sh writes it: "python==3.13.*".
func condaPythonPin(v string) string { return "python==" + v + ".*" }
