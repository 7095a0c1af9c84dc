package applets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/gitx"
	"github.com/onetrainer-launcher/onetrainer-launcher/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/linker"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/pathutil"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/pyenv"
	"github.com/onetrainer-launcher/onetrainer-launcher/upstream"
)

// DoctorReport is what `doctor` finds, for bug reports. Its JSON form
// (--json) is stable: fields are added, never renamed or removed.
type DoctorReport struct {
	OS           string           `json:"os"`
	Arch         string           `json:"arch"`
	Go           string           `json:"go"`
	Launcher     LauncherReport   `json:"launcher"`
	OSRelease    string           `json:"os_release"` // /etc/os-release's PRETTY_NAME, or macOS's version
	Checkout     CheckoutReport   `json:"checkout"`
	SettingsFile string           `json:"settings_file"` // "" when there is none
	Settings     []Setting        `json:"settings"`
	Constants    []Setting        `json:"constants"`
	Upstream     UpstreamReport   `json:"upstream"`    // what the checkout's launch files decide
	Environment  *pyenv.EnvReport `json:"environment"` // null when a setting is bad
	GPU          GPUReport        `json:"gpu"`
	Requirements *ReqReport       `json:"requirements"` // null when a setting is bad
	Torch        *TorchReport     `json:"torch"`        // with --torch only
	Problems     []string         `json:"problems"`
}

// LauncherReport is the launcher binary itself.
type LauncherReport struct {
	Version  string `json:"version"`
	Revision string `json:"revision"` // the VCS revision it was built from
	Path     string `json:"path"`
}

// CheckoutReport is the checkout: whether it looks like OneTrainer, its
// git state and its launch scripts.
type CheckoutReport struct {
	Path                string         `json:"path"`
	LooksLikeOneTrainer bool           `json:"looks_like_onetrainer"`
	Missing             []string       `json:"missing"`
	Git                 *GitReport     `json:"git"` // null outside git
	Scripts             []ScriptReport `json:"scripts"`
}

// GitReport is the checkout's git state.
type GitReport struct {
	Commit   string   `json:"commit"`
	Branch   string   `json:"branch"`
	Upstream string   `json:"upstream"` // "" without one
	Ahead    int      `json:"ahead"`
	Behind   int      `json:"behind"`
	Changes  []string `json:"changes"` // local changes to tracked files, the launch scripts left out
}

// ScriptReport is one launch script and what it is.
type ScriptReport struct {
	Name   string `json:"name"`
	State  string `json:"state"`  // "linked" (to the checkout's copy), "linked elsewhere", "the checkout's own", "missing", "other link"
	Target string `json:"target"` // a link's target
}

// Setting is a variable, its value, where the value came from, and (for
// the OT_* settings) its default and where that came from.
type Setting struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	Source      string `json:"source"`
	DefaultFrom string `json:"default_from,omitempty"`
	Problem     string `json:"problem,omitempty"` // why the value is refused
	Unknown     bool   `json:"unknown,omitempty"` // the checkout's lib.include.sh does not define it
}

// UpstreamReport is what the checkout's own launch files decide (SPEC §0),
// each with the file:line it came from, or "built-in".
type UpstreamReport struct {
	UIScript        upstream.Fact  `json:"ui_script"`
	CondaForm       string         `json:"conda_form"` // "prefix", "name", or "name, or a path with /" (built-in)
	CondaCreate     ArgsReport     `json:"conda_create"`
	CondaRun        ArgsReport     `json:"conda_run"`
	PipBootstrap    ArgsReport     `json:"pip_bootstrap"`
	PipRequirements ArgsReport     `json:"pip_requirements"`
	Platform        []RuleReport   `json:"platform"`
	LegacyCUDA      *upstream.Fact `json:"legacy_cuda"` // "FILE below CUDA N"; null when the checkout has none
	Exports         []ExportReport `json:"exports"`
	Warnings        []string       `json:"warnings"`
}

// ArgsReport is a command's words as the checkout gives them.
type ArgsReport struct {
	Command string `json:"command"`
	Where   string `json:"where"`
}

// RuleReport is one rule of the platform detection.
type RuleReport struct {
	Signs []string `json:"signs"`
	File  string   `json:"file"`
	Where string   `json:"where"`
}

// ExportReport is one variable the checkout's scripts export.
type ExportReport struct {
	Script string `json:"script"` // "lib.include.sh", "start-ui.sh", ...
	Name   string `json:"name"`
	Value  string `json:"value"`
	When   string `json:"when"` // its condition, "" for always
	Where  string `json:"where"`
}

// GPUReport is the machine's GPUs as the launcher sees them.
type GPUReport struct {
	Root             string          `json:"root"` // where /sys and /dev were read: GHW_CHROOT, or "/"
	PCIDevices       []gpu.PCIDevice `json:"pci_devices"`
	PCIError         string          `json:"pci_error"`
	NvidiaDeviceNode bool            `json:"nvidia_device_node"`
	NvidiaSMI        string          `json:"nvidia_smi"`
	WSLNvidiaSMI     string          `json:"wsl_nvidia_smi"`
	NVCC             string          `json:"nvcc"`
	KFD              bool            `json:"kfd"`
	DriverVersion    string          `json:"driver_version"`
	DriverCUDA       string          `json:"driver_cuda"`
	AppleMPS         bool            `json:"apple_mps"`
	NVIDIA           bool            `json:"nvidia"` // an NVIDIA GPU by any sign
	AMD              bool            `json:"amd"`    // an AMD GPU by any sign
}

// ReqReport is the platform requirements file that would be installed.
type ReqReport struct {
	File     string   `json:"file"`
	Reason   string   `json:"reason"`
	Exists   bool     `json:"exists"`
	Warnings []string `json:"warnings"`
	Notes    []string `json:"notes"`
}

// doctor reports on the launcher, the checkout, the settings, the env and
// the GPUs. It changes nothing on disk. It runs nvidia-smi and the env's
// Python as questions (no "+" lines), so stdout holds the report alone.
// Its exit status is 1 when the report names problems.
func doctor(c *Context, args []string) error {
	asJSON, withTorch := false, false
	for _, a := range args {
		switch a {
		case "--json":
			asJSON = true
		case "--torch":
			withTorch = true
		default:
			return usageErrorf("doctor: unknown argument %q: doctor takes --json and --torch", a)
		}
	}
	p := &out.Printer{Stdout: io.Discard, Stderr: c.Stderr}
	run := &proc.Runner{P: p, Dir: c.Dir, Env: c.Env, Stdout: io.Discard, Stderr: io.Discard}
	rep := buildReport(c, run, withTorch)
	if asJSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return out.Errorf("doctor: %v", err)
		}
	} else {
		writeReport(c.Stdout, rep)
	}
	if len(rep.Problems) > 0 {
		return out.Quiet(1)
	}
	return nil
}

func buildReport(c *Context, run *proc.Runner, withTorch bool) DoctorReport {
	rep := DoctorReport{OS: runtime.GOOS, Arch: runtime.GOARCH, Go: runtime.Version(), Problems: []string{}}
	self, _ := selfPath()
	rep.Launcher = LauncherReport{Version: Version, Revision: revision(), Path: self}
	rep.OSRelease = osRelease(run, c)

	st := linker.StateOf(c.Dir)
	g := gitx.Git{Dir: c.Dir, Run: run}
	facts := st.Facts(c, &g)
	rep.Checkout = checkoutReport(c, st, g, self, facts)
	if !rep.Checkout.LooksLikeOneTrainer {
		rep.Problems = append(rep.Problems, "this does not look like a OneTrainer checkout: missing "+strings.Join(rep.Checkout.Missing, ", "))
	}
	if st.Pending() {
		rep.Problems = append(rep.Problems, "a cut-short ./update.sh left launch scripts as git's copies; the next launch links them again (journal "+st.Journal()+")")
	}
	rep.Upstream = upstreamReport(facts)
	rep.Problems = append(rep.Problems, facts.Warnings...)

	file := envspec.ReadEnvFile(envspec.EnvFilePath(c.Env), c.Env)
	if file != nil {
		rep.SettingsFile = file.Path
		rep.Problems = append(rep.Problems, file.Warnings...)
	}
	cfg, cfgErr := envspec.Parse(c.Env, file, facts)
	for _, set := range cfg.Settings {
		rep.Settings = append(rep.Settings, Setting{Name: set.Name, Value: set.Value, Source: set.Source,
			DefaultFrom: set.DefaultFrom, Problem: set.Bad, Unknown: set.Unknown})
	}
	if cfgErr != nil {
		for _, e := range unjoin(cfgErr) {
			rep.Problems = append(rep.Problems, e.Error())
		}
	}
	consts, err := envspec.ConstantsOf(facts)
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	}
	for _, name := range envspec.ConstantNames {
		rep.Constants = append(rep.Constants, Setting{Name: name, Value: consts.Value(name), Source: consts.Source[name]})
	}

	root := c.Env.Get("GHW_CHROOT")
	if root == "" {
		root = "/"
	}
	probe := gpu.ProbeFromEnv(c.Env.Get("GHW_CHROOT"), c.Env.Get("PATH"), c.Dir)
	m := probe.Inspect()
	ask := func(smi string) string {
		text, _ := run.Ask(c, proc.Cmd{Path: smi, Argv: []string{smi}})
		return text
	}
	if m.SMI() != "" {
		m.AskSMI(m.SMI(), ask) // once, for the report and the decision alike
	}
	probe.NameDevices(m.PCI)
	rep.GPU = GPUReport{Root: root, PCIDevices: m.PCI, PCIError: m.PCIError, NvidiaDeviceNode: m.NvidiaDevice,
		NvidiaSMI: m.NvidiaSMI, WSLNvidiaSMI: m.WSLSmi, NVCC: m.NVCC, KFD: m.KFD, AppleMPS: m.AppleMPS,
		NVIDIA: m.NvidiaGPU(), AMD: m.AMDGPU()}
	if rep.GPU.PCIDevices == nil {
		rep.GPU.PCIDevices = []gpu.PCIDevice{}
	}
	if m.Banner != nil {
		rep.GPU.DriverVersion, rep.GPU.DriverCUDA = m.Banner.DriverVersion, m.Banner.CUDA()
	}

	if cfgErr != nil || err != nil {
		return rep
	}
	env := envspec.Export(c.Env, c.Dir, cfg, facts, "start-ui.sh")
	r := pyenv.Request{Checkout: c.Dir, Config: cfg, Constants: consts, Facts: facts, Env: env, Run: run}
	envRep := pyenv.Inspect(c, r, run)
	rep.Environment = &envRep
	if envRep.Problem != "" {
		rep.Problems = append(rep.Problems, envRep.Problem)
	}
	d := pyenv.DecidePlatform(c, r, run, m)
	_, statErr := os.Stat(pathutil.Resolve(c.Dir, d.File)) // an absolute OT_PLATFORM_REQUIREMENTS too
	rep.Requirements = &ReqReport{File: d.File, Reason: d.Reason, Exists: statErr == nil,
		Warnings: orEmpty(d.Warnings), Notes: orEmpty(d.Notes)}
	if statErr != nil {
		rep.Problems = append(rep.Problems, "the requirements file "+d.File+" is missing in the checkout")
	}
	if withTorch {
		t := torchReport(c, run, envRep, env, d.File, m)
		rep.Torch = &t
		rep.Problems = append(rep.Problems, t.Problems...)
	}
	return rep
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func checkoutReport(c *Context, st linker.State, g gitx.Git, self string, facts *upstream.Facts) CheckoutReport {
	r := CheckoutReport{Path: c.Dir, Missing: []string{}, Scripts: []ScriptReport{}}
	var nt *envspec.NotOneTrainer
	if err := envspec.CheckCheckout(c.Dir, facts.UIScript.Value); errors.As(err, &nt) {
		r.Missing = nt.Missing
	}
	r.LooksLikeOneTrainer = len(r.Missing) == 0
	for _, name := range Scripts() {
		path := filepath.Join(c.Dir, name)
		sr := ScriptReport{Name: name}
		fi, err := os.Lstat(path)
		switch {
		case err != nil:
			sr.State = "missing"
		case fi.Mode()&os.ModeSymlink != 0:
			sr.Target, _ = os.Readlink(path)
			switch {
			case !linker.IsLauncherLink(path, self):
				sr.State = "other link"
			case filepath.Join(c.Dir, sr.Target) == st.Binary():
				sr.State = "linked"
			default:
				sr.State = "linked elsewhere"
			}
		default:
			sr.State = "the checkout's own"
		}
		r.Scripts = append(r.Scripts, sr)
	}
	if st.GitDir == "" {
		return r
	}
	gr := &GitReport{Changes: []string{}}
	gr.Commit, _ = g.Head(c)
	gr.Branch, _ = g.Ask(c, "rev-parse", "--abbrev-ref", "HEAD")
	gr.Upstream, _ = g.Ask(c, "rev-parse", "--abbrev-ref", "@{upstream}")
	if gr.Upstream != "" {
		if counts, err := g.Ask(c, "rev-list", "--left-right", "--count", "HEAD...@{upstream}"); err == nil {
			fmt.Sscanf(counts, "%d %d", &gr.Ahead, &gr.Behind)
		}
	}
	if status, err := g.Ask(c, "status", "--porcelain=v1", "--untracked-files=no"); err == nil {
		scripts := map[string]bool{}
		for _, s := range Scripts() {
			scripts[s] = true
		}
		for _, line := range strings.Split(status, "\n") {
			if len(line) > 3 && !scripts[line[3:]] {
				gr.Changes = append(gr.Changes, strings.TrimSpace(line))
			}
		}
	}
	r.Git = gr
	return r
}

func upstreamReport(f *upstream.Facts) UpstreamReport {
	r := UpstreamReport{UIScript: f.UIScript, Warnings: orEmpty(f.Warnings), Platform: []RuleReport{}, Exports: []ExportReport{}}
	switch {
	case f.Conda.Auto:
		r.CondaForm = "a name, or a path when it holds a / (built-in)"
	case f.Conda.Prefix:
		r.CondaForm = "prefix (a path relative to the checkout)"
	default:
		r.CondaForm = "name"
	}
	args := func(prefix []string, a upstream.Args, slot string) ArgsReport {
		return ArgsReport{Command: out.QuoteArgs(append(prefix, a.With(slot)...)), Where: a.Where}
	}
	r.CondaCreate = args([]string{"conda"}, f.Conda.Create, "ENV")
	r.CondaRun = args([]string{"conda"}, f.Conda.Run, "ENV")
	r.PipBootstrap = args([]string{"python", "-m", "pip"}, f.PipBootstrap, "")
	r.PipRequirements = args([]string{"python", "-m", "pip"}, f.PipRequirements, "PLATFORM-FILE")
	for _, rule := range f.Platform {
		rr := RuleReport{File: rule.File, Where: rule.Where, Signs: []string{}}
		for _, s := range rule.Signs {
			if s.Exec {
				rr.Signs = append(rr.Signs, "can run "+s.Arg)
			} else {
				rr.Signs = append(rr.Signs, s.Arg+" exists")
			}
		}
		r.Platform = append(r.Platform, rr)
	}
	if l := f.Legacy; l != nil && hasLegacyRule(f) {
		r.LegacyCUDA = &upstream.Fact{Value: fmt.Sprintf("%s instead of %s when the driver supports CUDA below %d", l.Legacy, l.Default, l.Below), Where: l.Where}
	}
	for _, e := range append(append([]upstream.Export(nil), f.Exports...), f.AppletExports...) {
		er := ExportReport{Script: e.Applet, Name: e.Name, Value: e.Value, Where: e.Where}
		if er.Script == "" {
			er.Script = upstream.LibFile
		}
		switch e.Kind {
		case upstream.ExportCheckout:
			er.Value = "(the checkout's path)"
		case upstream.ExportHostOS:
			er.Value = "(uname -s)"
		case upstream.ExportSetting:
			er.Value = "(the setting)"
		}
		var when []string
		for _, cond := range e.Conds {
			switch cond.Op {
			case upstream.CondUnset, upstream.CondSet, upstream.CondEmpty, upstream.CondNonEmpty:
				when = append(when, cond.Var+" "+string(cond.Op))
			default:
				when = append(when, cond.Var+" "+string(cond.Op)+" "+cond.Value)
			}
		}
		er.When = strings.Join(when, " and ")
		r.Exports = append(r.Exports, er)
	}
	return r
}

func hasLegacyRule(f *upstream.Facts) bool {
	for _, r := range f.Platform {
		if r.Legacy {
			return true
		}
	}
	return false
}

// osRelease names the operating system: /etc/os-release's PRETTY_NAME on
// Linux, sw_vers on macOS.
func osRelease(run *proc.Runner, c *Context) string {
	if runtime.GOOS == "darwin" {
		name, _ := run.Ask(c, proc.Cmd{Argv: []string{"sw_vers", "-productName"}})
		ver, _ := run.Ask(c, proc.Cmd{Argv: []string{"sw_vers", "-productVersion"}})
		return strings.TrimSpace(strings.TrimSpace(name) + " " + strings.TrimSpace(ver))
	}
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		data, err := pathutil.ReadFile(p, pathutil.TinyFile)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				return strings.Trim(v, `"'`)
			}
		}
	}
	return ""
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeReport(w io.Writer, r DoctorReport) {
	fmt.Fprintf(w, "Launcher:     %s %s (commit %s) at %s\n", ownName, r.Launcher.Version, r.Launcher.Revision, orDash(r.Launcher.Path))
	fmt.Fprintf(w, "System:       %s/%s, %s; launcher built with %s\n", r.OS, r.Arch, orDash(r.OSRelease), r.Go)
	looks := "looks like OneTrainer"
	if !r.Checkout.LooksLikeOneTrainer {
		looks = "does not look like OneTrainer: missing " + strings.Join(r.Checkout.Missing, ", ")
	}
	fmt.Fprintf(w, "Checkout:     %s (%s)\n", r.Checkout.Path, looks)
	if g := r.Checkout.Git; g != nil {
		up := "no upstream branch"
		if g.Upstream != "" {
			up = fmt.Sprintf("%d ahead and %d behind %s", g.Ahead, g.Behind, g.Upstream)
		}
		fmt.Fprintf(w, "  git:        %s on %s, %s; %d local change(s) to tracked files\n", orDash(g.Commit), orDash(g.Branch), up, len(g.Changes))
		for _, ch := range g.Changes {
			fmt.Fprintf(w, "              %s\n", ch)
		}
	} else {
		fmt.Fprintln(w, "  git:        not a git checkout")
	}
	for _, s := range r.Checkout.Scripts {
		target := ""
		if s.Target != "" {
			target = " -> " + s.Target
		}
		fmt.Fprintf(w, "  %-11s %s%s\n", s.Name+":", s.State, target)
	}
	if r.SettingsFile != "" {
		fmt.Fprintf(w, "Settings file: %s\n", r.SettingsFile)
	}
	fmt.Fprintln(w, "Settings:")
	for _, s := range r.Settings {
		note := s.Source
		if s.Source == envspec.SourceDefault {
			note = "default, " + s.DefaultFrom
		}
		if s.Unknown {
			note += "; not known to this checkout"
		}
		if s.Problem != "" {
			note += "; BAD: " + s.Problem
		}
		fmt.Fprintf(w, "  %-28s %-24s (%s)\n", s.Name, out.Quote(s.Value), note)
	}
	for _, s := range r.Constants {
		fmt.Fprintf(w, "  %-28s %-24s (%s)\n", s.Name, out.Quote(s.Value), s.Source)
	}
	u := r.Upstream
	fmt.Fprintln(w, "The checkout's launch files decide:")
	fmt.Fprintf(w, "  UI script:        %s (%s)\n", u.UIScript.Value, u.UIScript.Where)
	fmt.Fprintf(w, "  conda env:        %s; created with: %s (%s)\n", u.CondaForm, u.CondaCreate.Command, u.CondaCreate.Where)
	fmt.Fprintf(w, "  pip bootstrap:    %s (%s)\n", u.PipBootstrap.Command, u.PipBootstrap.Where)
	for _, rule := range u.Platform {
		signs := "otherwise"
		if len(rule.Signs) > 0 {
			signs = "when " + strings.Join(rule.Signs, " or ")
		}
		fmt.Fprintf(w, "  platform:         %s %s (%s)\n", rule.File, signs, rule.Where)
	}
	if u.LegacyCUDA != nil {
		fmt.Fprintf(w, "  legacy CUDA:      %s (%s)\n", u.LegacyCUDA.Value, u.LegacyCUDA.Where)
	}
	for _, e := range u.Exports {
		when := ""
		if e.When != "" {
			when = " when " + e.When
		}
		fmt.Fprintf(w, "  export:           %s=%s%s (%s)\n", e.Name, e.Value, when, e.Where)
	}
	if e := r.Environment; e != nil {
		fmt.Fprintf(w, "Environment:  %s in %s: %s\n", e.Kind, orDash(e.Path), e.State)
		if e.Problem != "" {
			fmt.Fprintf(w, "  problem:    %s\n", e.Problem)
		}
		if e.Resume != "" {
			fmt.Fprintf(w, "  next launch installs the requirements: %s\n", e.Resume)
		}
		fmt.Fprintf(w, "  Python:     %s %s\n", orDash(e.Python), e.PythonVersion)
		if e.PipLog != "" {
			fmt.Fprintf(w, "  pip log:    %s (the last install's)\n", e.PipLog)
		}
		cd := e.Conda
		switch {
		case cd.Found && cd.EnvPrefix != "":
			fmt.Fprintf(w, "  conda:      %s (root %s); env %q at %s, found via %s\n", cd.Path, cd.Root, cd.Env, cd.EnvPrefix, cd.FoundVia)
		case cd.Found:
			fmt.Fprintf(w, "  conda:      %s (root %s); env %q not made yet\n", cd.Path, cd.Root, cd.Env)
		default:
			fmt.Fprintf(w, "  conda:      not found (%s)\n", cd.Command)
		}
		for _, o := range e.Others {
			usable := ""
			if !o.Usable {
				usable = ", its Python is gone"
			}
			fmt.Fprintf(w, "  also here:  %s in %s/ (not in use%s; %s uses it)\n", o.What, o.Dir, usable, o.Setting)
		}
	}
	g := r.GPU
	fmt.Fprintf(w, "GPUs (read under %s):\n", g.Root)
	for _, d := range g.PCIDevices {
		driver := d.Driver
		if driver == "" {
			driver = "no driver bound"
		}
		name := strings.TrimSpace(d.Vendor + " " + d.Device)
		fmt.Fprintf(w, "  %s  [%s:%s] %s, %s (%s)\n", d.Address, d.VendorID, d.DeviceID, orDash(name), d.Kind, driver)
	}
	if len(g.PCIDevices) == 0 {
		fmt.Fprintf(w, "  no display or accelerator devices on the PCI bus %s\n", g.PCIError)
	}
	fmt.Fprintf(w, "  /dev/nvidia0: %v, nvidia-smi: %s, WSL nvidia-smi: %s, nvcc: %s, /dev/kfd: %v, Apple MPS: %v\n",
		g.NvidiaDeviceNode, orDash(g.NvidiaSMI), orDash(g.WSLNvidiaSMI), orDash(g.NVCC), g.KFD, g.AppleMPS)
	if g.DriverVersion != "" || g.DriverCUDA != "" {
		fmt.Fprintf(w, "  NVIDIA driver %s, CUDA up to %s\n", g.DriverVersion, g.DriverCUDA)
	}
	if q := r.Requirements; q != nil {
		exists := ""
		if !q.Exists {
			exists = " — MISSING in the checkout"
		}
		fmt.Fprintf(w, "Requirements: %s%s — %s\n", q.File, exists, q.Reason)
		for _, s := range append(append([]string{}, q.Warnings...), q.Notes...) {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	if t := r.Torch; t != nil {
		writeTorch(w, t)
	}
	for _, pr := range r.Problems {
		fmt.Fprintf(w, "Problem:      %s\n", pr)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
