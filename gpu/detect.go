// Package gpu finds out which GPU acceleration a machine offers and chooses
// the platform requirements file from it, by the original scripts' rules.
package gpu

import (
	"os"
	"path/filepath"
)

// WSLSmi is where WSL puts nvidia-smi; it is not on PATH there.
const WSLSmi = "/usr/lib/wsl/lib/nvidia-smi"

// Probe says where to look. Root is the file system root that everything is
// read under — /sys, /dev, the WSL path, and PATH's folders: "/" on a real
// machine, or a snapshot's directory, following ghw's GHW_CHROOT
// convention, so that a snapshot is judged by what it holds and not by the
// inspecting machine's tools. PATH is the search path for nvidia-smi and
// nvcc.
type Probe struct {
	Root string
	PATH string
}

// ProbeFromEnv builds a Probe from GHW_CHROOT and PATH values.
func ProbeFromEnv(ghwChroot, path string) Probe {
	if ghwChroot == "" {
		ghwChroot = "/"
	}
	return Probe{Root: ghwChroot, PATH: path}
}

// Facts is what a Probe finds, without running anything.
type Facts struct {
	NvidiaDevice bool   // /dev/nvidia0 exists
	NvidiaSMI    string // nvidia-smi on PATH, absolute path; "" if none
	WSLSmi       string // WSL's nvidia-smi, if executable; "" if none
	NVCC         string // nvcc on PATH; "" if none
	KFD          bool   // /dev/kfd exists (AMD ROCm)
}

// HasNvidia reports whether any NVIDIA sign was found.
func (f Facts) HasNvidia() bool {
	return f.NvidiaDevice || f.NvidiaSMI != "" || f.WSLSmi != "" || f.NVCC != ""
}

// SMI returns the nvidia-smi to ask, PATH's before WSL's; "" if none.
func (f Facts) SMI() string {
	if f.NvidiaSMI != "" {
		return f.NvidiaSMI
	}
	return f.WSLSmi
}

// Look gathers the facts. It only looks at files; nothing runs.
func (p Probe) Look() Facts {
	return Facts{
		NvidiaDevice: exists(p.under("/dev/nvidia0")),
		NvidiaSMI:    p.lookPath("nvidia-smi"),
		WSLSmi:       executable(p.under(WSLSmi)),
		NVCC:         p.lookPath("nvcc"),
		KFD:          exists(p.under("/dev/kfd")),
	}
}

func (p Probe) under(path string) string {
	if p.Root == "" || p.Root == "/" {
		return path
	}
	return filepath.Join(p.Root, path)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// executable returns path if it is an executable regular file, else "".
func executable(path string) string {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return ""
	}
	return path
}

// lookPath finds name in the probe's PATH (not the launcher's own), under
// the probe's root.
func (p Probe) lookPath(name string) string {
	for _, dir := range filepath.SplitList(p.PATH) {
		if dir == "" {
			dir = "."
		}
		if filepath.IsAbs(dir) {
			dir = p.under(dir)
		}
		if p := executable(filepath.Join(dir, name)); p != "" {
			if abs, err := filepath.Abs(p); err == nil {
				return abs
			}
			return p
		}
	}
	return ""
}
