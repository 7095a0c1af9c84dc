package upstream

import (
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
)

// Built-in values: the launch-scripts guide's documented defaults, for a
// checkout whose launch files say nothing at all (none of them is there),
// and item by item for a detail a checkout leaves out.
const (
	builtinUIScript = "scripts/train_ui.py"
	lowmemAllocConf = "garbage_collection_threshold:0.6,max_split_size_mb:128"
)

// builtinVars are the user variables of the guide, in its order.
var builtinVars = [...]string{"OT_CONDA_CMD", "OT_CONDA_ENV", "OT_PYTHON_CMD", "OT_PYTHON_VENV", "OT_PREFER_VENV",
	"OT_LAZY_UPDATES", "OT_CUDA_LOWMEM_MODE", "OT_PLATFORM_REQUIREMENTS", "OT_SCRIPT_DEBUG"}

// BuiltinDefault is the built-in default of a user variable.
func BuiltinDefault(name string) Default {
	d := Default{Name: name, Where: BuiltIn}
	switch name {
	case "OT_CONDA_CMD":
		d.Vars, d.Lit = []string{"CONDA_EXE"}, "conda"
	case "OT_CONDA_ENV":
		d.Lit = "onetrainer"
	case "OT_PYTHON_CMD":
		d.Lit = "python"
	case "OT_PYTHON_VENV":
		d.Lit = ".venv"
	case "OT_PREFER_VENV", "OT_LAZY_UPDATES", "OT_CUDA_LOWMEM_MODE", "OT_SCRIPT_DEBUG", "OT_PIP_INSTALL":
		d.Lit = "false"
	case "OT_PLATFORM_REQUIREMENTS", "OT_PLATFORM":
		d.Lit = "detect"
	}
	return d
}

// Builtin returns the built-in facts for the checkout at dir.
func Builtin(dir string) Facts {
	w := BuiltIn
	f := Facts{
		Constants: []Constant{
			{"OT_PYTHON_VERSION_MINIMUM", "3.10", w},
			{"OT_PYTHON_VERSION_TOO_HIGH", "3.14", w},
			{"OT_CONDA_USE_PYTHON_VERSION", "3.13", w},
			{"OT_MUST_INSTALL_REQUIREMENTS", "false", w},
		},
		Conda:    builtinConda(),
		Platform: builtinPlatform(),
		Legacy:   &Legacy{Default: layout.RequirementsCUDA, Legacy: layout.RequirementsCUDALeg, Below: 13, Where: w},
		PipBootstrap: Args{Words: []string{"install", "--upgrade", "--upgrade-strategy", "eager", "pip", "setuptools"},
			Slot: -1, Where: w},
		PipRequirements: Args{Words: []string{"install", "--upgrade", "--upgrade-strategy", "eager",
			"-r", layout.RequirementsGlobal, "-r", ""}, Slot: 7, Where: w},
		UIScript: Fact{builtinUIScript, w},
		Family:   Fact{FamilyPip, w},
		Plans: []Plan{
			{Script: layout.InstallScript, Where: w, Prepares: true, Run: Args{Slot: -1}},
			{Script: layout.UpdateScript, Where: w, Prepares: true, Prepare: "upgrade", Pull: true, Run: Args{Slot: -1}},
			{Script: layout.StartUIScript, Where: w, Prepares: true, Run: Args{Words: []string{fnRunPipFamily, builtinUIScript}, Slot: -1, Where: w}},
			{Script: layout.RunCmdScript, Where: w, Prepares: true, Run: Args{Words: []string{fnRunPipFamily, ""}, Slot: 1, Where: w}},
		},
	}
	for _, name := range builtinVars {
		f.Defaults = append(f.Defaults, BuiltinDefault(name))
	}
	f.Exports = builtinExports(dir, f.Defaults, f.Constants)
	return f
}

// builtinExports: SCRIPT_DIR, every setting and constant, then what the
// scripts derive from them.
func builtinExports(dir string, defaults []Default, constants []Constant) []Export {
	w := BuiltIn
	e := []Export{{Name: scriptDirVar, Kind: ExportCheckout, Where: w}}
	for _, d := range defaults {
		e = append(e, Export{Name: d.Name, Kind: ExportSetting, Where: w})
	}
	for _, c := range constants {
		e = append(e, Export{Name: c.Name, Kind: ExportLiteral, Value: c.Value, Where: w})
	}
	return append(e,
		Export{Name: "OT_UPDATE_METADATA_FILE", Kind: ExportLiteral, Value: layout.Open(dir).Path(layout.UpdateVar), Where: w},
		Export{Name: hostOSVar, Kind: ExportHostOS, Where: w},
		Export{Name: "PYTORCH_ENABLE_MPS_FALLBACK", Kind: ExportLiteral, Value: "1",
			Conds: []Cond{{Var: hostOSVar, Op: CondEqual, Value: "Darwin"}}, Where: w},
		Export{Name: "PYTORCH_CUDA_ALLOC_CONF", Kind: ExportLiteral, Value: lowmemAllocConf,
			Conds: []Cond{{Var: "OT_CUDA_LOWMEM_MODE", Op: CondEqual, Value: "true"}}, Where: w},
	)
}

// builtinConda: a plain name is a named env, a value with a "/" a path,
// created from conda-forge with the Python the bounds allow.
func builtinConda() Conda {
	w := BuiltIn
	return Conda{
		Auto: true,
		Create: Args{Words: []string{"create", "-y", "-n", "", "--override-channels", "--strict-channel-priority",
			"--channel", "conda-forge", "python==3.13.*"}, Slot: 3, Where: w},
		Run: Args{Words: []string{"run", "-n", "", "--no-capture-output"}, Slot: 2, Where: w},
	}
}

// builtinPlatform is the detection of today's pip-family scripts: NVIDIA
// by its device node or nvidia-smi (also WSL's), then AMD by /dev/kfd,
// then the CPU build. nvcc does not count: a CUDA toolkit without an NVIDIA
// GPU would install the CUDA build, which upstream stopped doing.
func builtinPlatform() []Rule {
	w := BuiltIn
	return []Rule{
		{Signs: []Sign{{Arg: "/dev/nvidia0"}, {Exec: true, Arg: "nvidia-smi"}, {Exec: true, Arg: wslSMI}},
			File: layout.RequirementsCUDA, Legacy: true, Where: w},
		{Signs: []Sign{{Arg: "/dev/kfd"}}, File: layout.RequirementsROCm, Where: w},
		{File: layout.RequirementsDefault, Where: w},
	}
}

// wslSMI is where WSL puts nvidia-smi, off PATH.
const wslSMI = "/usr/lib/wsl/lib/nvidia-smi"
