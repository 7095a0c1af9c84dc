package pyenv

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// machineRequest is a request for today's upstream facts on host h, with
// the checkout dir, the machine root and PATH given.
func machineRequest(t *testing.T, h host.Host, dir, root, path string) (Request, *bytes.Buffer) {
	t.Helper()
	builtin := upstream.Builtin(dir)
	var o bytes.Buffer
	env := environ.List{"PATH=" + path, "HOME=" + t.TempDir()}
	return Request{Launch: &launch.Launch{Checkout: layout.Open(dir), Facts: &builtin, Host: h, Root: root, Env: env},
		Run: proc.Runner{Env: env}, Out: &out.Printer{Stdout: &o, Stderr: &o}}, &o
}

func writeScript(t *testing.T, path, body string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// Item 3 of issue 34, with a stand-in for nvidia-smi (no GPU can be had
// here) answering --query-gpu=name,compute_cap --format=csv,noheader as
// the real one does, one "NAME, X.Y" line per GPU: a card below 7.5 where
// the checkout's CUDA 13 requirements are chosen gets the warning with the
// card, its capability and the way to the CUDA 12 build; a Turing card, the
// legacy file chosen, or a checkout without it get none.
func TestGPUGeneration(t *testing.T) {
	for _, tc := range []struct {
		name, cards, platform string
		legacyFile            bool
		want                  string
	}{
		{"GTX 1080 Ti", "NVIDIA GeForce GTX 1080 Ti, 6.1\n", layout.RequirementsCUDA, true,
			"NVIDIA GeForce GTX 1080 Ti (compute capability 6.1): CUDA 13, whose build of PyTorch the checkout picks (requirements-cuda.txt, by the driver's CUDA version), has no kernels for a compute capability below 7.5, so training would fail with \"no kernel image is available for execution on the device\". The CUDA 12 build runs on it: OT_PLATFORM_REQUIREMENTS=requirements-cuda-legacy.txt ./install.sh"},
		{"V100 beside an H100", "NVIDIA H100 80GB HBM3, 9.0\nTesla V100-SXM2-16GB, 7.0\n", layout.RequirementsCUDA, true, "Tesla V100-SXM2-16GB (compute capability 7.0): CUDA 13"},
		{"RTX 2080", "NVIDIA GeForce RTX 2080, 7.5\n", layout.RequirementsCUDA, true, ""},
		{"legacy chosen", "NVIDIA GeForce GTX 1080 Ti, 6.1\n", layout.RequirementsCUDALeg, true, ""},
		{"no legacy file", "NVIDIA GeForce GTX 1080 Ti, 6.1\n", layout.RequirementsCUDA, false, ""},
		{"an old driver refuses the field", "Field \"compute_cap\" is not a valid field to query.\n", layout.RequirementsCUDA, true, ""},
	} {
		dir, root := t.TempDir(), t.TempDir()
		if tc.legacyFile {
			os.WriteFile(filepath.Join(dir, layout.RequirementsCUDALeg), nil, 0o644)
		}
		writeScript(t, filepath.Join(root, "usr", "bin", "nvidia-smi"), "#!/bin/sh\n# stand-in for nvidia-smi\n"+
			"if [ \"$*\" = \"--query-gpu=name,compute_cap --format=csv,noheader\" ]; then\ncat <<'EOF'\n"+tc.cards+"EOF\nexit 0\nfi\necho banner\n")
		r, _ := machineRequest(t, host.Host{GOOS: "linux", GOARCH: "amd64"}, dir, root, "/usr/bin")
		got := strings.Join(gpuGeneration(context.Background(), r, tc.platform), "\n")
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Item 2 of issue 34's Intel Mac, with a stand-in for macOS's sysctl
// (there is no Mac here), which on an Intel Mac does not know
// hw.optional.arm64: the warning names the pin of the requirements where
// it is newer than 2.2.2, the last PyTorch with Intel-Mac wheels.
func TestIntelMacTorch(t *testing.T) {
	bin := t.TempDir()
	writeScript(t, filepath.Join(bin, "sysctl"), "#!/bin/sh\n# stand-in for macOS's sysctl on an Intel Mac\necho \"sysctl: unknown oid '$2'\" >&2\nexit 1\n")
	for _, tc := range []struct {
		h    host.Host
		pin  string
		want string
	}{
		{host.Host{GOOS: "darwin", GOARCH: "amd64"}, "torch==2.7.1 # the newest\n", "PyTorch publishes no wheels for Intel Macs since 2.2.2; requirements-default.txt asks for torch==2.7.1"},
		{host.Host{GOOS: "darwin", GOARCH: "amd64"}, "torch==2.2.2\n", ""},
		{host.Host{GOOS: "darwin", GOARCH: "amd64"}, "torchvision==0.22\n", ""},
		{host.Host{GOOS: "darwin", GOARCH: "arm64"}, "torch==2.7.1\n", ""},
		{host.Host{GOOS: "linux", GOARCH: "amd64"}, "torch==2.7.1\n", ""},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, layout.RequirementsDefault), []byte(tc.pin), 0o644)
		r, _ := machineRequest(t, tc.h, dir, t.TempDir(), bin)
		got := intelMac(context.Background(), r, layout.RequirementsDefault)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%+v, %q: %q, want %q", tc.h, tc.pin, got, tc.want)
		}
	}
}
