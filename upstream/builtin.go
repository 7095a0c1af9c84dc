package upstream

import "path/filepath"

// Built-in values: what SPEC §2 and §4 give for a checkout whose launch
// files say nothing (the seed's documented defaults), used item by item
// wherever the checkout is silent or cannot be evaluated.
const (
	builtinUIScript = "scripts/train_ui.py"
	lowmemAllocConf = "garbage_collection_threshold:0.6,max_split_size_mb:128"
)

// Builtin returns the built-in facts for the checkout at dir.
func Builtin(dir string) Facts {
	w := BuiltIn
	f := Facts{
		Defaults: []Default{
			{Name: "OT_CONDA_CMD", Vars: []string{"CONDA_EXE"}, Lit: "conda", Where: w},
			{Name: "OT_CONDA_ENV", Lit: "onetrainer", Where: w},
			{Name: "OT_PYTHON_CMD", Lit: "python", Where: w},
			{Name: "OT_PYTHON_VENV", Lit: ".venv", Where: w},
			{Name: "OT_PREFER_VENV", Lit: "false", Where: w},
			{Name: "OT_LAZY_UPDATES", Lit: "false", Where: w},
			{Name: "OT_CUDA_LOWMEM_MODE", Lit: "false", Where: w},
			{Name: "OT_PLATFORM_REQUIREMENTS", Lit: "detect", Where: w},
			{Name: "OT_SCRIPT_DEBUG", Lit: "false", Where: w},
		},
		Constants: []Constant{
			{"OT_PYTHON_VERSION_MINIMUM", "3.10", w},
			{"OT_PYTHON_VERSION_TOO_HIGH", "3.14", w},
			{"OT_CONDA_USE_PYTHON_VERSION", "3.13", w},
			{"OT_MUST_INSTALL_REQUIREMENTS", "false", w},
		},
		Conda:    builtinConda(),
		Platform: builtinPlatform(),
		Legacy:   &Legacy{Default: "requirements-cuda.txt", Legacy: "requirements-cuda-legacy.txt", Below: 13, Where: w},
		PipBootstrap: Args{Words: []string{"install", "--upgrade", "--upgrade-strategy", "eager", "pip", "setuptools"},
			Slot: -1, Where: w},
		PipRequirements: Args{Words: []string{"install", "--upgrade", "--upgrade-strategy", "eager",
			"-r", "requirements-global.txt", "-r", ""}, Slot: 7, Where: w},
		UIScript: Fact{builtinUIScript, w},
	}
	f.Exports = builtinExports(dir, f.Defaults, f.Constants)
	return f
}

// builtinExports: SCRIPT_DIR, every setting and constant, then what the
// scripts derive from them.
func builtinExports(dir string, defaults []Default, constants []Constant) []Export {
	w := BuiltIn
	e := []Export{{Name: "SCRIPT_DIR", Kind: ExportCheckout, Where: w}}
	for _, d := range defaults {
		e = append(e, Export{Name: d.Name, Kind: ExportSetting, Where: w})
	}
	for _, c := range constants {
		e = append(e, Export{Name: c.Name, Kind: ExportLiteral, Value: c.Value, Where: w})
	}
	return append(e,
		Export{Name: "OT_UPDATE_METADATA_FILE", Kind: ExportLiteral, Value: filepath.Join(dir, "update.var"), Where: w},
		Export{Name: "OT_HOST_OS", Kind: ExportHostOS, Where: w},
		Export{Name: "PYTORCH_ENABLE_MPS_FALLBACK", Kind: ExportLiteral, Value: "1",
			Conds: []Cond{{Var: "OT_HOST_OS", Op: CondEqual, Value: "Darwin"}}, Where: w},
		Export{Name: "PYTORCH_CUDA_ALLOC_CONF", Kind: ExportLiteral, Value: lowmemAllocConf,
			Conds: []Cond{{Var: "OT_CUDA_LOWMEM_MODE", Op: CondEqual, Value: "true"}}, Where: w},
	)
}

// builtinConda: a plain name is a named env, a value with a "/" a path
// (SPEC §2), created from conda-forge with the Python the bounds allow.
func builtinConda() Conda {
	w := BuiltIn
	return Conda{
		Auto: true,
		Create: Args{Words: []string{"create", "-y", "-n", "", "--override-channels", "--strict-channel-priority",
			"--channel", "conda-forge", "python==3.13.*"}, Slot: 3, Where: w},
		Run: Args{Words: []string{"run", "-n", "", "--no-capture-output"}, Slot: 2, Where: w},
	}
}

// builtinPlatform is today's upstream detection (SPEC §4.7): NVIDIA by
// its device node or nvidia-smi (also WSL's), then AMD by /dev/kfd, then
// the CPU build. nvcc does not count: a CUDA toolkit without an NVIDIA GPU
// installed the CUDA build, and upstream stopped counting it in 2024-11.
func builtinPlatform() []Rule {
	w := BuiltIn
	return []Rule{
		{Signs: []Sign{{Arg: "/dev/nvidia0"}, {Exec: true, Arg: "nvidia-smi"}, {Exec: true, Arg: "/usr/lib/wsl/lib/nvidia-smi"}},
			File: "requirements-cuda.txt", Legacy: true, Where: w},
		{Signs: []Sign{{Arg: "/dev/kfd"}}, File: "requirements-rocm.txt", Where: w},
		{File: "requirements-default.txt", Where: w},
	}
}
