package doctor

import (
	"slices"
	"testing"
)

// Every check adds a finding; problems are what the exit status and
// "problems" are made of, warnings stop nothing, and one cause met twice in
// a section is said once.
func TestFindings(t *testing.T) {
	var r Report
	r.Warn(SectionRequirements, "the nvidia kernel driver is bound, but /dev/nvidia0 is missing", "")
	if r.HasProblems() || len(r.Problems) != 0 {
		t.Fatalf("a warning made a problem: %+v", r)
	}
	r.Problem(SectionEnvironment, "the environment's install did not complete", "run /co/install.sh, which completes it")
	r.Problem(SectionEnvironment, "the environment's install did not complete", "run it again")
	r.Problem(SectionUI, "  ", "nothing to say is no finding")
	if !r.HasProblems() {
		t.Fatal("a problem was not one")
	}
	want := []string{"the environment's install did not complete: run /co/install.sh, which completes it"}
	if !slices.Equal(r.Problems, want) {
		t.Errorf("problems %q, want %q", r.Problems, want)
	}
	if len(r.Findings) != 2 || r.Findings[1].Section != SectionEnvironment || r.Findings[1].Severity != SeverityProblem {
		t.Errorf("findings %+v", r.Findings)
	}
	if got := (Finding{Message: "m"}).Text(); got != "m" {
		t.Errorf("a finding without a way forward reads %q", got)
	}
}
