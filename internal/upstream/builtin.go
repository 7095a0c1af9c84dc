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

// BuiltinDefault is the built-in default of a user variable: its row's in
// Vars; for a name the table lacks, the empty string.
func BuiltinDefault(name string) Default {
	v, _ := VarOf(name)
	d := v.Builtin
	d.Name, d.Where = name, BuiltIn
	d.Vars = append([]string(nil), d.Vars...)
	return d
}

// Builtin returns the built-in facts for the checkout at dir.
func Builtin(dir string) Facts {
	w := BuiltIn
	f := Facts{
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
	for _, c := range builtinConstants {
		f.Constants = append(f.Constants, Constant{c.Name, c.Value, w})
	}
	for _, v := range Vars {
		if v.Guide {
			f.Defaults = append(f.Defaults, BuiltinDefault(v.Name))
		}
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
		e = append(e, Export{Name: d.Name, Kind: ExportSetting, Default: &d, Where: w})
	}
	for _, c := range constants {
		e = append(e, Export{Name: c.Name, Kind: ExportLiteral, Value: c.Value, Where: w})
	}
	return append(e,
		Export{Name: VarUpdateMetadataFile, Kind: ExportLiteral, Value: layout.Open(dir).Path(layout.UpdateVar), Where: w},
		Export{Name: VarHostOS, Kind: ExportHostOS, Where: w},
		Export{Name: "PYTORCH_ENABLE_MPS_FALLBACK", Kind: ExportLiteral, Value: "1",
			Conds: []Cond{{Var: VarHostOS, Op: CondEqual, Value: "Darwin"}}, Where: w},
		Export{Name: "PYTORCH_CUDA_ALLOC_CONF", Kind: ExportLiteral, Value: lowmemAllocConf,
			Conds: []Cond{{Var: VarCudaLowmemMode, Op: CondEqual, Value: "true"}}, Where: w},
	)
}

// builtinConda: a plain name is a named env, a value with a "/" a path,
// created from conda-forge with the Python the bounds allow.
func builtinConda() Conda {
	w := BuiltIn
	return Conda{
		Auto: true,
		Create: Args{Words: []string{"create", "-y", "-n", "", "--override-channels", "--strict-channel-priority",
			"--channel", "conda-forge", condaPythonPin(builtinCondaPython)}, Slot: 3, Where: w},
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
