package gpu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
)

func readSMI(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The headers in testdata are nvidia-smi banners as real drivers print them.
func TestParseSMIHeader(t *testing.T) {
	for _, tc := range []struct {
		file, driver, cuda string
		ok                 bool
	}{
		{"smi-550-cuda12.4.txt", "550.40.07", "12.4", true},
		{"smi-580-cuda13.0.txt", "580.105.08", "13.0", true},
		{"smi-610-umd13.3.txt", "610.43.02", "13.3", true},
		{"smi-no-driver.txt", "", "0.0", false},
	} {
		h, ok := ParseSMIHeader(readSMI(t, tc.file))
		if ok != tc.ok || h.DriverVersion != tc.driver || h.CUDA() != tc.cuda {
			t.Errorf("%s: got %+v ok=%v, want driver %s cuda %s ok=%v", tc.file, h, ok, tc.driver, tc.cuda, tc.ok)
		}
	}
}

func TestChoose(t *testing.T) {
	smi := func(file string) func(string) string {
		return func(string) string { return readSMI(t, file) }
	}
	never := func(string) string { t.Error("nvidia-smi was run without need"); return "" }
	for _, tc := range []struct {
		name     string
		f        Facts
		legacy   bool
		smi      func(string) string
		want     string
		wantWarn bool
		inReason string
	}{
		{"nothing", Facts{}, true, never, envspec.RequirementsDefault, false, "no NVIDIA driver"},
		{"kfd", Facts{KFD: true}, true, never, envspec.RequirementsROCm, false, "/dev/kfd"},
		{"device node", Facts{NvidiaDevice: true}, true, never, envspec.RequirementsCUDA, false, "/dev/nvidia0"},
		{"nvcc only", Facts{NVCC: "/usr/local/cuda/bin/nvcc"}, false, never, envspec.RequirementsCUDA, false, "nvcc"},
		{"nvidia before amd", Facts{NvidiaDevice: true, KFD: true}, false, never, envspec.RequirementsCUDA, false, ""},
		{"old driver, legacy file", Facts{NvidiaSMI: "/usr/bin/nvidia-smi"}, true, smi("smi-550-cuda12.4.txt"), envspec.RequirementsCUDALeg, true, "CUDA 12.4"},
		{"old driver, no legacy file", Facts{NvidiaSMI: "/usr/bin/nvidia-smi"}, false, never, envspec.RequirementsCUDA, false, ""},
		{"new driver", Facts{NvidiaSMI: "/usr/bin/nvidia-smi"}, true, smi("smi-580-cuda13.0.txt"), envspec.RequirementsCUDA, false, ""},
		{"R610 banner", Facts{NvidiaSMI: "/usr/bin/nvidia-smi"}, true, smi("smi-610-umd13.3.txt"), envspec.RequirementsCUDA, false, ""},
		{"smi without driver", Facts{NvidiaSMI: "/usr/bin/nvidia-smi"}, true, smi("smi-no-driver.txt"), envspec.RequirementsCUDA, false, ""},
		{"WSL", Facts{WSLSmi: WSLSmi}, true, smi("smi-550-cuda12.4.txt"), envspec.RequirementsCUDALeg, true, "WSL"},
	} {
		c := Choose(tc.f, tc.legacy, tc.smi)
		if c.File != tc.want || (c.Warning != "") != tc.wantWarn || !strings.Contains(c.Reason, tc.inReason) {
			t.Errorf("%s: got %+v, want %s (warning %v, reason containing %q)", tc.name, c, tc.want, tc.wantWarn, tc.inReason)
		}
	}
}

func TestLook(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "opt", "bin") // on the probe's PATH as /opt/bin
	os.MkdirAll(bin, 0o755)
	os.MkdirAll(filepath.Join(root, "dev"), 0o755)
	if f := (Probe{Root: root, PATH: "/opt/bin"}).Look(); f.HasNvidia() || f.KFD {
		t.Fatalf("empty root: %+v", f)
	}
	os.WriteFile(filepath.Join(root, "dev", "nvidia0"), nil, 0o644)
	os.WriteFile(filepath.Join(root, "dev", "kfd"), nil, 0o644)
	os.WriteFile(filepath.Join(bin, "nvidia-smi"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "nvcc"), []byte("not executable"), 0o644)
	os.MkdirAll(filepath.Join(root, filepath.Dir(WSLSmi)), 0o755)
	os.WriteFile(filepath.Join(root, WSLSmi), []byte("#!/bin/sh\n"), 0o755)
	f := (Probe{Root: root, PATH: "/opt/bin"}).Look()
	if !f.NvidiaDevice || !f.KFD || f.NvidiaSMI != filepath.Join(bin, "nvidia-smi") || f.NVCC != "" || f.WSLSmi != filepath.Join(root, WSLSmi) {
		t.Fatalf("got %+v", f)
	}
	if f.SMI() != f.NvidiaSMI {
		t.Errorf("PATH's nvidia-smi should come before WSL's")
	}
}

// Under a snapshot's root, the inspecting machine's own tools do not count.
func TestLookUnderRootIgnoresHostTools(t *testing.T) {
	host := t.TempDir()
	os.WriteFile(filepath.Join(host, "nvidia-smi"), []byte("#!/bin/sh\n"), 0o755)
	if f := (Probe{Root: t.TempDir(), PATH: host}).Look(); f.NvidiaSMI != "" {
		t.Errorf("the host's nvidia-smi was taken for the snapshot's: %+v", f)
	}
	if f := (Probe{Root: "/", PATH: host}).Look(); f.NvidiaSMI == "" {
		t.Errorf("on the real root, PATH's nvidia-smi is found")
	}
}
