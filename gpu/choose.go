package gpu

import (
	"fmt"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
)

// LegacyCUDABelow is the first CUDA major version that the default CUDA
// requirements need from the driver; older drivers get the legacy file.
const LegacyCUDABelow = 13

// Choice is the platform requirements file and why it was chosen.
type Choice struct {
	File    string
	Reason  string
	Warning string // non-empty when the user should act (legacy CUDA)
}

// Choose applies the original scripts' priority: NVIDIA before AMD (a machine
// with both usually pairs AMD integrated graphics with a dedicated NVIDIA
// card), AMD before the CPU build. hasLegacy tells whether the checkout has
// the legacy CUDA file; only then is smi called, to read the driver's CUDA
// version from nvidia-smi's banner.
func Choose(f Facts, hasLegacy bool, smi func(path string) string) Choice {
	switch {
	case f.HasNvidia():
		c := Choice{File: envspec.RequirementsCUDA, Reason: "NVIDIA GPU: " + nvidiaSigns(f)}
		if !hasLegacy || f.SMI() == "" {
			return c
		}
		h, ok := ParseSMIHeader(smi(f.SMI()))
		if ok && h.CUDAMajor < LegacyCUDABelow {
			c.File = envspec.RequirementsCUDALeg
			c.Reason += fmt.Sprintf("; driver supports CUDA %s only", h.CUDA())
			c.Warning = fmt.Sprintf("Your NVIDIA driver (%s) supports CUDA up to %s, so the legacy CUDA build of PyTorch (%s) is installed. A driver that supports CUDA %d gives the faster build.",
				h.DriverVersion, h.CUDA(), envspec.RequirementsCUDALeg, LegacyCUDABelow)
		}
		return c
	case f.KFD:
		return Choice{File: envspec.RequirementsROCm, Reason: "AMD GPU: /dev/kfd exists"}
	}
	return Choice{File: envspec.RequirementsDefault, Reason: "no NVIDIA driver or AMD ROCm device found (no /dev/nvidia0, nvidia-smi, nvcc or /dev/kfd)"}
}

func nvidiaSigns(f Facts) string {
	var s []string
	if f.NvidiaDevice {
		s = append(s, "/dev/nvidia0 exists")
	}
	if f.NvidiaSMI != "" {
		s = append(s, "nvidia-smi at "+f.NvidiaSMI)
	}
	if f.WSLSmi != "" {
		s = append(s, "WSL nvidia-smi at "+f.WSLSmi)
	}
	if f.NVCC != "" {
		s = append(s, "nvcc at "+f.NVCC)
	}
	return strings.Join(s, ", ")
}
