// Package doctor is `onetrainer-launcher doctor`: a bug report in one
// command. Gather finds out, changing nothing on disk; Text and the JSON
// form show it. This file holds every type of the JSON form, which is the
// launcher's one stable output format: fields are added, never renamed or
// removed (CHANGELOG.md says when that was last allowed).
package doctor

// Report is what doctor finds.
type Report struct {
	OS           string   `json:"os"`
	Arch         string   `json:"arch"`
	Go           string   `json:"go"`
	Launcher     Launcher `json:"launcher"`
	OSRelease    string   `json:"os_release"` // /etc/os-release's PRETTY_NAME, or macOS's version
	Checkout     Checkout `json:"checkout"`
	SettingsFile string   `json:"settings_file"` // "" when there is none
	// SettingsFilePasses are the keys of the settings file other than the
	// OT_* settings, which it hands to the launch; their values are never
	// shown (they may be secrets).
	SettingsFilePasses []string      `json:"settings_file_passes,omitempty"`
	Settings           []Setting     `json:"settings"`
	Constants          []Setting     `json:"constants"`
	Upstream           Upstream      `json:"upstream"`    // what the checkout's launch files decide
	Environment        *Environment  `json:"environment"` // null when the launch has no runtime (a bad setting or constant, an env that cannot be)
	GPU                GPU           `json:"gpu"`
	Requirements       *Requirements `json:"requirements"` // null when the launch has no runtime, and in the pixi family
	UI                 *UI           `json:"ui"`           // null when the launch has no runtime
	Torch              *Torch        `json:"torch"`        // with --torch, when the launch has a venv or conda env
	Machine            Machine       `json:"machine"`      // what of the machine makes an install fail or the UI not open
	LaunchLogs         []LaunchLog   `json:"launch_logs"`  // the applets' launch logs (launchlog.go)
	// Findings are what every check found, problems and warnings, in the
	// order they were found (findings.go).
	Findings []Finding `json:"findings"`
	// Problems are the findings of severity problem, each as one line
	// (Finding.Text): doctor exits 1 when there is any.
	Problems []string `json:"problems"`
}

// Machine is what of the machine itself an install or the UI meets: the
// display, a Mac's hardware, the Python the env runs or a venv would be
// made from and what it lacks, the GPUs' compute capabilities, the free
// space where an install writes. Its problems are the report's findings (section machine).
type Machine struct {
	Display  string        `json:"display"`  // "X11 (DISPLAY=:0)", "none (...)", "not needed on this system"
	Hardware string        `json:"hardware"` // macOS: "arm64" or "x86_64"; "" elsewhere
	Rosetta  bool          `json:"rosetta"`  // the launcher runs under Rosetta
	Python   *MachinePy    `json:"python"`   // null when there is none to ask (no runtime, a pixi env, no venv can be made)
	GPUs     []ComputeCard `json:"gpus"`     // nvidia-smi --query-gpu=name,compute_cap
	Disk     []Disk        `json:"disk"`     // the env's filesystem and pip's temporary folder
}

// MachinePy is a Python and the modules of its own build it lacks.
type MachinePy struct {
	Role    string   `json:"role"` // "the env's", "makes the venv"
	Path    string   `json:"path"`
	Version string   `json:"version"`
	Machine string   `json:"machine"` // platform.machine()
	Lacks   []string `json:"lacks"`   // of _ctypes, _ssl, _sqlite3, _lzma, _bz2
}

// ComputeCard is one NVIDIA GPU and its compute capability.
type ComputeCard struct {
	Name              string `json:"name"`
	ComputeCapability string `json:"compute_capability"` // "6.1"
}

// Disk is a place an install writes to, its free space and the estimate
// of what the install of the requirements chosen needs there (bytes).
type Disk struct {
	What  string `json:"what"`
	Path  string `json:"path"`
	Mount string `json:"mount"`
	Free  uint64 `json:"free"`
	Need  uint64 `json:"need"`
}

// Launcher is the launcher binary itself.
type Launcher struct {
	Version  string `json:"version"`
	Revision string `json:"revision"` // the VCS revision it was built from; "unknown", or "" when the module version names it
	Path     string `json:"path"`
}

// Checkout is the checkout: whether it looks like OneTrainer, its git
// state and its launch scripts.
type Checkout struct {
	Path                string   `json:"path"`
	LooksLikeOneTrainer bool     `json:"looks_like_onetrainer"`
	Missing             []string `json:"missing"`
	Denied              []string `json:"denied"` // files there that this user may not read, and why
	Git                 *Git     `json:"git"`    // null outside git
	Scripts             []Script `json:"scripts"`
}

// Git is the checkout's git state.
type Git struct {
	Commit   string   `json:"commit"`
	Branch   string   `json:"branch"`
	Upstream string   `json:"upstream"` // "" without one
	Ahead    int      `json:"ahead"`
	Behind   int      `json:"behind"`
	Changes  []string `json:"changes"` // local changes to tracked files, the launch scripts left out
}

// Script is one launch script and what it is.
type Script struct {
	Name   string `json:"name"`
	State  string `json:"state"`  // "linked" (to the checkout's copy), "linked elsewhere", "the checkout's own", "merge conflict" (git left one in it), "missing", "other link"
	Target string `json:"target"` // a link's target
}

// Setting is a variable, its value, where the value came from, and (for
// the OT_* settings) its default and where that came from.
type Setting struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
	// Kind is the setting's kind in the launcher's table (upstream.Vars),
	// "text" for one the checkout defines that the table lacks; left out
	// for the constants.
	Kind        string `json:"kind,omitempty"`
	DefaultFrom string `json:"default_from,omitempty"`
	Problem     string `json:"problem,omitempty"` // why the value is refused
	Unknown     bool   `json:"unknown,omitempty"` // the checkout's lib.include.sh does not define it
}

// Fact is one value the checkout's files decide, and the file:line it came
// from, or "built-in".
type Fact struct {
	Value string `json:"value"`
	Where string `json:"where"`
}

// Upstream is what the checkout's own launch files decide, each with the
// file:line it came from, or "built-in".
type Upstream struct {
	Family Fact `json:"family"` // "pip", "pixi" or "unknown", and the line of prepare_runtime_environment
	// Refusals are what the launcher cannot follow: with any, no applet
	// acts on the checkout.
	Refusals []string `json:"refusals"`
	// Fallback is how ./start-ui.sh runs where the launcher does not
	// follow the launch files of the linked checkout, or the script is the
	// user's own version: "runs the checkout's own start-ui.sh: WHY"; ""
	// when the launcher follows them.
	Fallback string `json:"fallback"`
	// Via is the hand-over the settings make the applets follow
	// (OT_PIP_INSTALL=true); the rest of this report is then that folder's.
	Via             *Handover  `json:"via"`
	Plans           []Plan     `json:"plans"`
	Pixi            *PixiFacts `json:"pixi"` // null in the pip family
	UIScript        Fact       `json:"ui_script"`
	CondaForm       string     `json:"conda_form"` // "prefix (a path relative to the checkout)", "name", or "a name, or a path when it holds a / (built-in)"
	CondaCreate     Args       `json:"conda_create"`
	CondaRun        Args       `json:"conda_run"`
	PipBootstrap    Args       `json:"pip_bootstrap"`
	PipRequirements Args       `json:"pip_requirements"`
	Platform        []Rule     `json:"platform"`
	LegacyCUDA      *Fact      `json:"legacy_cuda"` // null when the checkout has no legacy CUDA choice (no rule of platform with legacy)
	Exports         []Export   `json:"exports"`
	Warnings        []string   `json:"warnings"`
}

// Plan is what one launch script does, as the launcher follows it.
type Plan struct {
	Script   string    `json:"script"`
	Where    string    `json:"where"`    // the file it was read from
	Prepares bool      `json:"prepares"` // it calls prepare_runtime_environment
	Prepare  string    `json:"prepare"`  // with this argument ("", "install", "upgrade")
	Pull     bool      `json:"pull"`
	GitInit  []string  `json:"git_init"` // what it runs in a tree that is not a git checkout
	Runs     *Args     `json:"runs"`     // what it runs in the env; null for none
	Handover *Handover `json:"handover"`
}

// Handover is a launch script's hand-over to another script.
type Handover struct {
	When       string `json:"when"` // e.g. OT_PIP_INSTALL = true
	Script     string `json:"script"`
	PassesArgs bool   `json:"passes_args"`
	Message    string `json:"message"` // the status line it prints first, without "[OneTrainer] "; "" for none
	Where      string `json:"where"`
}

// PixiFacts is how the pixi family's lib.include.sh runs pixi.
type PixiFacts struct {
	Install           Args     `json:"install"`
	Run               Args     `json:"run"`
	SelfUpdate        Args     `json:"self_update"`
	InstallOn         []string `json:"install_on"`     // prepare_runtime_environment's arguments that install
	SelfUpdateOn      []string `json:"self_update_on"` // and that update pixi
	BinDir            string   `json:"bin_dir"`        // where pixi is looked for off PATH, "${HOME:-/root}/.pixi/bin"
	Installer         string   `json:"installer"`
	Environments      []string `json:"environments"`
	EnvironmentsWhere string   `json:"environments_where"`
	Where             string   `json:"where"`
}

// Args is a command's words as the checkout gives them.
type Args struct {
	Command string `json:"command"`
	Where   string `json:"where"`
}

// Rule is one rule of the platform detection.
type Rule struct {
	Signs  []string `json:"signs"`
	File   string   `json:"file"`
	Legacy bool     `json:"legacy"` // the old-driver check of legacy_cuda may choose instead of file
	Where  string   `json:"where"`
}

// Export is one variable the checkout's scripts export.
type Export struct {
	Script string `json:"script"` // "lib.include.sh", "start-ui.sh", ...
	Name   string `json:"name"`
	Value  string `json:"value"`
	// Default is a setting's default as this export gives it, when
	// nothing before it set one: "$CONDA_EXE, else conda"; "" for the
	// other kinds of export.
	Default string `json:"default,omitempty"`
	When    string `json:"when"` // its condition, "" for always
	Where   string `json:"where"`
}

// Environment is the env the next launch uses: found the way a launch
// finds it (the same decision), but without changing anything.
type Environment struct {
	Kind          string     `json:"kind"`  // "venv", "conda" or "pixi"
	Path          string     `json:"path"`  // the venv or the conda prefix; "" when not known
	State         string     `json:"state"` // one of pyenv's State* values (internal/pyenv/inspect.go)
	Python        string     `json:"python"`
	PythonVersion string     `json:"python_version"`
	Conda         *Conda     `json:"conda"`
	Problem       string     `json:"problem"`  // why the env cannot be used, when it cannot
	Warnings      []string   `json:"warnings"` // what the decision noticed
	Resume        string     `json:"resume"`   // why the next launch installs the requirements, when it will
	PipLog        string     `json:"pip_log"`  // the last install's pip log, when there is one
	Others        []OtherEnv `json:"others"`   // the other envs the checkout holds
	Pixi          *PixiEnv   `json:"pixi"`     // the pixi family's: pixi and the environment; null otherwise
}

// PixiEnv is pixi and the pixi environment the next launch uses.
type PixiEnv struct {
	Found       bool     `json:"found"`
	Path        string   `json:"path"`
	Version     string   `json:"version"` // what pixi --version says
	BinDir      string   `json:"bin_dir"` // where the scripts look for it off PATH
	Environment string   `json:"environment"`
	Reason      string   `json:"reason"` // why that environment
	Warnings    []string `json:"warnings"`
	Notes       []string `json:"notes"`
	Known       bool     `json:"known"` // the manifest defines it
	Dir         string   `json:"dir"`   // .pixi/envs/NAME
	Installed   bool     `json:"installed"`
	Recorded    bool     `json:"recorded"`     // the launcher recorded a completed install
	LockMatches bool     `json:"lock_matches"` // pixi.lock and the manifest are as at that install
}

// Conda is what was found of conda, used or not.
type Conda struct {
	Found     bool   `json:"found"`
	Command   string `json:"command"`    // OT_CONDA_CMD
	Path      string `json:"path"`       // its executable
	Root      string `json:"root"`       // its root prefix
	Env       string `json:"env"`        // OT_CONDA_ENV
	EnvPrefix string `json:"env_prefix"` // where the env is; "" when not found
	FoundVia  string `json:"found_via"`  // how it was found
	Form      string `json:"form"`       // how the checkout names the env: "prefix" (a path) or "name"
}

// OtherEnv is an env the checkout holds that is not the one in use.
type OtherEnv struct {
	Dir     string `json:"dir"`     // relative to the checkout
	What    string `json:"what"`    // "a Python venv", "a conda environment"
	Setting string `json:"setting"` // the setting that uses it
	Usable  bool   `json:"usable"`  // its Python still resolves
}

// GPU is the machine's GPUs as the launcher sees them.
type GPU struct {
	Root             string      `json:"root"` // where /sys and /dev were read: GHW_CHROOT, or "/"
	PCIDevices       []PCIDevice `json:"pci_devices"`
	PCIError         string      `json:"pci_error"`
	NvidiaDeviceNode bool        `json:"nvidia_device_node"`
	NvidiaSMI        string      `json:"nvidia_smi"`
	WSLNvidiaSMI     string      `json:"wsl_nvidia_smi"`
	NVCC             string      `json:"nvcc"`
	KFD              bool        `json:"kfd"`
	DriverVersion    string      `json:"driver_version"`
	DriverCUDA       string      `json:"driver_cuda"`
	AppleMPS         bool        `json:"apple_mps"`
	NVIDIA           bool        `json:"nvidia"` // an NVIDIA GPU by any sign
	AMD              bool        `json:"amd"`    // an AMD GPU by any sign
}

// PCIDevice is a GPU-like device on the PCI bus.
type PCIDevice struct {
	Address  string `json:"address"`   // "0000:06:00.0"
	VendorID string `json:"vendor_id"` // "10de"
	Vendor   string `json:"vendor"`    // "NVIDIA Corporation"; "" when unknown
	DeviceID string `json:"device_id"` // "15f8"
	Device   string `json:"device"`    // from the system's pci.ids, when present
	Class    string `json:"class"`     // "0302"
	Kind     string `json:"kind"`      // "3D controller"
	Driver   string `json:"driver"`    // the bound kernel driver; "" when none
}

// UI is what the UI script needs to open, checked: Qt's xcb library on an
// X11 session, Tk in the env's Python.
type UI struct {
	Script string    `json:"script"`
	Kind   string    `json:"kind"` // "Qt", "Tk", "" when it does not show
	Checks []UICheck `json:"checks"`
}

// UICheck is one thing the UI needs.
type UICheck struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Problem string `json:"problem"`
	Fix     string `json:"fix"`
	When    string `json:"when"` // "now", or "at install time"
}

// Requirements is the platform requirements file that would be installed.
type Requirements struct {
	File     string   `json:"file"`
	Reason   string   `json:"reason"`
	Exists   bool     `json:"exists"`
	Warnings []string `json:"warnings"`
	Notes    []string `json:"notes"`
}

// Torch answers the first question of most GPU bug reports: does torch
// see the GPU? (doctor --torch imports torch in the env's Python.)
type Torch struct {
	Python    string   `json:"python"`
	Imported  bool     `json:"imported"`
	Error     string   `json:"error"`   // why torch could not be imported or asked
	Version   string   `json:"version"` // torch.__version__
	CUDA      string   `json:"cuda"`    // the CUDA it was built for (torch.version.cuda); "" for none
	HIP       string   `json:"hip"`     // the ROCm it was built for (torch.version.hip); "" for none
	Build     string   `json:"build"`   // "CUDA 12.6", "ROCm 6.2", "CPU"
	GPUUsable bool     `json:"gpu_usable"`
	Devices   []string `json:"devices"`
	MPS       bool     `json:"mps"`      // Apple's Metal backend
	Expected  string   `json:"expected"` // the build the requirements choice installs: "CUDA", "ROCm" or "CPU"
	Problems  []string `json:"problems"`
	// ArchList is torch.cuda.get_arch_list(): the GPU architectures the
	// build has kernels for ("sm_75", "compute_120"); Capabilities each
	// device's compute capability ("6.1"), in the order of Devices. Both
	// empty where no GPU is usable or torch does not say.
	ArchList     []string `json:"arch_list"`
	Capabilities []string `json:"capabilities"`
}
