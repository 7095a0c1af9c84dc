package gpu

import (
	"regexp"
	"strconv"
	"sync"
)

// SMIHeader is what nvidia-smi's banner says about the driver, e.g.
// "| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: 12.4 |".
type SMIHeader struct {
	DriverVersion string // "550.54.15"; "" if absent
	CUDAMajor     int    // highest CUDA the driver supports; 0 if absent
	CUDAMinor     int
}

// Drivers from R610 on say "KMD Version" and "CUDA UMD Version" where older
// ones said "Driver Version" and "CUDA Version"; both are read.
// They are compiled on first use: only an install reads a banner, and a
// warm launch should not pay for it.
var (
	cudaVersion   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`CUDA (?:UMD )?Version:\s*([0-9]+)\.([0-9]+)`) })
	driverVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:Driver|KMD) Version:\s*([0-9][0-9.]*)`) })
)

// ParseSMIHeader reads the driver and CUDA versions from nvidia-smi's
// output. ok is false when no CUDA version is found: a failed nvidia-smi
// ("couldn't communicate with the driver") prints none.
func ParseSMIHeader(text string) (h SMIHeader, ok bool) {
	if m := driverVersion().FindStringSubmatch(text); m != nil {
		h.DriverVersion = m[1]
	}
	m := cudaVersion().FindStringSubmatch(text)
	if m == nil {
		return h, false
	}
	var err1, err2 error
	h.CUDAMajor, err1 = strconv.Atoi(m[1])
	h.CUDAMinor, err2 = strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return SMIHeader{DriverVersion: h.DriverVersion}, false
	}
	return h, true
}

// CUDA returns the CUDA version as "12.4".
func (h SMIHeader) CUDA() string {
	return strconv.Itoa(h.CUDAMajor) + "." + strconv.Itoa(h.CUDAMinor)
}
