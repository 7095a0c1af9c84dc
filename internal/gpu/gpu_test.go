package gpu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
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
		h, ok := parseSMIHeader(readSMI(t, tc.file))
		if ok != tc.ok || h.DriverVersion != tc.driver || h.CUDA() != tc.cuda {
			t.Errorf("%s: got %+v ok=%v, want driver %s cuda %s ok=%v", tc.file, h, ok, tc.driver, tc.cuda, tc.ok)
		}
	}
}

// machineWith makes a machine root holding the given signs: device nodes
// ("/dev/nvidia0") and tools ("bin/nvidia-smi", on the probe's PATH as
// /bin; WSL's at its own path).
func machineWith(t *testing.T, signs ...string) Probe {
	t.Helper()
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "bin"), 0o755)
	for _, s := range signs {
		p := filepath.Join(root, s)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return Probe{Root: root, PATH: "/bin", Dir: root}
}

// The 2024-09 framework's detection: nvidia-smi or nvcc, then /dev/kfd.
var rules2024 = []upstream.Rule{
	{Signs: []upstream.Sign{{Exec: true, Arg: "nvidia-smi"}, {Exec: true, Arg: "nvcc"}}, File: layout.RequirementsCUDA},
	{Signs: []upstream.Sign{{Arg: "/dev/kfd"}}, File: layout.RequirementsROCm},
	{File: layout.RequirementsDefault},
}

func TestChoose(t *testing.T) {
	head := upstream.Builtin("/ot") // today's upstream detection
	smi := func(file string) func(string) string {
		return func(string) string { return readSMI(t, file) }
	}
	never := func(string) string { t.Error("nvidia-smi was run without need"); return "" }
	for _, tc := range []struct {
		name     string
		signs    []string
		rules    []upstream.Rule
		legacy   bool
		smi      func(string) string
		want     string
		wantWarn bool
		inReason string
	}{
		{"nothing", nil, head.Platform, true, never, layout.RequirementsDefault, false, "no sign"},
		{"kfd", []string{"dev/kfd"}, head.Platform, true, never, layout.RequirementsROCm, false, "/dev/kfd"},
		{"device node", []string{"dev/nvidia0"}, head.Platform, true, never, layout.RequirementsCUDA, false, "/dev/nvidia0"},
		{"nvcc alone today", []string{"bin/nvcc"}, head.Platform, false, never, layout.RequirementsDefault, false, ""},
		{"nvcc alone in 2024-09", []string{"bin/nvcc"}, rules2024, false, never, layout.RequirementsCUDA, false, "nvcc"},
		{"device node alone in 2024-09", []string{"dev/nvidia0"}, rules2024, false, never, layout.RequirementsDefault, false, ""},
		{"nvidia before amd", []string{"dev/nvidia0", "dev/kfd"}, head.Platform, false, never, layout.RequirementsCUDA, false, ""},
		{"old driver, legacy file", []string{"bin/nvidia-smi"}, head.Platform, true, smi("smi-550-cuda12.4.txt"), layout.RequirementsCUDALeg, true, "CUDA 12.4"},
		{"old driver, no legacy file", []string{"bin/nvidia-smi"}, head.Platform, false, never, layout.RequirementsCUDA, false, ""},
		{"old driver, a checkout without the legacy check", []string{"bin/nvidia-smi"}, rules2024, true, never, layout.RequirementsCUDA, false, ""},
		{"new driver", []string{"bin/nvidia-smi"}, head.Platform, true, smi("smi-580-cuda13.0.txt"), layout.RequirementsCUDA, false, ""},
		{"R610 banner", []string{"bin/nvidia-smi"}, head.Platform, true, smi("smi-610-umd13.3.txt"), layout.RequirementsCUDA, false, ""},
		{"smi without driver", []string{"bin/nvidia-smi"}, head.Platform, true, smi("smi-no-driver.txt"), layout.RequirementsCUDA, false, ""},
		{"WSL", []string{wslSmi}, head.Platform, true, smi("smi-550-cuda12.4.txt"), layout.RequirementsCUDALeg, true, "/usr/lib/wsl/lib/nvidia-smi"},
	} {
		p := machineWith(t, tc.signs...)
		c := choose(p, tc.rules, head.Legacy, func(string) bool { return tc.legacy }, tc.smi)
		if c.File != tc.want || (c.Warning != "") != tc.wantWarn || !strings.Contains(c.Reason, tc.inReason) {
			t.Errorf("%s: got %+v, want %s (warning %v, reason containing %q)", tc.name, c, tc.want, tc.wantWarn, tc.inReason)
		}
	}
	// The pixi family's check compares what nvidia-smi told with awk, which
	// fails on nothing: no CUDA version told is the legacy build there,
	// where the pip family keeps the default (the cases above).
	pixi := &upstream.Legacy{Default: layout.RequirementsCUDA, Legacy: layout.RequirementsCUDALeg, Below: 13, UnknownIsLegacy: true}
	for _, tc := range []struct {
		name     string
		signs    []string
		smi      func(string) string
		want     string
		inReason string
	}{
		{"device node, no nvidia-smi", []string{"dev/nvidia0"}, never, layout.RequirementsCUDALeg, "there is no nvidia-smi to ask"},
		{"smi without driver", []string{"bin/nvidia-smi"}, smi("smi-no-driver.txt"), layout.RequirementsCUDALeg, "tells no CUDA version"},
		{"old driver", []string{"bin/nvidia-smi"}, smi("smi-550-cuda12.4.txt"), layout.RequirementsCUDALeg, "CUDA 12.4"},
		{"new driver", []string{"bin/nvidia-smi"}, smi("smi-580-cuda13.0.txt"), layout.RequirementsCUDA, "NVIDIA GPU"},
	} {
		c := choose(machineWith(t, tc.signs...), head.Platform, pixi, func(string) bool { return true }, tc.smi)
		if c.File != tc.want || (c.Warning != "") != (tc.want == layout.RequirementsCUDALeg) || !strings.Contains(c.Reason, tc.inReason) {
			t.Errorf("pixi's check, %s: got %+v, want %s (reason containing %q)", tc.name, c, tc.want, tc.inReason)
		}
	}
}

func TestLook(t *testing.T) {
	root := t.TempDir()
	bin := filepath.Join(root, "opt", "bin") // on the probe's PATH as /opt/bin
	os.MkdirAll(bin, 0o755)
	os.MkdirAll(filepath.Join(root, "dev"), 0o755)
	if f := (Probe{Root: root, PATH: "/opt/bin"}).Look(); f.HasNvidia() || f.KFD || f.NVCC != "" {
		t.Fatalf("empty root: %+v", f)
	}
	os.WriteFile(filepath.Join(root, "dev", "nvidia0"), nil, 0o644)
	os.WriteFile(filepath.Join(root, "dev", "kfd"), nil, 0o644)
	os.WriteFile(filepath.Join(bin, "nvidia-smi"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "nvcc"), []byte("not executable"), 0o644)
	os.MkdirAll(filepath.Join(root, filepath.Dir(wslSmi)), 0o755)
	os.WriteFile(filepath.Join(root, wslSmi), []byte("#!/bin/sh\n"), 0o755)
	f := (Probe{Root: root, PATH: "/opt/bin"}).Look()
	if !f.NvidiaDevice || !f.KFD || f.NvidiaSMI != filepath.Join(bin, "nvidia-smi") || f.NVCC != "" || f.WSLSmi != filepath.Join(root, wslSmi) {
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

// One classifier for requirements files and pixi environments alike.
func TestBuildOf(t *testing.T) {
	for name, want := range map[string]Build{
		"requirements-cuda.txt": CUDA, "requirements-cuda-legacy.txt": CUDA, "cuda13": CUDA, "cuda12": CUDA,
		"requirements-rocm.txt": ROCm, "rocm": ROCm, "requirements-default.txt": CPU, "cpu": CPU, "my-reqs.txt": CPU,
	} {
		if got := BuildOf(name); got != want {
			t.Errorf("BuildOf(%q) = %s, want %s", name, got, want)
		}
	}
}

// Apple's GPU is seen on a Mac with Apple's chips only, told by the one
// host value.
func TestAppleMPSByHost(t *testing.T) {
	for h, want := range map[host.Host]bool{
		{GOOS: "darwin", GOARCH: "arm64"}: true, {GOOS: "darwin", GOARCH: "amd64"}: false, {GOOS: "linux", GOARCH: "arm64"}: false,
	} {
		if got := (Probe{Root: t.TempDir(), Host: h}).Inspect().AppleMPS; got != want {
			t.Errorf("%+v: AppleMPS %v, want %v", h, got, want)
		}
	}
}
