package gpu

import (
	"fmt"
	"strings"
)

// Machine is everything the launcher knows about the machine's GPUs, in
// one value: the cheap facts (device nodes, tools on PATH), the PCI bus,
// what nvidia-smi said when it was asked, and Apple silicon.
type Machine struct {
	Signs
	PCI      []PCIDevice
	PCIError string     // why the PCI bus could not be read; "" when it could
	Banner   *SMIHeader // nvidia-smi's banner, when it was asked and answered
	AppleMPS bool       // macOS on Apple silicon: PyTorch's default build uses MPS

	asked  bool
	smiOut string
}

// Inspect gathers the Machine: the facts and the PCI bus. nvidia-smi is
// not run; AskSMI does that, once.
func (p Probe) Inspect() *Machine {
	m := &Machine{Signs: p.Look(), AppleMPS: p.Host.AppleSilicon()}
	pci, err := p.PCI()
	if err != nil {
		m.PCIError = err.Error()
	}
	m.PCI = pci
	return m
}

// Examine is Inspect, with nvidia-smi asked at once through ask when the
// machine has one: for a report, which shows the driver whatever the
// decision needs.
func (p Probe) Examine(ask func(path string) string) *Machine {
	m := p.Inspect()
	if smi := m.SMI(); smi != "" {
		m.AskSMI(smi, ask)
	}
	return m
}

// AskSMI returns nvidia-smi's output at path, running it through smi the
// first time only, and keeps the banner it reads: a report and the
// platform decision share one run.
func (m *Machine) AskSMI(path string, smi func(string) string) string {
	if !m.asked {
		m.asked, m.smiOut = true, smi(path)
		if h, ok := parseSMIHeader(m.smiOut); ok {
			m.Banner = &h
		}
	}
	return m.smiOut
}

// NvidiaGPU and AMDGPU say whether the machine has such a GPU by any sign:
// on the PCI bus, or by its device nodes and tools.
func (m Machine) NvidiaGPU() bool { return m.HasNvidia() || m.onBus(PCIDevice.IsNVIDIA) != nil }
func (m Machine) AMDGPU() bool    { return m.KFD || m.onBus(PCIDevice.IsAMD) != nil }

func (m Machine) onBus(is func(PCIDevice) bool) []PCIDevice {
	var out []PCIDevice
	for _, d := range m.PCI {
		if is(d) {
			out = append(out, d)
		}
	}
	return out
}

func describe(devs []PCIDevice) string {
	var s []string
	for _, d := range devs {
		driver := "no driver bound"
		if d.Driver != "" {
			driver = "driver " + d.Driver
		}
		name := "device " + d.DeviceID
		if d.Device != "" {
			name = d.Device
		}
		s = append(s, fmt.Sprintf("%s at %s, %s", name, d.Address, driver))
	}
	return strings.Join(s, "; ")
}

// diagnose explains a detected choice where the machine suggests the user
// expected another: warnings for a GPU that cannot be used, notes for a
// choice between two. The choice itself stays the original scripts'.
// override names the setting that chooses a build by hand, for advice.
func diagnose(m Machine, c choice, override func(Build) string) (warnings, notes []string) {
	if c.Warning != "" {
		warnings = append(warnings, c.Warning)
	}
	build := c.Build
	if nv := m.onBus(PCIDevice.IsNVIDIA); len(nv) > 0 && build != CUDA {
		why := "no NVIDIA driver is in use (no /dev/nvidia0, no nvidia-smi)"
		fix := "install NVIDIA's driver, which brings nvidia-smi"
		for _, d := range nv {
			if d.Driver == "nvidia" {
				why = "/dev/nvidia0 and nvidia-smi are missing here although the nvidia kernel driver is bound (a container the GPU was not passed into?)"
				fix = "pass the GPU in (docker run --gpus all) or install the driver's nvidia-smi"
			}
		}
		warnings = append(warnings, fmt.Sprintf("An NVIDIA GPU is on the PCI bus (%s), but %s, so the %s build of PyTorch is installed (%s). To use the GPU, %s, then run ./update.sh; or set %s.",
			describe(nv), why, build, c.File, fix, override(CUDA)))
	}
	if amd := m.onBus(PCIDevice.IsAMD); len(amd) > 0 && !m.KFD && build != CUDA {
		warnings = append(warnings, fmt.Sprintf("An AMD GPU is on the PCI bus (%s), but /dev/kfd does not exist, so ROCm cannot be used and the %s build of PyTorch is installed (%s). To use the GPU, install the amdgpu driver and ROCm, then run ./update.sh.",
			describe(amd), build, c.File))
	}
	if m.NvidiaGPU() && m.AMDGPU() && build != CPU {
		notes = append(notes, fmt.Sprintf("Both NVIDIA and AMD GPUs were found: NVIDIA comes first, so %s is installed. For the AMD GPU instead, set %s.",
			c.File, override(ROCm)))
	}
	return warnings, notes
}
