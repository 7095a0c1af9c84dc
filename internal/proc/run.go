// Package proc runs the launcher's external commands: each is announced
// with a "+" line, runs with the terminal's stdio, and its failure carries
// the status the original Bash scripts would have exited with.
package proc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/pathutil"
)

// Stdio is where a command's standard streams go.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
}

// Runner runs commands in Dir with environment Env and stdio Stdio. Echo,
// when set, announces each step before it runs (the "+ command" line); a
// question (Ask) is never announced. A Runner is a value: With gives one
// that runs elsewhere, and nothing a Runner runs changes it.
type Runner struct {
	Dir   string
	Env   []string
	Stdio Stdio
	Echo  func(argv []string)
}

// With returns r running commands in dir with env.
func (r Runner) With(dir string, env []string) Runner {
	r.Dir, r.Env = dir, env
	return r
}

// Ask runs c as a question rather than a step (git's HEAD, an
// interpreter's version): no "+" line, stdout returned. Its stderr is not
// shown; when it fails, the error holds the end of it, so that the
// question's own words say why.
func (r Runner) Ask(ctx context.Context, c Cmd) (string, error) {
	var stdout bytes.Buffer
	var stderr tailBuffer
	r.Echo = nil
	r.Stdio.Out, r.Stdio.Err = &stdout, &stderr
	err := r.run(ctx, c)
	var ee *ExitError
	if errors.As(err, &ee) {
		ee.Stderr = strings.TrimSpace(stderr.String())
	}
	return stdout.String(), err
}

// tailBuffer keeps the last bytes written to it: enough of a failed
// command's stderr to quote, bounded however much it prints.
type tailBuffer struct{ b []byte }

const tailMax = 4 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > tailMax {
		t.b = append(t.b[:0], t.b[len(t.b)-tailMax:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// Cmd is one external command. Argv is what the child receives and what the
// "+" line shows; Path is the program that runs, which may differ from
// Argv[0] (a venv's python runs by path but is called "python", as a shell
// that found it on PATH would call it). An empty Path means Argv[0].
type Cmd struct {
	Path string
	Argv []string
}

// ExitError is a command that failed. Code is the status a shell would
// report for it: its exit status, 128+N when signal N ended it (or when the
// launcher received N while the command ran), 127 when it could not be found,
// 126 when it could not be started.
type ExitError struct {
	Argv []string
	Code int
	Err  error
	// Stderr is the end of what a question (Ask) printed on stderr.
	Stderr string
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("%s failed (exit status %d)", out.QuoteArgs(e.Argv), e.Code)
	if e.Stderr != "" {
		return msg + ": " + e.Stderr
	}
	var xe *exec.ExitError
	if errors.As(e.Err, &xe) {
		return msg // "exit status N" again says nothing new
	}
	return msg + ": " + e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode is the status the command exited with (out.Error's Status
// takes it from a cause).
func (e *ExitError) ExitCode() int { return e.Code }

// Code returns the status an applet should exit with for err: the failed
// command's own (see ExitError) or 1.
func Code(err error) int {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

// forwarded are the signals passed on to a running child. SIGINT is not
// among them: a terminal's Ctrl+C already reaches every process in the
// foreground group, the child included, and a second copy would cut short
// its own clean-up. SIGTERM and SIGHUP usually come to the launcher alone
// (docker stop, a closed session), so they are passed on.
var forwarded = []os.Signal{syscall.SIGTERM, syscall.SIGHUP}

// caught are the signals the launcher outlives while a child runs, so that
// it can report the child's fate instead of dying first.
var caught = append([]os.Signal{os.Interrupt}, forwarded...)

// catchable is caught less the signals this process was started with
// ignored (nohup's SIGHUP, a background job's SIGINT): the child inherits
// them ignored, and a shell may not trap them either, so the launcher lets
// them pass as the original scripts did instead of reporting 128+N for a
// child that went on.
func catchable() []os.Signal {
	var c []os.Signal
	for i, s := range caught {
		if !ignoredAtStart[i] && !signal.Ignored(s) {
			c = append(c, s)
		}
	}
	return c
}

// ignoredAtStart says which of caught this process was started with
// ignored. It is read once, before anything is caught: signal.Ignored
// forgets a start-time ignore after the first Notify of that signal,
// though the signal goes back to ignored at its Stop. Never written after.
var ignoredAtStart = func() []bool {
	ig := make([]bool, len(caught))
	for i, s := range caught {
		ig[i] = signal.Ignored(s)
	}
	return ig
}()

// Run announces c and runs it with the runner's stdio.
func (r Runner) Run(ctx context.Context, c Cmd) error { return r.run(ctx, c) }

// Output announces c, runs it with stdout captured, and returns what it
// printed. Its stderr still goes to the runner's.
func (r Runner) Output(ctx context.Context, c Cmd) (string, error) {
	var b bytes.Buffer
	r.Stdio.Out = &b
	err := r.run(ctx, c)
	return b.String(), err
}

func (r Runner) run(ctx context.Context, c Cmd) error {
	if r.Echo != nil {
		r.Echo(c.Argv)
	}
	path := c.Path
	if path == "" {
		path = c.Argv[0]
	}
	// A bare name is looked up in the PATH the command is given, as a
	// shell running it with that environment would: exec.Command alone
	// would search the launcher's own.
	if r.Env != nil && !strings.Contains(path, "/") {
		found := pathutil.Look(path, r.Dir, environ.List(r.Env).Get("PATH"), "")
		if found == "" {
			return &ExitError{Argv: c.Argv, Code: 127, Err: &exec.Error{Name: path, Err: exec.ErrNotFound}}
		}
		path = found
	}
	cmd := exec.CommandContext(ctx, path, c.Argv[1:]...)
	cmd.Args = c.Argv
	cmd.Dir = r.Dir
	cmd.Env = r.Env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r.Stdio.In, r.Stdio.Out, r.Stdio.Err
	if err := cmd.Start(); err != nil {
		return &ExitError{Argv: c.Argv, Code: startStatus(err), Err: err}
	}

	sigs := make(chan os.Signal, 4)
	if catch := catchable(); len(catch) > 0 {
		signal.Notify(sigs, catch...)
		defer signal.Stop(sigs)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var got syscall.Signal
	for {
		select {
		case s := <-sigs:
			got = s.(syscall.Signal)
			for _, f := range forwarded {
				if s == f {
					_ = cmd.Process.Signal(s)
				}
			}
		case err := <-done:
			return exitError(c.Argv, err, got)
		}
	}
}

func exitError(argv []string, err error, got syscall.Signal) error {
	if err == nil {
		return nil
	}
	code := 1
	var xe *exec.ExitError
	if errors.As(err, &xe) {
		if ws, ok := xe.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		} else {
			code = xe.ExitCode()
		}
	}
	// A child that handles the signal itself (Python's KeyboardInterrupt)
	// exits with a status of its own; the launcher reports the signal it
	// was stopped by, as a shell would for itself.
	if got != 0 {
		code = 128 + int(got)
	}
	return &ExitError{Argv: argv, Code: code, Err: err}
}

// startStatus is the status a shell gives a command that could not be
// started: 127 when it is not found, 126 when it was found but could not
// be run (no permission, not an executable, an argument list too long).
func startStatus(err error) int {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return 127
	}
	return 126
}
