package out

import (
	"errors"
	"fmt"
)

// Error is how the launcher stops with something to say: the message, what
// the user can do about it, and the exit status. Packages return it; one
// place (cli.Report) prints it, so that nothing is printed twice and
// nothing is printed and then returned as "already said".
type Error struct {
	// Msg is printed as "[OneTrainer] Error: Msg". It is empty when the
	// failure has spoken for itself (the version check printed why).
	Msg string
	// Hints follow it: what to do about it, each a line of its own after
	// the message, on stderr with it.
	Hints []string
	// Code is the exit status; 0 means a cause's own (a failed command's,
	// see Status), else 1.
	Code int
	// Err is the cause, for errors.Is and errors.As: with several, an
	// error whose Unwrap gives them all.
	Err error
}

// Errorf makes an Error whose message is formatted as by fmt.Errorf; each
// %w verb makes its operand a cause, every one of them kept. A cause that
// is an Error itself keeps what it says beyond its message: its hints
// follow the new message, and its exit status stays (Status).
func Errorf(format string, a ...any) *Error {
	err := fmt.Errorf(format, a...)
	e := &Error{Msg: err.Error(), Err: errors.Unwrap(err)}
	causes := []error{e.Err}
	if several, ok := err.(interface{ Unwrap() []error }); ok {
		e.Err = err // fmt's, whose Unwrap gives every cause
		causes = several.Unwrap()
	}
	for _, c := range causes {
		if ce, ok := c.(*Error); ok {
			e.Hints = append(e.Hints, ce.Hints...)
		}
	}
	return e
}

// exitCoder is a cause that carries an exit status of its own: a command
// that failed (proc.ExitError).
type exitCoder interface{ ExitCode() int }

// Quiet is an Error with no message of its own: what failed already said
// why. Hints may still follow.
func Quiet(code int, hints ...string) *Error { return &Error{Code: code, Hints: hints} }

// WithHints returns e with hints appended.
func (e *Error) WithHints(hints ...string) *Error {
	e.Hints = append(e.Hints, hints...)
	return e
}

// WithCode returns e with exit status code.
func (e *Error) WithCode(code int) *Error {
	e.Code = code
	return e
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("exit status %d", e.Status())
}

func (e *Error) Unwrap() error { return e.Err }

// Status is the exit status e asks for: its Code, else the first status a
// cause carries of its own (a failed command's, or a wrapped Error's
// Code), so that wrapping a failed step in words does not turn the step's
// status into 1; else 1.
func (e *Error) Status() int {
	if e.Code != 0 {
		return e.Code
	}
	if c := causeStatus(e.Err); c > 0 {
		return c
	}
	return 1
}

// causeStatus is the first exit status err or a cause of it carries of its
// own, depth first in the order of the causes; 0 for none. An Error with
// no Code of its own has none but its causes': it does not stand for 1
// ahead of a later cause that failed with 5.
func causeStatus(err error) int {
	switch x := err.(type) {
	case nil:
		return 0
	case *Error:
		if x.Code != 0 {
			return x.Code
		}
		return causeStatus(x.Err)
	case exitCoder:
		if c := x.ExitCode(); c > 0 {
			return c
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, c := range u.Unwrap() {
			if s := causeStatus(c); s > 0 {
				return s
			}
		}
	case interface{ Unwrap() error }:
		return causeStatus(u.Unwrap())
	}
	return 0
}
