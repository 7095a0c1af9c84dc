// Package gpu finds out which GPU acceleration a machine offers and chooses
// the platform requirements file from it, by the checkout's own rules.
package gpu

import (
	"os"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// wslSmi is where WSL puts nvidia-smi; it is not on PATH there.
const wslSmi = "/usr/lib/wsl/lib/nvidia-smi"

// Probe says where to look. Root is the file system root that everything is
// read under — /sys, /dev, the WSL path, and PATH's folders: "/" on a real
// machine, or a snapshot's directory, following ghw's GHW_CHROOT
// convention, so that a snapshot is judged by what it holds and not by the
// inspecting machine's tools. PATH is the search path for nvidia-smi and
// nvcc; Dir the folder its relative entries are taken against.
type Probe struct {
	Root string
	PATH string
	Dir  string
	Host host.Host
}

// ProbeFromEnv builds a Probe for host h from GHW_CHROOT and PATH values.
func ProbeFromEnv(h host.Host, ghwChroot, path, dir string) Probe {
	if ghwChroot == "" {
		ghwChroot = "/"
	}
	return Probe{Root: ghwChroot, PATH: path, Dir: dir, Host: h}
}

// Signs is what a Probe finds of the signs any OneTrainer commit checked,
// without running anything: for reports and diagnostics. The choice itself
// follows the checkout's own rules (choose).
type Signs struct {
	NvidiaDevice bool   // /dev/nvidia0 exists
	NvidiaSMI    string // nvidia-smi on PATH, absolute path; "" if none
	WSLSmi       string // WSL's nvidia-smi, if executable; "" if none
	NVCC         string // nvcc on PATH; "" if none
	KFD          bool   // /dev/kfd exists (AMD ROCm)
}

// HasNvidia reports whether a sign of an NVIDIA driver was found (nvcc,
// a toolkit compiler, is none).
func (f Signs) HasNvidia() bool {
	return f.NvidiaDevice || f.NvidiaSMI != "" || f.WSLSmi != ""
}

// SMI returns the nvidia-smi to ask, PATH's before WSL's; "" if none.
func (f Signs) SMI() string {
	if f.NvidiaSMI != "" {
		return f.NvidiaSMI
	}
	return f.WSLSmi
}

// Look gathers the facts. It only looks at files; nothing runs.
func (p Probe) Look() Signs {
	return Signs{
		NvidiaDevice: exists(pathutil.Under(p.Root, "/dev/nvidia0")),
		NvidiaSMI:    pathutil.Look("nvidia-smi", p.Dir, p.PATH, p.Root),
		WSLSmi:       pathutil.Look(wslSmi, p.Dir, p.PATH, p.Root),
		NVCC:         pathutil.Look("nvcc", p.Dir, p.PATH, p.Root),
		KFD:          exists(pathutil.Under(p.Root, "/dev/kfd")),
	}
}

func (p Probe) under(path string) string { return pathutil.Under(p.Root, path) }

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
