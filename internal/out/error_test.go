package out

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// exitStatus is a cause with an exit status, as proc.ExitError is.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
func (e exitStatus) ExitCode() int { return int(e) }

// Every %w of Errorf stays a cause for errors.Is and errors.As, and a
// failed command among them keeps its status.
func TestErrorfKeepsEveryCause(t *testing.T) {
	first, second := errors.New("first"), fs.ErrPermission
	e := Errorf("%w, and then %w", first, second)
	if !errors.Is(e, first) || !errors.Is(e, second) {
		t.Errorf("causes lost: %#v", e)
	}
	if e.Error() != "first, and then permission denied" || e.Status() != 1 {
		t.Errorf("%q, status %d", e.Error(), e.Status())
	}
	one := Errorf("pulling: %w", exitStatus(3))
	if !errors.Is(one, exitStatus(3)) || one.Status() != 3 {
		t.Errorf("one cause: status %d, %v", one.Status(), one.Err)
	}
	two := Errorf("%w while %w", first, exitStatus(130))
	var ec interface{ ExitCode() int }
	if !errors.As(two, &ec) || two.Status() != 130 {
		t.Errorf("a failed command among two causes: status %d", two.Status())
	}
	if got := Errorf("pulling: %w", exitStatus(3)).WithCode(2).Status(); got != 2 {
		t.Errorf("a Code given wins: %d", got)
	}
	if got := Errorf("no cause").Status(); got != 1 {
		t.Errorf("no cause: %d", got)
	}
	// An Error wrapped in another keeps its status and its hints.
	inner := Quiet(4, "do this")
	outer := Errorf("running the script: %w", inner).WithHints("or that")
	if outer.Status() != 4 || len(outer.Hints) != 2 || outer.Hints[0] != "do this" || outer.Hints[1] != "or that" {
		t.Errorf("a wrapped Error: status %d, hints %q", outer.Status(), outer.Hints)
	}
	if got := Errorf("%w and %w", first, Errorf("pulling: %w", exitStatus(5))); got.Status() != 5 {
		t.Errorf("an Error wrapping a failed command, itself wrapped: status %d", got.Status())
	}
	if got := Errorf("%w, then %w", Errorf("no status of its own"), exitStatus(5)); got.Status() != 5 {
		t.Errorf("an Error without a status of its own before a failed command: status %d", got.Status())
	}
	if got := Errorf("%w", fmt.Errorf("in words: %w", Quiet(6))); got.Status() != 6 {
		t.Errorf("an Error's status under fmt's wrapping: %d", got.Status())
	}
}
