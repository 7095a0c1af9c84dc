package gpu

import (
	"strconv"
	"strings"
)

// SMIHeader is what nvidia-smi's banner says about the driver, e.g.
// "| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: 12.4 |".
type SMIHeader struct {
	DriverVersion string // "550.54.15"; "" if absent
	CUDAMajor     int    // highest CUDA the driver supports; 0 if absent
	CUDAMinor     int
}

// parseSMIHeader reads the driver and CUDA versions from nvidia-smi's
// output. Drivers from R610 on say "KMD Version" and "CUDA UMD Version"
// where older ones said "Driver Version" and "CUDA Version"; both are read.
// ok is false when no CUDA version is found: a failed nvidia-smi
// ("couldn't communicate with the driver") prints none. A small hand
// parser: regexp would cost every start its package initialisation.
func parseSMIHeader(text string) (h SMIHeader, ok bool) {
	for _, label := range []string{"Driver Version:", "KMD Version:"} {
		if v := after(text, label); v != "" {
			h.DriverVersion = leading(v, "0123456789.")
			if h.DriverVersion != "" && h.DriverVersion[0] != '.' {
				break
			}
			h.DriverVersion = ""
		}
	}
	for _, label := range []string{"CUDA Version:", "CUDA UMD Version:"} {
		v := after(text, label)
		if v == "" {
			continue
		}
		major, rest, found := strings.Cut(leading(v, "0123456789."), ".")
		minor := leading(rest, "0123456789")
		var err1, err2 error
		h.CUDAMajor, err1 = strconv.Atoi(major)
		h.CUDAMinor, err2 = strconv.Atoi(minor)
		if found && err1 == nil && err2 == nil {
			return h, true
		}
		h.CUDAMajor, h.CUDAMinor = 0, 0
	}
	return SMIHeader{DriverVersion: h.DriverVersion}, false
}

// after returns what follows the first label in text, spaces skipped.
func after(text, label string) string {
	i := strings.Index(text, label)
	if i < 0 {
		return ""
	}
	return strings.TrimLeft(text[i+len(label):], " \t")
}

// leading returns the longest prefix of s made of chars.
func leading(s, chars string) string {
	i := 0
	for i < len(s) && strings.IndexByte(chars, s[i]) >= 0 {
		i++
	}
	return s[:i]
}

// CUDA returns the CUDA version as "12.4".
func (h SMIHeader) CUDA() string {
	return strconv.Itoa(h.CUDAMajor) + "." + strconv.Itoa(h.CUDAMinor)
}
