//go:build linux

package gpu

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout/layout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

func touch(t *testing.T, root, path string) {
	t.Helper()
	p := filepath.Join(root, path)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The snapshots' verdicts (their README), and the diagnostics around them.
func TestDiagnoseOnRealSnapshots(t *testing.T) {
	empty := t.TempDir() // a PATH with no nvidia-smi or nvcc
	for _, tc := range []struct {
		name, fixture string
		dev           []string // device nodes added under the snapshot's root
		file          string
		nvidia, amd   bool
		warn, note    string // substrings; "" means none expected
	}{
		{"P100 in a container without the GPU", "nvidia-tesla-p100", nil, layout.RequirementsDefault, true, false,
			"/dev/nvidia0 and nvidia-smi are missing here although the nvidia kernel driver is bound", ""},
		{"P100 with its device node", "nvidia-tesla-p100", []string{"dev/nvidia0"}, layout.RequirementsCUDA, true, false, "", ""},
		{"Radeon without a driver", "amd-radeon-hd6670-nodriver", nil, layout.RequirementsDefault, false, true,
			"An AMD GPU is on the PCI bus (device 6758 at 0000:0a:00.0, no driver bound), but /dev/kfd does not exist", ""},
		{"Radeon with /dev/kfd", "amd-radeon-hd6670-nodriver", []string{"dev/kfd"}, layout.RequirementsROCm, false, true, "", ""},
		{"Radeon beside an NVIDIA device node", "amd-radeon-hd6670-nodriver", []string{"dev/nvidia0"}, layout.RequirementsCUDA, true, true,
			"", "Both NVIDIA and AMD GPUs were found: NVIDIA comes first"},
		{"Intel integrated graphics", "intel-i7-1270p-igpu", nil, layout.RequirementsDefault, false, false, "", ""},
	} {
		root := unpackFixture(t, tc.fixture)
		if len(tc.dev) > 0 { // a copy to add device nodes to: the shared one stays as it is
			copied := t.TempDir()
			if out, err := exec.Command("cp", "-a", root+"/.", copied).CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			root = copied
		}
		for _, d := range tc.dev {
			touch(t, root, d)
		}
		p := Probe{Root: root, PATH: empty}
		m := p.Inspect()
		head := upstream.Builtin("/ot")
		c := choose(p, head.Platform, head.Legacy, func(string) bool { return false }, nil)
		warnings, notes := diagnose(*m, c, func(b Build) string { return "OT_X=" + string(b) })
		if c.File != tc.file || m.NvidiaGPU() != tc.nvidia || m.AMDGPU() != tc.amd {
			t.Errorf("%s: chose %s, nvidia=%v amd=%v; want %s, %v, %v", tc.name, c.File, m.NvidiaGPU(), m.AMDGPU(), tc.file, tc.nvidia, tc.amd)
		}
		check := func(what string, got []string, want string) {
			if want == "" && len(got) > 0 || want != "" && (len(got) != 1 || !strings.Contains(got[0], want)) {
				t.Errorf("%s: %s %q, want one containing %q", tc.name, what, got, want)
			}
		}
		check("warnings", warnings, tc.warn)
		check("notes", notes, tc.note)
	}
}
