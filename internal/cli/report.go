package cli

import (
	"errors"
	"fmt"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// UsageError is a command line the launcher cannot take: it is printed
// with the usage (the command's own, or the short usage of them all), and
// the exit status is 2.
type UsageError struct {
	Msg string
	// Command is the command whose arguments were wrong: its own usage is
	// shown instead of the short usage of them all. "" for none.
	Command string
}

func (e *UsageError) Error() string { return e.Msg }

func usageErrorf(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

// argsErrorf is a usage error in the arguments of the command named cmd.
func argsErrorf(cmd, format string, a ...any) error {
	return &UsageError{Msg: cmd + ": " + fmt.Sprintf(format, a...), Command: cmd}
}

// Report prints err as the launcher reports every failure, and returns the
// exit status to end with. It is the one place that prints an error:
//   - an out.Error: its message as "[OneTrainer] Error: ...", then its
//     hints as "[OneTrainer] ..." lines, all on stderr, and its status;
//   - a failed command (proc.ExitError): nothing of its own, since the
//     command spoke for itself, and the command's status, as the
//     originals' set -e gave it — except when it could not be started at
//     all (126, 127), which is said;
//   - several errors (bad settings): each, status 1;
//   - a UsageError: the message and the usage, status 2;
//   - anything else: its text, status 1.
func Report(p *out.Printer, err error) int {
	if err == nil {
		return 0
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		code := 0
		for _, e := range j.Unwrap() {
			if c := Report(p, e); c > code {
				code = c
			}
		}
		return code
	}
	switch e := err.(type) {
	case *UsageError:
		fmt.Fprintf(p.Stderr, "%s: %s\n", ownName, e.Msg)
		if c, ok := Lookup(e.Command); ok {
			fmt.Fprintf(p.Stderr, "Usage: %s\nRun '%s help %s' for more.\n", c.usage(), ownName, c.Name)
		} else {
			shortUsage(p.Stderr)
		}
		return 2
	case *out.Error:
		if e.Msg != "" {
			p.Error("%s", e.Msg)
		}
		for _, h := range e.Hints {
			p.Hint(h)
		}
		return e.Status()
	}
	var ee *proc.ExitError
	if errors.As(err, &ee) {
		if ee.Code == 126 || ee.Code == 127 {
			p.Error("%v", err)
		}
		return ee.Code
	}
	p.Error("%v", err)
	return 1
}
