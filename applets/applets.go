// Package applets holds the launcher's commands: the four launch scripts
// and the binary's own commands, each a plain function of (context, args)
// that returns an error, listed once in the table Commands. Main runs one
// and turns what it returns into the exit status; Report is the one place
// that prints an error.
package applets

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/onetrainer-launcher/onetrainer-launcher/envspec"
	"github.com/onetrainer-launcher/onetrainer-launcher/out"
	"github.com/onetrainer-launcher/onetrainer-launcher/proc"
)

// Context is what a command runs with: the checkout it serves, the
// environment it was started with, its stdio, and how it replaces itself
// with the final process.
type Context struct {
	context.Context
	Dir    string          // the checkout, absolute
	Env    envspec.Environ // the launcher's own environment
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Exec replaces the launcher with the final Python process, or runs it
	// as PID 1's child (proc.ExecOrInit). It returns the exit status when
	// the process ran as a child, or the error that kept it from starting.
	Exec func(dir, path string, argv, env []string) (int, error)
}

// Func is a command. It returns nil on success, else an error that says
// what to print and which exit status to give (out.Error, proc.ExitError,
// UsageError), for Report.
type Func func(c *Context, args []string) error

// Main runs cmd for the checkout at dir (entered first, as the original
// scripts did first of all) with the process's own stdio and environment,
// and returns the exit status.
func Main(cmd Command, dir string, args []string) int {
	p := &out.Printer{Stdout: os.Stdout, Stderr: os.Stderr}
	if !cmd.NoCheckout {
		if err := os.Chdir(dir); err != nil {
			return Report(p, out.Errorf("cannot enter the checkout: %v", err))
		}
	}
	c := &Context{
		Context: context.Background(),
		Dir:     dir,
		Env:     envspec.Environ(os.Environ()),
		Stdin:   os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Exec: proc.ExecOrInit,
	}
	return Run(cmd, c, args)
}

// Run runs cmd in c and returns its exit status, its error reported.
func Run(cmd Command, c *Context, args []string) int {
	return Report(&out.Printer{Stdout: c.Stdout, Stderr: c.Stderr}, cmd.Run(c, args))
}

// selfPath is the running binary's absolute path, links resolved.
func selfPath() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(p)
}
