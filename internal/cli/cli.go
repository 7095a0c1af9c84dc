// Package cli holds the launcher's commands: the four launch scripts and
// the binary's own commands, each a plain function of (context,
// invocation, args) that returns an error, listed once in the table
// Commands. Main runs one and turns what it returns into the exit status;
// Report is the one place that prints an error.
package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/internal/environ"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/host"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/internal/proc"
)

// Invocation is what a command is run with: the checkout it serves, the
// environment the launcher was started with, the system, its stdio, and
// how it replaces itself with the final process. The binary and the
// in-process tests build one each; nothing else differs between them.
type Invocation struct {
	Dir string // the checkout, absolute
	// Linked is set when the binary was invoked through a link named after
	// the applet (./start-ui.sh): then every argument is the script's, even
	// -h and --help, as with the checkout's own script.
	Linked bool
	Env    environ.List // the launcher's own environment
	// Cwd is the working directory the launcher was started in (Main
	// enters the checkout after), and Argv0 its argv[0] as invoked
	// (./start-ui.sh): a checkout's own script run as it is gets both, as
	// the unlinked checkout's script would.
	Cwd   string
	Argv0 string
	Host  host.Host
	Stdio proc.Stdio
	// Exec replaces the launcher with the final process, or runs it as
	// PID 1's child (proc.ExecOrInit). It returns the exit status when the
	// process ran as a child, or the error that kept it from starting.
	Exec func(dir, path string, argv, env []string) (int, error)
	// log keeps what the launcher says in an applet's run, for its launch
	// log (launchlog.go); nil for the launcher's own commands.
	log *launchLog
}

// printer is the invocation's printer, without debug lines; in an applet's
// run, what it prints is kept for the launch log too.
func (inv Invocation) printer() *out.Printer {
	if inv.log != nil {
		return &out.Printer{Stdout: io.MultiWriter(inv.Stdio.Out, &inv.log.lines), Stderr: io.MultiWriter(inv.Stdio.Err, &inv.log.lines)}
	}
	return &out.Printer{Stdout: inv.Stdio.Out, Stderr: inv.Stdio.Err}
}

// Func is a command. It returns nil on success, else an error that says
// what to print and which exit status to give (out.Error, proc.ExitError,
// UsageError), for Report.
type Func func(ctx context.Context, inv Invocation, args []string) error

// Main runs cmd for the checkout at dir (entered first, as the original
// scripts did first of all) with the process's own stdio and environment,
// and returns the exit status; cwd is the working directory it was
// started in, and linked says the binary was invoked through a link named
// after the applet (Invocation.Linked).
func Main(cmd Command, dir, cwd string, args []string, linked bool) int {
	inv := Invocation{
		Dir:    dir,
		Linked: linked,
		Env:    environ.List(os.Environ()),
		Cwd:    cwd,
		Argv0:  os.Args[0],
		Host:   host.Current(),
		Stdio:  proc.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr},
		Exec:   proc.ExecOrInit,
	}
	if !cmd.NoCheckout && !wantsHelp(cmd, inv, args) {
		if err := os.Chdir(dir); err != nil {
			return Report(inv.printer(), out.Errorf("cannot enter the checkout: %w", err))
		}
	}
	return Run(context.Background(), cmd, inv, args)
}

// Run runs cmd and returns its exit status, its error reported. A command
// asked for its help (wantsHelp) prints it instead.
func Run(ctx context.Context, cmd Command, inv Invocation, args []string) int {
	if wantsHelp(cmd, inv, args) {
		commandHelp(inv.Stdio.Out, cmd)
		return 0
	}
	if cmd.Applet() {
		inv.log = newLaunchLog(cmd, args)
	}
	code := Report(inv.printer(), cmd.Run(ctx, inv, args))
	inv.closeLaunchLog(ctx, code)
	return code
}

// selfPath is the running binary's absolute path, links resolved.
func selfPath() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(p)
}
