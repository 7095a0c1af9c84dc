package doctor

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/gpu"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/launch"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pyenv"
)

// machineReport reports what of the machine makes an install fail or the
// UI not open (issue 34): the display, and for a launch with a runtime
// the checks an install makes before it starts (pyenv.CheckMachine), their
// problems added to rep's.
func machineReport(ctx context.Context, in Input, l *launch.Launch, m *gpu.Machine, rep *Report) Machine {
	mr := Machine{Display: in.Host.DisplayOf(in.Env.Get("DISPLAY"), in.Env.Get("WAYLAND_DISPLAY")).State(), GPUs: []ComputeCard{}, Disk: []Disk{}}
	if l == nil || l.Runtime == nil {
		return mr
	}
	r := pyenv.Request{Launch: l, Run: in.Ask.With(l.Checkout.Root, l.Env), Out: &out.Printer{Stdout: io.Discard, Stderr: io.Discard}}
	var insp pyenv.Inspection
	if _, pixi := l.Runtime.(*launch.Pixi); !pixi {
		insp = pyenv.Inspect(ctx, r)
	}
	platform := l.Platform(ctx, in.Ask, m).File
	mc := pyenv.CheckMachine(ctx, r, insp, platform)
	mr.Hardware, mr.Rosetta = mc.Hardware, mc.Rosetta
	if p := mc.Python; p != nil {
		mr.Python = &MachinePy{Role: p.Role, Path: p.Path, Version: p.Version, Machine: p.Machine, Lacks: orEmpty(p.Lacks)}
	}
	for _, c := range mc.Cards {
		mr.GPUs = append(mr.GPUs, ComputeCard{Name: c.Name, ComputeCapability: c.Capability()})
	}
	for _, d := range mc.Disk {
		if d.Known {
			mr.Disk = append(mr.Disk, Disk{What: d.What, Path: d.Path, Mount: d.Mount, Free: d.Free, Need: d.Need})
		}
	}
	for _, p := range mc.Problems {
		rep.Problem(SectionMachine, p, "")
	}
	return mr
}

// writeMachine writes the machine's part of the text report.
func writeMachine(w io.Writer, m Machine) {
	fmt.Fprintf(w, "Display:      %s\n", m.Display)
	if m.Hardware != "" {
		rosetta := ""
		if m.Rosetta {
			rosetta = "; this launcher runs under Rosetta"
		}
		fmt.Fprintf(w, "Hardware:     %s%s\n", m.Hardware, rosetta)
	}
	if p := m.Python; p != nil {
		lacks := "has _ctypes, _ssl, _sqlite3, _lzma and _bz2"
		if len(p.Lacks) > 0 {
			lacks = "LACKS " + strings.Join(p.Lacks, ", ")
		}
		fmt.Fprintf(w, "Python:       %s (%s; Python %s, %s), %s\n", p.Path, p.Role, orDash(p.Version), orDash(p.Machine), lacks)
	}
	for _, c := range m.GPUs {
		fmt.Fprintf(w, "GPU:          %s, compute capability %s\n", c.Name, c.ComputeCapability)
	}
	for _, d := range m.Disk {
		fmt.Fprintf(w, "Disk:         %s: %.1f GiB free on %s; an install needs about %.1f GiB\n", d.What, float64(d.Free)/(1<<30), d.Mount, float64(d.Need)/(1<<30))
	}
}
