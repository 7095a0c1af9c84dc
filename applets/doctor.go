package applets

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/pyenv"
)

// Report is what `doctor` finds, for bug reports. Its JSON form (--json) is
// stable: fields are added, never renamed or removed.
type Report struct {
	OS           string           `json:"os"`
	Arch         string           `json:"arch"`
	Go           string           `json:"go"`
	Checkout     CheckoutReport   `json:"checkout"`
	SettingsFile string           `json:"settings_file"` // "" when there is none
	Settings     []Setting        `json:"settings"`
	Constants    []Setting        `json:"constants"`
	Environment  *pyenv.EnvReport `json:"environment"` // null when the settings are bad
	GPU          GPUReport        `json:"gpu"`
	Requirements *ReqReport       `json:"requirements"` // null when the settings are bad
	Problems     []string         `json:"problems"`
}

// CheckoutReport says whether the directory looks like OneTrainer.
type CheckoutReport struct {
	Path                string   `json:"path"`
	LooksLikeOneTrainer bool     `json:"looks_like_onetrainer"`
	Missing             []string `json:"missing"`
}

// Setting is a variable, its value, and where the value came from.
type Setting struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
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

// Doctor reports on the checkout, the settings, the env and the GPUs. It
// changes nothing on disk. Commands it runs (nvidia-smi, a question to
// conda, the env's Python for its version) are shown on stderr, so that
// stdout holds the report alone.
func Doctor(c *Context, args []string) int {
	asJSON := false
	for _, a := range args {
		switch a {
		case "--json":
			asJSON = true
		default:
			fmt.Fprintf(c.Stderr, "doctor: unknown argument %q: doctor takes only --json\n", a)
			return 2
		}
	}
	p := &out.Printer{Stdout: c.Stderr, Stderr: c.Stderr}
	run := &proc.Runner{P: p, Dir: c.Dir, Env: c.Env, Stdout: c.Stderr, Stderr: io.Discard}
	rep := buildReport(c, run)
	if asJSON {
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(c.Stderr, "doctor: %v\n", err)
			return 1
		}
		return 0
	}
	writeReport(c.Stdout, rep)
	return 0
}

func buildReport(c *Context, run *proc.Runner) Report {
	rep := Report{OS: runtime.GOOS, Arch: runtime.GOARCH, Go: runtime.Version(), Problems: []string{}}
	rep.Checkout = CheckoutReport{Path: c.Dir, Missing: []string{}}
	for _, f := range []string{envspec.TrainUIScript, envspec.VersionCheckScript, envspec.RequirementsGlobal} {
		if _, err := os.Stat(filepath.Join(c.Dir, f)); err != nil {
			rep.Checkout.Missing = append(rep.Checkout.Missing, f)
		}
	}
	rep.Checkout.LooksLikeOneTrainer = len(rep.Checkout.Missing) == 0

	file := envspec.ReadEnvFile(envspec.EnvFilePath(c.Env), c.Env)
	if file != nil {
		rep.SettingsFile = file.Path
		rep.Problems = append(rep.Problems, file.Warnings...)
	}
	cfg, err := envspec.ParseWithFile(c.Env, file)
	if err != nil {
		for _, e := range unjoin(err) {
			rep.Problems = append(rep.Problems, e.Error())
		}
		for _, v := range envspec.Vars {
			rep.Settings = append(rep.Settings, Setting{v.Name, c.Env.Get(v.Name), envspec.SourceEnv})
		}
	} else {
		for _, v := range envspec.Vars {
			rep.Settings = append(rep.Settings, Setting{v.Name, cfg.Values[v.Name], cfg.Source[v.Name]})
		}
	}
	consts, err := envspec.ReadConstants(c.Dir)
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	}
	for _, k := range envspec.ConstantTable {
		rep.Constants = append(rep.Constants, Setting{k.Name, k.Value(consts), consts.Source[k.Name]})
	}

	root := c.Env.Get("GHW_CHROOT")
	if root == "" {
		root = "/"
	}
	probe := gpu.ProbeFromEnv(c.Env.Get("GHW_CHROOT"), c.Env.Get("PATH"))
	m := probe.Inspect(func(smi string) string {
		text, _ := run.Output(c, proc.Cmd{Path: smi, Argv: []string{smi}})
		return text
	})
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

	if cfg == nil {
		return rep
	}
	env := envspec.Export(c.Env, c.Dir, cfg, consts)
	r := pyenv.Request{Checkout: c.Dir, Config: cfg, Constants: consts, Env: env, Run: run}
	envRep := pyenv.Inspect(c, r, run)
	rep.Environment = &envRep
	d := pyenv.DecidePlatform(c, r, run)
	_, statErr := os.Stat(filepath.Join(c.Dir, d.File))
	rep.Requirements = &ReqReport{File: d.File, Reason: d.Reason, Exists: statErr == nil,
		Warnings: orEmpty(d.Warnings), Notes: orEmpty(d.Notes)}
	return rep
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeReport(w io.Writer, r Report) {
	fmt.Fprintf(w, "System:       %s/%s, launcher built with %s\n", r.OS, r.Arch, r.Go)
	looks := "looks like OneTrainer"
	if !r.Checkout.LooksLikeOneTrainer {
		looks = "does not look like OneTrainer: missing " + strings.Join(r.Checkout.Missing, ", ")
	}
	fmt.Fprintf(w, "Checkout:     %s (%s)\n", r.Checkout.Path, looks)
	if r.SettingsFile != "" {
		fmt.Fprintf(w, "Settings file: %s\n", r.SettingsFile)
	}
	fmt.Fprintln(w, "Settings:")
	for _, s := range append(append([]Setting{}, r.Settings...), r.Constants...) {
		fmt.Fprintf(w, "  %-28s %-24s (%s)\n", s.Name, out.Quote(s.Value), s.Source)
	}
	if e := r.Environment; e != nil {
		fmt.Fprintf(w, "Environment:  %s at %s: %s\n", e.Kind, orDash(e.Path), e.State)
		fmt.Fprintf(w, "  Python:     %s %s\n", orDash(e.Python), e.PythonVersion)
		cd := e.Conda
		if cd.Found {
			fmt.Fprintf(w, "  conda:      %s (root %s); env %q: %s\n", cd.Path, cd.Root, cd.Env, orDash(strings.TrimSpace(cd.EnvPrefix+" via "+cd.FoundVia)))
		} else {
			fmt.Fprintf(w, "  conda:      not found (%s)\n", cd.Command)
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
		fmt.Fprintf(w, "Requirements: %s (%s)%s\n", q.File, q.Reason, exists)
		for _, s := range append(append([]string{}, q.Warnings...), q.Notes...) {
			fmt.Fprintf(w, "  %s\n", s)
		}
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
