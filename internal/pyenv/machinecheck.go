package pyenv

import (
	"context"
	"fmt"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/checkout"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
)

// MachineCheck is what doctor reports of the machine for this launch
// (issue 34): the checks an install makes before it starts, made without
// installing anything, and the env's Python asked what it lacks.
type MachineCheck struct {
	Hardware string // on macOS, the hardware's machine ("arm64", "x86_64"); "" elsewhere
	Rosetta  bool   // the launcher itself runs translated
	Python   *PythonCheck
	Cards    []gpu.Card
	Disk     []DiskCheck
	Problems []string
}

// PythonCheck is the Python the env runs (or the one a venv would be
// made from) and what it lacks.
type PythonCheck struct {
	Role    string // "the env's", "makes the venv"
	Path    string
	Version string
	Machine string
	Lacks   []string // modules of its own build it lacks
}

// DiskCheck is one place an install writes to.
type DiskCheck struct {
	What, Path, Mount string
	Free, Need        uint64
	Known             bool
}

// CheckMachine makes the checks of an install for doctor: the Mac's
// hardware, the Python (the env's, or for a venv not made yet the one
// that would make it, as Inspect found it), the GPUs' compute
// capabilities against the requirements chosen (platform), the disk, and
// an Intel Mac. insp is doctor's inspection of the env.
func CheckMachine(ctx context.Context, r Request, insp Inspection, platform string) MachineCheck {
	var mc MachineCheck
	hw := macHardware(ctx, r)
	mc.Hardware, mc.Rosetta = hw, r.Host.UnderRosetta(hw)
	if mc.Rosetta {
		mc.Problems = append(mc.Problems, "this launcher is the macOS x86_64 (amd64) build, running under Rosetta on Apple silicon: use the darwin-arm64 build")
	}
	made := insp.State != StateMissing && insp.State != StateUnusable && insp.State != StateInterrupted
	_, isVenv := r.Runtime.(*launch.Venv)
	// The env's Python, or the one Inspect found to make the venv (which
	// then passed every check a launch makes; none found is Inspect's
	// problem already).
	if insp.Python != "" && insp.State != StateUnusable {
		c := candidate{name: insp.Python, exe: insp.Python, where: "the env"}
		c.ask(ctx, r, r.Constants.Python, hw)
		role := "the env's"
		if !made {
			role = "makes the venv"
		}
		mc.Python = pythonCheck(role, c)
		if made && c.lacks != "" {
			mc.Problems = append(mc.Problems, fmt.Sprintf("the env's Python %s (Python %s) was built without %s: %s; to fix it, %s",
				c.exe, c.version, checkout.JoinAnd(strings.Fields(c.lacks)), lacksWhy(c.lacks), strings.Join(rebuildHints(r, c), ", ")))
		}
		if made && !host.NativeMachine(c.machine, hw) {
			mc.Problems = append(mc.Problems, fmt.Sprintf("the env's Python %s is an %s Python, which runs under Rosetta on this Mac's Apple silicon: PyTorch publishes no macOS wheels for it; make the env again with a native (arm64) Python", c.exe, c.machine))
		}
	}
	if platform == "" {
		return mc
	}
	smi := r.Probe().Look().SMI()
	if smi != "" {
		mc.Cards = askCards(ctx, r, smi)
		mc.Problems = append(mc.Problems, cudaWarnings(r, platform, gpu.OldForCUDA13(mc.Cards))...)
	}
	if w := intelMac(ctx, r, platform); w != "" {
		mc.Problems = append(mc.Problems, w)
	}
	need := needOf(platform)
	label := "the env"
	if insp.Path != "" {
		label = "the env (" + insp.Path + ")"
	}
	for _, p := range []struct {
		place
		need uint64
	}{{placeOf(label, orDefault(insp.Path, r.Checkout.Root)), need.env}, {placeOf("pip's temporary folder", tempDir(r)), need.temp}} {
		mc.Disk = append(mc.Disk, DiskCheck{What: p.what, Path: p.dir, Mount: p.mount, Free: p.free, Need: p.need, Known: p.known})
		if !made && p.known && p.free < p.need {
			mc.Problems = append(mc.Problems, fmt.Sprintf("%s has %s free on the filesystem mounted at %s, and the install of %s needs about %s there: %s",
				p.what, size(p.free), p.mount, platform, size(p.need), strings.Join(spaceWays(r, isVenv), " ")))
		}
	}
	return mc
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func pythonCheck(role string, c candidate) *PythonCheck {
	p := &PythonCheck{Role: role, Path: c.exe, Machine: c.machine, Lacks: strings.Fields(c.lacks)}
	if c.version != nil {
		p.Version = c.version.String()
	}
	if p.Lacks == nil {
		p.Lacks = []string{}
	}
	return p
}
