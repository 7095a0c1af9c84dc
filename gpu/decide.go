package gpu

import (
	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/upstream"
)

// Input is what the platform decision needs: the user's setting, where to
// look, the checkout's rules, and how to ask nvidia-smi (a question: no
// "+" line, as the originals asked it in a command substitution).
type Input struct {
	Given   string // OT_PLATFORM_REQUIREMENTS
	Probe   Probe
	Rules   []upstream.Rule
	Legacy  *upstream.Legacy
	HasFile func(name string) bool
	Ask     func(path string) string
}

// Decision is the platform requirements file and what led to it.
type Decision struct {
	File     string
	Reason   string
	Machine  *Machine // what detection saw; nil when the file was given
	Warnings []string // a GPU the choice cannot use, an old driver
	Notes    []string // a choice between two GPUs
}

// Decide chooses the platform requirements file: the one the user gave, or
// by the checkout's detection, explained with what the PCI bus shows. m is
// an inspection made already (doctor's), or nil to make one; nvidia-smi
// runs at most once either way.
func Decide(in Input, m *Machine) Decision {
	if in.Given != envspec.PlatformDetect && in.Given != "" {
		return Decision{File: in.Given, Reason: "given by OT_PLATFORM_REQUIREMENTS"}
	}
	if m == nil {
		m = in.Probe.Inspect()
	}
	c := choose(in.Probe, in.Rules, in.Legacy, in.HasFile, func(path string) string {
		return m.AskSMI(path, in.Ask)
	})
	d := Decision{File: c.File, Reason: c.Reason, Machine: m}
	d.Warnings, d.Notes = diagnose(*m, c)
	return d
}
