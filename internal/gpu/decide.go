package gpu

import (
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/upstream"
)

// Input is what detection needs: where to look, the checkout's rules, how
// to ask nvidia-smi (a question: no "+" line, as the originals asked it in
// a command substitution), and the setting that chooses a build by hand,
// for advice.
type Input struct {
	Probe    Probe
	Rules    []upstream.Rule
	Legacy   *upstream.Legacy
	HasFile  func(name string) bool
	SMI      func(path string) string // runs nvidia-smi at path and returns what it printed
	Override func(Build) string       // e.g. OT_PLATFORM_REQUIREMENTS=requirements-rocm.txt
}

// Decision is the platform choice and what led to it.
type Decision struct {
	File     string
	Reason   string
	Build    Build
	Machine  *Machine // what detection saw; nil when the choice was given
	Warnings []string // a GPU the choice cannot use, an old driver
	Notes    []string // a choice between two GPUs
}

// Decide detects the platform by the checkout's rules, explained with what
// the PCI bus shows. m is an inspection made already (doctor's), or nil to
// make one; nvidia-smi runs at most once either way.
func Decide(in Input, m *Machine) Decision {
	if m == nil {
		m = in.Probe.Inspect()
	}
	c := choose(in.Probe, in.Rules, in.Legacy, in.HasFile, func(path string) string {
		return m.AskSMI(path, in.SMI)
	})
	d := Decision{File: c.File, Reason: c.Reason, Build: c.Build, Machine: m}
	d.Warnings, d.Notes = diagnose(*m, c, in.Override)
	return d
}
