package doctor

import "strings"

// Severity is what a finding means for the next launch: a problem makes
// doctor exit 1; a warning is worth knowing and stops nothing. docs/doctor.md
// says which severity each check takes and why.
type Severity string

// The severities of a finding.
const (
	// SeverityProblem: the next launch stops, or does something other than
	// what the checkout's own scripts and the user's settings ask for, or
	// what it makes will not work (an install that failed or was cut
	// short, a UI that cannot open, a torch that cannot use the GPU).
	SeverityProblem Severity = "problem"
	// SeverityWarning: the launch goes as the checkout's own scripts would
	// take it, but it may not be what the user expects (a GPU without a
	// driver gets the CPU build, a setting the checkout does not know).
	SeverityWarning Severity = "warning"
)

// The sections a finding belongs to: the part of the report it is about,
// named as the JSON field of that part where there is one.
const (
	SectionCheckout     = "checkout"
	SectionSettings     = "settings"
	SectionUpstream     = "upstream"
	SectionLaunch       = "launch" // the launch as decided, and the launch log
	SectionEnvironment  = "environment"
	SectionGPU          = "gpu"
	SectionRequirements = "requirements"
	SectionUI           = "ui"
	SectionTorch        = "torch"
	SectionMachine      = "machine" // the host: display, architecture, disk, modules
)

// Finding is one thing a check found: how much it weighs, which part of the
// report it is about, what it is (the cause and its evidence), and the way
// forward — what to run, as a command that pastes, with the few words that
// say when; "" when there is nothing to run.
type Finding struct {
	Severity Severity `json:"severity"`
	Section  string   `json:"section"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
}

// Text is the finding in one line: its message, and its way forward after
// a colon. It is what "problems" holds and what the text report prints.
func (f Finding) Text() string {
	if f.Fix == "" {
		return f.Message
	}
	return f.Message + ": " + f.Fix
}

// Problem adds a finding that makes doctor exit 1: message is the cause and
// its evidence, fix the way forward ("" for none).
func (r *Report) Problem(section, message, fix string) {
	r.add(Finding{Severity: SeverityProblem, Section: section, Message: message, Fix: fix})
}

// Warn adds a finding that stops nothing.
func (r *Report) Warn(section, message, fix string) {
	r.add(Finding{Severity: SeverityWarning, Section: section, Message: message, Fix: fix})
}

func (r *Report) add(f Finding) {
	f.Message, f.Fix = strings.TrimSpace(f.Message), strings.TrimSpace(f.Fix)
	if f.Message == "" {
		return
	}
	for _, g := range r.Findings { // one cause met by two checks is one finding
		if g.Message == f.Message && g.Section == f.Section {
			return
		}
	}
	r.Findings = append(r.Findings, f)
	if f.Severity == SeverityProblem {
		r.Problems = append(r.Problems, f.Text())
	}
}

// HasProblems reports whether any finding is a problem: doctor's exit
// status is 1 then.
func (r *Report) HasProblems() bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityProblem {
			return true
		}
	}
	return false
}
