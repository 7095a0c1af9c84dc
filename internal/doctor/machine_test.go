package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/testkit"
)

// standInTorch is a stand-in for torch (a real CUDA torch and a GPU cannot
// be had here) that answers what doctor --torch asks, as a CUDA 13.0
// build whose torch.cuda.get_arch_list() starts at sm_75, on a machine
// with one GPU of compute capability cc.
func standInTorch(cc string) string {
	major, minor, _ := strings.Cut(cc, ".")
	return `# A stand-in for torch, for doctor --torch: not the real thing.
__version__ = "2.10.0+cu130"
class _Version:
    cuda = "13.0"
    hip = None
version = _Version()
class _Cuda:
    @staticmethod
    def is_available():
        return True
    @staticmethod
    def device_count():
        return 1
    @staticmethod
    def get_device_name(i):
        return "NVIDIA GeForce GTX 1080 Ti"
    @staticmethod
    def get_arch_list():
        return ["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120", "compute_120"]
    @staticmethod
    def get_device_capability(i):
        return (` + major + `, ` + minor + `)
cuda = _Cuda()
class _MPS:
    @staticmethod
    def is_available():
        return False
class _Backends:
    mps = _MPS()
backends = _Backends()
`
}

// doctor --torch compares torch.cuda.get_arch_list() with each device's
// compute capability: a Pascal card under a CUDA 13 build is a problem
// (with the way to the CUDA 12 build) although is_available() is true; a
// Turing card is not.
func TestTorchArchMismatch(t *testing.T) {
	py, err := testkit.Find(8, 14)
	if err != nil {
		t.Skip("this needs a real Python:", err)
	}
	for _, tc := range []struct {
		cc      string
		problem bool
	}{{"6.1", true}, {"7.5", false}} {
		site := t.TempDir()
		os.MkdirAll(filepath.Join(site, "torch"), 0o755)
		os.WriteFile(filepath.Join(site, "torch", "__init__.py"), []byte(standInTorch(tc.cc)), 0o644)
		run := proc.Runner{Env: []string{"PYTHONPATH=" + site, "PATH=/usr/bin:/bin"}}
		e := Environment{Python: py.Path, State: pyenv.StateInstalled}
		d := gpu.Decision{File: layout.RequirementsCUDA, Build: gpu.CUDA}
		reinstall := []string{py.Path, "-m", "pip", "install", "-r", layout.RequirementsGlobal, "-r", layout.RequirementsCUDA}
		tr, _ := torchReport(context.Background(), run, e, d, nil, reinstall)
		if !tr.GPUUsable || len(tr.ArchList) != 7 || len(tr.Capabilities) != 1 || tr.Capabilities[0] != tc.cc {
			t.Fatalf("%s: the stand-in's answers were not read: %+v", tc.cc, tr)
		}
		got := strings.Join(tr.Problems, "\n")
		want := "GPU 0, NVIDIA GeForce GTX 1080 Ti, is compute capability 6.1: its first kernel fails with \"no kernel image is available for execution on the device\" although torch.cuda.is_available() is true. To fix it, install the CUDA 12 build, in the checkout: " +
			py.Path + " -m pip install -r requirements-global.txt -r requirements-cuda-legacy.txt"
		if tc.problem != strings.Contains(got, want) || !tc.problem && got != "" {
			t.Errorf("%s: problems %q; want one (%v) containing %q", tc.cc, got, tc.problem, want)
		}
	}
}
